"""Amazon Bedrock Runtime through `boto3`: this driver sends, the model driver builds and parses."""

from __future__ import annotations

import json
import os
import secrets
import threading
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from imagegen import catalog, credentials, logsafe
from imagegen.drivers import client_cache
from imagegen.drivers.base import BaseImageGenerationDriver, Request, Result
from imagegen.drivers.bedrock import BedrockImageGenerationModelDriver, model_driver_for
from imagegen.errors import InvalidOptionsError, ProviderError
from imagegen.providers.bedrock.catalog import home_region, region_warning
from imagegen.providers.bedrock.errors import translate
from imagegen.settings import get_settings, reveal

EMULATOR_HEADER = "x-imagegen-emulated"
DEFAULT_REGION = "us-east-1"
CLIENT_ENV = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION",
              "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_CONFIG_FILE",
              "AWS_SHARED_CREDENTIALS_FILE", "AWS_BEARER_TOKEN_BEDROCK", "AWS_CA_BUNDLE")
# ^ what botocore (or make_session) reads when making a client. AWS_BEARER_TOKEN_BEDROCK is a Bedrock API key:
# botocore 1.44 sends it as `Authorization: Bearer` instead of signing (HTTPS endpoints only).
# One client serves every driver configured alike (client_cache), so its pool must hold a connection for every
# concurrent slot of the process, across runs and sessions; botocore's default of 10 logs "Connection pool is
# full" past 10 slots. urllib3 opens connections only as needed: the size only caps those kept for reuse.
MAX_POOL_CONNECTIONS = 64


