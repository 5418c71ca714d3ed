"""Body rules of `images/generations` for OpenAI and Azure OpenAI (providers.md, "OpenAI Images").

`validate(body, model)` checks a request body exactly as strictly as the table in providers.md and
returns the effective parameters, or raises `InvalidRequestError` with the OpenAI error fields
(message naming the parameter and its allowed values, `param`, `code`).

Models: `dall-e-2`, `dall-e-3`, and every id starting with `gpt-image` (gpt-image-1, -1-mini, -1.5,
-2 and future ones, all checked with the gpt-image rules; the free WxH sizes only for `gpt-image-2`
and its dated snapshots `gpt-image-2-YYYY-MM-DD`). A missing model means `dall-e-2`, the API's
default. Any other model id is rejected with `param: "model"`, as the real API rejects ids it does
not serve; when a new family appears, add it here.
Fields outside providers.md are `unknown_parameter`, except the generic `user`,
`safety_identifier` (strings) and `stream` (only false: the emulator does not stream). A JSON null
counts as "not sent", as the SDK omits unset fields.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

DEFAULT_MODEL = "dall-e-2"
GPT_ONLY = ("output_format", "output_compression", "background", "moderation", "partial_images")
DALL_E_ONLY = ("response_format", "style")
KNOWN_FIELDS = frozenset(("model", "prompt", "n", "size", "quality", "user", "safety_identifier", "stream")
                         + GPT_ONLY + DALL_E_ONLY)
GPT_IMAGE_2 = re.compile(r"gpt-image-2(-[0-9]{4}-[0-9]{2}-[0-9]{2})?")
FREE_SIZE_MAX_SIDE, FREE_SIZE_MAX_PIXELS = 3840, 3840 * 2160

# output tokens of one gpt-image image by size and quality ("auto" counts as medium)
OUTPUT_TOKENS = {
    (1024, 1024): {"low": 272, "medium": 1056, "high": 4160},
    (1536, 1024): {"low": 408, "medium": 1584, "high": 6240},
    (1024, 1536): {"low": 408, "medium": 1584, "high": 6240},
}


@dataclass(frozen=True)
class Family:
    name: str
    max_prompt: int
    max_n: int
    sizes: tuple[str, ...]
    default_size: str
    qualities: tuple[str, ...]
    default_quality: str
    styles: tuple[str, ...] = ()


FAMILIES = {
    "dall-e-2": Family("dall-e-2", 1000, 10, ("256x256", "512x512", "1024x1024"), "1024x1024",
                       ("standard",), "standard"),
    "dall-e-3": Family("dall-e-3", 4000, 1, ("1024x1024", "1792x1024", "1024x1792"), "1024x1024",
                       ("standard", "hd"), "standard", ("vivid", "natural")),
    "gpt-image": Family("gpt-image", 32000, 10, ("1024x1024", "1536x1024", "1024x1536", "auto"), "auto",
                        ("low", "medium", "high", "auto"), "auto"),
}


class InvalidRequestError(Exception):
    """A 400 `invalid_request_error` with the OpenAI error fields."""

    def __init__(self, message: str, param: str | None, code: str | None):
        super().__init__(message)
        self.message, self.param, self.code = message, param, code


@dataclass
class ImageParams:
    """The effective parameters of a valid request ("auto" and defaults resolved)."""

    model: str
    family: str
    prompt: str
    n: int
    width: int
    height: int
    quality: str
    style: str | None = None
    response_format: str = "b64_json"
    output_format: str = "png"
    compression: int | None = None
    background: str = "opaque"

    @property
    def size(self) -> str:
        return f"{self.width}x{self.height}"

    @property
    def is_gpt_image(self) -> bool:
        return self.family == "gpt-image"


def family_of(model: str) -> str | None:
    """"dall-e-2", "dall-e-3", "gpt-image", or None for an id the emulator does not serve."""
    if model in ("dall-e-2", "dall-e-3"):
        return model
    return "gpt-image" if model.startswith("gpt-image") else None


def validate(body: dict[str, Any], model: str | None = None, *, azure: bool = False) -> ImageParams:
    """Check `body`; `model` overrides the body's (Azure deployments). Raises InvalidRequestError."""
    fields = {key: value for key, value in body.items() if value is not None}
    for name in fields:
        if name not in KNOWN_FIELDS:
            raise InvalidRequestError(f"Unknown parameter: '{name}'.", name, "unknown_parameter")
    if model is None:
        model = _typed(fields, "model", str, DEFAULT_MODEL)
    family_name = family_of(model)
    if family_name is None:
        known = ("dall-e-2", "dall-e-3", "gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5", "gpt-image-2")
        raise InvalidRequestError(f"Invalid value: '{model}'. Supported values are: {_listing(known)}.",
                                  "model", "invalid_value")
    family = FAMILIES[family_name]
    not_for_model = DALL_E_ONLY if family.name == "gpt-image" else GPT_ONLY
    if family.name != "gpt-image" and not family.styles:
        not_for_model += ("style",)
    for name in not_for_model:
        if name in fields:
            raise InvalidRequestError(f"Unknown parameter: '{name}'. It is not supported by model '{model}'.",
                                      name, "unknown_parameter")
    prompt = _prompt(fields, family)
    n = _n(fields, family, model)
    width, height = _size(fields, family, model)
    quality = _choice(fields, "quality", family.qualities, family.default_quality)
    _check_generic(fields)
    params = ImageParams(model, family.name, prompt, n, width, height, quality)
    if family.name == "gpt-image":
        _gpt_options(fields, params, azure)
        params.quality = "medium" if quality == "auto" else quality
    else:
        params.style = _choice(fields, "style", family.styles, "vivid") if family.styles else None
        params.response_format = _choice(fields, "response_format", ("url", "b64_json"), "url")
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


