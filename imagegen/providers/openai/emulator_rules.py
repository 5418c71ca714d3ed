"""Body rules of `images/generations` for OpenAI and Azure OpenAI (providers.md, "OpenAI Images").

`validate(body, model)` checks a request body exactly as strictly as the tables in providers.md, per model, and
returns the effective parameters, or raises `InvalidRequestError` with the OpenAI error fields (message naming the
parameter and its allowed values, `param`, `code`, HTTP `status`).

Models: the GPT image ids of `MODELS` (their sizes, qualities and output formats). A retired id (`RETIRED`:
gpt-image-1, dall-e-2, dall-e-3) answers 404 `model_not_found` before the body is read: providers.md expects "404
`model_not_found` or 400" (unverified); 404 is what the emulator chose. A missing model is a 400 with
`param: "model"` (the server's old default, dall-e-2, is retired). Any other id is rejected with `param: "model"`,
as the real API rejects ids it does not serve, except future `gpt-image*` ids, checked with the base GPT image
rules (standard sizes, low to high quality, png/jpeg/webp); when a new model appears, add it here.
Fields outside providers.md are `unknown_parameter`, except the generic `user`, `safety_identifier` (strings) and
`stream` (only false: the emulator does not stream). A JSON null counts as "not sent", as the SDK omits unset fields.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

KNOWN_FIELDS = frozenset(("model", "prompt", "n", "size", "quality", "user", "safety_identifier", "stream",
                          "output_format", "output_compression", "background", "moderation", "partial_images",
                          "complexity", "frame_count", "frame_duration_ms", "svg"))
FREE_SIZE_MAX_SIDE, FREE_SIZE_MAX_PIXELS = 3840, 3840 * 2160
MAX_PROMPT, MAX_N = 32000, 10
STANDARD_SIZES = ("1024x1024", "1536x1024", "1024x1536", "auto")
QUALITIES = ("low", "medium", "high", "auto")
MAX_QUALITIES = ("low", "medium", "high", "xhigh", "max", "auto")
FORMATS = ("png", "jpeg", "webp")
PREVIEW_FORMATS = FORMATS + ("gif", "svg")  # gif and svg need preview access: which models have it is unverified
AZURE_FORMATS = ("png", "jpeg")  # documented for gpt-image-1 on Azure; for 2.x unverified
SVG_EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
MAX_FRAME_MS = 655350

# output tokens of one gpt-image image by size and quality ("auto" counts as medium; xhigh/max: unverified guesses)
OUTPUT_TOKENS = {
    (1024, 1024): {"low": 272, "medium": 1056, "high": 4160, "xhigh": 6240, "max": 8320},
    (1536, 1024): {"low": 408, "medium": 1584, "high": 6240, "xhigh": 9360, "max": 12480},
    (1024, 1536): {"low": 408, "medium": 1584, "high": 6240, "xhigh": 9360, "max": 12480},
}


@dataclass(frozen=True)
class ModelRules:
    free_sizes: bool = False
    qualities: tuple[str, ...] = QUALITIES
    formats: tuple[str, ...] = FORMATS


GPT_2 = ModelRules(free_sizes=True, formats=PREVIEW_FORMATS)
GPT_25 = ModelRules(free_sizes=True, qualities=MAX_QUALITIES, formats=PREVIEW_FORMATS)
GPT_26 = ModelRules(formats=PREVIEW_FORMATS)  # free sizes and xhigh/max not listed (unverified)
GPT_1X = ModelRules()
MODELS = {
    "gpt-image-2": GPT_2, "gpt-image-2-2026-04-21": GPT_2,
    "gpt-image-2.5-sunburst": GPT_25, "gpt-image-2.5-sunburst-2026-09-08": GPT_25,
    "gpt-image-2.5-flare": GPT_25, "gpt-image-2.5-flare-2026-09-08": GPT_25,
    "gpt-image-2.6-sunburst": GPT_26, "gpt-image-2.6-flare": GPT_26,
    "gpt-image-1.5": GPT_1X, "gpt-image-1.5-2025-12-16": GPT_1X, "gpt-image-1-mini": GPT_1X,
    "chatgpt-image-latest": GPT_1X,
}
RETIRED = ("gpt-image-1", "dall-e-2", "dall-e-3")


class InvalidRequestError(Exception):
    """An `invalid_request_error` with the OpenAI error fields (400 unless `status` says otherwise)."""

    def __init__(self, message: str, param: str | None, code: str | None, status: int = 400):
        super().__init__(message)
        self.message, self.param, self.code, self.status = message, param, code, status


@dataclass
class ImageParams:
    """The effective parameters of a valid request ("auto" and defaults resolved)."""

    model: str
    prompt: str
    n: int
    width: int
    height: int
    quality: str
    output_format: str = "png"
    compression: int | None = None
    background: str = "opaque"
    response_format: str = "b64_json"
    frame_count: int = 9  # gif only
    frame_duration_ms: int = 200  # gif only: rounded to 10 ms, capped at MAX_FRAME_MS

    @property
    def size(self) -> str:
        return f"{self.width}x{self.height}"


def serves(model: str) -> bool:
    """Whether a model id is one the emulator knows (served or retired)."""
    return model in MODELS or model in RETIRED


def retired_error(model: str) -> InvalidRequestError:
    return InvalidRequestError(f"The model `{model}` does not exist or you do not have access to it.", "model",
                               "model_not_found", status=404)


def validate(body: dict[str, Any], model: str | None = None, *, azure: bool = False) -> ImageParams:
    """Check `body`; `model` overrides the body's (Azure deployments). Raises InvalidRequestError."""
    fields = {key: value for key, value in body.items() if value is not None}
    if model is None:
        if "model" not in fields:
            raise InvalidRequestError("Missing required parameter: 'model'.", "model", "missing_required_parameter")
        model = _typed(fields, "model", str, "")
    if model in RETIRED:
        raise retired_error(model)
    rules = MODELS.get(model) or (GPT_1X if model.startswith("gpt-image") else None)  # a future id: base rules
    if rules is None:
        raise InvalidRequestError(f"Invalid value: '{model}'. Supported values are: {_listing(tuple(MODELS))}.",
                                  "model", "invalid_value")
    for name in fields:
        if name not in KNOWN_FIELDS:
            raise InvalidRequestError(f"Unknown parameter: '{name}'.", name, "unknown_parameter")
    prompt = _prompt(fields)
    n = _n(fields)
    width, height = _size(fields, rules, model)
    quality = _choice(fields, "quality", rules.qualities, "auto")
    _check_generic(fields)
    params = ImageParams(model, prompt, n, width, height, "medium" if quality == "auto" else quality)
    _gpt_options(fields, params, AZURE_FORMATS if azure else rules.formats)
    return params


