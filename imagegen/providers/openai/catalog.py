"""OpenAI and Azure OpenAI image models (providers.md, "OpenAI Images" and "Azure OpenAI")."""

from __future__ import annotations

import re
from dataclasses import replace

from imagegen.catalog.types import Credential, Model, Option, Provider, cross_check

DALLE2_SIZES = ("256x256", "512x512", "1024x1024")
DALLE3_SIZES = ("1024x1024", "1792x1024", "1024x1792")
GPT_IMAGE_SIZES = ("auto", "1024x1024", "1536x1024", "1024x1536")
FREE_SIZE = re.compile(r"([0-9]{1,6})x([0-9]{1,6})")  # ASCII only: no full-width digits, signs, _ or spaces
FREE_SIZE_MAX_SIDE, FREE_SIZE_MAX_PIXELS = 3840, 3840 * 2160


def gpt_image_2_size(value: str) -> str | None:
    """gpt-image-2 also takes any WxH (providers.md): ASCII digits, sides positive multiples of 16, ratio 1:3 to
    3:1, at most 3840 on a side and 3840x2160 pixels in all."""
    if value in GPT_IMAGE_SIZES:
        return None
    match = FREE_SIZE.fullmatch(value)
    if match is None:
        return "use 'auto' or WIDTHxHEIGHT in plain digits, e.g. 1024x1024"
    if match[1].startswith("0") or match[2].startswith("0"):
        return "both sides must be positive, written without leading zeros"
    width, height = int(match[1]), int(match[2])
    if width % 16 or height % 16:
        return "both sides must be positive multiples of 16"
    if max(width, height) > 3 * min(width, height):
        return "the aspect ratio must be between 1:3 and 3:1"
    if max(width, height) > FREE_SIZE_MAX_SIDE or width * height > FREE_SIZE_MAX_PIXELS:
        return "the largest size is 3840x2160 (or 2160x3840)"
    return None


TRANSPARENT_FORMATS = ("png", "webp")
COMPRESSED_FORMATS = ("jpeg", "webp")


@cross_check("background")
def transparent_needs_png_or_webp(options: dict) -> str | None:
    fmt = options.get("output_format")
    if options.get("background") == "transparent" and fmt not in (None, *TRANSPARENT_FORMATS):
        return f"background 'transparent' needs output_format png or webp, not {fmt}"
    return None


@cross_check("output_compression")
def compression_needs_jpeg_or_webp(options: dict) -> str | None:
    if options.get("output_compression") is not None and options.get("output_format") not in COMPRESSED_FORMATS:
        return "output_compression applies to jpeg and webp only; set output_format to jpeg or webp"
    return None


@cross_check("frame_count")
def frames_need_gif(options: dict) -> str | None:
    named = [name for name in ("frame_count", "frame_duration_ms") if options.get(name) is not None]
    if named and options.get("output_format") != "gif":
        return f"{' and '.join(named)} apply to output_format gif only; set output_format to gif or clear them"
    return None


GPT_CHECKS = (transparent_needs_png_or_webp, compression_needs_jpeg_or_webp, frames_need_gif)


def size(choices: tuple[str, ...], default: str, **extra) -> Option:
    return Option("size", default=default, choices=choices, label="Size",
                  help=extra.pop("help", "Width x height in pixels."), **extra)


def quality(choices: tuple[str, ...], default: str, help: str = "Higher quality costs more and takes longer.",
            ) -> Option:
    return Option("quality", default=default, choices=choices, help=help)


BASE_QUALITIES = ("low", "medium", "high", "auto")
MAX_QUALITIES = ("low", "medium", "high", "xhigh", "max", "auto")
STANDARD_SIZE = size(GPT_IMAGE_SIZES, "auto")
FREE_SIZE_OPTION = size(
    GPT_IMAGE_SIZES + ("2048x2048", "3840x2160", "2160x3840"), "auto", strict_choices=False, check=gpt_image_2_size,
    help="auto, a standard size, or any WIDTHxHEIGHT: sides multiples of 16, ratio 1:3-3:1, up to 3840x2160 "
         "(above 2560x1440 is experimental).",
)
# gif needs per-model preview access; which models have it is unverified (providers.md). The API's svg output is
# left out: imagegen measures, thumbnails and stores images with Pillow, which cannot read SVG.
PREVIEW_FORMATS = ("gif",)
NO_SVG = "SVG output is not supported by imagegen yet."


