"""Shared fixtures: an isolated environment (no real keys, no developer secrets file) and the emulator."""

from __future__ import annotations

import pytest

from tests.docs_env import DOCS_DEPLOYMENT, DOCS_LEONARDO_MODEL

CREDENTIAL_VARS = (
    "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_API_VERSION",
    "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_AD_TOKEN",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
    "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_BEARER_TOKEN_BEDROCK", "LEONARDO_API_KEY", "LEONARDO_API_BASE",
    "IMAGEGEN_STORAGE_URL", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
)


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    """Tests never see a developer's keys or .streamlit/secrets.toml."""
    for name in CREDENTIAL_VARS:
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IMAGEGEN_SECRETS_FILE", str(tmp_path / "no-secrets.toml"))
    # No ~/.aws files and no instance-metadata lookups: AWS credentials come only from what a test sets.
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="session")
def emulator_server():
    from imagegen.emulator import running_emulator

    with running_emulator(port=0) as emu:
        yield emu


@pytest.fixture
def emulator(emulator_server):
    """The shared emulator with no recorded requests and no faults."""
    emulator_server.reset()
    yield emulator_server
    emulator_server.reset()


@pytest.fixture
def docs_env(emulator, monkeypatch):
    """The environment the Griptape docs examples read (both generations of their Azure variable names),
    every SDK pointed at the emulator."""
    for name, value in {
        "OPENAI_API_KEY": "sk-docs-example-000000", "OPENAI_BASE_URL": emulator.openai_base_url,
        "AZURE_OPENAI_DALL_E_3_DEPLOYMENT_ID": DOCS_DEPLOYMENT,
        "AZURE_OPENAI_ENDPOINT_1": emulator.azure_endpoint, "AZURE_OPENAI_API_KEY_1": "azure-docs-key-000000",
        "AZURE_OPENAI_DALL_E_3_ENDPOINT": emulator.azure_endpoint,
        "AZURE_OPENAI_DALL_E_3_API_KEY": "azure-docs-key-000000",
        "AWS_ACCESS_KEY_ID": "AKIADOCSEXAMPLE00001", "AWS_SECRET_ACCESS_KEY": "docs-example-secret",
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": emulator.bedrock_endpoint_url,
        "LEONARDO_MODEL_ID": DOCS_LEONARDO_MODEL, "LEONARDO_API_KEY": "leo-docs-example-000000",
        "LEONARDO_API_BASE": emulator.leonardo_api_base,
    }.items():
        monkeypatch.setenv(name, value)
    emulator.azure_deployments[DOCS_DEPLOYMENT] = "dall-e-3"
    yield emulator
    emulator.azure_deployments.pop(DOCS_DEPLOYMENT, None)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh history (SQLite under a temporary data dir) for the app's pages (AppTest)."""
    import streamlit as st

    monkeypatch.setenv("IMAGEGEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("IMAGEGEN_DATABASE_URL", raising=False)
    st.cache_data.clear()
    return tmp_path / "data"