def usage(params: ImageParams) -> dict[str, Any]:
    """Token usage of a gpt-image response, like the real API reports it."""
    text_tokens = max(1, math.ceil(len(params.prompt) / 4))
    per_image = OUTPUT_TOKENS.get((params.width, params.height))
    if per_image is not None:
        output = per_image[params.quality]
    else:  # free gpt-image-2 sizes: scale the 1024x1024 count by area
        output = round(OUTPUT_TOKENS[(1024, 1024)][params.quality] * params.width * params.height / 1024**2)
    output *= params.n
    details = {"text_tokens": text_tokens, "image_tokens": 0}
    return {"input_tokens": text_tokens, "input_tokens_details": details, "output_tokens": output,
            "total_tokens": text_tokens + output}


def _prompt(fields: dict[str, Any]) -> str:
    if "prompt" not in fields:
        raise InvalidRequestError("Missing required parameter: 'prompt'.", "prompt",
                                  "missing_required_parameter")
    prompt = _typed(fields, "prompt", str, "")
    if not prompt:
        raise InvalidRequestError("Invalid 'prompt': string too short. Expected a string with minimum length "
                                  "1, but got an empty string instead.", "prompt", "string_below_min_length")
    if len(prompt) > MAX_PROMPT:
        raise InvalidRequestError(f"Invalid 'prompt': string too long. Expected a string with maximum length "
                                  f"{MAX_PROMPT}, but got a string with length {len(prompt)} instead.",
                                  "prompt", "string_above_max_length")
    return prompt


