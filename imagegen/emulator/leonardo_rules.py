"""Body rules of Leonardo.Ai `POST /generations` (providers.md, "Leonardo.Ai REST v1") and its cost.

`validate(body)` checks a create body as strictly as providers.md -- field names exactly as Leonardo
spells them (mixed snake/camel case) -- and returns the effective parameters, or raises
`LeonardoValidationError` with a message naming the field. Unknown fields and JSON nulls are refused
(drivers must omit unset fields); wrong types are refused (integers refuse 7.5 and booleans).

Defaults (*unverified*, kept here in one place): width x height `DEFAULT_SIZE` (512x512),
`num_images` `DEFAULT_NUM_IMAGES` (4), `num_inference_steps` 15. A missing `modelId` is allowed
(Leonardo then picks its default model) and reported back as null.

`cost(params)` is the emulator's own deterministic price -- credits grow with pixels, steps and image
count -- answered as `apiCreditCost` and `cost: {"amount": "<decimal>", "unit": "DOLLARS"}`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

PRESET_STYLES = ("ANIME", "BOKEH", "CINEMATIC", "CINEMATIC_CLOSEUP", "CREATIVE", "DYNAMIC", "ENVIRONMENT",
                 "FASHION", "FILM", "FOOD", "GENERAL", "HDR", "ILLUSTRATION", "LEONARDO", "LONG_EXPOSURE", "MACRO",
                 "MINIMALISTIC", "MONOCHROME", "MOODY", "NONE", "NEUTRAL", "PHOTOGRAPHY", "PORTRAIT", "RAYTRACED",
                 "RENDER_3D", "RETRO", "SKETCH_BW", "SKETCH_COLOR", "STOCK_PHOTO", "VIBRANT", "UNPROCESSED")
NO_ALCHEMY_STYLES = ("LEONARDO", "NONE")
SCHEDULERS = ("KLMS", "EULER_ANCESTRAL_DISCRETE", "EULER_DISCRETE", "DDIM", "DPM_SOLVER", "PNDM", "LEONARDO")
FLUX_MODELS = ("b2614463-296c-462a-9586-aafdb8f00e36", "1dd50843-d653-4516-a8e3-f0238ee453ff")
MODEL_NAMES = {  # for image labels only; any other id passes through and is labelled by its id
    "b2614463-296c-462a-9586-aafdb8f00e36": "Flux Dev",
    "1dd50843-d653-4516-a8e3-f0238ee453ff": "Flux Schnell",
    "de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3": "Leonardo Phoenix 1.0",
    "b24e16ff-06e3-43eb-8d33-4416c2d75876": "Leonardo Lightning XL",
    "aa77f04e-3eec-4034-9c07-d0f619684628": "Leonardo Kino XL",
    "1e60896f-3c26-4296-8ecc-53e2afecc132": "Leonardo Diffusion XL",
    "6bef9f1b-29cb-40c7-b9df-32b51c1f67d3": "Leonardo Creative",
}
FIELDS = ("prompt", "modelId", "negative_prompt", "width", "height", "num_images", "num_inference_steps",
          "guidance_scale", "seed", "presetStyle", "alchemy", "photoReal", "contrast", "scheduler", "tiling", "public")
MAX_PROMPT = 1500
MIN_SIDE, MAX_SIDE, SIDE_STEP = 32, 1536, 8
DEFAULT_SIZE = (512, 512)
DEFAULT_NUM_IMAGES, DEFAULT_STEPS = 4, 15
BIG_SIDE, MAX_IMAGES, MAX_IMAGES_BIG = 768, 8, 4
MAX_SEED, MAX_FLUX_SEED = 9999999998, 2147483638  # providers.md: seed ≤ 2147483638 on Flux
CREDITS_PER_IMAGE = 2  # at 512x512 and 15 steps; scales with pixels and steps, rounded up
DOLLARS_PER_CREDIT = Decimal("0.002")


class LeonardoValidationError(Exception):
    """A 400 `{"error": message, "path": "$", "code": "unexpected"}`."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class LeonardoParams:
    prompt: str
    model_id: str | None
    negative_prompt: str
    width: int
    height: int
    num_images: int
    steps: int
    guidance_scale: float | None
    seed: int | None
    preset_style: str | None
    alchemy: bool
    photo_real: bool
    scheduler: str | None
    public: bool

    @property
    def model_name(self) -> str:
        if self.model_id is None:
            return "default model"
        return MODEL_NAMES.get(self.model_id, self.model_id)


