"""OpenAI Images through the official `openai` SDK."""

from __future__ import annotations

import base64
import threading
from typing import Any

import openai
import requests

from imagegen import catalog, credentials
from imagegen.drivers import client_cache
from imagegen.drivers.base import BaseImageGenerationDriver, Request, Result
from imagegen.errors import InvalidOptionsError, ProviderError, redact
from imagegen.providers.openai.errors import translate
from imagegen.settings import get_settings

NEGATIVE_FALLBACKS = ("append", "ignore")
EMULATOR_HEADER = "x-imagegen-emulated"


def negative_clause(prompt: str, negatives: list[str], fallback: str, label: str) -> tuple[str, str]:
    """OpenAI has no negative prompt: append 'Avoid: ...' or drop it; return (prompt, warning).
    A negative prompt is never a prompt on its own: with no positive text there is nothing to send."""
    if not prompt.strip():
        raise InvalidOptionsError("The prompt is empty: write a prompt (or add positive rules) before generating; "
                                  "negative rules alone are not a prompt.", field="prompt")
    if not negatives:
        return prompt, ""
    avoid = ", ".join(negatives)
    if fallback == "append":
        warning = f"{label} has no negative prompt: appended to the prompt as 'Avoid: {avoid}'."
        return f"{prompt}. Avoid: {avoid}", warning
    return prompt, f"{label} has no negative prompt: ignored ({avoid})."