def _n(fields: dict[str, Any]) -> int:
    n = _typed(fields, "n", int, 1)
    if n < 1:
        raise InvalidRequestError(f"Invalid 'n': integer below minimum value. Expected a value >= 1, but got "
                                  f"{n} instead.", "n", "integer_below_min_value")
    if n > MAX_N:
        raise InvalidRequestError(f"Invalid 'n': integer above maximum value. Expected a value <= "
                                  f"{MAX_N}, but got {n} instead.", "n", "integer_above_max_value")
    return n


def _size(fields: dict[str, Any], rules: ModelRules, model: str) -> tuple[int, int]:
    size = _typed(fields, "size", str, "auto")
    if size == "auto":
        return 1024, 1024
    if size in STANDARD_SIZES:
        width, height = size.split("x")
        return int(width), int(height)
    if rules.free_sizes and (parsed := _free_size(size)) is not None:
        return parsed
    message = f"Invalid value: '{size}'. Supported values are: {_listing(STANDARD_SIZES)}"
    if rules.free_sizes:
        message += (", or WIDTHxHEIGHT with both sides multiples of 16, aspect ratio between 1:3 and 3:1, "
                    f"each side at most {FREE_SIZE_MAX_SIDE} and at most {FREE_SIZE_MAX_PIXELS} pixels "
                    "(3840x2160)")
    raise InvalidRequestError(message + ".", "size", "invalid_value")


def _free_size(size: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"([1-9][0-9]{0,4})x([1-9][0-9]{0,4})", size)  # ASCII digits: \d takes full-width ones
    if match is None:
        return None
    width, height = int(match[1]), int(match[2])
    ok = (width % 16 == 0 and height % 16 == 0 and max(width, height) <= 3 * min(width, height)
          and max(width, height) <= FREE_SIZE_MAX_SIDE and width * height <= FREE_SIZE_MAX_PIXELS)
    return (width, height) if ok else None


def _gpt_options(fields: dict[str, Any], params: ImageParams, formats: tuple[str, ...]) -> None:
    fmt = params.output_format = _choice(fields, "output_format", formats, "png")
    if "output_compression" in fields:
        compression = _typed(fields, "output_compression", int, 100)
        if not 0 <= compression <= 100:
            raise InvalidRequestError(f"Invalid 'output_compression': expected a value between 0 and 100, "
                                      f"but got {compression} instead.", "output_compression",
                                      "invalid_value")
        if fmt not in ("jpeg", "webp"):
            raise InvalidRequestError("Invalid 'output_compression': it is only supported with output_format "
                                      "'jpeg' or 'webp'.", "output_compression", "invalid_value")
        params.compression = compression
    background = _choice(fields, "background", ("transparent", "opaque", "auto"), "auto")
    if background == "transparent" and fmt not in ("png", "webp"):
        raise InvalidRequestError(f"Invalid 'background': 'transparent' needs output_format 'png' or 'webp', "
                                  f"not '{fmt}'.", "background", "invalid_value")
    params.background = "opaque" if background == "auto" else background
    _choice(fields, "moderation", ("low", "auto"), "auto")
    _choice(fields, "complexity", ("low", "medium", "high"), "medium")
    partial = _typed(fields, "partial_images", int, 0)
    if not 0 <= partial <= 3:
        raise InvalidRequestError(f"Invalid 'partial_images': expected a value between 0 and 3, but got "
                                  f"{partial} instead.", "partial_images", "invalid_value")
    params.frame_count, params.frame_duration_ms = _gif_options(fields, fmt)
    _svg_options(fields, fmt, params.n)


def _only_with(fields: dict[str, Any], names: tuple[str, ...], fmt: str, needed: str) -> None:
    for name in names:
        if name in fields and fmt != needed:
            raise InvalidRequestError(f"Invalid '{name}': it is only supported with output_format '{needed}'.",
                                      name, "invalid_value")


