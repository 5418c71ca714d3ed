"""Compare page drafts: saved per token by upsert, read back after a reload, checked like records, pruned after
30 days without an update (at most once an hour per store)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import update

from imagegen.history import drafts
from imagegen.history.db import writer
from imagegen.history.models import Draft, utcnow

DRAFT = {"prompt": "a fox in the snow", "rulesets": [{"name": "style", "rules": ["watercolor"]}],
         "slots": [{"provider": "openai", "model": "gpt-image-1", "options": {"size": "1024x1024", "seed": 2**40}}],
         "emulate": True, "note": "Crème brûlée 🦊", "nothing": None}


def age(store, token: str, days: float) -> None:
    with writer(store.engine).begin() as connection:
        connection.execute(update(Draft).where(Draft.token == token).values(updated_at=utcnow() - timedelta(days=days)))


def test_a_draft_round_trips_and_is_replaced(store):
    assert store.load_draft("tab-1") is None
    store.save_draft("tab-1", DRAFT)
    assert store.load_draft("tab-1") == DRAFT
    store.save_draft("tab-1", {"prompt": "an owl"})  # upsert: the whole draft is replaced
    store.save_draft("Tab_2.x~-" + "y" * 55, {"prompt": "other"})  # 64 characters
    assert store.load_draft("tab-1") == {"prompt": "an owl"}
    assert store.load_draft("Tab_2.x~-" + "y" * 55) == {"prompt": "other"}
    store.delete_draft("tab-1")
    store.delete_draft("never-saved")
    assert store.load_draft("tab-1") is None
    assert store.count_runs() == 0  # drafts are not history


def test_loaded_drafts_are_copies(store):
    store.save_draft("t", DRAFT)
    loaded = store.load_draft("t")
    loaded["slots"][0]["options"]["size"] = "changed"
    assert store.load_draft("t") == DRAFT


@pytest.mark.parametrize(("data", "message"), [
    ({"slots": [{"options": {"api_key": "sk-123"}}]}, "credential"),
    ({"openai": {"OPENAI_API_KEY": "sk-123"}}, "credential"),
    ({"password": "hunter2"}, "credential"),
    ({"aws": {"session_token": "x"}}, "credential"),
    ({"when": object()}, "JSON"),
    ({"tags": {"a", "b"}}, "JSON"),
    ({"cfg": float("inf")}, "JSON"),
    (["not", "a", "dict"], "dict"),
    ("text", "dict"),
    (None, "dict"),
])
def test_a_draft_is_checked_like_a_record(store, data, message):
    with pytest.raises(ValueError, match=message):
        store.save_draft("t", data)
    assert store.load_draft("t") is None


@pytest.mark.parametrize("token", ["", "x" * 65, "has space", "semi;colon", "ünïcode", "a/b", None, 12])
def test_tokens_are_short_and_url_safe(store, token):
    for call in (lambda: store.save_draft(token, {}), lambda: store.delete_draft(token)):
        with pytest.raises(ValueError, match="token"):
            call()
    assert store.load_draft(token) is None  # e.g. a mangled URL parameter: no such draft


def test_drafts_older_than_30_days_are_pruned(store):
    store.save_draft("old", {"prompt": "old"})
    store.save_draft("recent", {"prompt": "recent"})
    age(store, "old", 31)
    age(store, "recent", 29)
    assert store.load_draft("old") is None  # expired, even before it is pruned
    assert store.load_draft("recent") == {"prompt": "recent"}
    assert store.prune_drafts() == 1
    assert store.prune_drafts() == 0

    store._drafts_pruned_at = None  # as in a new process
    age(store, "recent", 31)
    store.save_draft("a", {})  # the first save prunes
    assert _tokens(store) == ["a"]
    store.save_draft("gone", {})
    age(store, "gone", 40)
    store._drafts_pruned_at = time.monotonic() - drafts.PRUNE_EVERY_S + 60  # pruned 59 minutes ago
    store.save_draft("b", {})
    assert _tokens(store) == ["a", "b", "gone"]
    store._drafts_pruned_at = time.monotonic() - drafts.PRUNE_EVERY_S  # an hour ago
    store.save_draft("c", {})
    assert _tokens(store) == ["a", "b", "c"]
    assert drafts.PRUNE_EVERY_S == 3600 and drafts.MAX_AGE == timedelta(days=30)


def _tokens(store) -> list[str]:
    with store.engine.connect() as connection:
        return sorted(connection.exec_driver_sql("SELECT token FROM drafts").scalars())


def test_concurrent_saves_of_one_token_never_fail(store):
    """Two browser reruns saving at once (threads here, processes in production) upsert the same row."""
    errors, barrier = [], threading.Barrier(4)

    def save(index: int) -> None:
        try:
            barrier.wait()
            for step in range(10):
                store.save_draft("shared", {"writer": index, "step": step})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.load_draft("shared")["step"] == 9 and _tokens(store) == ["shared"]
