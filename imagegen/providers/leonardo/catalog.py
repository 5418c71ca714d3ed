"""Leonardo.Ai REST v1 (providers.md, "Leonardo.Ai REST v1 and v2").

Current ("native") models: Lucid Origin, Lucid Realism, Phoenix 1.0 / 0.9, FLUX.1 Kontext, Flux Dev / Schnell,
with `contrast` (required: sent at its default when unset), a style (`styleUUID`), `ultra`, `enhancePrompt`, and
`alchemy` on Phoenix only. The SDXL-era models with steps, guidance, `presetStyle`, Alchemy and PhotoReal are
Leonardo's "legacy generation": still working, so active and marked legacy. Partner models (FLUX.2 Pro, GPT Image,
Nano Banana, ...) are created on the v2 endpoint only (`V2_MODELS`, by Leonardo's model string): FLUX.2 Pro so far.
Any other id passes through (to v1).
"""

from __future__ import annotations

from imagegen.catalog.types import Credential, Model, Option, Provider, cross_check

PRESET_STYLES = ("ANIME", "BOKEH", "CINEMATIC", "CINEMATIC_CLOSEUP", "CREATIVE", "DYNAMIC", "ENVIRONMENT",
                 "FASHION", "FILM", "FOOD", "GENERAL", "HDR", "ILLUSTRATION", "LEONARDO", "LONG_EXPOSURE", "MACRO",
                 "MINIMALISTIC", "MONOCHROME", "MOODY", "NONE", "NEUTRAL", "PHOTOGRAPHY", "PORTRAIT", "RAYTRACED",
                 "RENDER_3D", "RETRO", "SKETCH_BW", "SKETCH_COLOR", "STOCK_PHOTO", "VIBRANT", "UNPROCESSED")
NO_ALCHEMY_STYLES = ("LEONARDO", "NONE")
SCHEDULERS = ("KLMS", "EULER_ANCESTRAL_DISCRETE", "EULER_DISCRETE", "DDIM", "DPM_SOLVER", "PNDM", "LEONARDO")
LUCID_ORIGIN = "7b592283-e8a7-4c5a-9ba6-d18c31f258b9"
LUCID_REALISM = "05ce0082-2d80-4a2d-8653-4d1c85e2418e"
PHOENIX_1 = "de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3"
PHOENIX_0_9 = "6b645e3a-d64f-4341-a6d8-7a3690fbf042"
FLUX_KONTEXT = "28aeddf8-bd19-4803-80fc-79602d1a9989"
FLUX_DEV = "b2614463-296c-462a-9586-aafdb8f00e36"
FLUX_SCHNELL = "1dd50843-d653-4516-a8e3-f0238ee453ff"
FLUX_MODELS = {FLUX_DEV, FLUX_SCHNELL, FLUX_KONTEXT}
PHOENIX_MODELS = {PHOENIX_1, PHOENIX_0_9}
# contrast: 3 / 3.5 / 4 are Leonardo's low / medium / high; the OpenAPI schema accepts these too.
CONTRASTS = (1.0, 1.3, 1.8, 2.5, 3.0, 3.5, 4.0, 4.5)
ALCHEMY_MIN_CONTRAST = 2.5  # Phoenix with alchemy
REQUIRED_OPTIONS = ("contrast",)
FLUX_2_PRO = "flux-pro-2.0"  # v2 `model` string (Leonardo's guides)
PROMPT_ENHANCE = ("AUTO", "ON", "OFF")  # native models: sent at the default when unset
STYLES = {  # name -> styleUUID (Lucid / Phoenix)
    "Bokeh": "9fdc5e8c-4d13-49b4-9ce6-5a74cbb19177", "Cinematic": "a5632c7c-ddbb-4e2f-ba34-8456ab3ac436",
    "Cinematic Close-Up": "cc53f935-884c-40a0-b7eb-1f5c42821fb5", "Creative": "6fedbf1f-4a17-45ec-84fb-92fe524a29ef",
    "Dynamic": "111dc692-d470-4eec-b791-3475abac4c46", "Fashion": "594c4a08-a522-4e0e-b7ff-e4dac4b6b622",
    "Film": "85da2dcc-c373-464c-9a7a-5624359be859", "Food": "d574325d-1278-4fe2-974b-768525f253c3",
    "HDR": "97c20e5c-1af6-4d42-b227-54d03d8f0727", "Long Exposure": "335e6010-a75c-45d9-afc5-032c65e9180e",
    "Macro": "30c1d34f-e3a9-479a-b56f-c018bbc9c02a", "Minimalist": "cadc8cd6-7838-4c99-b645-df76be8ba8d8",
    "Monochrome": "a2f7ea66-959b-4bbe-b508-6133238b76b6", "Moody": "621e1c9a-6319-4bee-a12d-ae40659162fa",
    "Neutral": "0d914779-c822-430a-b976-30075033f1c4", "None": "556c1ee5-ec38-42e8-955a-1e82dad0ffa1",
    "Portrait": "8e2bc543-6ee2-45f9-bcd9-594b6ce84dcd", "Retro": "6105baa2-851b-446e-9db5-08a671a8c42f",
    "Stock Photo": "5bdc3f2a-1be6-4d1c-8e77-992a30824a2c", "Unprocessed": "62736842-6e4b-4028-b79a-4f1a1606e893",
    "Vibrant": "dee282d3-891f-4f73-ba02-7f8131e5541b",
}


