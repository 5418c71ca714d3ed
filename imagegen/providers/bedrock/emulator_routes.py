"""Amazon Bedrock Runtime `InvokeModel` for the image models (providers.md, "Amazon Bedrock Runtime").

Route: `POST /model/{modelId}/invoke`, as botocore sends it: the `:` of an id arrives percent-encoded
(`/model/amazon.nova-canvas-v1%3A0/invoke`) and is decoded here; a foundation-model ARN
(`arn:aws:bedrock:<region>::foundation-model/<id>`) names its id. Point boto3 here with
`endpoint_url=emu.bedrock_endpoint_url` or `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`, with any credentials.

Authentication: `Authorization: AWS4-HMAC-SHA256 Credential=<AKID>/<date>/<region>/bedrock/aws4_request,
SignedHeaders=..., Signature=...` is required but the signature is not verified. Also accepted:
`Authorization: Bearer <Bedrock API key>` (what botocore sends when AWS_BEARER_TOKEN_BEDROCK is set).
An access key id or API key containing "invalid" (any case) is refused. Models listed in
`emu.bedrock_denied_models` answer AccessDeniedException, as a model without granted access does.

Errors: status, `x-amzn-ErrorType: <Name>:http://internal.amazon.com/coral/<namespace>/` and
`{"message": ...}`; botocore reports the bare name as `e.response["Error"]["Code"]`.

Retired models (`emulator_rules.RETIRED`) answer 404 ResourceNotFoundException "This model version has reached the
end of its life..." as Bedrock does, when `emu.bedrock_end_of_life` is true (off unless set, so old examples and
tests keep running against the emulator; `retired_models_end_of_life(emu)` turns it on).

Check order: auth, model id (ValidationException), retired model (when on), model access (AccessDeniedException),
latency, rate_limit (ThrottlingException), model_not_ready (ModelNotReadyException), server_error
(InternalServerException), JSON body and `emulator_rules`, content_policy, model_error, output_filter,
success. So an invalid request never consumes a safety or model fault. Throttles carry no Retry-After
(Bedrock sends none; botocore backs off on its own): a fault's `retry_after` is not used here.

Fault answers per family (see `FAULT_KINDS`):
- content_policy: SDXL, Titan, Nova 400 ValidationException; SD3 family 200 with
  `finish_reasons: ["Filter reason: prompt"]` and no image.
- output_filter: SDXL 200 `finishReason: "CONTENT_FILTERED"` with a blurred image; SD3 family 200
  `finish_reasons: ["Filter reason: output image"]` with a blurred image; Titan/Nova 400 ValidationException.
- model_error: SDXL 200 `finishReason: "ERROR"` with an empty `base64`; the others 424 ModelErrorException.
"""

from __future__ import annotations

import base64
import re
import uuid
from typing import Any
from urllib.parse import unquote

from imagegen.emulator import images
from imagegen.emulator.wire import Request, Response, json_response, route
from imagegen.providers.bedrock.emulator_rules import (
    RETIRED,
    BedrockParams,
    BedrockValidationError,
    family_of,
    validate,
)

PROVIDERS = ("bedrock",)
FAULT_KINDS = {"bedrock": ("latency", "rate_limit", "model_not_ready", "server_error", "content_policy",
                           "output_filter", "model_error")}
LABEL = "Amazon Bedrock"
BEDROCK_NAMESPACE = "http://internal.amazon.com/coral/com.amazon.bedrock/"
CORAL_NAMESPACE = "http://internal.amazon.com/coral/com.amazon.coral.service/"  # the auth layer's errors
STATUS = {"ValidationException": 400, "ServiceQuotaExceededException": 400, "AccessDeniedException": 403,
          "ResourceNotFoundException": 404, "ModelTimeoutException": 408, "ModelErrorException": 424,
          "ThrottlingException": 429, "ModelNotReadyException": 429, "InternalServerException": 500,
          "ServiceUnavailableException": 503, "MissingAuthenticationTokenException": 403,
          "UnrecognizedClientException": 403, "IncompleteSignatureException": 403,
          "InvalidSignatureException": 403, "UnknownOperationException": 404}
AUTH_ERRORS = ("MissingAuthenticationTokenException", "UnrecognizedClientException", "IncompleteSignatureException",
               "InvalidSignatureException", "UnknownOperationException")
