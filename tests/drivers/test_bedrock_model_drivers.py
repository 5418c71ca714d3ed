"""Pure build/parse tests of the Bedrock model drivers: no network."""

import base64
import io

import pytest
from PIL import Image

from imagegen.drivers.bedrock import (
    BedrockNovaCanvasImageGenerationModelDriver,
    BedrockStableDiffusionImageGenerationModelDriver,
    BedrockStableImageGenerationModelDriver,
    BedrockTitanImageGenerationModelDriver,
    model_driver_for,
    nearest_aspect_ratio,
)
from imagegen.errors import ContentPolicyError, ProviderError


def png_b64() -> str:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


@pytest.mark.parametrize("size,ratio", [((1024, 1024), "1:1"), ((1920, 1080), "16:9"), ((1080, 1920), "9:16"),
                                        ((2560, 1080), "21:9"), ((1000, 1500), "2:3"), ((1250, 1000), "5:4"),
                                        ((600, 1400), "9:21")])
def test_nearest_aspect_ratio(size, ratio):
    assert nearest_aspect_ratio(*size) == ratio


def test_model_driver_for_each_family():
    assert model_driver_for("stability.stable-diffusion-xl-v1") is BedrockStableDiffusionImageGenerationModelDriver
    assert model_driver_for("stability.stable-image-ultra-v1:1") is BedrockStableImageGenerationModelDriver
    assert model_driver_for("amazon.titan-image-generator-v2:0") is BedrockTitanImageGenerationModelDriver
    assert model_driver_for("amazon.nova-canvas-v1:0") is BedrockNovaCanvasImageGenerationModelDriver
    assert model_driver_for("meta.llama3") is None


def test_sdxl_parse_errors_are_clear():
    driver = BedrockStableDiffusionImageGenerationModelDriver()
    with pytest.raises(ProviderError, match="without artifacts"):
        driver.parse({"result": "error"})
    with pytest.raises(ProviderError, match="not valid base64"):
        driver.parse({"artifacts": [{"base64": "%%%", "finishReason": "SUCCESS"}]})
    with pytest.raises(ContentPolicyError):
        driver.parse({"artifacts": [{"base64": "", "finishReason": "CONTENT_FILTERED"}]})
    parsed = driver.parse({"artifacts": [{"base64": png_b64(), "seed": 5, "finishReason": "SUCCESS"}]})
    assert (parsed.seed, parsed.filtered, parsed.warnings) == (5, False, [])


def test_stable_image_parse():
    driver = BedrockStableImageGenerationModelDriver()
    with pytest.raises(ContentPolicyError, match="Filter reason: prompt"):
        driver.parse({"seeds": [1], "finish_reasons": ["Filter reason: prompt"]})
    with pytest.raises(ProviderError, match="Inference error"):
        driver.parse({"seeds": [1], "finish_reasons": ["Inference error"], "images": [png_b64()]})
    assert driver.parse({"seeds": [9], "finish_reasons": [None], "images": [png_b64()]}).seed == 9


def test_titan_and_nova_parse_moderation_and_errors():
    titan, nova = BedrockTitanImageGenerationModelDriver(), BedrockNovaCanvasImageGenerationModelDriver()
    with pytest.raises(ContentPolicyError, match="moderated the request \\(VIOLENCE\\)") as info:
        nova.parse({"status": "Request Moderated", "details": {"Moderation Reasons": ["VIOLENCE"]}})
    assert info.value.categories == ("VIOLENCE",)
    with pytest.raises(ContentPolicyError):
        titan.parse({"images": [], "error": "The image was blocked by our content filters."})
    with pytest.raises(ProviderError, match="reported an error: boom"):
        titan.parse({"images": [], "error": "boom"})
    with pytest.raises(ProviderError, match="without an image"):
        titan.parse({"images": [], "error": None})


def test_unset_options_are_omitted_and_zero_seed_kept():
    body = BedrockStableDiffusionImageGenerationModelDriver(cfg_scale=None).build(
        ["a"], [], {"width": 1024, "height": 1024, "seed": 0, "steps": None})
    assert body == {"text_prompts": [{"text": "a", "weight": 1.0}], "width": 1024, "height": 1024, "seed": 0}