def multiple_of_8(value: int) -> str | None:
    return None if value % 8 == 0 else "it must be a multiple of 8"


@cross_check("preset_style")
def styles_need_alchemy(options: dict) -> str | None:
    style = options.get("preset_style")
    if style and style not in NO_ALCHEMY_STYLES and not options.get("alchemy"):
        return (f"preset_style {style} needs alchemy on; with alchemy off only "
                f"{' or '.join(NO_ALCHEMY_STYLES)} are accepted")
    return None


@cross_check("photo_real")
def photo_real_needs_alchemy(options: dict) -> str | None:
    if options.get("photo_real") and not options.get("alchemy"):
        return "photo_real needs alchemy on"
    return None


def one_of_contrasts(value: float) -> str | None:
    return None if value in CONTRASTS else "it must be one of " + ", ".join(f"{c:g}" for c in CONTRASTS)


@cross_check("contrast")
def alchemy_contrast(options: dict) -> str | None:
    if options.get("alchemy") and options.get("contrast", ALCHEMY_MIN_CONTRAST) < ALCHEMY_MIN_CONTRAST:
        return f"Phoenix with alchemy needs contrast {ALCHEMY_MIN_CONTRAST:g} or more"
    return None


@cross_check("enhance_prompt_instruction")
def instruction_needs_enhance(options: dict) -> str | None:
    if options.get("enhance_prompt_instruction") and not options.get("enhance_prompt"):
        return "option 'enhance_prompt_instruction' needs 'enhance_prompt' on"
    return None


def size_options() -> tuple[Option, ...]:
    return (
        Option("width", kind=int, default=512, minimum=32, maximum=1536, label="Width", check=multiple_of_8,
               help="32-1536, a multiple of 8."),
        Option("height", kind=int, default=512, minimum=32, maximum=1536, label="Height", check=multiple_of_8,
               help="32-1536, a multiple of 8."),
    )


def seed_option(seed_max: int) -> Option:
    limit = "providers.md: Leonardo's FLUX guides" if seed_max < 9999999998 else "unverified"
    return Option("seed", kind=int, minimum=0, maximum=seed_max, label="Seed",
                  help=f"0-{seed_max} ({limit}). Same seed, prompt and options give the same image. Empty: random, "
                       f"reported back.")


def legacy_options(seed_max: int) -> tuple[Option, ...]:
    return (
        *size_options(),
        seed_option(seed_max),
        Option("steps", kind=int, minimum=10, maximum=60, label="Steps", help="Inference steps, 10-60 (15 default)."),
        Option("guidance_scale", kind=float, minimum=1, maximum=20, label="Guidance scale",
               help="How strongly the prompt is followed, 1-20; 7 is recommended."),
        Option("preset_style", choices=PRESET_STYLES, label="Preset style",
               help="With alchemy off only LEONARDO or NONE."),
        Option("alchemy", kind=bool, label="Alchemy", help="Leonardo's enhanced pipeline; costs more."),
        Option("photo_real", kind=bool, label="PhotoReal", help="Photographic look; needs alchemy."),
        Option("scheduler", choices=SCHEDULERS, label="Scheduler"),
    )


def native_options(model_id: str) -> tuple[Option, ...]:
    seed_max = 2147483638 if model_id in FLUX_MODELS else 9999999998
    options = [
        *size_options(),
        seed_option(seed_max),
        Option("contrast", kind=float, default=3.5, minimum=1.0, maximum=4.5, strict_choices=False,
               choices=CONTRASTS, check=one_of_contrasts, label="Contrast",
               help="3 low, 3.5 medium, 4 high (also 1, 1.3, 1.8, 2.5, 4.5). Required: sent as 3.5 when unset."),
        Option("style", default="Dynamic", choices=tuple(STYLES), label="Style",
               help="A Leonardo style (sent as its styleUUID). Empty: Dynamic."),
        Option("enhance_prompt", kind=bool, label="Enhance prompt", help="Let Leonardo rewrite the prompt."),
        Option("enhance_prompt_instruction", kind=str, label="Enhance prompt instruction",
               help="How to rewrite the prompt; needs Enhance prompt on."),
    ]
    if model_id not in FLUX_MODELS:
        options.append(Option("ultra", kind=bool, label="Ultra", help="Ultra generation mode (higher resolution; "
                                                                      "costs more)."))
    if model_id in PHOENIX_MODELS:
        options.append(Option("alchemy", kind=bool, label="Alchemy (Quality)",
                              help="Phoenix Quality mode; needs contrast 2.5 or more. Not on Lucid."))
    return tuple(options)


