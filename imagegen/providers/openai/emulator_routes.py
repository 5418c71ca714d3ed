"""OpenAI and Azure OpenAI `images/generations` routes (providers.md, "OpenAI Images", "Azure OpenAI").

Routes:
- `POST /v1/images/generations` (OpenAI; `Authorization: Bearer <key>`).
- `POST /openai/deployments/{deployment}/images/generations?api-version=V` (Azure; `api-key` header or
  `Authorization: Bearer <token>`); the deployment maps to a model through `emu.azure_deployments`,
  or is itself a model id.
- `POST /openai/v1/images/generations` (Azure v1 API: no api-version, body `model` = deployment).

Both providers share the body rules of `emulator_rules`; validation errors use the OpenAI error shape
on both (Azure relays the OpenAI validation), while authentication, api-version, deployment, rate
limit, server and safety errors use Azure's own shapes on Azure. Any key containing "invalid" is
refused, any other non-empty key accepted. Check order: auth, (Azure: api-version, deployment),
latency/rate_limit/server_error faults, JSON body and rules, content_policy fault, success.
"""

from __future__ import annotations

import base64
import io
import re
import time
from typing import Any
from urllib.parse import unquote

from PIL import Image, ImageChops

from imagegen.emulator import images
from imagegen.emulator.faults import Fault, format_seconds
from imagegen.emulator.wire import Request, Response, json_response, route
from imagegen.providers.openai.emulator_rules import ImageParams, InvalidRequestError, serves, usage, validate

PROVIDERS = ("openai", "azure")
LABELS = {"openai": "OpenAI", "azure": "Azure OpenAI"}
URLS = {"openai_base_url": lambda url: f"{url}/v1", "azure_endpoint": lambda url: url}  # Emulator attributes
AZURE_VERSIONS = ("2024-02-01", "2024-06-01", "2024-10-21", "2025-04-01-preview")
AZURE_GPT_IMAGE_SINCE = "2025-04-01"
AZURE_VERSION = re.compile(r"(\d{4}-\d{2}-\d{2})(-preview)?")
SAFE = {"filtered": False, "severity": "safe"}
AZURE_CATEGORIES = ("hate", "self_harm", "sexual", "violence")

NO_KEY = ("You didn't provide an API key. You need to provide your API key in an Authorization header "
          "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from "
          "https://platform.openai.com/account/api-keys.")
AZURE_DENIED = ("Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide "
                "a valid key for an active subscription and use a correct regional API endpoint for your "
                "resource.")
NO_DEPLOYMENT = ("The API deployment for this resource does not exist. If you created the deployment within "
                 "the last 5 minutes, please wait a moment and try again.")
BAD_JSON = ("We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
            "your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not "
            "valid JSON.)")
AZURE_RATE_LIMIT = ("Requests to the Images_Generations Operation under Azure OpenAI API have exceeded call "
                    "rate limit of your current pricing tier. Please retry after {wait} seconds.")
SERVER_ERROR = "The server had an error while processing your request. Sorry about that!"
SAFETY_REJECTION = ("Your request was rejected as a result of our safety system. Your prompt may contain "
                    "text that is not allowed by our safety system.")


def init_state(emu: Any) -> None:
    emu.azure_deployments = {}  # deployment name -> model; kept across `reset`


def env_vars(url: str) -> dict[str, str]:
    """What a shell exports to point the `openai` SDK (OpenAI and AzureOpenAI) at the emulator."""
    return {"OPENAI_BASE_URL": f"{url}/v1", "AZURE_OPENAI_ENDPOINT": url,
            "OPENAI_API_VERSION": AZURE_VERSIONS[-1]}


# ---- OpenAI ----------------------------------------------------------------------------------------

def openai_error(status: int, message: str, param: str | None = None, code: str | None = None,
                 kind: str = "invalid_request_error", headers: dict[str, str] | None = None) -> Response:
    return json_response(status, {"error": {"message": message, "type": kind, "param": param, "code": code}},
                         headers)


