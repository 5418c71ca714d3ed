"""Bedrock `POST /model/{modelId}/invoke` through real boto3: ids on the wire, success shapes, auth, access."""

from __future__ import annotations

import json

import boto3
import pytest
import requests

from imagegen.emulator.bedrock_routes import env_vars

from .helpers import AWS_KEY_ID, bedrock_client, bedrock_error, decode_image, invoke

SDXL = "stability.stable-diffusion-xl-v1"
NOVA = "amazon.nova-canvas-v1:0"
TITAN = "amazon.titan-image-generator-v1"


def titan_body(text="a red fox", **config):
    return {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": text}, "imageGenerationConfig": config}


def test_percent_encoded_id_is_decoded_and_the_raw_path_recorded(emu):
    payload = invoke(bedrock_client(emu), NOVA, titan_body(width=320, height=320))
    assert set(payload) == {"images", "error"} and payload["error"] is None
    recorded = emu.last_request("bedrock")
    assert recorded.path == "/model/amazon.nova-canvas-v1%3A0/invoke"
    assert recorded.status == 200 and recorded.json == titan_body(width=320, height=320)
    assert recorded.headers["authorization"].startswith(f"AWS4-HMAC-SHA256 Credential={AWS_KEY_ID}/")
    assert "/us-east-1/bedrock/aws4_request" in recorded.headers["authorization"]


def test_foundation_model_arn_names_the_model(emu):
    arn = f"arn:aws:bedrock:us-east-1::foundation-model/{NOVA}"
    assert len(invoke(bedrock_client(emu), arn, titan_body(width=320, height=320))["images"]) == 1
    assert emu.last_request("bedrock").path.startswith("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation")


def test_sdxl_success_shape_seed_and_size(emu):
    client = bedrock_client(emu)
    body = {"text_prompts": [{"text": "a red fox", "weight": 1.0}, {"text": "blurry", "weight": -1.0}],
            "cfg_scale": 7, "steps": 30, "seed": 1234, "width": 1536, "height": 640, "style_preset": "anime",
            "sampler": "K_EULER", "clip_guidance_preset": "NONE", "samples": 1}
    payload = invoke(client, SDXL, body)
    assert payload["result"] == "success"
    [artifact] = payload["artifacts"]
    assert set(artifact) == {"seed", "base64", "finishReason"}
    assert (artifact["seed"], artifact["finishReason"]) == (1234, "SUCCESS")
    image = decode_image(artifact["base64"])
    assert (image.format, image.size) == ("PNG", (1536, 640))
    other_seed = invoke(client, SDXL, {**body, "seed": 99})["artifacts"][0]["base64"]
    assert other_seed != artifact["base64"]  # the seed changes the picture


def test_sdxl_seed_zero_or_absent_reports_a_deterministic_seed(emu):
    client = bedrock_client(emu)
    prompts = {"text_prompts": [{"text": "a lighthouse"}], "width": 640, "height": 1536}
    zero = invoke(client, "stability.stable-diffusion-xl-v0", {**prompts, "seed": 0})["artifacts"][0]
    absent = invoke(client, SDXL, prompts)["artifacts"][0]
    assert zero["seed"] == absent["seed"] > 0
    assert decode_image(absent["base64"]).size == (640, 1536)


@pytest.mark.parametrize(("model", "ratio", "fmt", "size"), [
    ("stability.sd3-large-v1:0", None, None, (1024, 1024)),
    ("stability.sd3-5-large-v1:0", "21:9", "jpeg", (1536, 640)),
    ("stability.stable-image-core-v1:1", "4:5", "png", (896, 1088)),
    ("stability.stable-image-ultra-v1:0", "9:16", "jpeg", (768, 1344)),
])
def test_sd3_family_success_shape_ratio_and_format(emu, model, ratio, fmt, size):
    body = {"prompt": "a red fox", "negative_prompt": "fog", "mode": "text-to-image", "seed": 7}
    body |= {"aspect_ratio": ratio} if ratio else {}
    body |= {"output_format": fmt} if fmt else {}
    payload = invoke(bedrock_client(emu), model, body)
    assert payload == {"seeds": [7], "finish_reasons": [None], "images": payload["images"]}
    [image_b64] = payload["images"]
    image = decode_image(image_b64)
    assert (image.format, image.size) == ("JPEG" if fmt == "jpeg" else "PNG", size)


def test_sd3_seed_zero_is_replaced_by_a_reported_seed(emu):
    payload = invoke(bedrock_client(emu), "stability.stable-image-core-v1:0", {"prompt": "x", "seed": 0,
                                                                                "aspect_ratio": "9:21"})
    assert payload["seeds"][0] > 0 and decode_image(payload["images"][0]).size == (640, 1536)


def test_titan_success_count_size_and_default_size(emu):
    client = bedrock_client(emu)
    payload = invoke(client, "amazon.titan-image-generator-v2:0",
                     titan_body(numberOfImages=3, width=384, height=576, quality="premium", cfgScale=8.5, seed=0))
    assert set(payload) == {"images", "error"} and payload["error"] is None
    pictures = [decode_image(item) for item in payload["images"]]
    assert [p.size for p in pictures] == [(384, 576)] * 3 and pictures[0].format == "PNG"
    assert pictures[0].tobytes() != pictures[1].tobytes()
    default = invoke(client, TITAN, {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "x"}})
    assert decode_image(default["images"][0]).size == (1024, 1024)


