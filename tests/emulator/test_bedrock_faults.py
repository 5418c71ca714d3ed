"""Bedrock faults through real boto3: every kind per family, botocore retries, which checks come first."""

from __future__ import annotations

import time

import numpy as np
import pytest

from imagegen.emulator import Emulator

from .helpers import bedrock_client, bedrock_error, decode_image, invoke

SDXL = "stability.stable-diffusion-xl-v1"
SD3 = "stability.sd3-large-v1:0"
TITAN = "amazon.titan-image-generator-v1"
NOVA = "amazon.nova-canvas-v1:0"
SDXL_BODY = {"text_prompts": [{"text": "a red fox on a hill"}], "seed": 5, "width": 640, "height": 1536}
SD3_BODY = {"prompt": "a red fox", "seed": 5, "aspect_ratio": "9:21"}
TITAN_BODY = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a red fox"},
              "imageGenerationConfig": {"width": 512, "height": 512}}
NOVA_BODY = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a red fox"},
             "imageGenerationConfig": {"width": 320, "height": 320}}
BODIES = {SDXL: SDXL_BODY, SD3: SD3_BODY, TITAN: TITAN_BODY, NOVA: NOVA_BODY}


def statuses(emu: Emulator) -> list[int]:
    return [entry.status for entry in emu.requests if entry.provider == "bedrock"]


def sharpness(b64: str) -> float:
    """Share of strong edges (neighbours > 8 grey levels apart) in the picture above the label band."""
    pixels = np.asarray(decode_image(b64).convert("L"), dtype=np.float32)
    pixels = pixels[: int(pixels.shape[0] * 0.8)]  # the label stays sharp so it can be read
    return float((np.abs(np.diff(pixels, axis=1)) > 8).mean() + (np.abs(np.diff(pixels, axis=0)) > 8).mean())


@pytest.mark.parametrize(("kind", "status", "code", "message"), [
    ("rate_limit", 429, "ThrottlingException", "Too many requests, please wait before trying again."),
    ("model_not_ready", 429, "ModelNotReadyException", "Model is not ready"),
    ("server_error", 500, "InternalServerException", "unexpected error"),
])
def test_service_faults_without_retries(emu, kind, status, code, message):
    emu.inject("bedrock", kind, count=1)
    got = bedrock_error(bedrock_client(emu), NOVA, NOVA_BODY)
    assert got[:2] == (status, code) and message in got[2]
    assert not emu.faults.active
    assert invoke(bedrock_client(emu), NOVA, NOVA_BODY)["images"]


@pytest.mark.parametrize("kind", ["rate_limit", "model_not_ready"])
def test_botocore_retries_a_throttle_then_succeeds(emu, kind):
    emu.inject("bedrock", kind, count=1)
    assert invoke(bedrock_client(emu, attempts=3), NOVA, NOVA_BODY)["images"]
    assert statuses(emu) == [429, 200]


def test_persistent_server_error_exhausts_botocore_retries(emu):
    emu.inject("bedrock", "server_error")
    assert bedrock_error(bedrock_client(emu, attempts=2), NOVA, NOVA_BODY)[1] == "InternalServerException"
    assert statuses(emu) == [500, 500]


def test_faults_come_after_auth_model_and_access_checks(emu):
    emu.inject("bedrock", "rate_limit", count=1)
    assert bedrock_error(bedrock_client(emu), "amazon.nova-canvas-v2:0", NOVA_BODY)[1] == "ValidationException"
    emu.bedrock_denied_models.add(NOVA)
    assert bedrock_error(bedrock_client(emu), NOVA, NOVA_BODY)[1] == "AccessDeniedException"
    assert bedrock_error(bedrock_client(emu, key_id="AKIAINVALIDKEY000000"), TITAN, TITAN_BODY)[0] == 403
    assert bedrock_error(bedrock_client(emu), TITAN, TITAN_BODY)[1] == "ThrottlingException"


