"""Azure OpenAI driver through the real `openai` SDK (AzureOpenAI) over HTTP against the emulator."""

import pytest

from imagegen.drivers import AzureOpenAiImageGenerationDriver
from imagegen.errors import ContentPolicyError, InvalidOptionsError, MissingCredentialsError, ProviderError

from .conftest import AZURE_KEY


def test_deployment_path_api_version_and_api_key_header(azure_env):
    azure_env.azure_deployments["team-images"] = "gpt-image-2"
    driver = AzureOpenAiImageGenerationDriver(model="gpt-image-2", azure_deployment="team-images", quality="high")
    artifact = driver.run_text_to_image(["a paper crane"])
    request = azure_env.last_request("azure")
    assert request.path == "/openai/deployments/team-images/images/generations"
    assert request.query == {"api-version": "2025-04-01-preview"}
    assert request.headers["api-key"] == AZURE_KEY
    assert "authorization" not in request.headers
    assert request.json == {"model": "gpt-image-2", "prompt": "a paper crane", "n": 1, "quality": "high"}
    assert (artifact.format, artifact.width, artifact.height) == ("png", 1024, 1024)
    assert artifact.meta["provider"] == "azure"
    assert artifact.meta["emulated"] is True


def test_deployment_defaults_to_model_and_api_version_per_family(azure_env):
    AzureOpenAiImageGenerationDriver(model="gpt-image-2", output_format="jpeg").run_text_to_image(["a kite"])
    request = azure_env.last_request("azure")
    assert request.path == "/openai/deployments/gpt-image-2/images/generations"
    assert request.query == {"api-version": "2025-04-01-preview"}
    assert request.json == {"model": "gpt-image-2", "prompt": "a kite", "n": 1, "output_format": "jpeg"}


def test_explicit_endpoint_key_and_api_version(emulator):
    driver = AzureOpenAiImageGenerationDriver(model="gpt-image-2", azure_endpoint=emulator.url + "/",
                                              api_key="explicit-azure-key-1", api_version="2026-01-15")
    driver.run_text_to_image(["a boat"])
    request = emulator.last_request("azure")
    assert request.query == {"api-version": "2026-01-15"}
    assert request.headers["api-key"] == "explicit-azure-key-1"


def test_entra_token_is_sent_as_bearer(emulator):
    driver = AzureOpenAiImageGenerationDriver(model="gpt-image-2", azure_endpoint=emulator.url,
                                              azure_ad_token_provider=lambda: "entra-token-abc")
    driver.run_text_to_image(["a boat"])
    request = emulator.last_request("azure")
    assert request.headers["authorization"] == "Bearer entra-token-abc"
    assert "api-key" not in request.headers


def test_v1_api_has_no_api_version(azure_env):
    driver = AzureOpenAiImageGenerationDriver(model="gpt-image-2", api_version="v1")
    driver.run_text_to_image(["a hill"])
    request = azure_env.last_request("azure")
    assert request.path == "/openai/v1/images/generations"
    assert request.query == {}
    assert request.json["model"] == "gpt-image-2"


def test_azure_gpt_image_rejects_webp_before_sending(azure_env):
    with pytest.raises(InvalidOptionsError, match="one of png, jpeg"):
        AzureOpenAiImageGenerationDriver(model="gpt-image-2", output_format="webp").run_text_to_image(["x"])
    assert azure_env.requests == []


def test_content_filter_names_the_categories(azure_env):
    azure_env.inject("azure", "content_policy", count=1)
    with pytest.raises(ContentPolicyError) as info:
        AzureOpenAiImageGenerationDriver(model="gpt-image-2").run_text_to_image(["something"])
    assert info.value.categories == ("violence",)
    assert "violence" in str(info.value)


def test_bad_key_names_the_variable_and_hides_the_key(azure_env, monkeypatch):
    key = "invalid-azure-key-5f4e3d2c1b0a"
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", key)
    with pytest.raises(ProviderError) as info:
        AzureOpenAiImageGenerationDriver(model="gpt-image-2").run_text_to_image(["x"])
    assert info.value.status == 401
    assert "AZURE_OPENAI_API_KEY" in str(info.value)
    assert key not in str(info.value) and key[:8] not in str(info.value)


def test_unknown_deployment_is_a_404_that_says_what_to_check(azure_env):
    with pytest.raises(ProviderError, match="deployment 'nope'") as info:
        AzureOpenAiImageGenerationDriver(model="gpt-image-2", azure_deployment="nope").run_text_to_image(["x"])
    assert info.value.status == 404


def test_missing_endpoint_names_the_variable(monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", AZURE_KEY)
    with pytest.raises(MissingCredentialsError, match="AZURE_OPENAI_ENDPOINT"):
        AzureOpenAiImageGenerationDriver(model="gpt-image-2").run_text_to_image(["x"])


def test_missing_key_names_the_variable(emulator):
    with pytest.raises(MissingCredentialsError, match=r"AZURE_OPENAI_API_KEY.*\[azure\]"):
        AzureOpenAiImageGenerationDriver(model="gpt-image-2", azure_endpoint=emulator.url).run_text_to_image(["x"])
    assert emulator.requests == []


@pytest.mark.parametrize("credentials", [
    {"api_key": "explicit-azure-key-2", "azure_ad_token": "entra-token-2"},
    {"azure_ad_token": "entra-token-2", "azure_ad_token_provider": lambda: "entra-token-2"},
    {"api_key": "explicit-azure-key-2", "azure_ad_token_provider": lambda: "entra-token-2"},
])
def test_two_credentials_send_exactly_one_never_mutually_exclusive_auth_error(emulator, monkeypatch, credentials):
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", AZURE_KEY)  # the environment adds a third
    monkeypatch.setenv("AZURE_OPENAI_AD_TOKEN", "env-entra-token")
    AzureOpenAiImageGenerationDriver(model="gpt-image-2", azure_endpoint=emulator.url,
                                     **credentials).run_text_to_image(["a boat"])
    request = emulator.last_request("azure")
    assert request.headers["authorization"] == "Bearer entra-token-2"  # an explicit token wins over a key
    assert "api-key" not in request.headers


def test_env_token_wins_over_env_key_and_an_explicit_key_over_both(azure_env, monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_AD_TOKEN", "env-entra-token")
    AzureOpenAiImageGenerationDriver(model="gpt-image-2").run_text_to_image(["a boat"])
    assert azure_env.last_request("azure").headers["authorization"] == "Bearer env-entra-token"
    AzureOpenAiImageGenerationDriver(model="gpt-image-2", api_key="explicit-azure-key-3").run_text_to_image(["a"])
    request = azure_env.last_request("azure")
    assert request.headers["api-key"] == "explicit-azure-key-3" and "authorization" not in request.headers
