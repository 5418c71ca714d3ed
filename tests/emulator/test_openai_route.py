"""OpenAI `POST /v1/images/generations`: success shapes, served URLs, body rules per family, auth."""

from __future__ import annotations

import pytest
import requests

from .helpers import OPENAI_KEY, decode_image, error_of, post_openai


@pytest.mark.parametrize("model", ["gpt-image-1", "dall-e-2", "dall-e-3"])
def test_retired_models_answer_404_model_not_found(emu, model):
    error = error_of(post_openai(emu, {"model": model, "prompt": "a red fox"}), 404)
    assert (error["param"], error["code"]) == ("model", "model_not_found")
    assert f"`{model}` does not exist" in error["message"]


def test_n_items_of_the_requested_size_each_with_its_own_seed(emu):
    answer = post_openai(emu, {"model": "gpt-image-2", "prompt": "a red fox", "size": "512x512", "n": 2})
    assert answer.status_code == 200, answer.text
    data = answer.json()["data"]
    assert len(data) == 2 and all(set(item) == {"b64_json"} for item in data)
    first, second = (decode_image(item["b64_json"]) for item in data)
    assert first.size == second.size == (512, 512)
    assert first.tobytes() != second.tobytes()  # each item gets its own seed


def test_missing_model_is_refused_not_the_retired_dall_e_2_default(emu):
    error = error_of(post_openai(emu, {"prompt": "a red fox"}), 400)
    assert (error["param"], error["code"]) == ("model", "missing_required_parameter")


def test_same_request_gives_the_same_image(emu):
    body = {"model": "gpt-image-2", "prompt": "a lighthouse", "size": "512x512"}
    first, second = (post_openai(emu, body).json()["data"][0]["b64_json"] for _ in range(2))
    assert first == second


def test_gpt_image_answers_base64_with_usage_and_resolved_options(emu):
    answer = post_openai(emu, {"model": "gpt-image-2", "prompt": "a red fox", "quality": "low",
                               "size": "1536x1024"})
    assert answer.status_code == 200, answer.text
    payload = answer.json()
    assert {k: payload[k] for k in ("background", "output_format", "quality", "size")} == {
        "background": "opaque", "output_format": "png", "quality": "low", "size": "1536x1024"}
    usage = payload["usage"]
    assert usage["output_tokens"] == 408
    assert usage["input_tokens_details"] == {"text_tokens": usage["input_tokens"], "image_tokens": 0}
    assert usage["total_tokens"] == usage["input_tokens"] + 408
    [item] = payload["data"]
    assert set(item) == {"b64_json"}
    image = decode_image(item["b64_json"])
    assert (image.format, image.size) == ("PNG", (1536, 1024))


@pytest.mark.parametrize(("quality", "n", "tokens"),
                         [("auto", 1, 1056), ("medium", 1, 1056), ("high", 2, 8320)])
def test_gpt_image_output_tokens_by_quality(emu, quality, n, tokens):
    answer = post_openai(emu, {"model": "gpt-image-1-mini", "prompt": "x", "quality": quality, "n": n})
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["data"]) == n
    assert answer.json()["usage"]["output_tokens"] == tokens
    assert answer.json()["quality"] == ("medium" if quality == "auto" else quality)


@pytest.mark.parametrize(("fmt", "pil"), [("jpeg", "JPEG"), ("webp", "WEBP")])
def test_gpt_image_output_format_and_compression(emu, fmt, pil):
    answer = post_openai(emu, {"model": "gpt-image-2", "prompt": "a red fox", "size": "512x256",
                               "output_format": fmt, "output_compression": 40})
    assert answer.status_code == 200, answer.text
    assert answer.json()["output_format"] == fmt and answer.json()["size"] == "512x256"
    image = decode_image(answer.json()["data"][0]["b64_json"])
    assert (image.format, image.size) == (pil, (512, 256))


def test_output_compression_is_the_encoder_quality(emu):
    sizes = []
    for compression in (5, 95):
        answer = post_openai(emu, {"model": "gpt-image-2", "prompt": "a red fox", "size": "512x256",
                                   "output_format": "jpeg", "output_compression": compression})
        sizes.append(len(answer.json()["data"][0]["b64_json"]))
    assert sizes[0] < sizes[1]


@pytest.mark.parametrize("model", ["gpt-image-2", "gpt-image-2.5-flare"])
def test_free_sizes_on_gpt_image_2_and_2_5(emu, model):
    answer = post_openai(emu, {"model": model, "prompt": "x", "size": "768x256"})
    assert decode_image(answer.json()["data"][0]["b64_json"]).size == (768, 256)