class OpenAiImageGenerationDriver(BaseImageGenerationDriver):
    provider_id = "openai"

    def __init__(self, model: str, api_key: str | None = None, base_url: str | None = None,
                 organization: str | None = None, image_size: str | None = None, quality: str | None = None,
                 style: str | None = None, response_format: str | None = "b64_json",
                 background: str | None = None, output_format: str | None = None,
                 output_compression: int | None = None, moderation: str | None = None,
                 negative_prompt_fallback: str = "append", timeout: float = 120.0, max_retries: int = 2,
                 complexity: str | None = None, frame_count: int | None = None,
                 frame_duration_ms: int | None = None, allow_retired: bool = False):
        super().__init__(model, allow_retired=allow_retired)
        self.api_key = api_key
        self.base_url = base_url
        self.organization = organization
        self.image_size = image_size
        self.quality = quality
        self.style = style
        self.response_format = response_format
        self.background = background
        self.output_format = output_format
        self.output_compression = output_compression
        self.moderation = moderation
        self.complexity = complexity
        self.frame_count = frame_count
        self.frame_duration_ms = frame_duration_ms
        self.negative_prompt_fallback = negative_prompt_fallback
        self.timeout = timeout
        self.max_retries = max_retries
        self._clients: dict[tuple, openai.OpenAI] = {}  # one client (and connection pool) per key + endpoint
        self._clients_lock = threading.Lock()

    # -- options ---------------------------------------------------------------------------
    def requested_options(self) -> dict[str, Any]:
        options = {
            "size": self.image_size, "quality": self.quality, "style": self.style,
            "background": self.background, "output_format": self.output_format,
            "output_compression": self.output_compression, "moderation": self.moderation,
            "complexity": self.complexity, "frame_count": self.frame_count,
            "frame_duration_ms": self.frame_duration_ms,
        }
        options["response_format"] = self.wire_response_format()
        return options

    def wire_response_format(self) -> str | None:
        """b64_json is the driver's default; send it only to models that take response_format."""
        model = self.provider.model(self.model)
        accepts = model is not None and model.option("response_format") is not None
        if accepts or self.response_format not in (None, "b64_json"):
            return self.response_format
        return None

    # -- request ---------------------------------------------------------------------------
    def build_request(self, prompts: list[str], negative_prompts: list[str],
                      validated: catalog.Validated) -> Request:
        if self.negative_prompt_fallback not in NEGATIVE_FALLBACKS:
            raise InvalidOptionsError(
                f"negative_prompt_fallback = {self.negative_prompt_fallback!r} is not accepted; allowed: "
                f"{', '.join(NEGATIVE_FALLBACKS)}.", field="negative_prompt_fallback",
                allowed=", ".join(NEGATIVE_FALLBACKS),
            )
        prompt, warning = negative_clause(", ".join(prompts), negative_prompts,
                                          self.negative_prompt_fallback, self.provider.label)
        body = {"model": self.model, "prompt": prompt, "n": 1, **validated.sent}
        return Request(prompt=prompt, negative_prompt=", ".join(negative_prompts), body=body,
                       options=validated.effective, warnings=[warning] if warning else [])

    # -- network ---------------------------------------------------------------------------
    def credential_hint(self) -> str:
        return credentials.invalid_key_hint(self.provider.credentials[0])

    def endpoint_hint(self) -> str:
        return f"the base URL ({self.resolve_base_url() or 'OpenAI default'})"

    def resolve_base_url(self) -> str | None:
        """The argument, else OPENAI_BASE_URL, else base_url under [openai] in the secrets file, else None."""
        return self.base_url or get_settings().openai.base_url

    def resolve_organization(self) -> str | None:
        return self.organization or get_settings().openai.organization

    def resolve_api_key(self) -> str:
        return credentials.require(self.provider.credentials[0], self.api_key, self.provider_id)

    def make_client(self) -> openai.OpenAI:
        return openai.OpenAI(api_key=self.resolve_api_key(), base_url=self.resolve_base_url(),
                             organization=self.resolve_organization(), timeout=self.timeout,
                             max_retries=self.max_retries)

    def client_key(self) -> tuple:
        """What a client depends on; read at call time, so a changed variable gets a new client."""
        return (self.resolve_api_key(), self.resolve_base_url(), self.resolve_organization())

    def get_client(self) -> openai.OpenAI:
        key = self.client_key()
        if self.shareable():
            shared_key = (type(self).__name__, client_cache.fingerprint(*key), self.timeout, self.max_retries)
            return client_cache.shared(shared_key, self.make_client)
        with self._clients_lock:
            if key not in self._clients:
                self._clients.clear()
                self._clients[key] = self.make_client()
            return self._clients[key]

    def shareable(self) -> bool:
        """Whether drivers configured alike may share one client (see `client_cache`)."""
        return True

    def secrets(self) -> list[str | None]:
        return [self.api_key, credentials.lookup(self.provider.credentials[0])[0]]

    def send(self, request: Request) -> Result:
        client = self.get_client()
        try:
            raw = client.images.with_raw_response.generate(**request.body)
            response = raw.parse()
        except openai.OpenAIError as exc:
            raise translate(exc, label=self.provider.label, provider=self.provider_id,
                            key_hint=self.credential_hint(), endpoint_hint=self.endpoint_hint(),
                            secrets=self.secrets()) from None
        if not response.data:
            raise ProviderError(f"{self.provider.label} answered without an image; try again.",
                                provider=self.provider_id)
        item = response.data[0]
        value = self.image_bytes(item)
        extra: dict[str, Any] = {}
        usage = getattr(response, "usage", None)
        if usage is not None:
            extra["usage"] = usage.model_dump(exclude_none=True)
        return Result(value=value, revised_prompt=getattr(item, "revised_prompt", None),
                      emulated=raw.headers.get(EMULATOR_HEADER) == "true", extra=extra)

    def image_bytes(self, item) -> bytes:
        if getattr(item, "b64_json", None):
            return base64.b64decode(item.b64_json)
        if getattr(item, "url", None):
            return self.download(item.url)
        raise ProviderError(f"{self.provider.label} answered with neither b64_json nor url; try again.",
                            provider=self.provider_id)

    def download(self, url: str) -> bytes:
        """Image URLs expire after about an hour: fetch at once."""
        try:
            response = requests.get(url, timeout=min(self.timeout, 60))
            response.raise_for_status()
        except requests.RequestException as exc:
            raise ProviderError(
                f"Could not download the image {self.provider.label} generated "
                f"({redact(str(exc), self.secrets())}); try again.",
                provider=self.provider_id, retryable=True,
            ) from None
        return response.content
