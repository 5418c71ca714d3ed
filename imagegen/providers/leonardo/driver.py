"""Leonardo.Ai REST v1 and v2 through `requests`: create a generation, poll until it completes, download.

Platform models are created on v1 (`POST /v1/generations`); partner models (`V2_MODELS`, e.g. FLUX.2 Pro) on v2
(`POST /v2/generations`, the v1 base's sibling, body `{"model", "public", "parameters"}`); both are polled and
downloaded through v1.

A generation is paid when it is created, so the driver creates it once: a create that answers 429 is
retried (nothing was created), but a poll that runs out of time raises `GenerationTimeoutError` with
the generation id instead of creating another, and a create that got no answer says the job may exist.
`cancel()` (compare's timeout) stops the wait within a poll: no more polls and no download.
"""

from __future__ import annotations

import time
from typing import Any

import requests

from imagegen import catalog, credentials
from imagegen.drivers.base import BaseImageGenerationDriver, Request, Result
from imagegen.errors import (
    ContentPolicyError,
    GenerationTimeoutError,
    ProviderError,
    RateLimitError,
    redact,
)
from imagegen.providers.leonardo.catalog import NATIVE_MODELS, REQUIRED_OPTIONS, STYLES, V2_MODELS
from imagegen.settings import get_settings, reveal

DEFAULT_API_BASE = "https://cloud.leonardo.ai/api/rest/v1"
EMULATOR_HEADER = "x-imagegen-emulated"
WIRE = {"width": "width", "height": "height", "seed": "seed", "steps": "num_inference_steps",
        "guidance_scale": "guidance_scale", "preset_style": "presetStyle", "alchemy": "alchemy",
        "photo_real": "photoReal", "scheduler": "scheduler", "contrast": "contrast", "style": "styleUUID",
        "ultra": "ultra", "enhance_prompt": "enhancePrompt", "enhance_prompt_instruction": "enhancePromptInstruction"}
CREATE_ATTEMPTS = 3
POLL_GROWTH = 0.1  # past the first polls, wait a tenth of the time already waited
MAX_POLL_INTERVAL = 5.0
LABEL = "Leonardo.Ai"
# Where a created generation can be found without its id. "Get generations by user ID" in Leonardo's API
# reference (docs.leonardo.ai/reference/getgenerationsbyuserid; path not exercised here: unverified).
FIND_GENERATION = ("in the Leonardo app's generation history (app.leonardo.ai), or with GET "
                   "/generations/user/{userId} (your userId from GET /me)")


class LeonardoTimeoutError(GenerationTimeoutError):
    def __init__(self, message: str, generation_id: str | None):
        super().__init__(message, provider="leonardo")
        self.generation_id = generation_id