SIGV4 = re.compile(r"AWS4-HMAC-SHA256\s+Credential=(?P<akid>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/,\s]+)/"
                   r"(?P<service>[^/,\s]+)/aws4_request,\s*SignedHeaders=(?P<signed>[^,\s]+),\s*"
                   r"Signature=(?P<signature>[0-9a-fA-F]+)")
ARN = re.compile(r"arn:aws[a-z-]*:bedrock:[a-z0-9-]*::foundation-model/(?P<id>.+)")

MISSING_TOKEN = "Missing Authentication Token"
BAD_TOKEN = "The security token included in the request is invalid."
INCOMPLETE_SIGNATURE = ("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters "
                        "(AWS4-HMAC-SHA256).")
WRONG_SERVICE = "Credential should be scoped to correct service: 'bedrock'. "
BAD_MODEL = "The provided model identifier is invalid."
END_OF_LIFE = ("This model version has reached the end of its life. Please refer to the AWS documentation for more "
               "details.")
DENIED = "You don't have access to the model with the specified model ID."
BAD_JSON = "Malformed input request, please reformat your input and try again."
THROTTLED = "Too many requests, please wait before trying again."
NOT_READY = "Model is not ready for inference. Wait and try your request again. Refer to the documentation."
SERVER_ERROR = "The system encountered an unexpected error during processing. Try your request again."
MODEL_ERROR = "The model encountered an error while processing the request. Try your request again."
SDXL_BLOCKED = ("Your prompt was blocked by content filters: one or more prompts contains filtered words. "
                "Adjust your prompt and try again.")
BLOCKED = "This request has been blocked by our content filters."
OUTPUT_BLOCKED = ("This request has been blocked by our content filters. Our filters automatically flagged the "
                  "generated image as potentially unsafe. Adjust your prompt and try again.")


URLS = {"bedrock_endpoint_url": lambda url: url}  # Emulator attributes


def init_state(emu: Any) -> None:
    emu.bedrock_denied_models = set()  # model ids answered with AccessDeniedException


def reset_state(emu: Any) -> None:
    emu.bedrock_denied_models.clear()


def env_vars(url: str) -> dict[str, str]:
    """What a shell exports to point boto3's `bedrock-runtime` client here (dummy credentials included).
    botocore reads the region from AWS_DEFAULT_REGION (other AWS SDKs and tools from AWS_REGION): both."""
    return {"AWS_ENDPOINT_URL_BEDROCK_RUNTIME": url, "AWS_ACCESS_KEY_ID": "AKIAEMULATOR00000000",
            "AWS_SECRET_ACCESS_KEY": "emulator-secret-access-key", "AWS_REGION": "us-west-2",
            "AWS_DEFAULT_REGION": "us-west-2"}  # where the current Stability models are served


def retired_models_end_of_life(emu: Any, on: bool = True) -> None:
    """Make retired models answer 404 ResourceNotFoundException (end of life), as on Bedrock today."""
    emu.bedrock_end_of_life = on


def bedrock_error(name: str, message: str) -> Response:
    namespace = CORAL_NAMESPACE if name in AUTH_ERRORS else BEDROCK_NAMESPACE
    return json_response(STATUS[name], {"message": message}, {"x-amzn-ErrorType": f"{name}:{namespace}",
                                                              "x-amzn-RequestId": str(uuid.uuid4())})


def auth_error(req: Request) -> Response | None:
    header = req.header("authorization").strip()
    if not header:
        return bedrock_error("MissingAuthenticationTokenException", MISSING_TOKEN)
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        key = token.strip()
    else:
        signed = SIGV4.fullmatch(header)
        if signed is None:
            return bedrock_error("IncompleteSignatureException", INCOMPLETE_SIGNATURE)
        if signed["service"] != "bedrock":
            return bedrock_error("InvalidSignatureException", WRONG_SERVICE)
        key = signed["akid"]
    if "invalid" in key.lower():
        return bedrock_error("UnrecognizedClientException", BAD_TOKEN)
    return None


def model_id_of(raw: str) -> str:
    model = unquote(raw)
    arn = ARN.fullmatch(model)
    return arn["id"] if arn else model