def test_future_gpt_image_ids_get_the_base_rules(emu):
    future = post_openai(emu, {"model": "gpt-image-9", "prompt": "x", "size": "768x256"})
    assert error_of(future, 400)["param"] == "size"  # free sizes only for gpt-image-2 and 2.5
    assert post_openai(emu, {"model": "gpt-image-9", "prompt": "x", "quality": "low"}).status_code == 200


def test_xhigh_and_max_quality_on_gpt_image_2_5(emu):
    for quality in ("xhigh", "max"):
        answer = post_openai(emu, {"model": "gpt-image-2.5-sunburst", "prompt": "x", "quality": quality})
        assert answer.status_code == 200, answer.text
        assert answer.json()["quality"] == quality


def test_gif_output_is_a_gif_of_the_requested_size(emu):
    answer = post_openai(emu, {"model": "gpt-image-2", "prompt": "x", "size": "512x512", "output_format": "gif",
                               "frame_count": 4, "frame_duration_ms": 100, "complexity": "high"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["output_format"] == "gif"
    image = decode_image(answer.json()["data"][0]["b64_json"])
    assert (image.format, image.size, image.n_frames) == ("GIF", (512, 512), 4)
    assert (image.info["duration"], image.info["loop"]) == (100, 0)


def _body(model, **fields):
    return {"model": model, "prompt": "a red fox", **fields}


# (body, param, code, words the message must contain)
VALIDATION_CASES = [
    ({"prompt": "a red fox"}, "model", "missing_required_parameter", ["'model'"]),
    ({"model": "gpt-image-2"}, "prompt", "missing_required_parameter", ["'prompt'"]),
    (_body("gpt-image-2", prompt="x" * 32001), "prompt", "string_above_max_length", ["32000", "32001"]),
    (_body("gpt-image-2", prompt=""), "prompt", "string_below_min_length", ["'prompt'"]),
    (_body("gpt-image-2", prompt=5), "prompt", "invalid_type", ["'prompt'", "a string"]),
    (_body("gpt-image-2", n=11), "n", "integer_above_max_value", ["10", "11"]),
    (_body("gpt-image-2", n=0), "n", "integer_below_min_value", ["1"]),
    (_body("gpt-image-2", n="2"), "n", "invalid_type", ["an integer"]),
    (_body("gpt-image-2", n=2, output_format="svg"), "n", "invalid_value", ["n=1"]),
    (_body("gpt-image-1.5", size="1792x1024"), "size", "invalid_value", ["'1536x1024'", "'auto'"]),
    (_body("gpt-image-1.5", size="768x256"), "size", "invalid_value", ["'1024x1024'"]),
    (_body("gpt-image-2.6-sunburst", size="768x256"), "size", "invalid_value", ["'1024x1024'"]),
    (_body("gpt-image-2", size="1000x1024"), "size", "invalid_value", ["multiples of 16"]),
    (_body("gpt-image-2", size="1024x1000"), "size", "invalid_value", ["multiples of 16"]),
    (_body("gpt-image-2", size="1600x512"), "size", "invalid_value", ["1:3"]),
    (_body("gpt-image-2", size="3840x2176"), "size", "invalid_value", ["3840x2160"]),
    (_body("gpt-image-2", quality="hd"), "quality", "invalid_value", ["'low', 'medium', 'high', and 'auto'"]),
    (_body("gpt-image-2", quality="xhigh"), "quality", "invalid_value", ["'low', 'medium', 'high', and 'auto'"]),
    (_body("gpt-image-2.6-flare", quality="max"), "quality", "invalid_value", ["'high', and 'auto'"]),
    (_body("gpt-image-2.5-sunburst", quality="ultra"), "quality", "invalid_value", ["'xhigh', 'max'"]),
    (_body("gpt-image-2", complexity="extreme"), "complexity", "invalid_value", ["'low', 'medium', and 'high'"]),
    (_body("gpt-image-2", style="vivid"), "style", "unknown_parameter", ["'style'"]),
    (_body("gpt-image-2", response_format="url"), "response_format", "unknown_parameter",
     ["'response_format'"]),
    (_body("gpt-image-1.5", output_format="gif"), "output_format", "invalid_value",
     ["'png', 'jpeg', and 'webp'"]),
    (_body("gpt-image-2", output_format="bmp"), "output_format", "invalid_value", ["'gif', and 'svg'"]),
    (_body("gpt-image-2", output_format="jpeg", output_compression=101), "output_compression",
     "invalid_value", ["100"]),
    (_body("gpt-image-2", output_compression=50), "output_compression", "invalid_value", ["'jpeg'"]),
    (_body("gpt-image-2", background="transparent", output_format="jpeg"), "background", "invalid_value",
     ["jpeg"]),
    (_body("gpt-image-2", background="clear"), "background", "invalid_value", ["'transparent'"]),
    (_body("gpt-image-1.5", moderation="high"), "moderation", "invalid_value", ["'low' and 'auto'"]),
    (_body("gpt-image-2", output_format="gif", frame_count=17), "frame_count", "invalid_value", ["2 and 16"]),
    (_body("gpt-image-2", output_format="gif", frame_count=1), "frame_count", "invalid_value", ["2 and 16"]),
    (_body("gpt-image-2", frame_count=4), "frame_count", "invalid_value", ["'gif'"]),
    (_body("gpt-image-2", output_format="gif", frame_duration_ms=0), "frame_duration_ms", "invalid_value",
     [">= 1"]),
    (_body("gpt-image-2", output_format="gif", partial_images=1), "partial_images", "invalid_value", ["GIF"]),
    (_body("gpt-image-2", svg={"model": "x"}), "svg", "invalid_value", ["'svg'"]),
    (_body("gpt-image-2", output_format="svg", svg={"reasoning": {}}), "svg.model", "missing_required_parameter",
     ["'svg.model'"]),
    (_body("gpt-image-2", output_format="svg", svg={"model": "m", "reasoning": {"effort": "huge"}}),
     "svg.reasoning.effort", "invalid_value", ["'minimal'"]),
    (_body("gpt-image-2", stream=True), "stream", "invalid_value", []),
    (_body("gpt-image-2", seed=4), "seed", "unknown_parameter", ["Unknown parameter: 'seed'"]),
    (_body("gpt-image-2", negative_prompt="blur"), "negative_prompt", "unknown_parameter", []),
    (_body("stable-diffusion-xl"), "model", "invalid_value", ["'stable-diffusion-xl'", "'gpt-image-2'"]),
    (_body(7), "model", "invalid_type", ["'model'"]),
]


@pytest.mark.parametrize(("body", "param", "code", "words"), VALIDATION_CASES,
                         ids=[f"{case[0].get('model')}-{case[1]}-{case[2]}" for case in VALIDATION_CASES])
def test_validation_errors_name_the_param(emu, body, param, code, words):
    error = error_of(post_openai(emu, body), 400)
    assert error["type"] == "invalid_request_error"
    assert (error["param"], error["code"]) == (param, code)
    for word in words:
        assert word in error["message"]


def test_transparent_png_is_accepted_and_null_fields_count_as_unset(emu):
    answer = post_openai(emu, {"model": "gpt-image-2", "prompt": "x", "background": "transparent",
                               "quality": "low", "style": None, "user": "u1", "moderation": "low"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["background"] == "transparent"
    assert decode_image(answer.json()["data"][0]["b64_json"]).mode == "RGBA"


def test_bad_json_and_non_object_bodies(emu):
    url = f"{emu.openai_base_url}/images/generations"
    headers = {"Authorization": f"Bearer {OPENAI_KEY}", "Content-Type": "application/json"}
    error = error_of(requests.post(url, data=b"{not json", headers=headers, timeout=10), 400)
    assert "could not parse the JSON body" in error["message"] and error["type"] == "invalid_request_error"
    assert error_of(requests.post(url, json=["a"], headers=headers, timeout=10), 400)["param"] is None
    assert error_of(requests.post(url, headers=headers, timeout=10), 400)["code"] is None


def test_missing_key_is_401_with_openai_shape(emu):
    error = error_of(post_openai(emu, _body("gpt-image-2"), key=None), 401)
    assert error["message"].startswith("You didn't provide an API key")
    assert error == {"message": error["message"], "type": "invalid_request_error", "param": None,
                     "code": None}
    assert error_of(requests.post(f"{emu.openai_base_url}/images/generations", json=_body("gpt-image-2"),
                                  headers={"Authorization": "Basic abc"}, timeout=10), 401)["code"] is None


def test_invalid_key_is_401_with_masked_key(emu):
    key = "sk-invalid-secret-material-1234"
    error = error_of(post_openai(emu, _body("gpt-image-2"), key=key), 401)
    assert error["code"] == "invalid_api_key" and error["type"] == "invalid_request_error"
    assert "Incorrect API key provided: sk-inv" in error["message"] and "1234." in error["message"]
    assert "secret-material" not in error["message"]