class LeonardoImageGenerationDriver(BaseImageGenerationDriver):
    provider_id = "leonardo"

    def __init__(self, model: str, api_key: str | None = None, api_base: str | None = None,
                 image_width: int = 512, image_height: int = 512, seed: int | None = None, steps: int | None = None,
                 guidance_scale: float | None = None, preset_style: str | None = None, alchemy: bool | None = None,
                 photo_real: bool | None = None, scheduler: str | None = None, contrast: float | None = None,
                 style: str | None = None, ultra: bool | None = None, enhance_prompt: bool | None = None,
                 enhance_prompt_instruction: str | None = None, prompt_enhance: str | None = None,
                 poll_interval: float = 1.0,
                 timeout: float = 180.0, request_timeout: float = 30.0, session: requests.Session | None = None,
                 allow_retired: bool = False):
        super().__init__(model, allow_retired=allow_retired)
        self.api_key = api_key
        self.api_base = api_base
        self.image_width = image_width
        self.image_height = image_height
        self.seed = seed
        self.steps = steps
        self.guidance_scale = guidance_scale
        self.preset_style = preset_style
        self.alchemy = alchemy
        self.photo_real = photo_real
        self.scheduler = scheduler
        self.contrast = contrast
        self.style = style
        self.ultra = ultra
        self.enhance_prompt = enhance_prompt
        self.enhance_prompt_instruction = enhance_prompt_instruction
        self.prompt_enhance = prompt_enhance  # v2 (partner models) only
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.request_timeout = request_timeout
        self.session = session or requests.Session()

    def requested_options(self) -> dict[str, Any]:
        return {"width": self.image_width, "height": self.image_height, "seed": self.seed, "steps": self.steps,
                "guidance_scale": self.guidance_scale, "preset_style": self.preset_style, "alchemy": self.alchemy,
                "photo_real": self.photo_real, "scheduler": self.scheduler, "contrast": self.contrast,
                "style": self.style, "ultra": self.ultra, "enhance_prompt": self.enhance_prompt,
                "enhance_prompt_instruction": self.enhance_prompt_instruction, "prompt_enhance": self.prompt_enhance}

    def build_request(self, prompts: list[str], negative_prompts: list[str],
                      validated: catalog.Validated) -> Request:
        if self.model in V2_MODELS:
            return self.build_v2_request(prompts, negative_prompts, validated)
        body: dict[str, Any] = {"prompt": ", ".join(prompts), "modelId": self.model, "num_images": 1}
        if negative_prompts:
            body["negative_prompt"] = ", ".join(negative_prompts)
        sent = dict(validated.sent)
        if self.model in NATIVE_MODELS and validated.model is not None:  # contrast is required: its default
            for name in REQUIRED_OPTIONS:
                option = validated.model.option(name)
                if sent.get(name) is None and option is not None:
                    sent[name] = option.default
        if "style" in sent:
            sent["style"] = STYLES.get(sent["style"], sent["style"])  # a name -> its styleUUID
        body.update({WIRE[name]: value for name, value in sent.items()})
        return Request(prompt=body["prompt"], negative_prompt=", ".join(negative_prompts), body=body,
                       options=validated.effective, seed=self.seed)

    def build_v2_request(self, prompts: list[str], negative_prompts: list[str],
                         validated: catalog.Validated) -> Request:
        """The v2 body: `parameters` holds prompt, size, quantity, seed, style_ids and prompt_enhance. There is no
        negative prompt on v2: negatives are appended as 'Avoid: ...', with a warning."""
        prompt, warnings = ", ".join(prompts), []
        if negative_prompts:
            avoid = ", ".join(negative_prompts)
            prompt = f"{prompt}. Avoid: {avoid}"
            warnings.append(f"{self.model} has no negative prompt on Leonardo's v2 endpoint: appended to the prompt "
                            f"as 'Avoid: {avoid}'.")
        sent = dict(validated.sent)
        parameters: dict[str, Any] = {"prompt": prompt, "quantity": 1}
        for name in ("width", "height", "seed", "prompt_enhance"):
            if sent.get(name) is not None:
                parameters[name] = sent[name]
        if sent.get("style") is not None:
            parameters["style_ids"] = [STYLES.get(sent["style"], sent["style"])]
        body = {"model": self.model, "public": False, "parameters": parameters}
        return Request(prompt=prompt, negative_prompt="", body=body, options=validated.effective, seed=self.seed,
                       warnings=warnings)

    # -- network ---------------------------------------------------------------------------
    def base_url(self) -> str:
        return (self.api_base or get_settings().leonardo.api_base or DEFAULT_API_BASE).rstrip("/")

    def create_url(self, body: dict[str, Any]) -> str:
        """v1 `/generations`, or for a v2 body (it names a `model`) the v2 sibling of the v1 base."""
        base = self.base_url()
        if "model" in body and "parameters" in body:
            base = base.removesuffix("/v1") + "/v2"
        return f"{base}/generations"

    def headers(self) -> dict[str, str]:
        key = credentials.require(self.provider.credentials[0], self.api_key, self.provider_id)
        return {"authorization": f"Bearer {key}", "accept": "application/json"}

    def secrets(self) -> list[str | None]:
        return [self.api_key, reveal(get_settings().leonardo.api_key)]

    def call(self, method: str, url: str, headers: dict | None = None, **kwargs) -> requests.Response:
        try:
            return self.session.request(method, url, headers=headers, timeout=self.request_timeout, **kwargs)
        except requests.Timeout as exc:
            if method == "POST" and not isinstance(exc, requests.ConnectTimeout):  # the create was sent
                raise LeonardoTimeoutError(
                    f"{LABEL} did not answer the create request within {self.request_timeout:g} s: the generation "
                    f"may have been created and charged. Do not simply retry; first look for it "
                    f"{FIND_GENERATION}.", None) from None
            raise GenerationTimeoutError(f"{LABEL} did not answer in time; try again.", provider="leonardo") from None
        except requests.RequestException as exc:
            raise ProviderError(f"Could not reach {LABEL} ({redact(str(exc), self.secrets())}). Check the network "
                                f"and the API base ({self.base_url()}).", provider="leonardo", retryable=True) from None

    def send(self, request: Request) -> Result:
        headers = self.headers()
        self.check_cancelled(None)  # nothing created yet
        self.in_flight = {"find": FIND_GENERATION}  # from the create request on, a paid job may exist
        try:
            return self.generate(request, headers)
        finally:
            self.in_flight = None

    def generate(self, request: Request, headers: dict[str, str]) -> Result:
        job, emulated = self.create(request.body, headers)
        generation_id = job["generationId"]
        self.in_flight = {"generation_id": generation_id, "find": FIND_GENERATION}
        generation = self.wait(generation_id, headers)
        images = generation.get("generated_images") or []
        if not images or not isinstance(images[0], dict) or not images[0].get("url"):
            raise ProviderError(f"{LABEL} generation {generation_id} completed without an image; try again.",
                                provider="leonardo")
        image = images[0]
        self.check_cancelled(generation_id)  # never download an image nobody will keep
        download = self.call("GET", image["url"])
        if download.status_code != 200:
            raise ProviderError(f"Could not download the image of {LABEL} generation {generation_id} (HTTP "
                                f"{download.status_code}); try again.", provider="leonardo", retryable=True)
        warnings = []
        extra: dict[str, Any] = {"generation_id": generation_id, **cost_meta(job)}
        if image.get("nsfw"):
            extra["filtered"] = True
            warnings.append(f"{LABEL} flagged this image as NSFW.")
        return Result(value=download.content, seed=generation.get("seed"), warnings=warnings, emulated=emulated,
                      extra=extra)

    def create(self, body: dict[str, Any], headers: dict[str, str]) -> tuple[dict, bool]:
        """POST /generations once; retried only on 429 (the API created nothing)."""
        for attempt in range(CREATE_ATTEMPTS):
            response = self.call("POST", self.create_url(body), headers=headers, json=body)
            if response.status_code != 429:
                break
            if attempt < CREATE_ATTEMPTS - 1 and self.cancelled.wait(retry_after(response, attempt)):
                self.check_cancelled(None)  # a 429 created nothing
        if response.status_code == 429:
            raise RateLimitError(f"{LABEL} is rate limiting generations (HTTP 429) and the retries ran out. Wait "
                                 f"and try again, or run fewer slots at once.", provider="leonardo",
                                 retry_after=retry_after(response, 0))
        if response.status_code != 200:
            raise self.error(response)
        answer = json_body(response)
        job = answer.get("sdGenerationJob") or answer.get("generate")  # v1 / v2
        if not isinstance(job, dict) or not job.get("generationId"):
            raise ProviderError(f"{LABEL} accepted the request but returned no generation id; check your "
                                f"generations in the Leonardo app before retrying.", provider="leonardo")
        return job, response.headers.get(EMULATOR_HEADER) == "true"

    def wait(self, generation_id: str, headers: dict[str, str]) -> dict[str, Any]:
        """Poll until COMPLETE or FAILED, within `timeout` seconds in all.

        The first poll goes at once; then every `poll_interval` seconds until that is less than a tenth of
        the time already waited, after which the interval grows with it (at most `MAX_POLL_INTERVAL`). So
        completion is seen at most `poll_interval` or 10 % late. A 20 s job with the default 1 s takes about
        19 polls (~55 a minute; Leonardo allows 100 requests a minute on /generations, and a 429 on a poll is
        only polled again later)."""
        started = time.monotonic()
        deadline = started + self.timeout
        while True:
            self.check_cancelled(generation_id)
            try:
                response = self.call("GET", f"{self.base_url()}/generations/{generation_id}", headers=headers)
            except (GenerationTimeoutError, ProviderError):
                response = None  # a lost poll is polled again, within the deadline
            if response is not None and response.status_code == 200:
                generation = self.poll_status(generation_id, json_body(response))
                if generation is not None:
                    return generation
            elif response is not None and response.status_code not in (429, 500, 502, 503, 504):
                raise self.error(response)
            interval = self.next_interval(time.monotonic() - started)
            if time.monotonic() + interval > deadline:
                raise LeonardoTimeoutError(
                    f"{LABEL} generation {generation_id} did not finish within {self.timeout:g} s. It was not "
                    f"created again (it is paid): look for it {FIND_GENERATION}, or raise the timeout.",
                    generation_id)
            self.cancelled.wait(interval)

    def check_cancelled(self, generation_id: str | None) -> None:
        """Raise when `cancel()` was called: before a create (nothing paid) or while a generation runs."""
        if not self.cancelled.is_set():
            return
        if generation_id is None:
            raise GenerationTimeoutError(f"{LABEL} was cancelled before creating a generation; nothing was "
                                         f"charged.", provider="leonardo")
        raise LeonardoTimeoutError(f"{LABEL} generation {generation_id} was cancelled while it ran; it was created "
                                   f"and may be charged. Find it {FIND_GENERATION}.", generation_id)

    def next_interval(self, waited: float) -> float:
        """Seconds to the next poll after `waited` seconds: `poll_interval`, or a tenth of `waited` once that is
        longer, at most MAX_POLL_INTERVAL."""
        return min(max(self.poll_interval, POLL_GROWTH * waited), MAX_POLL_INTERVAL)

    def poll_status(self, generation_id: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """The finished generation, None while it is pending (or not visible yet); raises on FAILED."""
        if "generations_by_pk" not in body:
            raise ProviderError(f"{LABEL} answered a malformed poll body for generation {generation_id}; it was "
                                f"not created again. Check it in the Leonardo app.", provider="leonardo")
        generation = body["generations_by_pk"]
        if generation is None:
            return None
        status = generation.get("status") if isinstance(generation, dict) else None
        if status == "COMPLETE":
            return generation
        if status == "FAILED":
            raise ProviderError(f"{LABEL} generation {generation_id} FAILED. Try again or change the options.",
                                provider="leonardo", code="FAILED", retryable=True)
        if status != "PENDING":
            raise ProviderError(f"{LABEL} reported an unknown status {status!r} for generation {generation_id}.",
                                provider="leonardo")
        return None

    def error(self, response: requests.Response) -> ProviderError | ContentPolicyError:
        body = json_body(response) or graphql_error(response)
        message = redact(str(body.get("error") or response.reason or ""), self.secrets())
        code = body.get("code")
        status = response.status_code
        if status in (401, 403) or code == "access-denied":
            cred = self.provider.credentials[0]
            return ProviderError(f"{LABEL} rejected the API key (HTTP {status}). Set a valid key in {cred.env} (or "
                                 f"api_key under [leonardo] in {credentials.secrets_path()}).", provider="leonardo",
                                 status=status, code=code)
        if "moderation" in message.lower() or "nsfw" in message.lower():
            return ContentPolicyError(f"{LABEL}'s moderation rejected the prompt: {message}. Rephrase the prompt.",
                                      provider="leonardo")
        retryable = status >= 500
        return ProviderError(f"{LABEL} rejected the request (HTTP {status}): {message}", provider="leonardo",
                             status=status, code=code, retryable=retryable)


def json_body(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def graphql_error(response: requests.Response) -> dict[str, Any]:
    """A v2 error list `[{"message", "extensions": {"code", "details": {"message"}}}]` as a v1-style error."""
    try:
        errors = response.json()
    except ValueError:
        return {}
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return {}
    extensions = errors[0].get("extensions") if isinstance(errors[0].get("extensions"), dict) else {}
    details = extensions.get("details") if isinstance(extensions.get("details"), dict) else {}
    return {"error": details.get("message") or errors[0].get("message"), "code": extensions.get("code")}


def retry_after(response: requests.Response, attempt: int) -> float:
    try:
        return min(float(response.headers.get("retry-after", "")), 30.0)
    except ValueError:
        return min(1.0 * 2**attempt, 8.0)


def cost_meta(job: dict[str, Any]) -> dict[str, Any]:
    """The reported cost, when the create response carries one."""
    meta: dict[str, Any] = {}
    cost = job.get("cost")
    if isinstance(cost, dict) and cost.get("amount") is not None:
        try:
            meta["reported_cost"] = {"amount": float(cost["amount"]), "unit": str(cost.get("unit") or "")}
        except (TypeError, ValueError):
            pass
    if job.get("apiCreditCost") is not None:
        meta["api_credit_cost"] = job["apiCreditCost"]
    return meta