def _gif_options(fields: dict[str, Any], fmt: str) -> tuple[int, int]:
    _only_with(fields, ("frame_count", "frame_duration_ms"), fmt, "gif")
    frames = _typed(fields, "frame_count", int, 9)
    if not 2 <= frames <= 16:
        raise InvalidRequestError(f"Invalid 'frame_count': expected a value between 2 and 16, but got {frames} "
                                  "instead.", "frame_count", "invalid_value")
    duration = _typed(fields, "frame_duration_ms", int, 200)
    if duration < 1:  # the minimum is unverified; values above 655350 are capped, not refused
        raise InvalidRequestError(f"Invalid 'frame_duration_ms': expected a value >= 1, but got {duration} "
                                  "instead.", "frame_duration_ms", "invalid_value")
    if fmt == "gif" and "partial_images" in fields:
        raise InvalidRequestError("Invalid 'partial_images': GIF output does not support partial images.",
                                  "partial_images", "invalid_value")
    return frames, min(MAX_FRAME_MS, round(duration / 10) * 10 or 10)


def _svg_options(fields: dict[str, Any], fmt: str, n: int) -> None:
    _only_with(fields, ("svg",), fmt, "svg")
    if fmt != "svg":
        return
    if n != 1:
        raise InvalidRequestError(f"Invalid 'n': SVG output requires n=1, but got {n} instead.", "n",
                                  "invalid_value")
    if "partial_images" in fields:
        raise InvalidRequestError("Invalid 'partial_images': SVG output does not support partial images.",
                                  "partial_images", "invalid_value")
    if "svg" not in fields:
        return
    svg = fields["svg"]
    if not isinstance(svg, dict) or set(svg) - {"model", "reasoning"}:
        raise InvalidRequestError("Invalid 'svg': expected an object with 'model' and optional 'reasoning'.",
                                  "svg", "invalid_value")
    if not isinstance(svg.get("model"), str) or not svg["model"]:
        raise InvalidRequestError("Missing required parameter: 'svg.model'.", "svg.model",
                                  "missing_required_parameter")
    reasoning = svg.get("reasoning")
    if reasoning is None:
        return
    if not isinstance(reasoning, dict) or set(reasoning) - {"effort"}:
        raise InvalidRequestError("Invalid 'svg.reasoning': expected an object with 'effort'.", "svg.reasoning",
                                  "invalid_value")
    if reasoning.get("effort") is not None:
        _choice({"svg.reasoning.effort": reasoning["effort"]}, "svg.reasoning.effort", SVG_EFFORTS, "medium")


def _check_generic(fields: dict[str, Any]) -> None:
    _typed(fields, "user", str, "")
    _typed(fields, "safety_identifier", str, "")
    if _typed(fields, "stream", bool, False):
        raise InvalidRequestError("Invalid value: True. Supported values are: false (the emulator does not "
                                  "stream).", "stream", "invalid_value")


def _choice(fields: dict[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = _typed(fields, name, str, default)
    if value not in allowed:
        raise InvalidRequestError(f"Invalid value: '{value}'. Supported values are: {_listing(allowed)}.",
                                  name, "invalid_value")
    return value


def _typed(fields: dict[str, Any], name: str, kind: type, default: Any) -> Any:
    if name not in fields:
        return default
    value = fields[name]
    if isinstance(value, kind) and (kind is bool or not isinstance(value, bool)):
        return value
    expected = {str: "a string", int: "an integer", bool: "a boolean"}[kind]
    raise InvalidRequestError(f"Invalid type for '{name}': expected {expected}, but got {_type_name(value)} "
                              "instead.", name, "invalid_type")


def _type_name(value: Any) -> str:
    for kind, name in ((bool, "a boolean"), (int, "an integer"), (float, "a decimal"), (str, "a string"),
                       (list, "an array"), (dict, "an object")):
        if isinstance(value, kind):
            return name
    return "null"


def _listing(values: tuple[str, ...]) -> str:
    """'a', 'b', and 'c' -- the way the OpenAI API lists allowed values."""
    quoted = [f"'{value}'" for value in values]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + ", and " + quoted[-1]