def validate(body: Any) -> LeonardoParams:
    if not isinstance(body, dict):
        raise LeonardoValidationError("expected a JSON object as the request body")
    for name, value in body.items():
        if name not in FIELDS:
            raise LeonardoValidationError(f'unexpected field "{name}" in the request body')
        if value is None:
            raise LeonardoValidationError(f'invalid value for "{name}": null is not allowed (omit the field)')
    if "prompt" not in body:
        raise LeonardoValidationError('missing required field "prompt"')
    prompt = _typed(body, "prompt", str)
    if not prompt.strip():
        raise LeonardoValidationError('invalid value for "prompt": it must not be empty')
    if len(prompt) > MAX_PROMPT:
        raise LeonardoValidationError(f'invalid value for "prompt": {len(prompt)} characters is over the maximum '
                                      f"of {MAX_PROMPT}")
    model_id = _typed(body, "modelId", str)
    if model_id is not None and not model_id.strip():
        raise LeonardoValidationError('invalid value for "modelId": it must not be empty')
    negative = _typed(body, "negative_prompt", str) or ""
    if len(negative) > MAX_PROMPT:
        raise LeonardoValidationError(f'invalid value for "negative_prompt": {len(negative)} characters is over '
                                      f"the maximum of {MAX_PROMPT}")
    width = _side(body, "width", DEFAULT_SIZE[0])
    height = _side(body, "height", DEFAULT_SIZE[1])
    limit = MAX_IMAGES_BIG if max(width, height) > BIG_SIDE else MAX_IMAGES
    num_images = _ranged(body, "num_images", 1, MAX_IMAGES, DEFAULT_NUM_IMAGES)
    if num_images > limit:
        raise LeonardoValidationError(f'invalid value for "num_images": {num_images} is over the maximum of {limit} '
                                      f"when width or height is over {BIG_SIDE}")
    steps = _ranged(body, "num_inference_steps", 10, 60, DEFAULT_STEPS)
    guidance = _number(body, "guidance_scale", 1, 20)
    seed_limit = MAX_FLUX_SEED if model_id in FLUX_MODELS else MAX_SEED
    seed = _ranged(body, "seed", 0, seed_limit, None)
    alchemy = bool(_typed(body, "alchemy", bool))
    photo_real = bool(_typed(body, "photoReal", bool))
    style = _choice(body, "presetStyle", PRESET_STYLES)
    if style is not None and not alchemy and style not in NO_ALCHEMY_STYLES:
        raise LeonardoValidationError(f'invalid value for "presetStyle": {style} needs alchemy; with alchemy off '
                                      f"only {' or '.join(NO_ALCHEMY_STYLES)} are accepted")
    if photo_real and not alchemy:
        raise LeonardoValidationError('invalid value for "photoReal": true needs "alchemy": true')
    _number(body, "contrast", 1.0, 4.5)
    scheduler = _choice(body, "scheduler", SCHEDULERS)
    _typed(body, "tiling", bool)
    public = bool(_typed(body, "public", bool))
    return LeonardoParams(prompt, model_id, negative, width, height, num_images, steps, guidance, seed, style,
                          alchemy, photo_real, scheduler, public)


def credits(params: LeonardoParams) -> int:
    """API credits of a generation: CREDITS_PER_IMAGE per 512x512 image at 15 steps, scaled, rounded up."""
    per_image = CREDITS_PER_IMAGE * (params.width * params.height) / (512 * 512) * params.steps / DEFAULT_STEPS
    return params.num_images * max(1, math.ceil(per_image))


def cost(params: LeonardoParams) -> dict[str, str]:
    amount = credits(params) * DOLLARS_PER_CREDIT
    return {"amount": format(amount.normalize(), "f"), "unit": "DOLLARS"}


def _type_name(value: Any) -> str:
    for kind, name in ((bool, "a boolean"), (int, "an integer"), (float, "a number"), (str, "a string"),
                       (list, "an array"), (dict, "an object")):
        if isinstance(value, kind):
            return name
    return "null"


def _typed(body: dict[str, Any], name: str, kind: type) -> Any:
    if name not in body:
        return None
    value = body[name]
    if isinstance(value, kind) and (kind is bool or not isinstance(value, bool)):
        return value
    expected = {str: "a string", int: "an integer", bool: "a boolean"}[kind]
    raise LeonardoValidationError(f'invalid value for "{name}": expected {expected}, got {_type_name(value)}')


def _ranged(body: dict[str, Any], name: str, minimum: int, maximum: int, default: int | None) -> int | None:
    value = _typed(body, name, int)
    if value is None:
        return default
    if not minimum <= value <= maximum:
        raise LeonardoValidationError(f'invalid value for "{name}": {value} is outside {minimum}-{maximum}')
    return value


def _side(body: dict[str, Any], name: str, default: int) -> int:
    value = _ranged(body, name, MIN_SIDE, MAX_SIDE, default)
    if value % SIDE_STEP:
        raise LeonardoValidationError(f'invalid value for "{name}": {value} is not a multiple of {SIDE_STEP}')
    return value


def _number(body: dict[str, Any], name: str, minimum: float, maximum: float) -> float | None:
    if name not in body:
        return None
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LeonardoValidationError(f'invalid value for "{name}": expected a number, got {_type_name(value)}')
    if not minimum <= value <= maximum:
        raise LeonardoValidationError(f'invalid value for "{name}": {value} is outside {minimum:g}-{maximum:g}')
    return value


def _choice(body: dict[str, Any], name: str, allowed: tuple[str, ...]) -> str | None:
    value = _typed(body, name, str)
    if value is not None and value not in allowed:
        raise LeonardoValidationError(f'invalid value for "{name}": {value!r} is not one of {", ".join(allowed)}')
    return value
