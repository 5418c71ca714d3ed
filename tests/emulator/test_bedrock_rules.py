"""Bedrock body rules per family: ranges, enums, sizes, unknown keys, types and nulls."""

from __future__ import annotations

import pytest

from imagegen.emulator.bedrock_rules import BedrockValidationError, family_of, validate

from .helpers import bedrock_client, bedrock_error

SDXL = "stability.stable-diffusion-xl-v1"
SD3 = "stability.sd3-large-v1:0"
TITAN = "amazon.titan-image-generator-v1"
NOVA = "amazon.nova-canvas-v1:0"
SDXL_OK = {"text_prompts": [{"text": "a fox", "weight": 1.0}]}
SD3_OK = {"prompt": "a fox"}


def titan(text="a fox", params=None, **config):
    return {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": text, **(params or {})},
            "imageGenerationConfig": config}


def error_of(model, body) -> str:
    with pytest.raises(BedrockValidationError) as caught:
        validate(body, model)
    message = caught.value.message
    assert message.startswith("Malformed input request: ") and message.endswith(
        ", please reformat your input and try again.")
    return message


def test_families_by_id():
    assert [family_of(m) for m in (SDXL, "stability.stable-diffusion-xl-v0", SD3, "stability.sd3-5-large-v1:0",
                                   "stability.stable-image-core-v1:0", "stability.stable-image-ultra-v1:1",
                                   TITAN, "amazon.titan-image-generator-v2:0", NOVA)] == [
        "sdxl", "sdxl", "sd3", "sd3", "sd3", "sd3", "titan", "titan", "nova"]
    assert family_of("amazon.nova-canvas-v1") is None and family_of("stability.sd3-large-v1") is None


def test_boto3_sees_a_validation_message_naming_the_field(emu):
    assert bedrock_error(bedrock_client(emu), SDXL, {**SDXL_OK, "cfg_scale": 40}) == (
        400, "ValidationException",
        "Malformed input request: #/cfg_scale: 40 is not less or equal to 35, please reformat your input and "
        "try again.")
    status, code, message = bedrock_error(bedrock_client(emu), NOVA, titan(seed=None))
    assert (status, code) == (400, "ValidationException")
    assert "#/imageGenerationConfig/seed: expected type: Integer, found: Null" in message


@pytest.mark.parametrize(("body", "fragment"), [
    ({}, "#: required key [text_prompts] not found"),
    ({"text_prompts": []}, "#/text_prompts: expected minimum item count: 1"),
    ({"text_prompts": [{"text": "blurry", "weight": -1.0}]}, "#/text_prompts: at least one prompt with a positive"),
    ({"text_prompts": [{"text": "x" * 2001}]}, "#/text_prompts/0/text: expected maxLength: 2000, actual: 2001"),
    ({"text_prompts": [{"text": "x", "colour": 1}]}, "#/text_prompts/0: extraneous key [colour] is not permitted"),
    ({**SDXL_OK, "cfg_scale": -1}, "#/cfg_scale: -1 is not greater or equal to 0"),
    ({**SDXL_OK, "steps": 9}, "#/steps: 9 is not greater or equal to 10"),
    ({**SDXL_OK, "steps": 151}, "#/steps: 151 is not less or equal to 150"),
    ({**SDXL_OK, "steps": 30.0}, "#/steps: expected type: Integer, found: Double"),
    ({**SDXL_OK, "seed": 4294967296}, "#/seed: 4294967296 is not less or equal to 4294967295"),
    ({**SDXL_OK, "seed": None}, "#/seed: expected type: Integer, found: Null"),
    ({**SDXL_OK, "seed": "5"}, "#/seed: expected type: Integer, found: String"),
    ({**SDXL_OK, "cfg_scale": True}, "#/cfg_scale: expected type: Number, found: Boolean"),
    ({**SDXL_OK, "style_preset": "watercolor"}, "#/style_preset: watercolor is not a valid enum value"),
    ({**SDXL_OK, "sampler": "EULER"}, "#/sampler: EULER is not a valid enum value"),
    ({**SDXL_OK, "clip_guidance_preset": "FAST"}, "#/clip_guidance_preset: FAST is not a valid enum value"),
    ({**SDXL_OK, "samples": 2}, "#/samples: 2 is not less or equal to 1"),
    ({**SDXL_OK, "width": 512, "height": 512}, "but we received 512x512"),
    ({**SDXL_OK, "width": 1344}, "but we received 1344x1024"),
    ({**SDXL_OK, "negative_prompt": "x"}, "#: extraneous key [negative_prompt] is not permitted"),
])
def test_sdxl_rules(body, fragment):
    assert fragment in error_of(SDXL, body)


def test_sdxl_accepts_every_listed_size_and_bounds():
    for width, height in ((1024, 1024), (1152, 896), (1216, 832), (1344, 768), (1536, 640), (640, 1536),
                          (768, 1344), (832, 1216), (896, 1152)):
        assert validate({**SDXL_OK, "width": width, "height": height}, SDXL).width == width
    params = validate({**SDXL_OK, "cfg_scale": 35, "steps": 150, "seed": 4294967295}, SDXL)
    assert (params.seed, params.count, params.prompt) == (4294967295, 1, "a fox")


