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


@cross_check("background")
def transparent_needs_png_or_webp(options: dict) -> str | None:
    if options.get("background") == "transparent" and options.get("output_format") == "jpeg":
        return "background 'transparent' needs output_format png or webp, not jpeg"
    return None


@cross_check("output_compression")
def compression_needs_jpeg_or_webp(options: dict) -> str | None:
    if options.get("output_compression") is not None and options.get("output_format") == "png":
        return "output_compression applies to jpeg and webp only; set output_format to jpeg or webp"
    return None


RESPONSE_FORMAT = Option(
    "response_format", default="url", choices=("url", "b64_json"),
    help="How the API returns the image. The driver downloads URLs at once (they expire in an hour).",
)
STYLE = Option(
    "style", default="vivid", choices=("vivid", "natural"),
    help="vivid leans hyper-real and dramatic; natural looks less processed.",
)


def size(choices: tuple[str, ...], default: str, **extra) -> Option:
    return Option("size", default=default, choices=choices, label="Size",
                  help="Width x height in pixels.", **extra)


def quality(choices: tuple[str, ...], default: str) -> Option:
    return Option("quality", default=default, choices=choices,
                  help="Higher quality costs more and takes longer.")


def gpt_image_options(size_option: Option, output_formats=("png", "jpeg", "webp")) -> tuple[Option, ...]:
    return (
        size_option,
        quality(("low", "medium", "high", "auto"), "auto"),
        Option("background", default="auto", choices=("transparent", "opaque", "auto"),
               help="transparent needs output format png or webp."),
        Option("output_format", default="png", choices=output_formats, label="Output format"),
        Option("output_compression", kind=int, minimum=0, maximum=100, label="Output compression",
               help="0-100, for jpeg and webp only."),
        Option("moderation", default="auto", choices=("low", "auto"),
               help="low applies less restrictive content filtering."),
    )


def gpt_image(model_id: str, label: str, size_option: Option | None = None, help: str = "") -> Model:
    return Model(
        model_id, label, gpt_image_options(size_option or size(GPT_IMAGE_SIZES, "auto")),
        max_prompt_chars=32000, help=help, checks=(transparent_needs_png_or_webp, compression_needs_jpeg_or_webp),
    )


OPENAI_MODELS = (
    gpt_image("gpt-image-1", "GPT Image 1"),
    gpt_image("gpt-image-1-mini", "GPT Image 1 mini", help="Cheaper and faster, lower fidelity."),
    gpt_image("gpt-image-1.5", "GPT Image 1.5"),
    gpt_image(
        "gpt-image-2", "GPT Image 2",
        size(GPT_IMAGE_SIZES + ("2048x2048", "3840x2160", "2160x3840"), "auto",
             strict_choices=False, check=gpt_image_2_size),
        help="Also takes any WIDTHxHEIGHT with sides multiples of 16, ratio 1:3-3:1, up to 3840x2160.",
    ),
    Model("dall-e-3", "DALL·E 3", (
        size(DALLE3_SIZES, "1024x1024"), quality(("standard", "hd"), "standard"), STYLE, RESPONSE_FORMAT,
    ), legacy=True, max_prompt_chars=4000, help="Retired from OpenAI's API in 2026; kept for old keys."),
    Model("dall-e-2", "DALL·E 2", (
        size(DALLE2_SIZES, "1024x1024"), quality(("standard",), "standard"), RESPONSE_FORMAT,
    ), legacy=True, max_prompt_chars=1000, help="Retired from OpenAI's API in 2026; kept for old keys."),
)

# For a model id the catalog does not know: type checks only, sent as given.
GENERIC_OPTIONS = (
    Option("size", choices=GPT_IMAGE_SIZES, strict_choices=False, help="WIDTHxHEIGHT or auto."),
    Option("quality", choices=("low", "medium", "high", "auto", "standard", "hd"), strict_choices=False),
    Option("style", choices=("vivid", "natural"), strict_choices=False),
    Option("response_format", choices=("url", "b64_json")),
    Option("background", choices=("transparent", "opaque", "auto"), strict_choices=False),
    Option("output_format", choices=("png", "jpeg", "webp"), strict_choices=False),
    Option("output_compression", kind=int, minimum=0, maximum=100),
    Option("moderation", choices=("low", "auto"), strict_choices=False),
)

OPENAI = Provider(
    "openai", "OpenAI", OPENAI_MODELS, GENERIC_OPTIONS,
    credentials=(Credential("OPENAI_API_KEY", "openai", "api_key", "API key from platform.openai.com"),),
    help="OpenAI Images API. No seed and no negative prompt: negatives are appended as 'Avoid: ...'.",
    default_model="gpt-image-1",
    extras={"base_url_env": "OPENAI_BASE_URL"},
)


def azure_model(model: Model) -> Model:
    """Azure serves the same models; gpt-image there writes png or jpeg only."""
    fmt = model.option("output_format")
    if fmt is None:
        return model
    options = tuple(replace(o, choices=("png", "jpeg")) if o.name == "output_format" else o
                    for o in model.options)
    return replace(model, options=options)


AZURE_API_VERSIONS = {"dall-e": "2024-02-01", "gpt-image": "2025-04-01-preview"}

AZURE = Provider(
    "azure", "Azure OpenAI",
    tuple(azure_model(m) for m in OPENAI_MODELS if m.id != "gpt-image-2"),
    GENERIC_OPTIONS,
    credentials=(
        Credential("AZURE_OPENAI_API_KEY", "azure", "api_key", "Key of your Azure OpenAI resource"),
        Credential("AZURE_OPENAI_ENDPOINT", "azure", "endpoint", "https://<resource>.openai.azure.com"),
    ),
    help="Azure OpenAI deployments of the OpenAI image models; the deployment defaults to the model id.",
    default_model="gpt-image-1",
)


def azure_api_version(model_id: str) -> str:
    """Default api-version per model family (providers.md)."""
    return AZURE_API_VERSIONS["dall-e" if model_id.startswith("dall-e") else "gpt-image"]