def mask_key(key: str) -> str:
    """sk-inv*******1234 -- the way OpenAI echoes a wrong key: never the whole key."""
    if len(key) <= 10:
        return "*" * len(key)
    return key[:6] + "*" * (len(key) - 10) + key[-4:]


def openai_auth(req: Request) -> Response | None:
    key = req.bearer_token()
    if not key:
        return openai_error(401, NO_KEY)
    if "invalid" in key:
        return openai_error(401, f"Incorrect API key provided: {mask_key(key)}. You can find your API key at "
                            "https://platform.openai.com/account/api-keys.", code="invalid_api_key")
    return None


def openai_generations(emu: Any, req: Request, match: re.Match[str]) -> Response:
    return openai_auth(req) or generate(emu, req, "openai")


# ---- Azure -----------------------------------------------------------------------------------------

def azure_error(status: int, code: str, message: str, headers: dict[str, str] | None = None,
                **extra: Any) -> Response:
    return json_response(status, {"error": {"code": code, "message": message, **extra}}, headers)


def azure_auth(req: Request) -> Response | None:
    key = req.header("api-key").strip() or req.bearer_token()
    if key and "invalid" not in key:
        return None
    return azure_error(401, "401", AZURE_DENIED)


def azure_model(emu: Any, deployment: str) -> str | Response:
    """The model behind a deployment, or Azure's DeploymentNotFound answer."""
    model = emu.azure_deployments.get(deployment)
    if model is None and serves(deployment):
        model = deployment
    if model is None:
        return azure_error(404, "DeploymentNotFound", NO_DEPLOYMENT)
    return model


def azure_version_error(version: str | None) -> Response | None:
    if not version:
        return azure_error(404, "404", "Resource not found")
    match = AZURE_VERSION.fullmatch(version)
    if version in AZURE_VERSIONS or (match and match[1] > AZURE_GPT_IMAGE_SINCE):
        return None
    return azure_error(400, "BadRequest", "API version not supported")


def azure_deployment_generations(emu: Any, req: Request, match: re.Match[str]) -> Response:
    version = req.query.get("api-version")
    if (failure := azure_auth(req) or azure_version_error(version)) is not None:
        return failure
    deployment = unquote(match["deployment"])
    model = azure_model(emu, deployment)
    if isinstance(model, Response):
        return model
    if str(version)[:10] < AZURE_GPT_IMAGE_SINCE:
        return azure_error(400, "BadRequest", f"Model '{model}' requires api-version {AZURE_VERSIONS[-1]} or "
                           f"later; got {version}.")
    return generate(emu, req, "azure", model=model, deployment=deployment)


def azure_v1_generations(emu: Any, req: Request, match: re.Match[str]) -> Response:
    if (failure := azure_auth(req)) is not None:
        return failure
    body = req.json if isinstance(req.json, dict) else {}
    deployment = body.get("model")
    if not isinstance(deployment, str) or not deployment:
        if req.json_error or not isinstance(req.json, dict):
            return body_error(req)
        return openai_error(400, "Missing required parameter: 'model'.", "model",
                            "missing_required_parameter")
    model = azure_model(emu, deployment)
    if isinstance(model, Response):
        return model
    return generate(emu, req, "azure", model=model, deployment=deployment)


# ---- shared ----------------------------------------------------------------------------------------

def body_error(req: Request) -> Response:
    if req.json_error or not req.body.strip():
        return openai_error(400, BAD_JSON)
    return openai_error(400, "Invalid request body: expected a JSON object.")


def generate(emu: Any, req: Request, provider: str, *, model: str | None = None,
             deployment: str | None = None) -> Response:
    req.hold(emu.faults.delay(provider))
    for kind in ("rate_limit", "server_error"):
        if (fault := emu.faults.take(provider, kind)) is not None:
            return fault_response(provider, fault)
    if not isinstance(req.json, dict):
        return body_error(req)
    try:
        params = validate(req.json, model, azure=provider == "azure")
    except InvalidRequestError as failure:
        return openai_error(failure.status, failure.message, failure.param, failure.code)
    if emu.faults.take(provider, "content_policy") is not None:
        return policy_response(provider, params)
    text = images.caption(LABELS[provider], params.model, deployment)
    data = [make_item(emu, provider, params, text, index) for index in range(params.n)]
    payload: dict[str, Any] = {"created": int(time.time()), "data": data, "background": params.background,
                               "output_format": params.output_format, "quality": params.quality,
                               "size": params.size, "usage": usage(params)}
    return json_response(200, payload)