def test_nova_free_size_style_and_negative_text(emu):
    body = {"taskType": "TEXT_IMAGE",
            "textToImageParams": {"text": "a red fox", "negativeText": "fog", "style": "FLAT_VECTOR_ILLUSTRATION"},
            "imageGenerationConfig": {"width": 1280, "height": 320, "numberOfImages": 2, "seed": 858993459,
                                      "cfgScale": 6.5, "quality": "standard"}}
    payload = invoke(bedrock_client(emu), NOVA, body)
    assert [decode_image(item).size for item in payload["images"]] == [(1280, 320)] * 2


def test_missing_authorization_and_invalid_key(emu):
    url = f"{emu.url}/model/{SDXL}/invoke"
    answer = requests.post(url, json={"text_prompts": [{"text": "x"}]}, timeout=10)
    assert answer.status_code == 403 and answer.json() == {"message": "Missing Authentication Token"}
    assert answer.headers["x-amzn-ErrorType"].startswith("MissingAuthenticationTokenException:")
    status, code, message = bedrock_error(bedrock_client(emu, key_id="AKIAINVALID000000000"), SDXL,
                                          {"text_prompts": [{"text": "x"}]})
    assert (status, code) == (403, "UnrecognizedClientException")
    assert message == "The security token included in the request is invalid."


@pytest.mark.parametrize(("authorization", "code"), [
    ("Basic dXNlcjpwYXNz", "IncompleteSignatureException"),
    ("AWS4-HMAC-SHA256 Credential=AKIAX/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab",
     "InvalidSignatureException"),
])
def test_malformed_or_misscoped_signatures_are_refused(emu, authorization, code):
    answer = requests.post(f"{emu.url}/model/{SDXL}/invoke", json={}, headers={"Authorization": authorization},
                           timeout=10)
    assert answer.status_code == 403 and answer.headers["x-amzn-ErrorType"].split(":")[0] == code


def test_bedrock_api_key_bearer_token_is_accepted(emu):
    body = titan_body(width=320, height=320)
    headers = {"Authorization": "Bearer bedrock-api-key-abc"}
    assert requests.post(f"{emu.url}/model/{NOVA}/invoke", json=body, headers=headers, timeout=30).status_code == 200
    headers = {"Authorization": "Bearer bedrock-api-key-invalid"}
    assert requests.post(f"{emu.url}/model/{NOVA}/invoke", json=body, headers=headers, timeout=30).status_code == 403


def test_unknown_model_and_denied_model(emu):
    client = bedrock_client(emu)
    assert bedrock_error(client, "stability.sd4-v1:0", {"prompt": "x"}) == (
        400, "ValidationException", "The provided model identifier is invalid.")
    emu.bedrock_denied_models.add(NOVA)
    assert bedrock_error(client, NOVA, titan_body()) == (
        403, "AccessDeniedException", "You don't have access to the model with the specified model ID.")
    emu.reset()
    assert emu.bedrock_denied_models == set()
    assert invoke(client, NOVA, titan_body(width=320, height=320))["images"]


def test_error_header_body_and_raw_shape(emu):
    client = bedrock_client(emu)
    bedrock_error(client, SDXL, {"text_prompts": [{"text": "x"}], "cfg_scale": 40})
    answer = requests.post(f"{emu.url}/model/{SDXL}/invoke", data=b"{not json", timeout=10,
                           headers={"Authorization": emu.last_request("bedrock").headers["authorization"]})
    assert answer.status_code == 400
    assert answer.headers["x-amzn-ErrorType"] == (
        "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/")
    assert answer.json() == {"message": "Malformed input request, please reformat your input and try again."}
    unknown = requests.post(f"{emu.url}/model/{SDXL}/converse-something", json={}, timeout=10)
    assert unknown.status_code == 404 and unknown.headers["x-amzn-ErrorType"].startswith("UnknownOperation")


def test_env_vars_point_a_default_boto3_client_here(emu, monkeypatch):
    exported = env_vars(emu.url)
    assert emu.env_vars()["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] == emu.bedrock_endpoint_url == emu.url
    for name, value in exported.items():
        monkeypatch.setenv(name, value)
    client = boto3.Session().client("bedrock-runtime")  # endpoint, credentials and region from the environment
    answer = client.invoke_model(modelId=NOVA, body=json.dumps(titan_body(width=320, height=320)))
    assert json.loads(answer["body"].read())["images"]
    assert emu.last_request("bedrock").headers["authorization"].split("/")[0].endswith(exported["AWS_ACCESS_KEY_ID"])