class AmazonBedrockImageGenerationDriver(BaseImageGenerationDriver):
    """Region: the configured one (AWS_REGION, AWS_DEFAULT_REGION, [bedrock] region, the AWS profile); when none
    is, a model served in one region only (the Stability models: us-west-2) is called there, others in us-east-1.

    Retries: botocore's standard mode (throttling, ModelNotReady, 5xx) with `max_attempts` in all;
    the worst case is bounded by max_attempts x (connect_timeout + read_timeout) plus backoff.
    `max_pool_connections`: connections the (shared) client keeps, see MAX_POOL_CONNECTIONS."""

    provider_id = "bedrock"

    def __init__(self, model: str, image_generation_model_driver: BedrockImageGenerationModelDriver,
                 session: boto3.Session | None = None, client: Any = None, endpoint_url: str | None = None,
                 image_width: int | None = None, image_height: int | None = None, seed: int | None = None,
                 max_attempts: int = 3, connect_timeout: float = 10, read_timeout: float = 90,
                 max_pool_connections: int = MAX_POOL_CONNECTIONS, allow_retired: bool = False):
        super().__init__(model, allow_retired=allow_retired)
        self.image_generation_model_driver = image_generation_model_driver
        self.session = session
        self.client = client
        self.endpoint_url = endpoint_url
        self.image_width = image_width
        self.image_height = image_height
        self.seed = seed
        self.max_attempts = max_attempts
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_pool_connections = max_pool_connections
        self._client_lock = threading.Lock()

    # -- options ---------------------------------------------------------------------------
    def requested_options(self) -> dict[str, Any]:
        sizes, _ = self.image_generation_model_driver.size_options(self.image_width, self.image_height)
        return {**self.image_generation_model_driver.options(), **sizes, "seed": self.seed}

    def check_model_driver(self) -> None:
        model_driver = self.image_generation_model_driver
        if model_driver.fits(self.model):
            return
        right = model_driver_for(self.model)
        if right is not None:
            raise InvalidOptionsError(
                f"{type(model_driver).__name__} does not speak {self.model}; use {right.__name__} for it.",
                field="image_generation_model_driver", allowed=right.__name__,
            )

    def prepare(self, prompts, negative_prompts=None) -> Request:
        self.check_model_driver()
        return super().prepare(prompts, negative_prompts)

    def build_request(self, prompts: list[str], negative_prompts: list[str],
                      validated: catalog.Validated) -> Request:
        model_driver = self.image_generation_model_driver
        _, warnings = model_driver.size_options(self.image_width, self.image_height)
        if not model_driver.fits(self.model):
            warnings.append(f"{self.model} is not a known {model_driver.label} model id; sent with "
                            f"{type(model_driver).__name__}'s body shape.")
        sent, options = dict(validated.sent), dict(validated.effective)
        if sent.get("seed") is None and model_driver.draws_seed:
            sent["seed"] = options["seed"] = secrets.randbelow(model_driver.seed_max + 1)  # reported: remakeable
        body = model_driver.build(prompts, negative_prompts, sent)  # unset options are omitted, not defaulted
        return Request(prompt=", ".join(prompts), negative_prompt=", ".join(negative_prompts), body=body,
                       options=options, warnings=warnings, seed=options.get("seed"))

    # -- network ---------------------------------------------------------------------------
    def make_session(self) -> boto3.Session:
        if self.session is not None:
            return self.session
        provider = self.provider
        key_id, source = credentials.lookup(provider.credentials[0])
        config = get_settings().bedrock  # region: AWS_REGION, AWS_DEFAULT_REGION, then region under [bedrock]
        if source == "secrets file":
            secret, _ = credentials.lookup(provider.credentials[1])
            return boto3.Session(aws_access_key_id=key_id, aws_secret_access_key=secret,
                                 aws_session_token=reveal(config.aws_session_token), region_name=config.region)
        return boto3.Session(region_name=config.region)

    def resolve_endpoint_url(self) -> str | None:
        """The argument, else AWS_ENDPOINT_URL_BEDROCK_RUNTIME, else endpoint_url under [bedrock], else AWS's."""
        return self.endpoint_url or get_settings().bedrock.endpoint_url

    def get_client(self):
        with self._client_lock:
            if self.client is None:  # drivers configured alike share one client (client_cache)
                self.client = client_cache.shared(self.client_key(), self.make_client)
            return self.client

    def make_client(self):
        session = self.make_session()
        config = Config(retries={"total_max_attempts": self.max_attempts, "mode": "standard"},
                        connect_timeout=self.connect_timeout, read_timeout=self.read_timeout,
                        max_pool_connections=self.max_pool_connections)
        region = session.region_name or home_region(self.model) or DEFAULT_REGION
        return session.client("bedrock-runtime", region_name=region,
                              endpoint_url=self.resolve_endpoint_url(), config=config)

    def client_key(self) -> tuple:
        """What the client depends on: the given session itself (kept alive by the key, so its identity is
        never reused), or the environment and secrets file (secrets fingerprinted)."""
        config = (self.resolve_endpoint_url(), self.max_attempts, self.connect_timeout, self.read_timeout,
                  self.max_pool_connections, home_region(self.model))
        if self.session is not None:
            return ("bedrock", self.session, *config)
        section = get_settings().secrets_file.get("bedrock") or {}
        env = {name: os.environ.get(name) for name in CLIENT_ENV}  # what botocore itself reads
        logsafe.remember(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"],
                         env["AWS_BEARER_TOKEN_BEDROCK"])
        secret = client_cache.fingerprint(env.pop("AWS_SECRET_ACCESS_KEY"), env.pop("AWS_SESSION_TOKEN"),
                                          env.pop("AWS_BEARER_TOKEN_BEDROCK"),
                                          sorted((str(k), str(v)) for k, v in section.items()))
        return ("bedrock", secret, tuple(sorted(env.items())), *config)

    def region(self) -> str:
        client = self.client
        region = getattr(getattr(client, "meta", None), "region_name", None) if client is not None else None
        return region or home_region(self.model) or DEFAULT_REGION

    def send(self, request: Request) -> Result:
        client = self.get_client()
        try:
            response = client.invoke_model(modelId=self.model, body=json.dumps(request.body),
                                           contentType="application/json", accept="application/json")
            raw = response["body"].read()
        except (ClientError, BotoCoreError) as exc:
            raise translate(exc, model=self.model, region=self.region(),
                            endpoint=client.meta.endpoint_url) from None
        try:
            body = json.loads(raw)
        except ValueError:
            raise ProviderError(f"Amazon Bedrock ({self.model}) answered with a body that is not JSON; try again.",
                                provider=self.provider_id, retryable=True) from None
        parsed = self.image_generation_model_driver.parse(body if isinstance(body, dict) else {})
        headers = response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
        extra = {"filtered": True} if parsed.filtered else {}
        warnings = list(parsed.warnings)
        if (warning := region_warning(self.model, self.region())) and client.meta.endpoint_url.endswith(
                ".amazonaws.com"):
            warnings.insert(0, warning)
        return Result(value=parsed.value, seed=parsed.seed, warnings=warnings,
                      emulated=headers.get(EMULATOR_HEADER) == "true", extra=extra)
