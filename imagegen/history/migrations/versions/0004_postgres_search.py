"""Full-text search on PostgreSQL: a tsvector per run with a GIN index, kept in sync by triggers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Written by hand. The PostgreSQL counterpart of 0002 (SQLite FTS5), indexing the same text: a run's prompt
and notes, every string in both rule sets (names and rules), and the distinct composed prompts / negative
prompts of its generations. `runs_fts` has one row per run (run_id -> runs.id, ON DELETE CASCADE) holding
that text as a position-less tsvector, under the GIN index `ix_runs_fts_body`. Triggers rebuild a run's
row when the run or one of its generations is inserted, deleted or has that text changed; the rebuild
first locks the run's row, so two transactions adding generations to one run cannot leave a stale row.

To split words as 0002's unicode61 tokenizer does (runs of letters and digits), punctuation becomes a
space before PostgreSQL's parser sees the text (so "soft-light", "stability.sd3" and "e.g." are separate
words, as in SQLite). The text search configuration `imagegen_search` is `simple` (lower-case, no stemming,
no stop words) behind `unaccent`, which folds diacritics like `remove_diacritics 2`; the `unaccent`
extension is created here (a trusted extension: the database owner may create it). Where it cannot be
(not installed, or no right to), search works without folding diacritics and a warning is logged. A
run's text beyond what one tsvector holds (1 MB) is indexed up to its first 150,000 characters.

On SQLite this revision does nothing. Downgrading removes all of the above except the extension.
"""

import logging
from collections.abc import Sequence

from alembic import op
from sqlalchemy.exc import DBAPIError

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(__name__)

CONFIG = "imagegen_search"
WORD_TOKENS = "word, hword, hword_part, numword, numhword, hword_numpart"  # the token types that can carry accents

ADD_UNACCENT_LATER = (f"CREATE EXTENSION unaccent; ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR "
                      f"{WORD_TOKENS} WITH unaccent, simple; UPDATE runs_fts SET body = "
                      "runs_fts_document(runs_fts_text(run_id));")

STRINGS = "coalesce((SELECT string_agg(v #>> '{{}}', ' ') FROM jsonb_path_query(r.{column}, 'strict $.**') v " \
          "WHERE jsonb_typeof(v) = 'string'), '')"
BODY = f"""r.prompt || ' ' || r.notes
        || ' ' || {STRINGS.format(column='rulesets')}
        || ' ' || {STRINGS.format(column='negative_rulesets')}
        || ' ' || coalesce((SELECT string_agg(DISTINCT g.prompt || ' ' || g.negative_prompt, ' ') FROM generations g
                            WHERE g.run_id = r.id), '')"""

FUNCTIONS = {
    # The text of run `target` (NULL when there is no such run), punctuation turned into spaces.
    "runs_fts_text(target integer)": f"""RETURNS text LANGUAGE sql STABLE AS $$
    SELECT regexp_replace({BODY}, '[[:punct:]]+', ' ', 'g') FROM runs r WHERE r.id = target
$$""",
    "runs_fts_document(body text)": f"""RETURNS tsvector LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN strip(to_tsvector('{CONFIG}', body));
EXCEPTION WHEN program_limit_exceeded THEN  -- "string is too long for tsvector"
    RETURN strip(to_tsvector('{CONFIG}', left(body, 150000)));
END
$$""",
    "runs_fts_refresh(target integer)": """RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM runs WHERE id = target FOR NO KEY UPDATE;  -- one rebuild of a run at a time
    INSERT INTO runs_fts (run_id, body) SELECT target, runs_fts_document(runs_fts_text(target))
        FROM runs WHERE id = target
        ON CONFLICT (run_id) DO UPDATE SET body = EXCLUDED.body;
    IF NOT FOUND THEN
        DELETE FROM runs_fts WHERE run_id = target;
    END IF;
END
$$""",
    "runs_fts_runs_trigger()": """RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM runs_fts_refresh(NEW.id);
    RETURN NULL;
END
$$""",
    "runs_fts_generations_trigger()": """RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM runs_fts_refresh(OLD.run_id);
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.run_id IS DISTINCT FROM OLD.run_id) THEN
        PERFORM runs_fts_refresh(NEW.run_id);
    END IF;
    RETURN NULL;
END
$$""",
}

TRIGGERS = {  # a deleted run takes its runs_fts row with it (ON DELETE CASCADE)
    "runs_fts_runs": "AFTER INSERT OR UPDATE OF prompt, notes, rulesets, negative_rulesets ON runs "
                     "FOR EACH ROW EXECUTE FUNCTION runs_fts_runs_trigger()",
    "runs_fts_generations": "AFTER INSERT OR DELETE OR UPDATE OF prompt, negative_prompt, run_id ON generations "
                            "FOR EACH ROW EXECUTE FUNCTION runs_fts_generations_trigger()",
}


def _search_configuration(bind) -> None:
    bind.exec_driver_sql(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = simple)")
    try:
        with bind.begin_nested():  # a failed statement would abort the whole migration otherwise
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
            bind.exec_driver_sql(f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR {WORD_TOKENS} "
                                 "WITH unaccent, simple")
    except DBAPIError as exc:
        log.warning("PostgreSQL extension unaccent unavailable (%s): history search will not fold diacritics. "
                    "To add it later, a superuser runs in this database: %s", str(exc.orig).strip().splitlines()[0],
                    ADD_UNACCENT_LATER)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    _search_configuration(bind)
    bind.exec_driver_sql("CREATE TABLE runs_fts (run_id integer NOT NULL, body tsvector NOT NULL, "
                         "CONSTRAINT pk_runs_fts PRIMARY KEY (run_id), CONSTRAINT fk_runs_fts_run_id_runs "
                         "FOREIGN KEY (run_id) REFERENCES runs (id) ON DELETE CASCADE)")
    bind.exec_driver_sql("CREATE INDEX ix_runs_fts_body ON runs_fts USING gin (body)")
    for signature, body in FUNCTIONS.items():
        bind.exec_driver_sql(f"CREATE FUNCTION {signature} {body}")
    for name, body in TRIGGERS.items():
        bind.exec_driver_sql(f"CREATE TRIGGER {name} {body}")
    bind.exec_driver_sql("INSERT INTO runs_fts (run_id, body) "
                         "SELECT id, runs_fts_document(runs_fts_text(id)) FROM runs")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    bind.exec_driver_sql("DROP TRIGGER IF EXISTS runs_fts_generations ON generations")
    bind.exec_driver_sql("DROP TRIGGER IF EXISTS runs_fts_runs ON runs")
    for signature in reversed(list(FUNCTIONS)):
        bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {signature}")
    bind.exec_driver_sql("DROP TABLE IF EXISTS runs_fts")
    bind.exec_driver_sql(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")
