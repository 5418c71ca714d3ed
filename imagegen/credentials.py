"""Where credentials come from: the environment first, then `.streamlit/secrets.toml`.

Only the *source* of a value is ever shown to users ("environment" / "secrets file"), never the value, and
every secret value read or given here is scrubbed from the logs from then on (`imagegen.logsafe`).
The secrets file is `IMAGEGEN_SECRETS_FILE` when set, else `.streamlit/secrets.toml` in the working
directory (where `streamlit run` looks for it).
"""

from __future__ import annotations

from pathlib import Path

from imagegen import logsafe, settings
from imagegen.catalog import Credential
from imagegen.errors import MissingCredentialsError


def secrets_path() -> Path:
    return settings.secrets_path()


def read_secrets(path: Path | None = None) -> dict:
    """The parsed secrets file: the settings' copy (parsed once), or the file at `path` when given."""
    return settings.read_toml(path) if path is not None else settings.get_settings().secrets_file


def lookup(credential: Credential) -> tuple[str | None, str | None]:
    """Return (value, source) where source is 'environment' or 'secrets file', or (None, None)."""
    # SECRET_ENV variables are scrubbed from logs as they are; the file's secrets are remembered when parsed
    return settings.get_settings().lookup(credential.env, credential.secrets_section, credential.secrets_key)


def is_secret(credential: Credential) -> bool:
    """Keys, tokens and secrets are; an endpoint or a region is not."""
    return bool(logsafe.SECRET_NAME.search(credential.env))


def how_to_set(credential: Credential) -> str:
    return (
        f"{credential.env} is not set: export it, or add {credential.secrets_key} = \"...\" under "
        f"[{credential.secrets_section}] in {secrets_path()}"
    )


def invalid_key_hint(credential: Credential) -> str:
    """What to do when the provider refuses the key (never the key itself)."""
    return (f"Set a valid key in {credential.env} (or {credential.secrets_key} under [{credential.secrets_section}] "
            f"in {secrets_path()}); the key itself is never shown.")


def require(credential: Credential, given: str | None = None, provider: str | None = None) -> str:
    """The explicit value when given, else the looked-up one; MissingCredentialsError names the fix."""
    if given:
        if is_secret(credential):
            logsafe.remember(given)
        return given
    value, _ = lookup(credential)
    if value:
        if is_secret(credential):
            logsafe.remember(value)
        return value
    raise MissingCredentialsError(how_to_set(credential) + ".", provider=provider, variables=[credential.env])