@pytest.mark.parametrize(("body", "fragment"), [
    ({}, "#: required key [prompt] not found"),
    ({"prompt": ""}, "#/prompt: expected minLength: 1, actual: 0"),
    ({"prompt": "x" * 10001}, "#/prompt: expected maxLength: 10000, actual: 10001"),
    ({**SD3_OK, "negative_prompt": "x" * 10001}, "#/negative_prompt: expected maxLength: 10000"),
    ({**SD3_OK, "aspect_ratio": "1:2"}, "#/aspect_ratio: 1:2 is not a valid enum value"),
    ({**SD3_OK, "output_format": "webp"}, "#/output_format: webp is not a valid enum value"),
    ({**SD3_OK, "mode": "image-to-image"}, "#/mode: image-to-image is not a valid enum value"),
    ({**SD3_OK, "seed": -1}, "#/seed: -1 is not greater or equal to 0"),
    ({**SD3_OK, "negative_prompt": None}, "#/negative_prompt: expected type: String, found: Null"),
    ({**SD3_OK, "width": 1024}, "#: extraneous key [width] is not permitted"),
    ({"prompt": ["a fox"]}, "#/prompt: expected type: String, found: JSONArray"),
])
def test_sd3_rules(body, fragment):
    assert fragment in error_of(SD3, body)


@pytest.mark.parametrize(("body", "fragment"), [
    ({"textToImageParams": {"text": "x"}}, "#: required key [taskType] not found"),
    ({"taskType": "TEXT_IMAGE"}, "#: required key [textToImageParams] not found"),
    ({"taskType": "PAINT", "textToImageParams": {"text": "x"}}, "#/taskType: PAINT is not a valid enum value"),
    ({"taskType": "INPAINTING", "textToImageParams": {"text": "x"}}, "TEXT_IMAGE only"),
    (titan("x" * 513), "#/textToImageParams/text: expected maxLength: 512, actual: 513"),
    (titan(""), "#/textToImageParams/text: expected minLength: 1, actual: 0"),
    (titan(params={"negativeText": ""}), "#/textToImageParams/negativeText: expected minLength: 1, actual: 0"),
    (titan(params={"style": "PHOTOREALISM"}), "#/textToImageParams: extraneous key [style] is not permitted"),
    (titan(numberOfImages=6), "#/imageGenerationConfig/numberOfImages: 6 is not less or equal to 5"),
    (titan(numberOfImages=0), "#/imageGenerationConfig/numberOfImages: 0 is not greater or equal to 1"),
    (titan(cfgScale=1.0), "#/imageGenerationConfig/cfgScale: 1.0 is not greater or equal to 1.1"),
    (titan(cfgScale=10.5), "#/imageGenerationConfig/cfgScale: 10.5 is not less or equal to 10"),
    (titan(quality="hd"), "#/imageGenerationConfig/quality: hd is not a valid enum value"),
    (titan(seed=2147483647), "#/imageGenerationConfig/seed: 2147483647 is not less or equal to 2147483646"),
    (titan(width=1024, height=768), "#/imageGenerationConfig: 1024x768 is not a supported width x height"),
    (titan(width=512), "512x1024 is not a supported"),
    (titan(steps=50), "#/imageGenerationConfig: extraneous key [steps] is not permitted"),
    ({**titan(), "imageGenerationConfig": None}, "#/imageGenerationConfig: expected type: JSONObject, found: Null"),
])
def test_titan_rules(body, fragment):
    assert fragment in error_of(TITAN, body)


def test_titan_accepts_its_sizes_and_defaults():
    assert (validate(titan(width=1173, height=640), TITAN).width, validate(titan(), TITAN).height) == (1173, 1024)
    params = validate(titan(params={"negativeText": "fog"}, numberOfImages=5, cfgScale=1.1, seed=2147483646), TITAN)
    assert (params.count, params.seed, params.negative_prompt) == (5, 2147483646, "fog")
    assert validate(titan(), TITAN).seed == 42  # Titan's documented default seed


@pytest.mark.parametrize(("body", "fragment"), [
    (titan("x" * 1025), "#/textToImageParams/text: expected maxLength: 1024, actual: 1025"),
    (titan(params={"negativeText": "x" * 1025}), "#/textToImageParams/negativeText: expected maxLength: 1024"),
    (titan(params={"negativeText": None}), "#/textToImageParams/negativeText: expected type: String, found: Null"),
    (titan(params={"style": "OIL"}), "#/textToImageParams/style: OIL is not a valid enum value"),
    (titan(width=1000), "#/imageGenerationConfig/width: 1000 is not a multiple of 16"),
    (titan(height=304), "#/imageGenerationConfig/height: 304 is not greater or equal to 320"),
    (titan(width=4112), "#/imageGenerationConfig/width: 4112 is not less or equal to 4096"),
    (titan(width=1296, height=320), "aspect ratio outside 1:4 to 4:1"),
    (titan(width=2048, height=2048), "4,194,304 pixels; the total must be less than 4,194,304"),
    (titan(seed=858993460), "#/imageGenerationConfig/seed: 858993460 is not less or equal to 858993459"),
    (titan(width="1024"), "#/imageGenerationConfig/width: expected type: Integer, found: String"),
])
def test_nova_rules(body, fragment):
    assert fragment in error_of(NOVA, body)


def test_nova_accepts_edges_of_its_size_rules():
    for width, height in ((320, 1280), (1280, 320), (2048, 2032), (4000, 1008), (1024, 1024)):
        params = validate(titan(params={"style": "MAXIMALISM"}, width=width, height=height), NOVA)
        assert (params.width, params.height) == (width, height)
    assert validate(titan(), NOVA).width == 1024
