"""One typed settings object: environment variables first, then the sections of `.streamlit/secrets.toml`.

The secrets file is `IMAGEGEN_SECRETS_FILE` when set, else `.streamlit/secrets.toml` in the working directory.
`get_settings()` parses it once and builds the settings again only when a variable in `ENV` or the file's
modification time changes, so it is cheap to call wherever a value is needed. Secrets are `SecretStr`;
every secret-looking value of the file is remembered by `imagegen.logsafe` when the file is read.
"""

from __future__ import annotations

import os
import threading
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from imagegen import logsafe
from imagegen.errors import MissingCredentialsError

SECRETS_FILE_ENV = "IMAGEGEN_SECRETS_FILE"
DEFAULT_SECRETS_FILE = ".streamlit/secrets.toml"

# (section, key) -> the environment variables that set it, the first one set wins
ENV: dict[tuple[str, str], tuple[str, ...]] = {
    ("openai", "api_key"): ("OPENAI_API_KEY",),
    ("openai", "base_url"): ("OPENAI_BASE_URL",),
    ("openai", "organization"): ("OPENAI_ORG_ID",),
    ("azure", "api_key"): ("AZURE_OPENAI_API_KEY",),
    ("azure", "endpoint"): ("AZURE_OPENAI_ENDPOINT",),
    ("azure", "api_version"): ("OPENAI_API_VERSION",),
    ("azure", "ad_token"): ("AZURE_OPENAI_AD_TOKEN",),
    ("bedrock", "region"): ("AWS_REGION", "AWS_DEFAULT_REGION"),
    ("bedrock", "endpoint_url"): ("AWS_ENDPOINT_URL_BEDROCK_RUNTIME",),
    ("bedrock", "aws_access_key_id"): ("AWS_ACCESS_KEY_ID",),
    ("bedrock", "aws_secret_access_key"): ("AWS_SECRET_ACCESS_KEY",),
    ("bedrock", "aws_session_token"): ("AWS_SESSION_TOKEN",),
    ("leonardo", "api_key"): ("LEONARDO_API_KEY",),
    ("leonardo", "api_base"): ("LEONARDO_API_BASE",),
    ("database", "url"): ("IMAGEGEN_DATABASE_URL",),
    ("storage", "url"): ("IMAGEGEN_STORAGE_URL",),
}
ENV_ONLY = {"data_dir": "IMAGEGEN_DATA_DIR"}  # top-level settings with no secrets-file entry
ENV_NAMES = tuple(sorted({name for names in ENV.values() for name in names} | set(ENV_ONLY.values())))


class OpenAiSettings(BaseModel):
    api_key: SecretStr | None = None
    base_url: str | None = None
    organization: str | None = None


class AzureSettings(BaseModel):
    api_key: SecretStr | None = None
    endpoint: str | None = None
    api_version: str | None = None
    ad_token: SecretStr | None = None


class BedrockSettings(BaseModel):
    region: str | None = None
    endpoint_url: str | None = None
    aws_access_key_id: str | None = None
    aws_secret_access_key: SecretStr | None = None
    aws_session_token: SecretStr | None = None


class LeonardoSettings(BaseModel):
    api_key: SecretStr | None = None
    api_base: str | None = None


class UrlSettings(BaseModel):
    url: str | None = None


def secrets_path() -> Path:
    return Path(os.environ.get(SECRETS_FILE_ENV) or DEFAULT_SECRETS_FILE)


def read_toml(path: Path) -> dict:
    """The parsed secrets file ({} when missing); its secret-looking values are remembered by logsafe."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise MissingCredentialsError(f"{path} is not valid TOML ({exc}); fix the file or remove it.") from None
    logsafe.remember_secrets(data)
    return data


def text(value: Any) -> str | None:
    """A configured value as stripped text; blank means unset."""
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).strip() or None


class EnvSource(PydanticBaseSettingsSource):
    """The variables in `ENV` and `ENV_ONLY`, from a snapshot taken by `get_settings()`."""

    def __init__(self, settings_cls: type[BaseSettings], env: dict[str, str | None]):
        super().__init__(settings_cls)
        self.env = env

    def get_field_value(self, field, field_name):  # unused: __call__ builds the whole dict
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for (section, key), names in ENV.items():
            if found := next((v for name in names if (v := text(self.env.get(name)))), None):
                values.setdefault(section, {})[key] = found
        for key, name in ENV_ONLY.items():
            if found := text(self.env.get(name)):
                values[key] = found
        return values


class SecretsFileSource(PydanticBaseSettingsSource):
    """The known keys of the secrets file's sections."""

    def __init__(self, settings_cls: type[BaseSettings], data: dict):
        super().__init__(settings_cls)
        self.data = data

    def get_field_value(self, field, field_name):
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for section, key in ENV:
            table = self.data.get(section)
            if isinstance(table, dict) and (found := text(table.get(key))):
                values.setdefault(section, {})[key] = found
        return values


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    openai: OpenAiSettings = OpenAiSettings()
    azure: AzureSettings = AzureSettings()
    bedrock: BedrockSettings = BedrockSettings()
    leonardo: LeonardoSettings = LeonardoSettings()
    database: UrlSettings = UrlSettings()
    storage: UrlSettings = UrlSettings()
    data_dir: str = "data"

    _env: dict[str, str | None] = {}
    _file: dict = {}
    _path: Path = Path(DEFAULT_SECRETS_FILE)

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        return (init_settings, EnvSource(settings_cls, _building.env), SecretsFileSource(settings_cls, _building.data))

    @property
    def secrets_file(self) -> dict:
        """The whole parsed secrets file, including sections the typed model does not name."""
        return self._file

    @property
    def path(self) -> Path:
        return self._path

    def env(self, name: str) -> str | None:
        """An environment variable as these settings saw it (read now when it is not one of `ENV_NAMES`)."""
        return text(self._env[name] if name in self._env else os.environ.get(name))

    def lookup(self, env: str, section: str | None = None, key: str | None = None) -> tuple[str | None, str | None]:
        """(value, 'environment' | 'secrets file') or (None, None); section/key default to `ENV`'s entry for env."""
        if section is None or key is None:
            section, key = next(((s, k) for (s, k), names in ENV.items() if env in names), (None, None))
        if value := self.env(env):
            return value, "environment"
        table = self._file.get(section) if section else None
        if isinstance(table, dict) and (value := text(table.get(key))):
            return value, "secrets file"
        return None, None


class _Building(threading.local):
    env: dict[str, str | None] = {}
    data: dict = {}


_building = _Building()
_lock = threading.Lock()
_cached: tuple[tuple, Settings] | None = None


def file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def build(env: dict[str, str | None], path: Path) -> Settings:
    _building.env, _building.data = env, read_toml(path)
    try:
        settings = Settings()
    finally:
        data, _building.env, _building.data = _building.data, {}, {}
    settings._env, settings._file, settings._path = env, data, path
    return settings


def get_settings() -> Settings:
    """The current settings: rebuilt only when a relevant variable or the secrets file changed."""
    global _cached
    path = secrets_path()
    env = {name: os.environ.get(name) for name in ENV_NAMES}
    key = (tuple(env.items()), str(path), file_stamp(path))
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    with _lock:
        settings = build(env, path)
        _cached = (key, settings)
    return settings


def reload() -> Settings:
    """Forget the cached settings and read them again."""
    global _cached
    _cached = None
    return get_settings()


def reveal(secret: SecretStr | None) -> str | None:
    return secret.get_secret_value() if secret is not None else None
