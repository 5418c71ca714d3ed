"""Amazon Bedrock image models (providers.md, "Amazon Bedrock Runtime" and "Status in late 2026").

The current models are Stability's SD3.5 Large, Stable Image Core and Ultra (v1:1), offered in us-west-2 only:
with no AWS region configured they are called there (`home_region`). SDXL, SD3 Large, the v1:0 Stable Image
models, Titan and Nova Canvas are retired: kept with their date and successor for old runs and examples.
"""

from __future__ import annotations

from imagegen.catalog.types import Credential, Model, Option, Provider, cross_check

SDXL_SIZES = ((1024, 1024), (1152, 896), (1216, 832), (1344, 768), (1536, 640), (640, 1536), (768, 1344),
              (832, 1216), (896, 1152))
TITAN_SIZES = ((1024, 1024), (768, 768), (512, 512), (768, 1152), (384, 576), (1152, 768), (576, 384),
               (768, 1280), (384, 640), (1280, 768), (640, 384), (896, 1152), (448, 576), (1152, 896),
               (576, 448), (768, 1408), (384, 704), (1408, 768), (704, 384), (640, 1408), (320, 704),
               (1408, 640), (704, 320), (1152, 640), (1173, 640))
SDXL_STYLES = ("3d-model", "analog-film", "anime", "cinematic", "comic-book", "digital-art", "enhance",
               "fantasy-art", "isometric", "line-art", "low-poly", "modeling-compound", "neon-punk", "origami",
               "photographic", "pixel-art", "tile-texture")
CLIP_PRESETS = ("FAST_BLUE", "FAST_GREEN", "NONE", "SIMPLE", "SLOW", "SLOWER", "SLOWEST")
SAMPLERS = ("DDIM", "DDPM", "K_DPMPP_2M", "K_DPMPP_2S_ANCESTRAL", "K_DPM_2", "K_DPM_2_ANCESTRAL", "K_EULER",
            "K_EULER_ANCESTRAL", "K_HEUN", "K_LMS")