def gpt_image_options(size_option: Option, qualities: tuple[str, ...], formats: tuple[str, ...],
                      background_help: str) -> tuple[Option, ...]:
    format_help = "png (default), jpeg or webp"
    if "gif" in formats:
        format_help += "; gif (animated) needs preview access for the model (which models have it: unverified)"
    options = (
        size_option,
        quality(qualities, "auto", "Higher quality costs more and takes longer; auto lets the model choose."
                + (" xhigh and max: gpt-image-2.5 models only." if "max" in qualities else "")),
        Option("background", default="auto", choices=("transparent", "opaque", "auto"), help=background_help),
        Option("output_format", default="png", choices=formats, label="Output format",
               help=f"{format_help}. {NO_SVG}"),
        Option("output_compression", kind=int, minimum=0, maximum=100, label="Output compression",
               help="0-100 (default 100), for jpeg and webp only."),
        Option("moderation", default="auto", choices=("low", "auto"),
               help="low applies less restrictive content filtering."),
        Option("complexity", choices=("low", "medium", "high"),
               help="Planning effort, separate from quality; unset uses the model's default."),
    )
    if "gif" in formats:
        options += (
            Option("frame_count", kind=int, minimum=2, maximum=16, label="GIF frames",
                   help="2-16 frames (default 9), gif output only; the size must fit the model's GIF limits."),
            Option("frame_duration_ms", kind=int, minimum=1, label="GIF frame duration (ms)",
                   help="Delay per frame (default 200), gif output only; rounded to 10 ms, capped at 655350 "
                        "(the minimum of 1 is unverified)."),
        )
    return options


def gpt_image(model_id: str, label: str, size_option: Option = STANDARD_SIZE, *,
              qualities: tuple[str, ...] = BASE_QUALITIES, formats: tuple[str, ...] = ("png", "jpeg", "webp"),
              background_help: str = "transparent needs output format png or webp.", help: str = "",
              status: str = "active", status_date: str | None = None, successor: str | None = None) -> Model:
    options = gpt_image_options(size_option, qualities, formats, background_help)
    return Model(model_id, label, options, max_prompt_chars=32000, help=help, checks=GPT_CHECKS,
                 status=status, status_date=status_date, successor=successor)


CURRENT_FORMATS = ("png", "jpeg", "webp") + PREVIEW_FORMATS
PREVIEW_BACKGROUND = "transparent is in preview for this model and needs output format png or webp."
OPENAI_SHUTDOWN = "2026-12-01"


def gpt_image_2(model_id: str, label: str) -> Model:
    return gpt_image(model_id, label, FREE_SIZE_OPTION, formats=CURRENT_FORMATS, background_help=PREVIEW_BACKGROUND,
                     help="Free WIDTHxHEIGHT sizes up to 3840x2160.")


def gpt_image_25(model_id: str, label: str) -> Model:
    return gpt_image(model_id, label, FREE_SIZE_OPTION, qualities=MAX_QUALITIES, formats=CURRENT_FORMATS,
                     help="Free WIDTHxHEIGHT sizes up to 3840x2160; quality xhigh and max.")


def gpt_image_26(model_id: str, label: str) -> Model:
    return gpt_image(model_id, label, formats=CURRENT_FORMATS,
                     background_help="transparent needs output format png or webp (background support unverified).",
                     help="Newest. Standard sizes only and no xhigh/max quality as far as documented "
                          "(free sizes and xhigh/max unverified).")


def deprecated(model_id: str, label: str, help: str = "") -> Model:
    return gpt_image(model_id, label, help=help, status="deprecated", status_date=OPENAI_SHUTDOWN,
                     successor="gpt-image-2.5-sunburst")


def dall_e(model_id: str, label: str, options: tuple[Option, ...], max_prompt_chars: int,
           status_date: str, successor: str) -> Model:
    return Model(model_id, label, options, legacy=True, max_prompt_chars=max_prompt_chars,
                 help="Retired DALL·E model, kept for old runs.", status="retired", status_date=status_date,
                 successor=successor)


RESPONSE_FORMAT = Option(
    "response_format", default="url", choices=("url", "b64_json"),
    help="How the API returns the image. The driver downloads URLs at once (they expire in an hour).",
)
STYLE = Option(
    "style", default="vivid", choices=("vivid", "natural"),
    help="vivid leans hyper-real and dramatic; natural looks less processed.",
)
DALLE3_OPTIONS = (size(DALLE3_SIZES, "1024x1024"), quality(("standard", "hd"), "standard"), STYLE, RESPONSE_FORMAT)
DALLE2_OPTIONS = (size(DALLE2_SIZES, "1024x1024"), quality(("standard",), "standard"), RESPONSE_FORMAT)

OPENAI_MODELS = (
    gpt_image_2("gpt-image-2", "GPT Image 2"),
    gpt_image_2("gpt-image-2-2026-04-21", "GPT Image 2 (2026-04-21)"),
    gpt_image_25("gpt-image-2.5-sunburst", "GPT Image 2.5 Sunburst"),
    gpt_image_25("gpt-image-2.5-sunburst-2026-09-08", "GPT Image 2.5 Sunburst (2026-09-08)"),
    gpt_image_25("gpt-image-2.5-flare", "GPT Image 2.5 Flare"),
    gpt_image_25("gpt-image-2.5-flare-2026-09-08", "GPT Image 2.5 Flare (2026-09-08)"),
    gpt_image_26("gpt-image-2.6-sunburst", "GPT Image 2.6 Sunburst"),
    gpt_image_26("gpt-image-2.6-flare", "GPT Image 2.6 Flare"),
    deprecated("gpt-image-1.5", "GPT Image 1.5"),
    deprecated("gpt-image-1.5-2025-12-16", "GPT Image 1.5 (2025-12-16)"),
    deprecated("gpt-image-1-mini", "GPT Image 1 mini", help="Cheaper and faster, lower fidelity."),
    deprecated("chatgpt-image-latest", "ChatGPT Image (latest)", help="The image model currently used in ChatGPT."),
    gpt_image("gpt-image-1", "GPT Image 1", status="retired", status_date="2026-10-23", successor="gpt-image-2"),
    dall_e("dall-e-3", "DALL·E 3", DALLE3_OPTIONS, 4000, "2026-05-12", "gpt-image-2"),
    dall_e("dall-e-2", "DALL·E 2", DALLE2_OPTIONS, 1000, "2026-05-12", "gpt-image-2"),
)