def flux_2_pro_options() -> tuple[Option, ...]:
    return (
        Option("width", kind=int, default=1024, minimum=256, maximum=1440, label="Width",
               help="256-1440 (e.g. 1440x1440, 1440x810, 810x1440)."),
        Option("height", kind=int, default=1024, minimum=256, maximum=1440, label="Height", help="256-1440."),
        Option("seed", kind=int, minimum=0, maximum=4294967295, label="Seed",
               help="0-4294967295. Same seed, prompt and options give the same image. Empty: random."),
        Option("style", default="Dynamic", choices=tuple(STYLES), label="Style",
               help="A Leonardo style (sent as style_ids). Empty: Dynamic."),
        Option("prompt_enhance", default="AUTO", choices=PROMPT_ENHANCE, label="Prompt enhance",
               help="Let Leonardo rewrite the prompt: AUTO (default), ON or OFF."),
    )


def native(model_id: str, label: str, help: str = "") -> Model:
    return Model(model_id, label, native_options(model_id), max_prompt_chars=1500, negative_prompt=True, seed=True,
                 checks=(alchemy_contrast, instruction_needs_enhance), help=help)


def legacy(model_id: str, label: str) -> Model:
    seed_max = 2147483638 if model_id in FLUX_MODELS else 9999999998
    return Model(model_id, label, legacy_options(seed_max), legacy=True, max_prompt_chars=1500, negative_prompt=True,
                 seed=True, checks=(styles_need_alchemy, photo_real_needs_alchemy),
                 help="Leonardo's legacy (SDXL-era) generation: still served; steps, guidance, preset styles, "
                      "Alchemy and PhotoReal.")


LEONARDO_MODELS = (
    native(PHOENIX_1, "Leonardo Phoenix 1.0"),
    native(LUCID_ORIGIN, "Lucid Origin", "No alchemy on Lucid."),
    native(LUCID_REALISM, "Lucid Realism", "No alchemy on Lucid."),
    native(FLUX_KONTEXT, "FLUX.1 Kontext", "Reference images (contextImages) are not offered here."),
    native(PHOENIX_0_9, "Leonardo Phoenix 0.9"),
    native(FLUX_DEV, "Flux Dev"),
    native(FLUX_SCHNELL, "Flux Schnell"),
    Model(FLUX_2_PRO, "FLUX.2 Pro (v2)", flux_2_pro_options(), seed=True,
          help="A partner model, created on Leonardo's v2 endpoint. No negative prompt: negatives are appended as "
               "'Avoid: ...'."),
    legacy("b24e16ff-06e3-43eb-8d33-4416c2d75876", "Leonardo Lightning XL"),
    legacy("aa77f04e-3eec-4034-9c07-d0f619684628", "Leonardo Kino XL"),
    legacy("1e60896f-3c26-4296-8ecc-53e2afecc132", "Leonardo Diffusion XL"),
    legacy("5c232a9e-9061-4777-980a-ddc8e65647c6", "Leonardo Vision XL"),
    legacy("e71a1c2f-4f80-4800-934f-2c68979d8cc8", "Leonardo Anime XL"),
    legacy("2067ae52-33fd-4a82-bb92-c2c55e7d2786", "AlbedoBase XL"),
    legacy("16e7060a-803e-4df3-97ee-edcfa5dc9cc8", "SDXL 1.0"),
    legacy("6bef9f1b-29cb-40c7-b9df-32b51c1f67d3", "Leonardo Creative"),
)
NATIVE_MODELS = frozenset(m.id for m in LEONARDO_MODELS if not m.legacy and m.id not in (FLUX_2_PRO,))
V2_MODELS = frozenset((FLUX_2_PRO,))


def generic_options() -> tuple[Option, ...]:
    """For an id the catalog does not know: every option any model takes (the first declaration of each)."""
    seen: dict[str, Option] = {}
    for option in (*legacy_options(9999999998), *native_options(PHOENIX_1)):
        seen.setdefault(option.name, option)
    return tuple(seen.values())


LEONARDO = Provider(
    "leonardo", "Leonardo.Ai", LEONARDO_MODELS, generic_options(),
    credentials=(Credential("LEONARDO_API_KEY", "leonardo", "api_key", "API key from app.leonardo.ai"),),
    help="Leonardo.Ai generations: create, poll until complete, download. Costs are read from the response.",
    default_model=PHOENIX_1,
    extras={"base_url_env": "LEONARDO_API_BASE", "default_base": "https://cloud.leonardo.ai/api/rest/v1"},
)
