"""Body rules of Bedrock Runtime `InvokeModel` for the image models (providers.md, "Amazon Bedrock Runtime").

`family_of(model_id)` names the family of a served model id ("sdxl", "sd3", "titan", "nova") or None.
`validate(body, model_id)` checks a body as strictly as providers.md and returns the effective
parameters, or raises `BedrockValidationError` whose message reads like Bedrock's own JSON-schema
errors ("Malformed input request: #/cfg_scale: 40 is not less or equal to 35, please reformat your
input and try again."), naming the field by its JSON pointer.

Strictness, as on the real service: unknown keys are rejected at every level, types are checked
(an integer field refuses 7.5, `true` and strings; a number field refuses booleans), and a JSON null
for an optional field is rejected too ("expected type: Integer, found: Null") -- drivers must omit
unset fields. Only the first violation is reported.

Guessed wording (no reference text in providers.md): the SDXL size message (modelled on Stability's
"allowed dimensions" error), the "positive prompt" message, the Nova ratio/pixel messages, the Titan
size message, and the answer to task types other than TEXT_IMAGE (the emulator serves text-to-image
only). SDXL `samples` is accepted but, as Bedrock documents for SDXL, only with the value 1
(`SDXL_MAX_SAMPLES`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SDXL_SIZES = ((1024, 1024), (1152, 896), (1216, 832), (1344, 768), (1536, 640), (640, 1536), (768, 1344),
              (832, 1216), (896, 1152))
SDXL_STYLES = ("3d-model", "analog-film", "anime", "cinematic", "comic-book", "digital-art", "enhance",
               "fantasy-art", "isometric", "line-art", "low-poly", "modeling-compound", "neon-punk", "origami",
               "photographic", "pixel-art", "tile-texture")
CLIP_PRESETS = ("FAST_BLUE", "FAST_GREEN", "NONE", "SIMPLE", "SLOW", "SLOWER", "SLOWEST")
SAMPLERS = ("DDIM", "DDPM", "K_DPMPP_2M", "K_DPMPP_2S_ANCESTRAL", "K_DPM_2", "K_DPM_2_ANCESTRAL", "K_EULER",
            "K_EULER_ANCESTRAL", "K_HEUN", "K_LMS")
SDXL_MAX_SAMPLES = 1  # Bedrock: "Currently Amazon Bedrock supports generating one image" for SDXL
SD3_ASPECT_RATIOS = {"16:9": (1344, 768), "1:1": (1024, 1024), "21:9": (1536, 640), "2:3": (832, 1216),
                     "3:2": (1216, 832), "4:5": (896, 1088), "5:4": (1088, 896), "9:16": (768, 1344),
                     "9:21": (640, 1536)}
TITAN_SIZES = ((1024, 1024), (768, 768), (512, 512), (768, 1152), (384, 576), (1152, 768), (576, 384),
               (768, 1280), (384, 640), (1280, 768), (640, 384), (896, 1152), (448, 576), (1152, 896),
               (576, 448), (768, 1408), (384, 704), (1408, 768), (704, 384), (640, 1408), (320, 704),
               (1408, 640), (704, 320), (1152, 640), (1173, 640))
NOVA_STYLES = ("3D_ANIMATED_FAMILY_FILM", "DESIGN_SKETCH", "FLAT_VECTOR_ILLUSTRATION", "GRAPHIC_NOVEL_ILLUSTRATION",
               "MAXIMALISM", "MIDCENTURY_RETRO", "PHOTOREALISM", "SOFT_DIGITAL_PAINTING")
NOVA_MIN_SIDE, NOVA_MAX_SIDE, NOVA_PIXELS_BELOW = 320, 4096, 4_194_304
TASK_TYPES = ("TEXT_IMAGE", "INPAINTING", "OUTPAINTING", "IMAGE_VARIATION", "COLOR_GUIDED_GENERATION",
              "BACKGROUND_REMOVAL", "VIRTUAL_TRY_ON")
MAX_SEED_32 = 4294967295
MAX_SEED_STABILITY_V3 = 4294967294  # providers.md, "Stability v3 body": seed 0-4294967294

# Retired on Bedrock (providers.md, "Status in late 2026"): id -> retirement date (late-2025 ones unverified).
RETIRED = {
    "stability.stable-diffusion-xl-v1": "2025-05-20",
    "stability.stable-diffusion-xl-v0": "2025-05-20",
    "stability.sd3-large-v1:0": "2025-12-31",
    "stability.stable-image-core-v1:0": "2025-12-31",
    "stability.stable-image-ultra-v1:0": "2025-12-31",
    "amazon.titan-image-generator-v1": "2026-06-30",
    "amazon.titan-image-generator-v2:0": "2026-06-30",
    "amazon.nova-canvas-v1:0": "2026-09-30",
}

FAMILIES = {
    "stability.stable-diffusion-xl-v1": "sdxl",
    "stability.stable-diffusion-xl-v0": "sdxl",
    "stability.sd3-large-v1:0": "sd3",
    "stability.sd3-5-large-v1:0": "sd3",
    "stability.stable-image-core-v1:0": "sd3",
    "stability.stable-image-core-v1:1": "sd3",
    "stability.stable-image-ultra-v1:0": "sd3",
    "stability.stable-image-ultra-v1:1": "sd3",
    "amazon.titan-image-generator-v1": "titan",
    "amazon.titan-image-generator-v2:0": "titan",
    "amazon.nova-canvas-v1:0": "nova",
}


@dataclass(frozen=True)
class TitanLimits:
    max_text: int
    max_seed: int
    default_seed: int
    styles: tuple[str, ...] = ()


TITAN_LIMITS = {"titan": TitanLimits(512, 2147483646, 42), "nova": TitanLimits(1024, 858993459, 12, NOVA_STYLES)}


class BedrockValidationError(Exception):
    """A 400 ValidationException; `message` is the text Bedrock would answer."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class BedrockParams:
    """The effective parameters of a valid request."""

    model: str
    family: str
    prompt: str
    negative_prompt: str
    width: int
    height: int
    count: int = 1
    seed: int | None = None  # as sent (None when absent); 0 means random for the Stability models
    output_format: str = "png"


