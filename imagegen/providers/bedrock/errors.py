"""Map botocore errors from bedrock-runtime to imagegen errors that name the fix."""

from __future__ import annotations

from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    InvalidEndpointConfigurationError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
)

from imagegen.catalog import bedrock as catalog_bedrock
from imagegen.errors import (
    ContentPolicyError,
    GenerationTimeoutError,
    ImageGenerationError,
    InvalidOptionsError,
    MissingCredentialsError,
    ProviderError,
    RateLimitError,
)

P = "bedrock"
CREDENTIALS_HINT = ("Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary "
                    "credentials), or AWS_PROFILE, or a Bedrock API key in AWS_BEARER_TOKEN_BEDROCK, or "
                    "aws_access_key_id / aws_secret_access_key under [bedrock] in "
                    ".streamlit/secrets.toml")
AUTH_CODES = {"UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException",
              "MissingAuthenticationTokenException", "IncompleteSignatureException"}
POLICY_WORDS = ("content filter", "blocked by our content", "moderat", "responsible ai")


def translate(exc: Exception, *, model: str, region: str, endpoint: str) -> ImageGenerationError:
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return MissingCredentialsError(f"No AWS credentials found for Amazon Bedrock. {CREDENTIALS_HINT}.",
                                       provider=P, variables=["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
    if isinstance(exc, (ReadTimeoutError, ConnectTimeoutError)):
        return GenerationTimeoutError(f"Amazon Bedrock did not answer in time for {model}; try again.", provider=P)
    if isinstance(exc, EndpointConnectionError):
        return ProviderError(f"Could not reach Amazon Bedrock at {endpoint}. Check the network, the region "
                             f"({region}) and AWS_ENDPOINT_URL_BEDROCK_RUNTIME.", provider=P, retryable=True)
    if isinstance(exc, InvalidEndpointConfigurationError) and "Bearer" in str(exc):
        return ProviderError(f"A Bedrock API key (AWS_BEARER_TOKEN_BEDROCK) is sent only over HTTPS, and the "
                             f"endpoint is {endpoint}: use an https:// AWS_ENDPOINT_URL_BEDROCK_RUNTIME, or unset the "
                             f"API key to sign with AWS credentials instead.", provider=P)
    if not isinstance(exc, ClientError):
        return ProviderError(f"Amazon Bedrock failed: {exc}", provider=P)
    error = exc.response.get("Error", {})
    code = error.get("Code", "")
    message = error.get("Message", "") or ""
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return client_error(code, message, status, model=model, region=region)


def client_error(code: str, message: str, status: int | None, *, model: str, region: str) -> ImageGenerationError:
    if code == "ValidationException":
        if any(word in message.lower() for word in POLICY_WORDS):
            return ContentPolicyError(f"Amazon Bedrock ({model}) blocked the request: {message} Rephrase the "
                                      f"prompt.", provider=P)
        return InvalidOptionsError(f"Amazon Bedrock ({model}) rejected the request: {message} Check the options "
                                   f"against the model's allowed values.")
    if code in ("ThrottlingException", "ModelNotReadyException", "ServiceQuotaExceededException"):
        what = "the model is not ready yet" if code == "ModelNotReadyException" else "requests are throttled"
        return RateLimitError(f"Amazon Bedrock ({model}): {what} ({code}) and the retries ran out. Wait and try "
                              f"again, or ask for a higher quota in region {region}.", provider=P)
    if code == "AccessDeniedException":
        return ProviderError(f"Amazon Bedrock denied access to {model} in region {region}: enable access to this "
                             f"model in the Bedrock console (Model access) for {region}, and check the IAM "
                             f"policy allows bedrock:InvokeModel.", provider=P, status=status, code=code)
    if code in AUTH_CODES:
        return ProviderError(f"AWS rejected the credentials ({code}). {CREDENTIALS_HINT}.", provider=P,
                             status=status, code=code)
    if code == "ResourceNotFoundException" and "end of its life" in message:
        found = catalog_bedrock.BEDROCK.model(model)
        instead = f" Use {found.successor} instead." if found is not None and found.successor else ""
        return ProviderError(f"Amazon Bedrock says {model} has reached the end of its life (retired).{instead}",
                             provider=P, status=status, code=code)
    if code == "ResourceNotFoundException":
        return ProviderError(f"Amazon Bedrock has no model {model} in region {region}: check the model id and "
                             f"the region.", provider=P, status=status, code=code)
    if code == "ModelTimeoutException":
        return GenerationTimeoutError(f"Amazon Bedrock ({model}) timed out generating the image; try again.",
                                      provider=P)
    retryable = code in ("ModelErrorException", "InternalServerException", "ServiceUnavailableException") or (
        status is not None and status >= 500)
    return ProviderError(f"Amazon Bedrock ({model}) failed with {code or 'an error'} (HTTP {status}): {message}"
                         + (" Try again in a moment." if retryable else ""), provider=P, status=status, code=code,
                         retryable=retryable)