ASPECT_RATIOS = ("16:9", "1:1", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21")
NOVA_STYLES = ("3D_ANIMATED_FAMILY_FILM", "DESIGN_SKETCH", "FLAT_VECTOR_ILLUSTRATION", "GRAPHIC_NOVEL_ILLUSTRATION",
               "MAXIMALISM", "MIDCENTURY_RETRO", "PHOTOREALISM", "SOFT_DIGITAL_PAINTING")
NOVA_PIXEL_CAP = 4_194_304


def sizes_text(sizes) -> str:
    return ", ".join(f"{w}x{h}" for w, h in sizes)


def fixed_sizes(sizes) -> callable:
    @cross_check("width")
    def check(options: dict) -> str | None:
        if (options.get("width"), options.get("height")) not in sizes:
            return (f"size {options.get('width')}x{options.get('height')} is not accepted; "
                    f"allowed: {sizes_text(sizes)}")
        return None
    return check


def multiple_of_16(value: int) -> str | None:
    return None if value % 16 == 0 else "it must be a multiple of 16"


@cross_check("width")
def nova_size(options: dict) -> str | None:
    width, height = options.get("width"), options.get("height")
    if max(width, height) > 4 * min(width, height):
        return f"size {width}x{height}: the aspect ratio must be between 1:4 and 4:1"
    if width * height >= NOVA_PIXEL_CAP:
        return f"size {width}x{height}: width x height must be under {NOVA_PIXEL_CAP:,} pixels (e.g. 2048x2032)"
    return None


def side(name: str, default: int, minimum: int, maximum: int, help: str, check=None) -> Option:
    return Option(name, kind=int, default=default, minimum=minimum, maximum=maximum, label=name.capitalize(),
                  help=help, check=check)


def seed(maximum: int, default: int | None = None, help: str = "") -> Option:
    return Option("seed", kind=int, default=default, minimum=0, maximum=maximum, label="Seed",
                  help=help or "Same seed, prompt and options give the same image. Empty: random, reported back.")


def cfg(default: float, minimum: float, maximum: float) -> Option:
    return Option("cfg_scale", kind=float, default=default, minimum=minimum, maximum=maximum, label="CFG scale",
                  help="How strictly the image follows the prompt; higher is stricter.")


SDXL_OPTIONS = (
    side("width", 1024, 640, 1536, "One of the SDXL sizes, e.g. 1024x1024, 1344x768, 768x1344."),
    side("height", 1024, 640, 1536, "One of the SDXL sizes, e.g. 1024x1024, 1344x768, 768x1344."),
    seed(4294967295, help="0 means random. Empty: random, reported back."),
    cfg(7.0, 0, 35),
    Option("steps", kind=int, default=30, minimum=10, maximum=150, label="Steps",
           help="Diffusion steps; more than 50 costs double. (Range unverified.)"),
    Option("style_preset", choices=SDXL_STYLES, label="Style preset", help="Guides the model towards a style."),
    Option("clip_guidance_preset", choices=CLIP_PRESETS, label="CLIP guidance preset"),
    Option("sampler", choices=SAMPLERS, label="Sampler", help="Empty: the model picks one."),
)

SD3_OPTIONS = (
    Option("aspect_ratio", default="1:1", choices=ASPECT_RATIOS, label="Aspect ratio",
           help="These models take an aspect ratio, not a pixel size."),
    seed(4294967294, help="0-4294967294; 0 means random. Empty: random, reported back."),
    Option("output_format", default="png", choices=("png", "jpeg"), label="Output format",
           help="png or jpeg (webp is unverified on Bedrock, so not offered)."),
)
CORE_ULTRA_OPTIONS = (
    SD3_OPTIONS[0],
    seed(4294967294, help="0-4294967294; 0 means random. Empty: random, reported back. (Range documented for "
                          "SD3.5 Large; assumed the same here, unverified.)"),
    SD3_OPTIONS[2],
)

TITAN_OPTIONS = (
    side("width", 1024, 320, 1408, "One of Titan's sizes, e.g. 1024x1024, 512x512, 1152x768."),
    side("height", 1024, 320, 1408, "One of Titan's sizes, e.g. 1024x1024, 512x512, 1152x768."),
    seed(2147483646),
    cfg(8.0, 1.1, 10),
    Option("quality", default="standard", choices=("standard", "premium"), label="Quality"),
)

NOVA_OPTIONS = (
    side("width", 1024, 320, 4096, "320-4096, a multiple of 16.", multiple_of_16),
    side("height", 1024, 320, 4096, "320-4096, a multiple of 16.", multiple_of_16),
    seed(858993459),
    cfg(6.5, 1.1, 10),
    Option("quality", default="standard", choices=("standard", "premium"), label="Quality"),
    Option("style", choices=NOVA_STYLES, label="Style", help="A visual style preset."),
)


STABILITY_REGION = "us-west-2"  # providers.md: the current Stability models are served there (other regions unverified)
CURRENT_SD3_5 = "stability.sd3-5-large-v1:0"
CURRENT_CORE = "stability.stable-image-core-v1:1"
CURRENT_ULTRA = "stability.stable-image-ultra-v1:1"
LATE_2025 = "2025-12-31"  # providers.md: "late 2025, exact date unverified": the latest such date
SDXL_RETIRED = "2025-05-20"
TITAN_V2_RETIRED = "2026-06-30"
NOVA_RETIRED = "2026-09-30"
REGION_HELP = (f"Offered in {STABILITY_REGION} only: called there when no AWS region is set (AWS_REGION, "
               f"AWS_DEFAULT_REGION, [bedrock] region or the AWS profile); another configured region is warned about.")


def retired(date: str, successor: str, unverified: bool = False) -> dict:
    when = f"{date} (exact date unverified)" if unverified else date
    return {"status": "retired", "status_date": date, "successor": successor,
            "help": f"Retired on Bedrock on {when}; use {successor}."}


def sdxl(model_id: str, label: str, unverified: bool = False) -> Model:
    return Model(model_id, label, SDXL_OPTIONS, max_prompt_chars=2000, negative_prompt=True, seed=True,
                 checks=(fixed_sizes(SDXL_SIZES),), **retired(SDXL_RETIRED, CURRENT_SD3_5, unverified))


def sd3(model_id: str, label: str, options: tuple[Option, ...] = SD3_OPTIONS, lifecycle: dict | None = None,
        help: str = "") -> Model:
    lifecycle = lifecycle or {"help": f"{help} Takes an aspect ratio; a width/height is mapped to the nearest "
                                      f"ratio. {REGION_HELP}".strip()}
    return Model(model_id, label, options, max_prompt_chars=10000, negative_prompt=True, seed=True, **lifecycle)


def titan(model_id: str, label: str, unverified: bool = False) -> Model:
    return Model(model_id, label, TITAN_OPTIONS, max_prompt_chars=512, negative_prompt=True, seed=True,
                 checks=(fixed_sizes(TITAN_SIZES),), **retired(TITAN_V2_RETIRED, CURRENT_CORE, unverified))


BEDROCK_MODELS = (
    sd3(CURRENT_SD3_5, "Stable Diffusion 3.5 Large"),
    sd3(CURRENT_CORE, "Stable Image Core", CORE_ULTRA_OPTIONS,
        help="A negative prompt is documented for SD3.5 Large only; sent here too (unverified)."),
    sd3(CURRENT_ULTRA, "Stable Image Ultra", CORE_ULTRA_OPTIONS,
        help="A negative prompt is documented for SD3.5 Large only; sent here too (unverified)."),
    sdxl("stability.stable-diffusion-xl-v1", "Stable Diffusion XL 1.0"),
    sdxl("stability.stable-diffusion-xl-v0", "Stable Diffusion XL 0.x", unverified=True),
    sd3("stability.sd3-large-v1:0", "Stable Diffusion 3 Large", lifecycle=retired(LATE_2025, CURRENT_SD3_5, True)),
    sd3("stability.stable-image-core-v1:0", "Stable Image Core (v1:0)", CORE_ULTRA_OPTIONS,
        retired(LATE_2025, CURRENT_CORE, True)),
    sd3("stability.stable-image-ultra-v1:0", "Stable Image Ultra (v1:0)", CORE_ULTRA_OPTIONS,
        retired(LATE_2025, CURRENT_ULTRA, True)),
    titan("amazon.titan-image-generator-v1", "Titan Image Generator G1", unverified=True),
    titan("amazon.titan-image-generator-v2:0", "Titan Image Generator G1 v2"),
    Model("amazon.nova-canvas-v1:0", "Nova Canvas", NOVA_OPTIONS, max_prompt_chars=1024, negative_prompt=True,
          seed=True, checks=(nova_size,), **retired(NOVA_RETIRED, CURRENT_CORE)),
)
MODEL_REGIONS = {CURRENT_SD3_5: (STABILITY_REGION,), CURRENT_CORE: (STABILITY_REGION,),
                 CURRENT_ULTRA: (STABILITY_REGION,)}


def home_region(model_id: str) -> str | None:
    """The region to call a model in when none is configured: its only region, else None (the default)."""
    regions = MODEL_REGIONS.get(model_id, ())
    return regions[0] if len(regions) == 1 else None


def region_warning(model_id: str, region: str) -> str | None:
    """A warning when the configured region does not serve this model (providers.md), else None."""
    regions = MODEL_REGIONS.get(model_id)
    if not regions or region in regions:
        return None
    return (f"{model_id} is offered in {', '.join(regions)} only (other regions unverified), but the configured AWS "
            f"region is {region}: Bedrock may answer that the model is not found or not accessible. Set AWS_REGION="
            f"{regions[0]} (or unset it: imagegen then calls {regions[0]} for this model).")


def generic_options() -> tuple[Option, ...]:
    """For a model id the catalog does not know: every Bedrock option name, checked for type and for the widest
    range any known model takes."""
    seen: dict[str, list[Option]] = {}
    for model in BEDROCK_MODELS:
        for option in model.options:
            seen.setdefault(option.name, []).append(option)
    return tuple(generic(same) for same in seen.values())


def generic(same: list[Option]) -> Option:
    first = same[0]
    minimums = [o.minimum for o in same if o.minimum is not None]
    maximums = [o.maximum for o in same if o.maximum is not None]
    choices = tuple(dict.fromkeys(c for o in same for c in o.choices))
    return Option(first.name, kind=first.kind, choices=choices, strict_choices=False, help=first.help,
                  minimum=min(minimums) if len(minimums) == len(same) else None,
                  maximum=max(maximums) if len(maximums) == len(same) else None)


BEDROCK = Provider(
    "bedrock", "Amazon Bedrock", BEDROCK_MODELS, generic_options(),
    credentials=(
        Credential("AWS_ACCESS_KEY_ID", "bedrock", "aws_access_key_id",
                   "Or AWS_PROFILE / any standard AWS credential source, or a Bedrock API key in "
                   "AWS_BEARER_TOKEN_BEDROCK"),
        Credential("AWS_SECRET_ACCESS_KEY", "bedrock", "aws_secret_access_key"),
    ),
    help="Stability image models on Bedrock Runtime (InvokeModel), served in us-west-2. Model access must be "
         "enabled per region in the Bedrock console.",
    default_model=CURRENT_CORE,
    extras={"endpoint_env": "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "default_region": "us-east-1",
            "api_key_env": "AWS_BEARER_TOKEN_BEDROCK"},
)
