"""History fixtures: each test gets its own data dir and SQLite file, and no IMAGEGEN_* settings leak in."""

from __future__ import annotations

import pytest

from imagegen.history import HistoryStore, dispose_engines


@pytest.fixture(autouse=True)
def isolated_history(monkeypatch):
    monkeypatch.delenv("IMAGEGEN_DATABASE_URL", raising=False)
    monkeypatch.delenv("IMAGEGEN_DATA_DIR", raising=False)
    yield
    dispose_engines()


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def store(data_dir):
    return HistoryStore(data_dir=data_dir)