def family_of(model_id: str) -> str | None:
    return FAMILIES.get(model_id)


def validate(body: Any, model_id: str) -> BedrockParams:
    family = family_of(model_id)
    if family is None:
        raise ValueError(f"not a served model id: {model_id!r}")
    _expect(body, "#", dict, "JSONObject")
    return {"sdxl": _sdxl, "sd3": _sd3, "titan": _titan, "nova": _titan}[family](body, model_id, family)


# ---- families ----------------------------------------------------------------------------------------

def _sdxl(body: dict[str, Any], model: str, family: str) -> BedrockParams:
    _keys(body, "#", ("text_prompts", "cfg_scale", "clip_guidance_preset", "height", "width", "sampler",
                      "samples", "seed", "steps", "style_preset"), ("text_prompts",))
    prompts = _expect(body["text_prompts"], "#/text_prompts", list, "JSONArray")
    if not prompts:
        raise _malformed("#/text_prompts: expected minimum item count: 1, found: 0")
    positive, negative = [], []
    for index, item in enumerate(prompts):
        path = f"#/text_prompts/{index}"
        _expect(item, path, dict, "JSONObject")
        _keys(item, path, ("text", "weight"), ("text",))
        text = _string(item, "text", path, max_length=2000)
        weight = _number(item, "weight", path)
        (negative if weight is not None and weight < 0 else positive).append(text)
    if not any(text.strip() for text in positive):
        raise _malformed("#/text_prompts: at least one prompt with a positive weight and non-empty text is required")
    _number(body, "cfg_scale", "#", 0, 35)
    _string(body, "clip_guidance_preset", "#", enum=CLIP_PRESETS)
    _string(body, "sampler", "#", enum=SAMPLERS)
    _string(body, "style_preset", "#", enum=SDXL_STYLES)
    _integer(body, "steps", "#", 10, 150)
    samples = _integer(body, "samples", "#", 1, SDXL_MAX_SAMPLES)
    seed = _integer(body, "seed", "#", 0, MAX_SEED_32)
    width = _integer(body, "width", "#", 0, None)
    height = _integer(body, "height", "#", 0, None)
    size = (1024 if width is None else width, 1024 if height is None else height)
    if size not in SDXL_SIZES:
        allowed = ", ".join(f"{w}x{h}" for w, h in SDXL_SIZES)
        raise BedrockValidationError(f"Malformed input request: for {model} the allowed dimensions are {allowed}, "
                                     f"but we received {size[0]}x{size[1]}, please reformat your input and try "
                                     "again.")
    return BedrockParams(model, family, " ".join(t for t in positive if t.strip()), " ".join(negative), *size,
                         count=samples or 1, seed=seed)


