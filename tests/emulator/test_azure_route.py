"""Azure OpenAI routes: deployments + api-version, the v1 API, Azure auth and response extras."""

from __future__ import annotations

import pytest
import requests

from .helpers import AZURE_KEY, NEW_AZURE_VERSION, decode_image, error_of, post_azure, post_openai


def test_deployment_mapped_to_a_model_is_recorded_and_carries_no_filter_results(emu):
    emu.azure_deployments["my-deploy"] = "gpt-image-2"
    answer = post_azure(emu, "my-deploy", {"prompt": "a red fox", "size": "1024x1024"})
    assert answer.status_code == 200, answer.text
    [item] = answer.json()["data"]
    assert set(item) == {"b64_json"}  # Azure's docs: gpt-image models carry no content-filter annotations
    assert decode_image(item["b64_json"]).size == (1024, 1024)
    recorded = emu.last_request("azure")
    assert recorded.path == "/openai/deployments/my-deploy/images/generations"
    assert recorded.query == {"api-version": NEW_AZURE_VERSION} and recorded.status == 200
    assert recorded.headers["api-key"] == AZURE_KEY


@pytest.mark.parametrize("model", ["dall-e-3", "gpt-image-1"])
def test_deployment_of_a_retired_model_answers_404_model_not_found(emu, model):
    emu.azure_deployments["old"] = model
    error = error_of(post_azure(emu, "old", {"prompt": "a red fox"}), 404)
    assert (error["param"], error["code"]) == ("model", "model_not_found")
    assert error_of(post_azure(emu, model, {"prompt": "a red fox"}), 404)["code"] == "model_not_found"


def test_deployment_named_after_a_model_needs_no_mapping_and_label_differs_from_openai(emu):
    body = {"prompt": "a lighthouse", "size": "256x256"}
    azure = post_azure(emu, "gpt-image-2", body)
    assert azure.status_code == 200, azure.text
    openai = post_openai(emu, {"model": "gpt-image-2", **body})
    azure_image = decode_image(azure.json()["data"][0]["b64_json"])
    openai_image = decode_image(openai.json()["data"][0]["b64_json"])
    assert azure_image.size == openai_image.size == (256, 256)
    assert azure_image.tobytes() != openai_image.tobytes()  # same seed, different "EMULATED ·" label


def test_gpt_image_deployment_on_new_api_version(emu):
    emu.azure_deployments["img"] = "gpt-image-2"
    answer = post_azure(emu, "img", {"prompt": "x", "quality": "low", "output_format": "jpeg"})
    assert answer.status_code == 200, answer.text
    payload = answer.json()
    assert payload["usage"]["output_tokens"] == 272 and payload["output_format"] == "jpeg"
    assert set(payload["data"][0]) == {"b64_json"}
    assert decode_image(payload["data"][0]["b64_json"]).format == "JPEG"


def test_gpt_image_on_azure_refuses_webp_with_openai_error_shape(emu):
    error = error_of(post_azure(emu, "gpt-image-2", {"prompt": "x", "output_format": "webp"}), 400)
    assert (error["param"], error["code"]) == ("output_format", "invalid_value")
    assert "'png' and 'jpeg'" in error["message"]


def test_body_model_is_ignored_on_the_deployments_route(emu):
    emu.azure_deployments["d2"] = "gpt-image-1.5"
    error = error_of(post_azure(emu, "d2", {"model": "gpt-image-2", "prompt": "x", "size": "768x256"}), 400)
    assert error["param"] == "size" and "'1536x1024'" in error["message"]  # no free sizes on gpt-image-1.5


@pytest.mark.parametrize("version", ["2024-02-01", "2024-06-01", "2024-10-21"])
def test_gpt_image_needs_a_recent_api_version(emu, version):
    error = error_of(post_azure(emu, "gpt-image-2", {"prompt": "x"}, version=version), 400)
    assert error["code"] == "BadRequest" and "2025-04-01-preview" in error["message"]


def test_missing_api_version_is_404(emu):
    assert error_of(post_azure(emu, "gpt-image-2", {"prompt": "x"}, version=None), 404) == {
        "code": "404", "message": "Resource not found"}


@pytest.mark.parametrize("version", ["2023-06-01-preview", "2025-04-01", "latest", "2024-02-01x"])
def test_unsupported_api_version_is_400(emu, version):
    assert error_of(post_azure(emu, "gpt-image-2", {"prompt": "x"}, version=version), 400) == {
        "code": "BadRequest", "message": "API version not supported"}


@pytest.mark.parametrize("version", ["2025-04-01-preview", "2026-01-15", "2026-03-01-preview"])
def test_supported_api_versions_reach_the_body_rules(emu, version):
    error = error_of(post_azure(emu, "gpt-image-2", {"prompt": "x", "n": 11}, version=version), 400)
    assert error["param"] == "n"


def test_unknown_deployment_is_404_deployment_not_found(emu):
    error = error_of(post_azure(emu, "nobody-deployed-this", {"prompt": "x"}), 404)
    assert error["code"] == "DeploymentNotFound"
    assert error["message"].startswith("The API deployment for this resource does not exist")


@pytest.mark.parametrize("headers", [{}, {"api-key": ""}, {"api-key": "my-invalid-key"},
                                     {"Authorization": "Bearer invalid-token"}])
def test_azure_auth_failures(emu, headers):
    error = error_of(post_azure(emu, "gpt-image-2", {"prompt": "x"}, headers=headers), 401)
    assert error["code"] == "401" and error["message"].startswith("Access denied due to invalid subscription")


def test_entra_bearer_token_is_accepted(emu):
    headers = {"Authorization": "Bearer eyJ0eXAi.entra.token"}
    answer = post_azure(emu, "gpt-image-2", {"prompt": "x", "size": "256x256"}, headers=headers)
    assert answer.status_code == 200, answer.text


def test_v1_api_takes_the_deployment_from_the_body(emu):
    emu.azure_deployments["fast"] = "gpt-image-2"
    url = f"{emu.url}/openai/v1/images/generations"
    answer = requests.post(url, json={"model": "fast", "prompt": "x", "size": "256x256"},
                           headers={"api-key": AZURE_KEY}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert set(answer.json()["data"][0]) == {"b64_json"}
    assert emu.last_request("azure").query == {}
    key = {"api-key": AZURE_KEY}
    missing = error_of(requests.post(url, json={"prompt": "x"}, headers=key, timeout=10), 400)
    assert (missing["param"], missing["code"]) == ("model", "missing_required_parameter")
    unknown = requests.post(url, json={"model": "ghost", "prompt": "x"}, headers=key, timeout=10)
    assert error_of(unknown, 404)["code"] == "DeploymentNotFound"
    no_key = requests.post(url, json={"model": "fast", "prompt": "x"}, timeout=10)
    assert error_of(no_key, 401)["code"] == "401"
    bad = requests.post(url, data=b"{", headers=key, timeout=10)
    assert "could not parse" in error_of(bad, 400)["message"]


def test_unknown_azure_path_is_azure_404(emu):
    answer = requests.post(f"{emu.url}/openai/deployments/x/chat/nothing", json={}, timeout=10)
    assert error_of(answer, 404) == {"code": "404", "message": "Resource not found"}
