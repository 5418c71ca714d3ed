"""Process-wide resources, created once per server process (st.cache_resource)."""

from __future__ import annotations

import os

import streamlit as st

from imagegen import catalog, providers
from imagegen.emulator import Emulator
from imagegen.history import DatabaseUnavailableError, HistoryStore, StorageError
from imagegen.settings import get_settings
from imagegen.slots import CredentialStatus, credential_status
from imagegen.ui.text import literal


@st.cache_resource(show_spinner=False)
def _store(database_url: str | None, data_dir: str | None, storage_url: str | None = None) -> HistoryStore:
    return HistoryStore(database_url=database_url, data_dir=data_dir, storage_url=storage_url)


def configured() -> tuple[str | None, str, str | None]:
    """(database URL, data dir, storage URL) from the settings: a changed setting opens another store."""
    config = get_settings()
    return config.database.url, config.data_dir, config.storage.url


def get_store() -> HistoryStore:
    """One store (and engine) per process and configuration; migrated on first use. A wrong image storage
    setting (IMAGEGEN_STORAGE_URL, bucket, AWS credentials) or an unreachable database (IMAGEGEN_DATABASE_URL)
    stops the page with the message naming the fix (passwords hidden)."""
    try:
        return _store(*configured())
    except (StorageError, DatabaseUnavailableError) as exc:  # not cached: the next rerun tries again
        st.error(literal(exc), icon=":material/cloud_off:")
        st.stop()


def try_store() -> HistoryStore | None:
    """The store, or None when it cannot be opened (the pages that need it say why)."""
    try:
        return _store(*configured())
    except (StorageError, DatabaseUnavailableError):
        return None


@st.cache_resource(show_spinner=False)
def get_emulator() -> Emulator:
    """The built-in emulator on a free loopback port, started on first use.

    `IMAGEGEN_EMULATOR_LATENCY=SECONDS` adds that latency to every emulated request (demos, benchmarks)."""
    emulator = Emulator(port=0, quiet=True).start()
    if latency := os.environ.get("IMAGEGEN_EMULATOR_LATENCY"):
        emulator.inject("*", "latency", seconds=float(latency))
    return emulator


@st.cache_data(ttl=60, show_spinner=False)
def statuses() -> dict[str, CredentialStatus]:
    """Credential status per provider (where from, never the value); re-read every minute."""
    return {provider_id: credential_status(provider_id) for provider_id in catalog.PROVIDERS}


def any_real_credentials() -> bool:
    packages = providers.all_packages()
    return any(status.ok for pid, status in statuses().items() if pid in packages and packages[pid].needs_key)