def make_item(emu: Any, provider: str, params: ImageParams, text: str, index: int) -> dict[str, Any]:
    """GPT image models always answer base64; Azure's docs say they carry no content-filter annotations."""
    fmt = params.output_format
    data = images.make_image(params.prompt, width=params.width, height=params.height, text=text,
                             fmt=fmt if fmt in ("png", "jpeg", "webp") else "png", compression=params.compression,
                             index=index, transparent=params.background == "transparent")
    if fmt == "gif":
        data = gif_bytes(data, params.frame_count, params.frame_duration_ms)
    elif fmt == "svg":
        data = svg_bytes(data, params.width, params.height)
    return {"b64_json": base64.b64encode(data).decode()}


def gif_bytes(png: bytes, frames: int, duration_ms: int) -> bytes:
    """An animated GIF of `frames` frames, each the rendered picture rolled sideways a little further."""
    picture = Image.open(io.BytesIO(png)).convert("RGB").quantize(256)  # one palette: frames encode fast
    step = max(1, picture.width // frames)
    images = [ImageChops.offset(picture, index * step, 0) for index in range(frames)]
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:], duration=duration_ms, loop=0)
    return buf.getvalue()


def svg_bytes(png: bytes, width: int, height: int) -> bytes:
    """An SVG document wrapping the rendered picture."""
    href = "data:image/png;base64," + base64.b64encode(png).decode()
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
            f'<image href="{href}" width="{width}" height="{height}"/></svg>').encode()


def fault_response(provider: str, fault: Fault) -> Response:
    wait = format_seconds(fault.retry_after)
    if provider == "azure":
        if fault.kind == "rate_limit":
            headers = {"retry-after": wait, "retry-after-ms": format_seconds(fault.retry_after * 1000)}
            return azure_error(429, "429", AZURE_RATE_LIMIT.format(wait=wait), headers)
        return azure_error(500, "InternalServerError", SERVER_ERROR)
    if fault.kind == "rate_limit":
        return openai_error(429, "Rate limit reached for images per minute. Please try again in "
                            f"{wait}s.", None, "rate_limit_exceeded", "requests", {"retry-after": wait})
    return openai_error(500, SERVER_ERROR, kind="server_error")


def policy_response(provider: str, params: ImageParams) -> Response:
    message = SAFETY_REJECTION
    if provider == "azure":
        results = {name: dict(SAFE) for name in AZURE_CATEGORIES}
        results["violence"] = {"filtered": True, "severity": "high"}
        return azure_error(400, "content_policy_violation", message, inner_error={
            "code": "ResponsibleAIPolicyViolation", "content_filter_results": results, "revised_prompt": None})
    return openai_error(400, "Your request was rejected by the safety system. If you believe this is an "
                        "error, contact us at help.openai.com.", None, "moderation_blocked",
                        "image_generation_user_error")


def not_found(req: Request) -> Response | None:
    """This provider's 404 for an unknown path under its prefix; None when the path is not its own."""
    if req.path.startswith("/openai/"):
        return azure_error(404, "404", "Resource not found")
    if req.path.startswith("/v1/"):
        return openai_error(404, f"Invalid URL ({req.method} {req.path})")
    return None


ROUTES = [
    route("POST", r"/v1/images/generations", "openai", openai_generations),
    route("POST", r"/openai/deployments/(?P<deployment>[^/]+)/images/generations", "azure",
          azure_deployment_generations),
    route("POST", r"/openai/v1/images/generations", "azure", azure_v1_generations),
]
