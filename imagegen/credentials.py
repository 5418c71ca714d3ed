"""Where credentials come from: the environment first, then `.streamlit/secrets.toml`.

Only the *source* of a value is ever shown to users ("environment" / "secrets file"), never the value, and
every secret value read or given here is scrubbed from the logs from then on (`imagegen.logsafe`).
The secrets file is `IMAGEGEN_SECRETS_FILE` when set, else `.streamlit/secrets.toml` in the working
directory (where `streamlit run` looks for it).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from imagegen import logsafe
from imagegen.catalog import Credential
from imagegen.errors import MissingCredentialsError


def secrets_path() -> Path:
    return Path(os.environ.get("IMAGEGEN_SECRETS_FILE") or ".streamlit/secrets.toml")


def read_secrets(path: Path | None = None) -> dict:
    path = path or secrets_path()
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise MissingCredentialsError(
            f"{path} is not valid TOML ({exc}); fix the file or remove it."
        ) from None
    logsafe.remember_secrets(data)
    return data


def lookup(credential: Credential) -> tuple[str | None, str | None]:
    """Return (value, source) where source is 'environment' or 'secrets file', or (None, None)."""
    value = os.environ.get(credential.env, "").strip()
    if value:
        return value, "environment"  # SECRET_ENV variables are scrubbed from logs as they are
    section = read_secrets().get(credential.secrets_section) or {}
    value = str(section.get(credential.secrets_key) or "").strip() if isinstance(section, dict) else ""
    if value:
        return value, "secrets file"
    return None, None


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
