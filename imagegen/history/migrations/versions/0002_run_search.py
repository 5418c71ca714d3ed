"""Full-text search over runs (SQLite FTS5), kept in sync by triggers and back-filled for existing runs.

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01

Written by hand. `runs_fts` has one row per run (rowid = runs.id; AUTOINCREMENT never reuses an id) whose
`body` is the run's prompt and notes, the names and rules of both rule sets, and the distinct composed
prompts / negative prompts of its generations. Triggers rebuild a run's row when the run or one of its
generations is inserted, deleted or has that text changed.

Only on SQLite with FTS5: other databases (and SQLite builds without FTS5) get nothing here, and
`imagegen.history.search` falls back to LIKE. `ix_runs_created_at` (0001) already serves the newest-first
page and the date filters, and the generations indexes of 0001 serve the provider/model/status filters.
"""

import logging
from collections.abc import Sequence

from alembic import op
from sqlalchemy.exc import OperationalError

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(__name__)

BODY = """r.prompt || ' ' || r.notes
    || ' ' || coalesce((SELECT group_concat(value, ' ') FROM json_tree(r.rulesets) WHERE type = 'text'), '')
    || ' ' || coalesce((SELECT group_concat(value, ' ') FROM json_tree(r.negative_rulesets) WHERE type = 'text'), '')
    || ' ' || coalesce((SELECT group_concat(DISTINCT g.prompt || ' ' || g.negative_prompt) FROM generations g
                        WHERE g.run_id = r.id), '')"""


def _refresh(run_id: str) -> str:
    """Statements (for a trigger body) that rebuild the index row of run `run_id` (gone if the run is)."""
    return (f"DELETE FROM runs_fts WHERE rowid = {run_id};\n"
            f"    INSERT INTO runs_fts (rowid, body) SELECT r.id, {BODY} FROM runs r WHERE r.id = {run_id};")


TRIGGERS = {
    "runs_fts_runs_ai": f"AFTER INSERT ON runs BEGIN\n    {_refresh('NEW.id')}\nEND",
    "runs_fts_runs_au": "AFTER UPDATE OF prompt, notes, rulesets, negative_rulesets ON runs BEGIN\n"
                        f"    {_refresh('OLD.id')}\n    {_refresh('NEW.id')}\nEND",
    "runs_fts_runs_ad": "AFTER DELETE ON runs BEGIN\n    DELETE FROM runs_fts WHERE rowid = OLD.id;\nEND",
    "runs_fts_generations_ai": f"AFTER INSERT ON generations BEGIN\n    {_refresh('NEW.run_id')}\nEND",
    "runs_fts_generations_au": "AFTER UPDATE OF prompt, negative_prompt, run_id ON generations BEGIN\n"
                               f"    {_refresh('OLD.run_id')}\n    {_refresh('NEW.run_id')}\nEND",
    "runs_fts_generations_ad": f"AFTER DELETE ON generations BEGIN\n    {_refresh('OLD.run_id')}\nEND",
}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE VIRTUAL TABLE runs_fts USING fts5(body, "
                                 "tokenize = 'unicode61 remove_diacritics 2')")
    except OperationalError as exc:  # "no such module: fts5": search uses LIKE instead
        log.warning("SQLite has no FTS5 (%s): history search will use LIKE", exc)
        return
    for name, body in TRIGGERS.items():
        bind.exec_driver_sql(f"CREATE TRIGGER {name} {body}")
    bind.exec_driver_sql(f"INSERT INTO runs_fts (rowid, body) SELECT r.id, {BODY} FROM runs r")


def downgrade() -> None:
    raise NotImplementedError("History is never dropped: restore a backup instead of downgrading.")
