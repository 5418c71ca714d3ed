"""Drafts: the Compare page's inputs per browser, so that a reload keeps them (table `drafts`, migration 0005).

A draft is a dict of plain JSON stored under a token the page keeps in its URL (e.g. `secrets.token_urlsafe()`):
saved by upsert, read back, and pruned once not updated for MAX_AGE. Drafts are not history: a draft is
overwritten in place. The checks of the history's records apply: JSON only, and no key that looks like a
credential (api_key, secret, password, ..._token: see records.py). Used through `HistoryStore.save_draft`,
`load_draft`, `delete_draft` and `prune_drafts`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from imagegen.history.models import Draft, utcnow
from imagegen.history.records import check_options

MAX_AGE = timedelta(days=30)
PRUNE_EVERY_S = 3600  # save_draft prunes at most this often per store
_TOKEN = re.compile(r"[A-Za-z0-9._~-]{1,64}")
_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
_TABLE = Draft.__table__


def is_token(token: Any) -> bool:
    return isinstance(token, str) and _TOKEN.fullmatch(token) is not None


def check_token(token: Any) -> str:
    if not is_token(token):
        raise ValueError(f"token must be 1 to 64 letters, digits or . _ ~ -, got {token!r}")
    return token


def check_data(data: Any) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise ValueError(f"data must be a dict, got {type(data).__name__}")
    return check_options("data", data)


def upsert(connection: Connection, token: str, data: dict[str, Any]) -> None:
    """Insert the draft, or replace the data of the one with this token (one atomic statement)."""
    now = utcnow()
    insert = _INSERTS.get(connection.dialect.name)
    if insert is None:  # another database: update, else insert
        if not connection.execute(update(_TABLE).where(_TABLE.c.token == token)
                                  .values(data=data, updated_at=now)).rowcount:
            connection.execute(_TABLE.insert().values(token=token, data=data, updated_at=now))
        return
    statement = insert(_TABLE).values(token=token, data=data, updated_at=now)
    connection.execute(statement.on_conflict_do_update(
        index_elements=[_TABLE.c.token],
        set_={"data": statement.excluded.data, "updated_at": statement.excluded.updated_at}))


def load(connection: Connection, token: str) -> dict[str, Any] | None:
    """The draft's data, or None when there is none or it is older than MAX_AGE (not pruned yet)."""
    data = connection.execute(select(_TABLE.c.data).where(_TABLE.c.token == token,
                                                          _TABLE.c.updated_at >= _oldest())).scalar()
    return dict(data) if data is not None else None


def remove(connection: Connection, token: str) -> None:
    connection.execute(delete(_TABLE).where(_TABLE.c.token == token))


def prune(connection: Connection) -> int:
    """Delete the drafts not updated for MAX_AGE; return how many."""
    return connection.execute(delete(_TABLE).where(_TABLE.c.updated_at < _oldest())).rowcount


def _oldest() -> datetime:
    return utcnow() - MAX_AGE
