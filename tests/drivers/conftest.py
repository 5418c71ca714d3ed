import socket

import pytest

OPENAI_KEY = "sk-test-openai-0123456789abcdef"
AZURE_KEY = "azure-test-key-0123456789abcdef"
AWS_KEY_ID = "AKIATESTKEY000000001"
LEONARDO_KEY = "leo-test-key-0123456789abcdef"


@pytest.fixture
def openai_env(emulator, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", emulator.openai_base_url)
    return emulator


@pytest.fixture
def azure_env(emulator, monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", AZURE_KEY)
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", emulator.url)
    return emulator


@pytest.fixture
def bedrock_env(emulator, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AWS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret-access-key")
    monkeypatch.setenv("AWS_REGION", "us-west-2")
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", emulator.url)
    return emulator


@pytest.fixture
def leonardo_env(emulator, monkeypatch):
    monkeypatch.setenv("LEONARDO_API_KEY", LEONARDO_KEY)
    monkeypatch.setenv("LEONARDO_API_BASE", emulator.leonardo_api_base)
    return emulator


@pytest.fixture
def closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
