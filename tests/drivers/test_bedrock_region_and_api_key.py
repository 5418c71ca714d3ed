"""Bedrock regions (the Stability models live in us-west-2) and Bedrock API keys (AWS_BEARER_TOKEN_BEDROCK) through
the real boto3 against the emulator; the API-key path needs HTTPS (botocore refuses a bearer token over HTTP)."""

import subprocess

import pytest

from imagegen import provider_status
from imagegen.catalog.bedrock import home_region, region_warning
from imagegen.drivers import (
    AmazonBedrockImageGenerationDriver,
    BedrockStableImageGenerationModelDriver,
    BedrockTitanImageGenerationModelDriver,
)
from imagegen.emulator import server
from imagegen.errors import ProviderError
from imagegen.slots import SlotSpec, build_driver, credential_status

from .conftest import AWS_KEY_ID

CORE = "stability.stable-image-core-v1:1"
TITAN = "amazon.titan-image-generator-v2:0"
API_KEY = "bedrock-api-key-ABSKtest0123456789"


def core_driver(**kwargs):
    return AmazonBedrockImageGenerationDriver(model=CORE, image_generation_model_driver=(
        BedrockStableImageGenerationModelDriver()), **kwargs)


def signed_region(emulator) -> str:
    return emulator.last_request("bedrock").headers["authorization"].split("/")[2]


@pytest.fixture
def keys_no_region(emulator, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AWS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret-access-key")
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", emulator.url)
    monkeypatch.delenv("AWS_BEARER_TOKEN_BEDROCK", raising=False)
    return emulator


def test_stability_models_are_called_in_us_west_2_when_no_region_is_set(keys_no_region):
    core_driver().run_text_to_image(["a fox"])
    assert signed_region(keys_no_region) == "us-west-2"
    assert home_region(CORE) == "us-west-2" and home_region(TITAN) is None


def test_other_models_keep_the_default_region(keys_no_region):
    driver = AmazonBedrockImageGenerationDriver(model=TITAN, image_generation_model_driver=(
        BedrockTitanImageGenerationModelDriver()), allow_retired=True)
    driver.run_text_to_image(["a fox"])
    assert signed_region(keys_no_region) == "us-east-1"


def test_a_configured_region_is_used_and_warned_about(keys_no_region, monkeypatch):
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    core_driver().run_text_to_image(["a fox"])
    assert signed_region(keys_no_region) == "us-east-1"
    warning = region_warning(CORE, "us-east-1")
    assert "us-west-2 only" in warning and "AWS_REGION=us-west-2" in warning
    assert region_warning(CORE, "us-west-2") is None and region_warning(TITAN, "eu-west-1") is None


def test_emulated_slots_use_the_model_region_too(emulator):
    build_driver(SlotSpec("bedrock", CORE, {}), emulator.url).run_text_to_image(["a fox"])
    assert signed_region(emulator) == "us-west-2"


def test_providers_page_names_the_region(monkeypatch):
    assert "us-west-2" in provider_status.endpoint("bedrock")
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    assert provider_status.endpoint("bedrock") == "bedrock-runtime.eu-central-1.amazonaws.com (eu-central-1)"


# ---- Bedrock API keys -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", folder / "key.pem", "-out", folder / "cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture(scope="module")
def https_emulator(certificate):
    """The emulator behind TLS (a self-signed certificate for 127.0.0.1)."""
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)

    class TLSServer(server._Server):
        def server_activate(self):
            super().server_activate()
            self.socket = context.wrap_socket(self.socket, server_side=True)

    plain, server._Server = server._Server, TLSServer
    try:
        emu = server.Emulator(port=0, quiet=True).start()
    finally:
        server._Server = plain
    yield emu
    emu.stop()


@pytest.fixture
def api_key_env(https_emulator, certificate, monkeypatch):
    https_emulator.reset()
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", API_KEY)
    monkeypatch.setenv("AWS_CA_BUNDLE", str(certificate[0]))
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", f"https://127.0.0.1:{https_emulator.port}")
    return https_emulator


def test_an_api_key_counts_as_credentials(monkeypatch):
    monkeypatch.delenv("AWS_BEARER_TOKEN_BEDROCK", raising=False)
    assert not credential_status("bedrock").ok
    assert "AWS_BEARER_TOKEN_BEDROCK" in credential_status("bedrock").message
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", API_KEY)
    status = credential_status("bedrock")
    assert status.ok and "AWS_BEARER_TOKEN_BEDROCK" in status.source and API_KEY not in status.source


def test_an_api_key_is_sent_as_bearer_through_boto3(api_key_env):
    artifact = build_driver(SlotSpec("bedrock", CORE, {"seed": 5})).run_text_to_image(["a fox"])
    request = api_key_env.last_request("bedrock")
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.path == "/model/stability.stable-image-core-v1%3A1/invoke"
    assert artifact.meta["seed"] == 5 and artifact.meta["emulated"] is True


def test_an_api_key_wins_over_access_keys(api_key_env, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AWS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret-access-key")
    core_driver().run_text_to_image(["a fox"])
    assert api_key_env.last_request("bedrock").headers["authorization"] == f"Bearer {API_KEY}"


def test_a_rejected_api_key_is_a_credentials_error_without_the_key(api_key_env, monkeypatch):
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "bedrock-api-key-INVALID-0123456789")
    with pytest.raises(ProviderError, match="UnrecognizedClientException.*AWS_BEARER_TOKEN_BEDROCK") as info:
        core_driver().run_text_to_image(["a fox"])
    assert "INVALID-0123456789" not in str(info.value)


def test_an_api_key_over_plain_http_says_https_is_needed(emulator, monkeypatch):
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", API_KEY)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", emulator.url)
    with pytest.raises(ProviderError, match="only over HTTPS") as info:
        core_driver().run_text_to_image(["a fox"])
    assert API_KEY not in str(info.value) and emulator.requests == []