def invoke(emu: Any, req: Request, match: re.Match[str]) -> Response:
    if (failure := auth_error(req)) is not None:
        return failure
    model = model_id_of(match["model"])
    family = family_of(model)
    if family is None:
        return bedrock_error("ValidationException", BAD_MODEL)
    if model in RETIRED and getattr(emu, "bedrock_end_of_life", False):
        return bedrock_error("ResourceNotFoundException", END_OF_LIFE)
    if model in emu.bedrock_denied_models:
        return bedrock_error("AccessDeniedException", DENIED)
    req.hold(emu.faults.delay("bedrock"))
    for kind, name, message in (("rate_limit", "ThrottlingException", THROTTLED),
                                ("model_not_ready", "ModelNotReadyException", NOT_READY),
                                ("server_error", "InternalServerException", SERVER_ERROR)):
        if emu.faults.take("bedrock", kind) is not None:
            return bedrock_error(name, message)
    if req.json_error or not req.body.strip():
        return bedrock_error("ValidationException", BAD_JSON)
    try:
        params = validate(req.json, model)
    except BedrockValidationError as failure:
        return bedrock_error("ValidationException", failure.message)
    if emu.faults.take("bedrock", "content_policy") is not None:
        return blocked_prompt(params)
    if emu.faults.take("bedrock", "model_error") is not None:
        return model_error(params)
    filtered = emu.faults.take("bedrock", "output_filter") is not None
    if filtered and family in ("titan", "nova"):
        return bedrock_error("ValidationException", OUTPUT_BLOCKED)
    return success(params, filtered)


# ---- answers -----------------------------------------------------------------------------------------

def json_ok(payload: dict[str, Any]) -> Response:
    return json_response(200, payload, {"x-amzn-RequestId": str(uuid.uuid4())})


def effective_seed(params: BedrockParams) -> int:
    """The seed a Stability model reports: the one sent, or (0 / absent) a deterministic "random" one."""
    return params.seed if params.seed else images.seed_for(params.prompt)


def picture(params: BedrockParams, index: int, seed: int, blurred: bool = False) -> str:
    """One labelled image as base64; the pixels depend on the prompt and the seed (and the item's index)."""
    text = images.caption(LABEL, params.model) + (" · content filtered" if blurred else "")
    data = images.make_image(params.prompt, width=params.width, height=params.height, text=text,
                             fmt=params.output_format, index=seed + index, blurred=blurred)
    return base64.b64encode(data).decode()


def success(params: BedrockParams, filtered: bool) -> Response:
    if params.family == "sdxl":
        seed = effective_seed(params)
        reason = "CONTENT_FILTERED" if filtered else "SUCCESS"
        artifacts = [{"seed": seed + index, "base64": picture(params, index, seed, filtered), "finishReason": reason}
                     for index in range(params.count)]
        return json_ok({"result": "success", "artifacts": artifacts})
    if params.family == "sd3":
        seed = effective_seed(params)
        return json_ok({"seeds": [seed], "finish_reasons": ["Filter reason: output image" if filtered else None],
                        "images": [picture(params, 0, seed, filtered)]})
    seed = params.seed or 0
    return json_ok({"images": [picture(params, index, seed) for index in range(params.count)], "error": None})


def blocked_prompt(params: BedrockParams) -> Response:
    if params.family == "sd3":
        return json_ok({"seeds": [effective_seed(params)], "finish_reasons": ["Filter reason: prompt"],
                        "images": []})
    return bedrock_error("ValidationException", SDXL_BLOCKED if params.family == "sdxl" else BLOCKED)


def model_error(params: BedrockParams) -> Response:
    if params.family == "sdxl":
        seed = effective_seed(params)
        return json_ok({"result": "success", "artifacts": [{"seed": seed + index, "base64": "",
                                                            "finishReason": "ERROR"}
                                                           for index in range(params.count)]})
    return bedrock_error("ModelErrorException", MODEL_ERROR)


def not_found(req: Request) -> Response | None:
    """Bedrock Runtime's answer to an operation it does not have (any path under /model/)."""
    if req.path.startswith("/model/"):
        return bedrock_error("UnknownOperationException", f"Unknown operation: {req.method} {req.path}")
    return None


ROUTES = [route("POST", r"/model/(?P<model>[^/]+)/invoke", "bedrock", invoke)]