def _sd3(body: dict[str, Any], model: str, family: str) -> BedrockParams:
    _keys(body, "#", ("prompt", "negative_prompt", "aspect_ratio", "seed", "output_format", "mode"), ("prompt",))
    prompt = _string(body, "prompt", "#", min_length=1, max_length=10000)
    negative = _string(body, "negative_prompt", "#", max_length=10000) or ""
    _string(body, "mode", "#", enum=("text-to-image",))
    ratio = _string(body, "aspect_ratio", "#", enum=tuple(SD3_ASPECT_RATIOS)) or "1:1"
    seed = _integer(body, "seed", "#", 0, MAX_SEED_STABILITY_V3)
    fmt = _string(body, "output_format", "#", enum=("png", "jpeg")) or "png"
    return BedrockParams(model, family, prompt, negative, *SD3_ASPECT_RATIOS[ratio], seed=seed, output_format=fmt)


def _titan(body: dict[str, Any], model: str, family: str) -> BedrockParams:
    limits = TITAN_LIMITS[family]
    _keys(body, "#", ("taskType", "textToImageParams", "imageGenerationConfig"), ("taskType",))
    task = _string(body, "taskType", "#", enum=TASK_TYPES)
    if task != "TEXT_IMAGE":
        raise _malformed(f"#/taskType: {task} is not served by the emulator (TEXT_IMAGE only)")
    if "textToImageParams" not in body:
        raise _malformed("#: required key [textToImageParams] not found")
    path = "#/textToImageParams"
    params = _expect(body["textToImageParams"], path, dict, "JSONObject")
    _keys(params, path, ("text", "negativeText", "style") if limits.styles else ("text", "negativeText"), ("text",))
    text = _string(params, "text", path, min_length=1, max_length=limits.max_text)
    negative = _string(params, "negativeText", path, min_length=1, max_length=limits.max_text) or ""
    if limits.styles:
        _string(params, "style", path, enum=limits.styles)
    path = "#/imageGenerationConfig"
    config = _expect(body.get("imageGenerationConfig", {}), path, dict, "JSONObject")
    _keys(config, path, ("numberOfImages", "quality", "cfgScale", "height", "width", "seed"), ())
    count = _integer(config, "numberOfImages", path, 1, 5) or 1
    _string(config, "quality", path, enum=("standard", "premium"))
    _number(config, "cfgScale", path, 1.1, 10)
    seed = _integer(config, "seed", path, 0, limits.max_seed)
    if family == "nova":
        width = _integer(config, "width", path, NOVA_MIN_SIDE, NOVA_MAX_SIDE, multiple_of=16) or 1024
        height = _integer(config, "height", path, NOVA_MIN_SIDE, NOVA_MAX_SIDE, multiple_of=16) or 1024
        _nova_size(width, height)
    else:
        width = _integer(config, "width", path, 0, None)
        height = _integer(config, "height", path, 0, None)
        width, height = 1024 if width is None else width, 1024 if height is None else height
        if (width, height) not in TITAN_SIZES:
            allowed = ", ".join(f"{w}x{h}" for w, h in TITAN_SIZES)
            raise _malformed(f"{path}: {width}x{height} is not a supported width x height; supported sizes: "
                             f"{allowed}")
    return BedrockParams(model, family, text, negative, width, height, count=count,
                         seed=limits.default_seed if seed is None else seed)


