"""Body rules of Leonardo.Ai `POST /generations` (providers.md, "Leonardo.Ai REST v1") and its cost.

`validate(body)` checks a create body as strictly as providers.md -- field names exactly as Leonardo
spells them (mixed snake/camel case) -- and returns the effective parameters, or raises
`LeonardoValidationError` with a message naming the field. Unknown fields and JSON nulls are refused
(drivers must omit unset fields); wrong types are refused (integers refuse 7.5 and booleans).

Per model: the native models (`NATIVE`: Lucid, Phoenix, FLUX) require `contrast` (one of `CONTRASTS`) and take
`styleUUID` (a known style), `enhancePrompt` (+ `enhancePromptInstruction`, only with it on), `ultra` (not on the
FLUX models) and `alchemy` (Phoenix only, with contrast >= 2.5); they refuse the legacy fields (steps, guidance,
`presetStyle`, `photoReal`, `scheduler`). The legacy (SDXL-era) models refuse the native-only fields and
`contrast` (the catalog offers it on native models only; unverified on the real API). An id the
emulator does not know is checked for types and ranges only.

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
FLUX_MODELS = ("b2614463-296c-462a-9586-aafdb8f00e36", "1dd50843-d653-4516-a8e3-f0238ee453ff",
               "28aeddf8-bd19-4803-80fc-79602d1a9989")
NATIVE = {  # modelId -> (name, takes ultra, takes alchemy)
    "7b592283-e8a7-4c5a-9ba6-d18c31f258b9": ("Lucid Origin", True, False),
    "05ce0082-2d80-4a2d-8653-4d1c85e2418e": ("Lucid Realism", True, False),
    "de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3": ("Leonardo Phoenix 1.0", True, True),
    "6b645e3a-d64f-4341-a6d8-7a3690fbf042": ("Leonardo Phoenix 0.9", True, True),
    "28aeddf8-bd19-4803-80fc-79602d1a9989": ("FLUX.1 Kontext", False, False),
    "b2614463-296c-462a-9586-aafdb8f00e36": ("Flux Dev", False, False),
    "1dd50843-d653-4516-a8e3-f0238ee453ff": ("Flux Schnell", False, False),
}
LEGACY = {
    "b24e16ff-06e3-43eb-8d33-4416c2d75876": "Leonardo Lightning XL",
    "aa77f04e-3eec-4034-9c07-d0f619684628": "Leonardo Kino XL",
    "1e60896f-3c26-4296-8ecc-53e2afecc132": "Leonardo Diffusion XL",
    "5c232a9e-9061-4777-980a-ddc8e65647c6": "Leonardo Vision XL",
    "e71a1c2f-4f80-4800-934f-2c68979d8cc8": "Leonardo Anime XL",
    "2067ae52-33fd-4a82-bb92-c2c55e7d2786": "AlbedoBase XL",
    "16e7060a-803e-4df3-97ee-edcfa5dc9cc8": "SDXL 1.0",
    "6bef9f1b-29cb-40c7-b9df-32b51c1f67d3": "Leonardo Creative",
}
CONTRASTS = (1.0, 1.3, 1.8, 2.5, 3, 3.5, 4, 4.5)  # the OpenAPI enum; 3 / 3.5 / 4 are low / medium / high
STYLE_UUIDS = frozenset((
    "9fdc5e8c-4d13-49b4-9ce6-5a74cbb19177", "a5632c7c-ddbb-4e2f-ba34-8456ab3ac436",
    "cc53f935-884c-40a0-b7eb-1f5c42821fb5", "6fedbf1f-4a17-45ec-84fb-92fe524a29ef",
    "111dc692-d470-4eec-b791-3475abac4c46", "594c4a08-a522-4e0e-b7ff-e4dac4b6b622",
    "85da2dcc-c373-464c-9a7a-5624359be859", "d574325d-1278-4fe2-974b-768525f253c3",
    "97c20e5c-1af6-4d42-b227-54d03d8f0727", "335e6010-a75c-45d9-afc5-032c65e9180e",
    "30c1d34f-e3a9-479a-b56f-c018bbc9c02a", "cadc8cd6-7838-4c99-b645-df76be8ba8d8",
    "a2f7ea66-959b-4bbe-b508-6133238b76b6", "621e1c9a-6319-4bee-a12d-ae40659162fa",
    "0d914779-c822-430a-b976-30075033f1c4", "556c1ee5-ec38-42e8-955a-1e82dad0ffa1",
    "8e2bc543-6ee2-45f9-bcd9-594b6ce84dcd", "6105baa2-851b-446e-9db5-08a671a8c42f",
    "5bdc3f2a-1be6-4d1c-8e77-992a30824a2c", "62736842-6e4b-4028-b79a-4f1a1606e893",
    "dee282d3-891f-4f73-ba02-7f8131e5541b"))
LEGACY_ONLY = ("num_inference_steps", "guidance_scale", "presetStyle", "photoReal", "scheduler")
NATIVE_ONLY = ("styleUUID", "ultra", "enhancePrompt", "enhancePromptInstruction")
ALCHEMY_MIN_CONTRAST = 2.5
FIELDS = ("prompt", "modelId", "negative_prompt", "width", "height", "num_images", "num_inference_steps",
          "guidance_scale", "seed", "presetStyle", "alchemy", "photoReal", "contrast", "scheduler", "tiling",
          "public", *NATIVE_ONLY)
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
        if self.model_id in NATIVE:
            return NATIVE[self.model_id][0]
        return LEGACY.get(self.model_id, self.model_id)


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
    _per_model(body, model_id)
    scheduler = _choice(body, "scheduler", SCHEDULERS)
    _typed(body, "tiling", bool)
    public = bool(_typed(body, "public", bool))
    return LeonardoParams(prompt, model_id, negative, width, height, num_images, steps, guidance, seed, style,
                          alchemy, photo_real, scheduler, public)


def _per_model(body: dict[str, Any], model_id: str | None) -> None:
    """The fields this model takes (see the module doc); contrast is checked for every model that gets one."""
    contrast = _number(body, "contrast", 1.0, 4.5)
    if contrast is not None and contrast not in CONTRASTS:
        raise LeonardoValidationError(f'invalid value for "contrast": {contrast} is not one of '
                                      f'{", ".join(f"{c:g}" for c in CONTRASTS)}')
    style = _typed(body, "styleUUID", str)
    if style is not None and style not in STYLE_UUIDS:
        raise LeonardoValidationError(f'invalid value for "styleUUID": {style!r} is not a known style')
    for name in ("ultra", "enhancePrompt"):
        _typed(body, name, bool)
    _typed(body, "enhancePromptInstruction", str)
    if "enhancePromptInstruction" in body and body.get("enhancePrompt") is not True:
        raise LeonardoValidationError('invalid value for "enhancePromptInstruction": it needs "enhancePrompt": true')
    if model_id in NATIVE:
        name, takes_ultra, takes_alchemy = NATIVE[model_id]
        refused = [*LEGACY_ONLY, *(() if takes_ultra else ("ultra",)), *(() if takes_alchemy else ("alchemy",))]
        if (field := next((f for f in refused if f in body), None)) is not None:
            raise LeonardoValidationError(f'unexpected field "{field}": {name} does not support it')
        if contrast is None:
            raise LeonardoValidationError(f'missing required field "contrast" for {name} (3, 3.5 or 4)')
        if body.get("alchemy") is True and contrast < ALCHEMY_MIN_CONTRAST:
            raise LeonardoValidationError(f'invalid value for "contrast": {contrast} is under '
                                          f"{ALCHEMY_MIN_CONTRAST:g}, which {name} with alchemy needs")
    elif model_id is None or model_id in LEGACY:
        if (field := next((f for f in (*NATIVE_ONLY, "contrast") if f in body), None)) is not None:
            raise LeonardoValidationError(f'unexpected field "{field}": {LEGACY.get(model_id, "the default model")} '
                                          f"(legacy generation) does not support it")


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
