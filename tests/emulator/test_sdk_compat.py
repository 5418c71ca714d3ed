"""The official `openai` SDK (OpenAI, AzureOpenAI, Azure v1) talks to the emulator unchanged."""

from __future__ import annotations

import openai
import pytest

from .helpers import AZURE_KEY, OPENAI_KEY

SMALL = {"model": "gpt-image-2", "prompt": "a red fox", "size": "256x256"}
VERSION = "2025-04-01-preview"


def test_openai_client_and_error_mapping(emu):
    client = openai.OpenAI(base_url=emu.openai_base_url, api_key=OPENAI_KEY, max_retries=0)
    result = client.images.generate(**SMALL)
    assert result.data[0].b64_json and result.usage.output_tokens > 0
    assert emu.last_request("openai").json == SMALL
    with pytest.raises(openai.BadRequestError) as caught:
        client.images.generate(model="gpt-image-1.5", prompt="x", size="256x256")
    assert caught.value.param == "size" and caught.value.code == "invalid_value"
    with pytest.raises(openai.NotFoundError) as retired:
        client.images.generate(model="dall-e-3", prompt="x")
    assert retired.value.code == "model_not_found"
    wrong_key = openai.OpenAI(base_url=emu.openai_base_url, api_key="sk-invalid-1", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        wrong_key.images.generate(**SMALL)


def test_sdk_retries_a_rate_limit_using_retry_after(emu):
    emu.inject("openai", "rate_limit", count=1, retry_after=0.05)
    client = openai.OpenAI(base_url=emu.openai_base_url, api_key=OPENAI_KEY, max_retries=1)
    assert client.images.generate(**SMALL).data[0].b64_json
    assert [r.status for r in emu.requests if r.provider == "openai"] == [429, 200]
    emu.inject("openai", "server_error", count=1)
    with pytest.raises(openai.InternalServerError):
        client.with_options(max_retries=0).images.generate(**SMALL)


def test_azure_clients_with_and_without_deployment(emu):
    emu.azure_deployments["fox-maker"] = "gpt-image-2"
    with_deployment = openai.AzureOpenAI(azure_endpoint=emu.url, azure_deployment="fox-maker",
                                         api_key=AZURE_KEY, api_version=VERSION, max_retries=0)
    assert with_deployment.images.generate(**SMALL).data[0].b64_json
    assert emu.last_request("azure").path == "/openai/deployments/fox-maker/images/generations"
    by_model = openai.AzureOpenAI(azure_endpoint=emu.url, api_key=AZURE_KEY, api_version=VERSION,
                                  max_retries=0)
    by_model.images.generate(**{**SMALL, "model": "fox-maker"})
    assert emu.last_request("azure").headers["api-key"] == AZURE_KEY
    assert emu.last_request("azure").query == {"api-version": VERSION}
    v1 = openai.OpenAI(base_url=f"{emu.url}/openai/v1/", api_key=AZURE_KEY, max_retries=0)
    assert v1.images.generate(**{**SMALL, "model": "fox-maker"}).data[0].b64_json
    assert emu.last_request("azure").path == "/openai/v1/images/generations"
    with pytest.raises(openai.NotFoundError):
        by_model.images.generate(**{**SMALL, "model": "nobody"})