def _nova_size(width: int, height: int) -> None:
    if not 1 / 4 <= width / height <= 4:
        raise _malformed(f"#/imageGenerationConfig: {width}x{height} has an aspect ratio outside 1:4 to 4:1")
    if width * height >= NOVA_PIXELS_BELOW:
        raise _malformed(f"#/imageGenerationConfig: {width}x{height} has {width * height:,} pixels; the total "
                         f"must be less than {NOVA_PIXELS_BELOW:,}")


# ---- JSON-schema style checks ------------------------------------------------------------------------

def _malformed(detail: str) -> BedrockValidationError:
    return BedrockValidationError(f"Malformed input request: {detail}, please reformat your input and try again.")


def _type_name(value: Any) -> str:
    for kind, name in ((bool, "Boolean"), (int, "Integer"), (float, "Double"), (str, "String"),
                       (list, "JSONArray"), (dict, "JSONObject")):
        if isinstance(value, kind):
            return name
    return "Null"


def _expect(value: Any, path: str, kind: type, name: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise _malformed(f"{path}: expected type: {name}, found: {_type_name(value)}")
    return value


def _keys(obj: dict[str, Any], path: str, allowed: tuple[str, ...], required: tuple[str, ...]) -> None:
    for name in obj:
        if name not in allowed:
            raise _malformed(f"{path}: extraneous key [{name}] is not permitted")
    for name in required:
        if name not in obj:
            raise _malformed(f"{path}: required key [{name}] not found")


def _string(obj: dict[str, Any], name: str, path: str, *, min_length: int = 0, max_length: int | None = None,
            enum: tuple[str, ...] = ()) -> str | None:
    if name not in obj:
        return None
    here = f"{path}/{name}"
    value = _expect(obj[name], here, str, "String")
    if enum and value not in enum:
        raise _malformed(f"{here}: {value} is not a valid enum value")
    if len(value) < min_length:
        raise _malformed(f"{here}: expected minLength: {min_length}, actual: {len(value)}")
    if max_length is not None and len(value) > max_length:
        raise _malformed(f"{here}: expected maxLength: {max_length}, actual: {len(value)}")
    return value


def _integer(obj: dict[str, Any], name: str, path: str, minimum: int, maximum: int | None, *,
             multiple_of: int | None = None) -> int | None:
    if name not in obj:
        return None
    here = f"{path}/{name}"
    value = _expect(obj[name], here, int, "Integer")
    _bounds(value, here, minimum, maximum)
    if multiple_of and value % multiple_of:
        raise _malformed(f"{here}: {value} is not a multiple of {multiple_of}")
    return value


def _number(obj: dict[str, Any], name: str, path: str, minimum: float | None = None,
            maximum: float | None = None) -> float | None:
    if name not in obj:
        return None
    here = f"{path}/{name}"
    value = obj[name]
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _malformed(f"{here}: expected type: Number, found: {_type_name(value)}")
    _bounds(value, here, minimum, maximum)
    return value


def _bounds(value: float, path: str, minimum: float | None, maximum: float | None) -> None:
    if minimum is not None and value < minimum:
        raise _malformed(f"{path}: {value} is not greater or equal to {minimum}")
    if maximum is not None and value > maximum:
        raise _malformed(f"{path}: {value} is not less or equal to {maximum}")
