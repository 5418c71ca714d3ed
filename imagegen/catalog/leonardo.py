"""Leonardo.Ai REST v1 (providers.md, "Leonardo.Ai REST v1").

Model ids are Leonardo's platform model UUIDs; the ones listed are public platform models
(*unverified* names and ids: Leonardo adds models often, and any other id passes through).
"""

from __future__ import annotations

from imagegen.catalog.types import Credential, Model, Option, Provider, cross_check

PRESET_STYLES = ("ANIME", "BOKEH", "CINEMATIC", "CINEMATIC_CLOSEUP", "CREATIVE", "DYNAMIC", "ENVIRONMENT",
                 "FASHION", "FILM", "FOOD", "GENERAL", "HDR", "ILLUSTRATION", "LEONARDO", "LONG_EXPOSURE", "MACRO",
                 "MINIMALISTIC", "MONOCHROME", "MOODY", "NONE", "NEUTRAL", "PHOTOGRAPHY", "PORTRAIT", "RAYTRACED",
                 "RENDER_3D", "RETRO", "SKETCH_BW", "SKETCH_COLOR", "STOCK_PHOTO", "VIBRANT", "UNPROCESSED")
NO_ALCHEMY_STYLES = ("LEONARDO", "NONE")
SCHEDULERS = ("KLMS", "EULER_ANCESTRAL_DISCRETE", "EULER_DISCRETE", "DDIM", "DPM_SOLVER", "PNDM", "LEONARDO")
FLUX_MODELS = {"b2614463-296c-462a-9586-aafdb8f00e36", "1dd50843-d653-4516-a8e3-f0238ee453ff"}


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


def leonardo_options(seed_max: int) -> tuple[Option, ...]:
    return (
        Option("width", kind=int, default=512, minimum=32, maximum=1536, label="Width", check=multiple_of_8,
               help="32-1536, a multiple of 8."),
        Option("height", kind=int, default=512, minimum=32, maximum=1536, label="Height", check=multiple_of_8,
               help="32-1536, a multiple of 8."),
        Option("seed", kind=int, minimum=0, maximum=seed_max, label="Seed",
               help="Same seed, prompt and options give the same image. Empty: random, reported back."),
        Option("steps", kind=int, minimum=10, maximum=60, label="Steps", help="Inference steps, 10-60 (15 default)."),
        Option("guidance_scale", kind=float, minimum=1, maximum=20, label="Guidance scale",
               help="How strongly the prompt is followed, 1-20; 7 is recommended."),
        Option("preset_style", choices=PRESET_STYLES, label="Preset style",
               help="With alchemy off only LEONARDO or NONE."),
        Option("alchemy", kind=bool, label="Alchemy", help="Leonardo's enhanced pipeline; costs more."),
        Option("photo_real", kind=bool, label="PhotoReal", help="Photographic look; needs alchemy."),
        Option("scheduler", choices=SCHEDULERS, label="Scheduler"),
    )


def model(model_id: str, label: str, legacy: bool = False) -> Model:
    seed_max = 2147483638 if model_id in FLUX_MODELS else 9999999998
    return Model(model_id, label, leonardo_options(seed_max), legacy=legacy, max_prompt_chars=1500,
                 negative_prompt=True, seed=True, checks=(styles_need_alchemy, photo_real_needs_alchemy))


LEONARDO_MODELS = (
    model("de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3", "Leonardo Phoenix 1.0"),
    model("b24e16ff-06e3-43eb-8d33-4416c2d75876", "Leonardo Lightning XL"),
    model("aa77f04e-3eec-4034-9c07-d0f619684628", "Leonardo Kino XL"),
    model("1e60896f-3c26-4296-8ecc-53e2afecc132", "Leonardo Diffusion XL"),
    model("b2614463-296c-462a-9586-aafdb8f00e36", "Flux Dev"),
    model("1dd50843-d653-4516-a8e3-f0238ee453ff", "Flux Schnell"),
    model("6bef9f1b-29cb-40c7-b9df-32b51c1f67d3", "Leonardo Creative", legacy=True),
)

LEONARDO = Provider(
    "leonardo", "Leonardo.Ai", LEONARDO_MODELS, leonardo_options(9999999998),
    credentials=(Credential("LEONARDO_API_KEY", "leonardo", "api_key", "API key from app.leonardo.ai"),),
    help="Leonardo.Ai generations: create, poll until complete, download. Costs are read from the response.",
    default_model="de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3",
    extras={"base_url_env": "LEONARDO_API_BASE", "default_base": "https://cloud.leonardo.ai/api/rest/v1"},
)