def _prompt(fields: dict[str, Any], family: Family) -> str:
    if "prompt" not in fields:
        raise InvalidRequestError("Missing required parameter: 'prompt'.", "prompt",
                                  "missing_required_parameter")
    prompt = _typed(fields, "prompt", str, "")
    if not prompt:
        raise InvalidRequestError("Invalid 'prompt': string too short. Expected a string with minimum length "
                                  "1, but got an empty string instead.", "prompt", "string_below_min_length")
    if len(prompt) > family.max_prompt:
        raise InvalidRequestError(f"Invalid 'prompt': string too long. Expected a string with maximum length "
                                  f"{family.max_prompt}, but got a string with length {len(prompt)} instead.",
                                  "prompt", "string_above_max_length")
    return prompt


def _n(fields: dict[str, Any], family: Family, model: str) -> int:
    n = _typed(fields, "n", int, 1)
    if n < 1:
        raise InvalidRequestError(f"Invalid 'n': integer below minimum value. Expected a value >= 1, but got "
                                  f"{n} instead.", "n", "integer_below_min_value")
    if family.max_n == 1 and n != 1:
        raise InvalidRequestError(f"Invalid 'n': you must provide n=1 for model '{model}'.", "n",
                                  "invalid_value")
    if n > family.max_n:
        raise InvalidRequestError(f"Invalid 'n': integer above maximum value. Expected a value <= "
                                  f"{family.max_n}, but got {n} instead.", "n", "integer_above_max_value")
    return n


def _size(fields: dict[str, Any], family: Family, model: str) -> tuple[int, int]:
    size = _typed(fields, "size", str, family.default_size)
    if size == "auto" and "auto" in family.sizes:
        return 1024, 1024
    if size in family.sizes:
        width, height = size.split("x")
        return int(width), int(height)
    free = GPT_IMAGE_2.fullmatch(model) is not None
    if free and (parsed := _free_size(size)) is not None:
        return parsed
    message = f"Invalid value: '{size}'. Supported values are: {_listing(family.sizes)}"
    if free:
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


def _gpt_options(fields: dict[str, Any], params: ImageParams, azure: bool) -> None:
    formats = ("png", "jpeg") if azure else ("png", "jpeg", "webp")
    params.output_format = _choice(fields, "output_format", formats, "png")
    if "output_compression" in fields:
        compression = _typed(fields, "output_compression", int, 100)
        if not 0 <= compression <= 100:
            raise InvalidRequestError(f"Invalid 'output_compression': expected a value between 0 and 100, "
                                      f"but got {compression} instead.", "output_compression",
                                      "invalid_value")
        if params.output_format == "png":
            raise InvalidRequestError("Invalid 'output_compression': it is only supported with output_format "
                                      "'jpeg' or 'webp'.", "output_compression", "invalid_value")
        params.compression = compression
    background = _choice(fields, "background", ("transparent", "opaque", "auto"), "auto")
    if background == "transparent" and params.output_format == "jpeg":
        raise InvalidRequestError("Invalid 'background': 'transparent' needs output_format 'png' or 'webp', "
                                  "not 'jpeg'.", "background", "invalid_value")
    params.background = "opaque" if background == "auto" else background
    _choice(fields, "moderation", ("low", "auto"), "auto")
    partial = _typed(fields, "partial_images", int, 0)
    if not 0 <= partial <= 3:
        raise InvalidRequestError(f"Invalid 'partial_images': expected a value between 0 and 3, but got "
                                  f"{partial} instead.", "partial_images", "invalid_value")


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
