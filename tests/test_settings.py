"""The settings object: variables first, then the secrets file; parsed once, re-read when either changes."""

import os

import pytest
from pydantic import SecretStr

from imagegen import logsafe
from imagegen.errors import MissingCredentialsError
from imagegen.settings import get_settings, reveal


def write(path, text, monkeypatch):
    path.write_text(text)
    monkeypatch.setenv("IMAGEGEN_SECRETS_FILE", str(path))


def test_variables_first_then_the_file_then_defaults(tmp_path, monkeypatch):
    write(tmp_path / "s.toml", '[openai]\napi_key = "sk-file-0001"\nbase_url = "http://file/v1"\n'
                               '[bedrock]\nregion = "eu-west-1"\n[database]\nurl = "sqlite:///f.db"\n', monkeypatch)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://env/v1")
    settings = get_settings()
    assert settings.openai.base_url == "http://env/v1"
    assert isinstance(settings.openai.api_key, SecretStr) and reveal(settings.openai.api_key) == "sk-file-0001"
    assert "sk-file-0001" not in repr(settings)
    assert (settings.bedrock.region, settings.database.url, settings.storage.url) == ("eu-west-1", "sqlite:///f.db",
                                                                                       None)
    assert settings.lookup("OPENAI_API_KEY") == ("sk-file-0001", "secrets file")
    assert settings.lookup("OPENAI_BASE_URL") == ("http://env/v1", "environment")


def test_parsed_once_and_read_again_when_the_file_or_a_variable_changes(tmp_path, monkeypatch):
    path = tmp_path / "s.toml"
    write(path, '[leonardo]\napi_base = "http://one/v1"\n', monkeypatch)
    first = get_settings()
    assert get_settings() is first
    path.write_text('[leonardo]\napi_base = "http://two/api/v1"\n')
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert get_settings().leonardo.api_base == "http://two/api/v1"
    monkeypatch.setenv("LEONARDO_API_BASE", "http://three/v1")
    assert get_settings().leonardo.api_base == "http://three/v1"


def test_file_secrets_are_remembered_and_a_bad_file_names_itself(tmp_path, monkeypatch):
    write(tmp_path / "s.toml", '[azure]\nad_token = "settings-test-ad-token-77aa"\n', monkeypatch)
    assert reveal(get_settings().azure.ad_token) == "settings-test-ad-token-77aa"
    assert "settings-test-ad-token-77aa" not in logsafe.scrub("token settings-test-ad-token-77aa")
    write(tmp_path / "bad.toml", "[openai\n", monkeypatch)
    with pytest.raises(MissingCredentialsError, match="bad.toml is not valid TOML"):
        get_settings()