# For a model id the catalog does not know: type checks only, sent as given.
GENERIC_OPTIONS = (
    Option("size", choices=GPT_IMAGE_SIZES, strict_choices=False, help="WIDTHxHEIGHT or auto."),
    Option("quality", choices=MAX_QUALITIES + ("standard", "hd"), strict_choices=False),
    Option("style", choices=("vivid", "natural"), strict_choices=False),
    Option("response_format", choices=("url", "b64_json")),
    Option("background", choices=("transparent", "opaque", "auto"), strict_choices=False),
    Option("output_format", choices=CURRENT_FORMATS, help=f"png, jpeg, webp or gif. {NO_SVG}"),
    Option("output_compression", kind=int, minimum=0, maximum=100),
    Option("moderation", choices=("low", "auto"), strict_choices=False),
    Option("complexity", choices=("low", "medium", "high"), strict_choices=False),
    Option("frame_count", kind=int),
    Option("frame_duration_ms", kind=int),
)

OPENAI = Provider(
    "openai", "OpenAI", OPENAI_MODELS, GENERIC_OPTIONS,
    credentials=(Credential("OPENAI_API_KEY", "openai", "api_key", "API key from platform.openai.com"),),
    help="OpenAI Images API. No seed and no negative prompt: negatives are appended as 'Avoid: ...'.",
    default_model="gpt-image-2",
    extras={"base_url_env": "OPENAI_BASE_URL"},
)


AZURE_ONLY_FORMATS = ("png", "jpeg")
AZURE_FORMAT_HELP = ("png (default) or jpeg: what Azure documented for gpt-image-1 "
                     f"(webp and gif on Azure: unverified). {NO_SVG}")
PREVIEW_OPTIONS = ("frame_count", "frame_duration_ms")


def azure_model(model_id: str, status: str = "active", status_date: str | None = None,
                successor: str | None = None, help: str = "") -> Model:
    """Azure serves the OpenAI model with its own lifecycle; gpt-image there writes png or jpeg only."""
    model = next(m for m in OPENAI_MODELS if m.id == model_id)
    options = tuple(replace(o, choices=AZURE_ONLY_FORMATS, help=AZURE_FORMAT_HELP) if o.name == "output_format" else o
                    for o in model.options if o.name not in PREVIEW_OPTIONS)
    return replace(model, options=options, status=status, status_date=status_date, successor=successor,
                   help=help or model.help)


AZURE_API_VERSIONS = {"dall-e": "2024-02-01", "gpt-image": "2025-04-01-preview"}
AZURE_MODELS = (
    azure_model("gpt-image-2", help="Free WIDTHxHEIGHT sizes up to 3840x2160. Azure retires it on 2027-10-21."),
    azure_model("gpt-image-2-2026-04-21", help="Azure retires it on 2027-10-21."),
    azure_model("gpt-image-2.5-sunburst", help="Quality xhigh and max. Azure retires it on 2027-09-09."),
    azure_model("gpt-image-2.5-flare", help="Quality xhigh and max. Azure retires it on 2027-09-09."),
    azure_model("gpt-image-1.5", "deprecated", "2026-12-16", "gpt-image-2"),
    azure_model("gpt-image-1-mini", "deprecated", "2027-04-07", "gpt-image-2"),
    azure_model("gpt-image-1", "retired", "2026-10-23", "gpt-image-2"),
    # Azure's sources differ on the date (2026-02-18 or 2026-03-04): the later one is kept, unverified.
    azure_model("dall-e-3", "retired", "2026-03-04", "gpt-image-2"),
)

AZURE = Provider(
    "azure", "Azure OpenAI", AZURE_MODELS, GENERIC_OPTIONS,
    credentials=(
        Credential("AZURE_OPENAI_API_KEY", "azure", "api_key", "Key of your Azure OpenAI resource"),
        Credential("AZURE_OPENAI_ENDPOINT", "azure", "endpoint", "https://<resource>.openai.azure.com"),
    ),
    help="Azure OpenAI deployments of the OpenAI image models; the deployment defaults to the model id.",
    default_model="gpt-image-2",
)


def azure_api_version(model_id: str) -> str:
    """Default api-version per model family (providers.md)."""
    return AZURE_API_VERSIONS["dall-e" if model_id.startswith("dall-e") else "gpt-image"]