def test_latency_delays_the_answer(emu):
    emu.inject("bedrock", "latency", seconds=0.3, count=1)
    started = time.perf_counter()
    invoke(bedrock_client(emu), NOVA, NOVA_BODY)
    assert time.perf_counter() - started >= 0.3 and not emu.faults.active


@pytest.mark.parametrize(("model", "message"), [
    (SDXL, "blocked by content filters"),
    (TITAN, "This request has been blocked by our content filters."),
    (NOVA, "This request has been blocked by our content filters."),
])
def test_content_policy_is_a_validation_exception(emu, model, message):
    emu.inject("bedrock", "content_policy", count=1)
    status, code, text = bedrock_error(bedrock_client(emu), model, BODIES[model])
    assert (status, code) == (400, "ValidationException") and message in text


def test_content_policy_sd3_answers_200_without_image(emu):
    emu.inject("bedrock", "content_policy", count=1)
    assert invoke(bedrock_client(emu), SD3, SD3_BODY) == {"seeds": [5], "finish_reasons": ["Filter reason: prompt"],
                                                          "images": []}


def test_invalid_body_does_not_consume_a_content_fault(emu):
    emu.inject("bedrock", "content_policy", count=1)
    assert "#/prompt" in bedrock_error(bedrock_client(emu), SD3, {"prompt": ""})[2]
    assert invoke(bedrock_client(emu), SD3, SD3_BODY)["finish_reasons"] == ["Filter reason: prompt"]


def test_output_filter_sdxl_returns_a_blurred_content_filtered_artifact(emu):
    normal = invoke(bedrock_client(emu), SDXL, SDXL_BODY)["artifacts"][0]
    emu.inject("bedrock", "output_filter", count=1)
    [filtered] = invoke(bedrock_client(emu), SDXL, SDXL_BODY)["artifacts"]
    assert (filtered["finishReason"], filtered["seed"]) == ("CONTENT_FILTERED", 5)
    assert decode_image(filtered["base64"]).size == (640, 1536)
    assert sharpness(filtered["base64"]) < sharpness(normal["base64"]) / 3


def test_output_filter_sd3_keeps_a_blurred_image(emu):
    normal = invoke(bedrock_client(emu), SD3, SD3_BODY)["images"][0]
    emu.inject("bedrock", "output_filter", count=1)
    payload = invoke(bedrock_client(emu), SD3, SD3_BODY)
    assert payload["finish_reasons"] == ["Filter reason: output image"] and payload["seeds"] == [5]
    assert sharpness(payload["images"][0]) < sharpness(normal) / 3


@pytest.mark.parametrize("model", [TITAN, NOVA])
def test_output_filter_titan_and_nova_are_validation_exceptions(emu, model):
    emu.inject("bedrock", "output_filter", count=1)
    status, code, text = bedrock_error(bedrock_client(emu), model, BODIES[model])
    assert (status, code) == (400, "ValidationException")
    assert text.startswith("This request has been blocked by our content filters. Our filters automatically "
                           "flagged the generated image")


def test_model_error_sdxl_is_an_error_artifact(emu):
    emu.inject("bedrock", "model_error", count=1)
    payload = invoke(bedrock_client(emu), SDXL, SDXL_BODY)
    assert payload == {"result": "success", "artifacts": [{"seed": 5, "base64": "", "finishReason": "ERROR"}]}


@pytest.mark.parametrize("model", [SD3, TITAN, NOVA])
def test_model_error_others_is_424(emu, model):
    emu.inject("bedrock", "model_error", count=1)
    assert bedrock_error(bedrock_client(emu), model, BODIES[model])[:2] == (424, "ModelErrorException")


def test_fault_kinds_are_checked_per_provider(emu):
    with pytest.raises(ValueError, match="does not apply to provider 'openai'"):
        emu.inject("openai", "model_error")
    with pytest.raises(ValueError, match="does not apply to provider 'bedrock'"):
        emu.inject("bedrock", "nsfw")
    emu.inject("*", "model_error", count=1)  # "*" takes any kind; only Bedrock acts on this one
    assert bedrock_error(bedrock_client(emu), NOVA, NOVA_BODY)[1] == "ModelErrorException"
