"""Amazon Bedrock through boto3, one model driver per model family."""

from __future__ import annotations

import functools
import inspect

from imagegen import credentials
from imagegen.errors import InvalidOptionsError
from imagegen.providers.base import EMULATED_KEY, CredentialStatus, ProviderPackage, renamed
from imagegen.providers.bedrock import emulator_routes
from imagegen.providers.bedrock.catalog import BEDROCK, STABILITY_REGION
from imagegen.providers.bedrock.pricing import bedrock as estimate
from imagegen.settings import get_settings

RENAMES = {"width": "image_width", "height": "image_height"}
MAIN = ("width", "height", "seed")  # the rest belong to the model driver


@functools.cache
def emulated_bedrock_session():
    """One session with the emulator's made-up credentials, so every emulated Bedrock slot shares one client per
    region. No region is set: the driver picks the model's own (us-west-2 for Stability), as with real credentials."""
    import boto3

    return boto3.Session(aws_access_key_id="AKIAEMULATED00000000", aws_secret_access_key=EMULATED_KEY)


def build_driver(spec, emulator_url: str | None = None):
    from imagegen.drivers.bedrock import model_driver_for
    from imagegen.providers.bedrock.driver import AmazonBedrockImageGenerationDriver

    model_driver_cls = model_driver_for(spec.model)
    if model_driver_cls is None:
        raise InvalidOptionsError(f"Amazon Bedrock model {spec.model!r} is not an image model imagegen knows how to "
                                  f"call; pick one from the list.", field="model")
    options = spec.set_options()
    kwargs = renamed({k: options.pop(k) for k in MAIN if k in options}, RENAMES)
    if emulator_url:
        kwargs.update(endpoint_url=emulator_url, session=emulated_bedrock_session())
    accepted = inspect.signature(model_driver_cls).parameters
    for name in options:
        if name not in accepted:
            names = ", ".join((*MAIN, *accepted))
            raise InvalidOptionsError(f"Amazon Bedrock {spec.model} ({model_driver_cls.label}) does not accept option "
                                      f"'{name}'; it accepts: {names}. Remove '{name}'.", field=name, allowed=names)
    model_driver = model_driver_cls(**options)
    return AmazonBedrockImageGenerationDriver(model=spec.model, image_generation_model_driver=model_driver, **kwargs)


def bedrock_status() -> CredentialStatus:
    import boto3

    key, source = credentials.lookup(BEDROCK.credentials[0])
    if source == "secrets file":
        return CredentialStatus(True, source, "")
    if get_settings().env("AWS_BEARER_TOKEN_BEDROCK"):  # a Bedrock API key: botocore sends it as Bearer
        return CredentialStatus(True, "Bedrock API key (AWS_BEARER_TOKEN_BEDROCK)", "")
    if key or get_settings().env("AWS_PROFILE") or boto3.Session().get_credentials() is not None:
        return CredentialStatus(True, "AWS credential chain", "")
    return CredentialStatus(False, None, "No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or "
                                         "AWS_PROFILE), or a Bedrock API key in AWS_BEARER_TOKEN_BEDROCK, or "
                                         "aws_access_key_id / aws_secret_access_key under "
                                         f"[bedrock] in {credentials.secrets_path()}.")


def bedrock_endpoint() -> str:
    """Where Bedrock calls go, naming the region: the configured one, else each model's own (Stability: us-west-2)."""
    config = get_settings().bedrock
    custom, region = config.endpoint_url, config.region
    if region:
        where = f"bedrock-runtime.{region}.amazonaws.com ({region})"
    else:
        where = (f"bedrock-runtime.{STABILITY_REGION}.amazonaws.com ({STABILITY_REGION}, where the Stability models "
                 f"are served; no AWS_REGION set, other models: us-east-1)")
    return custom or where


PACKAGE = ProviderPackage(BEDROCK, build_driver, estimate, credential_status=bedrock_status,
                          sdks=("boto3", "botocore"), endpoint=bedrock_endpoint, emulator=(emulator_routes,),
                          first_page=True)
