"""Planned slots of a run, Compare page drafts, and word forms in search (stemming).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08

Written by hand.
- `runs.planned` (JSON, NULL for the runs made before): the slots a run was started with, so a run a crash
  cut short shows which slots are missing.
- `drafts`: the Compare page's inputs per browser token, upserted as they change and pruned after 30 days.
- Search matches word forms ("foxes" finds "fox", "running" finds "runs"). SQLite: `runs_fts` (0002) is
  rebuilt with the tokenizer `porter unicode61 remove_diacritics 2` and refilled from every run with 0002's
  own text expression; 0002's triggers refer to the table by name and keep working. PostgreSQL: the
  configuration `imagegen_search` (0004) stems words with `imagegen_english`, a Snowball English dictionary
  without stop words (as SQLite's porter has none, so a query finds the same runs on both), after `unaccent`
  where 0004 could add it; words with digits stay unstemmed; every stored tsvector is rebuilt.

Existing rows are kept. Downgrading is refused: restore a backup instead.
"""

import importlib
import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(__name__)

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_DATETIME = sa.DateTime(timezone=True)

SQLITE_TOKENIZER = "porter unicode61 remove_diacritics 2"
CONFIG = "imagegen_search"  # 0004
DICTIONARY = "imagegen_english"
ASCII_TOKENS = "asciiword, asciihword, hword_asciipart"
ACCENTED_TOKENS = "word, hword, hword_part"  # 0004 put unaccent in front of these (and of the numeric ones)
REBUILD = "UPDATE runs_fts SET body = runs_fts_document(runs_fts_text(run_id))"
ADD_UNACCENT_LATER = (f"CREATE EXTENSION unaccent; ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR "
                      f"{ACCENTED_TOKENS} WITH unaccent, {DICTIONARY}; ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
                      f"ALTER MAPPING FOR numword, numhword, hword_numpart WITH unaccent, simple; {REBUILD};")


def _sqlite_stemming(bind) -> None:
    if bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'runs_fts'").first() is None:
        return  # no FTS5 in this SQLite (0002): search uses LIKE
    body = importlib.import_module("imagegen.history.migrations.versions.0002_run_search").BODY
    bind.exec_driver_sql("DROP TABLE runs_fts")
    bind.exec_driver_sql(f"CREATE VIRTUAL TABLE runs_fts USING fts5(body, tokenize = '{SQLITE_TOKENIZER}')")
    bind.exec_driver_sql(f"INSERT INTO runs_fts (rowid, body) SELECT r.id, {body} FROM runs r")


def _has_unaccent(bind) -> bool:
    return bind.exec_driver_sql(
        "SELECT 1 FROM pg_ts_config_map m JOIN pg_ts_dict d ON d.oid = m.mapdict "
        f"WHERE m.mapcfg = '{CONFIG}'::regconfig AND d.dictname = 'unaccent'").first() is not None


def _postgres_stemming(bind) -> None:
    bind.exec_driver_sql(f"CREATE TEXT SEARCH DICTIONARY {DICTIONARY} (TEMPLATE = snowball, Language = english)")
    bind.exec_driver_sql(f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR {ASCII_TOKENS} "
                         f"WITH {DICTIONARY}")
    if _has_unaccent(bind):
        bind.exec_driver_sql(f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR {ACCENTED_TOKENS} "
                             f"WITH unaccent, {DICTIONARY}")
    else:
        bind.exec_driver_sql(f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR {ACCENTED_TOKENS} "
                             f"WITH {DICTIONARY}")
        log.warning("PostgreSQL extension unaccent is not in use: history search will not fold diacritics. To add "
                    "it later (these statements replace those of migration 0004), a superuser runs in this "
                    "database: %s", ADD_UNACCENT_LATER)
    bind.exec_driver_sql(REBUILD)


def upgrade() -> None:
    op.add_column("runs", sa.Column("planned", JSON, nullable=True))
    op.create_table(
        "drafts",
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_drafts")),
    )
    op.create_index(op.f("ix_drafts_updated_at"), "drafts", ["updated_at"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _sqlite_stemming(bind)
    elif bind.dialect.name == "postgresql" and bind.exec_driver_sql(
            "SELECT to_regclass('runs_fts') IS NOT NULL").scalar():
        _postgres_stemming(bind)


def downgrade() -> None:
    raise NotImplementedError("History is never dropped: restore a backup instead of downgrading.")
