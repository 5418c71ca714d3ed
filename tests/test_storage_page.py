"""A wrong image storage or database setting stops the app with a message naming the fix, not a traceback."""

from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.shown import shown

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_a_bad_storage_url_is_explained_on_the_page(tmp_path, monkeypatch):
    monkeypatch.setenv("IMAGEGEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("IMAGEGEN_DATABASE_URL", raising=False)
    monkeypatch.setenv("IMAGEGEN_STORAGE_URL", "gs://bucket/images")
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    messages = [shown(error.value) for error in at.error]
    assert any("IMAGEGEN_STORAGE_URL" in m and "s3://bucket/prefix" in m for m in messages), messages


def test_an_unreachable_database_is_explained_on_the_page_without_its_password(tmp_path, monkeypatch):
    monkeypatch.setenv("IMAGEGEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("IMAGEGEN_DATABASE_URL",
                       "postgresql+psycopg://team:s3cret-pw@127.0.0.1:1/history?connect_timeout=2")
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    messages = [shown(error.value) for error in at.error]
    assert any("IMAGEGEN_DATABASE_URL" in m for m in messages), messages
    assert not any("s3cret-pw" in m for m in messages)
