"""Search and filters over the history (the History page), used through `HistoryStore.search_runs`.

Text search uses the database's full-text index when it has one: SQLite's FTS5 table `runs_fts` (migration
0002), or on PostgreSQL the tsvector table `runs_fts` with its GIN index (migration 0004). The user's text
becomes terms (runs of letters/digits, as both indexes split words), each term is quoted, the last one
matches as a prefix, and all are ANDed, so no input can produce a query syntax error; case and diacritics
are folded. Since migration 0005 both indexes stem English words, on the index side and the query side
alike (SQLite: the porter tokenizer; PostgreSQL: Snowball English, no stop words), so "foxes" finds "fox"
and "running" finds "runs" (irregular forms such as "ran" stay apart). The prefix is matched against the
stem, so a word typed in full always matches, but a partial word longer than its word's stem may not
("generat" misses "generation", stemmed "gener" by SQLite's porter). Elsewhere (other databases, SQLite
without FTS5, or `use_fts=False`) each term must appear, case-insensitively (ASCII only on SQLite) and
without stemming, as a substring of the same fields; rule sets are matched in
their JSON text, so there the words "name" and "rules" match every run that has a rule set.

Generation filters (providers, models, statuses, emulated) apply to one generation: a run matches when at
least one of its generations passes all of them (e.g. provider openai AND status error = "openai failed").
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Integer, Text, and_, cast, column, false, func, or_, select, text
from sqlalchemy.orm import Session

from imagegen.history import views
from imagegen.history.models import Generation, Image, Run
from imagegen.history.records import STATUSES, RunSummary

FTS_TABLE = "runs_fts"
PG_SEARCH_CONFIG = "imagegen_search"  # migration 0004
PG_MAX_WORD_BYTES = 2047  # PostgreSQL indexes no longer word, and drops such a word from a query
FEW_MATCHES = 2000  # a text search with at most this many matches takes _few_runs' path
MAX_TERMS = 32
_TERM = re.compile(r"[^\W_]+")


def is_search_index_table(name: str) -> bool:
    """True for the full-text index table (FTS5 and its shadow tables on SQLite, the tsvector table on PostgreSQL),
    for schema comparisons that should skip them: the ORM models do not describe them."""
    return name == FTS_TABLE or name.startswith(FTS_TABLE + "_")


def _names(field: str, value) -> tuple[str, ...]:
    if value is None:
        return ()
    values = (value,) if isinstance(value, str) else tuple(value)
    if not all(isinstance(item, str) for item in values):
        raise ValueError(f"{field} must be strings, got {value!r}")
    return values


def _when(field: str, value) -> date | None:
    if value is not None and not isinstance(value, date):
        raise ValueError(f"{field} must be a date or datetime, got {value!r}")
    return value


@dataclass(frozen=True)
class RunFilter:
    """What the History page asks for; every field left empty filters nothing, and all filters AND.

    `date_from` / `date_to` are inclusive and UTC: a date means that whole UTC day, a naive datetime is UTC.
    """

    text: str | None = None
    providers: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    emulated: bool | None = None
    date_from: date | datetime | None = None
    date_to: date | datetime | None = None

    def __post_init__(self):
        if self.text is not None and not isinstance(self.text, str):
            raise ValueError(f"text must be a string or None, got {self.text!r}")
        for field in ("providers", "models", "statuses"):
            object.__setattr__(self, field, _names(field, getattr(self, field)))
        unknown = set(self.statuses) - set(STATUSES)
        if unknown:
            raise ValueError(f"statuses must be among {', '.join(STATUSES)}, got {', '.join(sorted(unknown))}")
        if self.emulated is not None and not isinstance(self.emulated, bool):
            raise ValueError(f"emulated must be a bool or None, got {self.emulated!r}")
        _when("date_from", self.date_from)
        _when("date_to", self.date_to)


def terms(text: str | None) -> list[str]:
    """The words of a search text (punctuation separates words and is dropped)."""
    return _TERM.findall(unicodedata.normalize("NFKC", text or ""))[:MAX_TERMS]


def fts_query(words: list[str]) -> str:
    """A safe FTS5 query: every word quoted, the last one a prefix, all ANDed."""
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    if quoted:
        quoted[-1] += "*"
    return " AND ".join(quoted)


def tsquery(words: list[str]) -> str:
    """The same as a PostgreSQL `to_tsquery` text: every word quoted, the last one a prefix, all ANDed."""
    quoted = ["'" + word.replace("\\", "\\\\").replace("'", "''") + "'" for word in words]
    if quoted:
        quoted[-1] += ":*"
    return " & ".join(quoted)


def search_index(session: Session) -> str | None:
    """The dialect name ("sqlite" or "postgresql") when the database has its full-text index, else None."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        found = session.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
                                {"name": FTS_TABLE}).first() is not None
    elif dialect == "postgresql":
        found = session.scalar(text("SELECT to_regclass(:name) IS NOT NULL"), {"name": FTS_TABLE})
    else:
        found = False
    return dialect if found else None


def has_fts(session: Session) -> bool:
    return search_index(session) is not None


def _fts_condition(index: str, words: list[str]):
    """`runs.id IN (the runs whose index row matches every word)`; `index` as `search_index` returns."""
    if index == "postgresql":
        if any(len(word.encode()) > PG_MAX_WORD_BYTES for word in words):
            return false()  # no such word is in the index (to_tsquery would drop it and match more)
        matches = text(f"SELECT run_id FROM {FTS_TABLE} WHERE body @@ "
                       f"to_tsquery('{PG_SEARCH_CONFIG}', :fts_query)").bindparams(
            fts_query=tsquery(words)).columns(column("run_id", Integer))
    else:
        matches = text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts_query").bindparams(
            fts_query=fts_query(words)).columns(column("rowid", Integer))
    return Run.id.in_(matches)


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _like_term(word: str):
    """One term as LIKE: in the run's prompt/notes/rule sets (JSON text, raw or \\u-escaped) or a slot's prompts."""
    pattern = _like(word)
    escaped = _like(json.dumps(word)[1:-1])
    in_json = [cast(col, Text).ilike(p, escape="\\") for col in (Run.rulesets, Run.negative_rulesets)
               for p in {pattern, escaped}]
    in_generations = select(Generation.run_id).where(or_(Generation.prompt.ilike(pattern, escape="\\"),
                                                         Generation.negative_prompt.ilike(pattern, escape="\\")))
    return or_(Run.prompt.ilike(pattern, escape="\\"), Run.notes.ilike(pattern, escape="\\"), *in_json,
               Run.id.in_(in_generations))


def _utc(value: date, end: bool) -> tuple[datetime, bool]:
    """(bound, inclusive): a date covers its whole UTC day; a naive datetime is taken as UTC."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)), True
    start = datetime.combine(value, time.min, UTC)
    return (start + timedelta(days=1), False) if end else (start, True)


def conditions(filters: RunFilter | None, *, fts: str | None) -> list:
    """WHERE conditions on `runs` for these filters; `fts` is the `search_index` to use (None: LIKE)."""
    if filters is None:
        return []
    where = []
    words = terms(filters.text)
    if words and fts:
        where.append(_fts_condition(fts, words))
    elif words:
        where.extend(_like_term(word) for word in words)
    slot = []
    for values, col in ((filters.providers, Generation.provider), (filters.models, Generation.model),
                        (filters.statuses, Generation.status)):
        if values:
            slot.append(col.in_(values))
    if filters.emulated is not None:
        slot.append(Generation.emulated == filters.emulated)
    if slot:
        where.append(Run.id.in_(select(Generation.run_id).where(and_(*slot))))
    if filters.date_from is not None:
        bound, _ = _utc(filters.date_from, end=False)
        where.append(Run.created_at >= bound)
    if filters.date_to is not None:
        bound, inclusive = _utc(filters.date_to, end=True)
        where.append(Run.created_at <= bound if inclusive else Run.created_at < bound)
    return where


def summaries(session: Session, runs: list[Run]) -> list[RunSummary]:
    """RunSummary of each run (in the given order), loading only these runs' generations and images."""
    ids = [run.id for run in runs]
    generations, images = defaultdict(list), defaultdict(list)
    if ids:
        rows = session.execute(
            select(Generation.run_id, Generation.position, Generation.provider, Generation.status,
                   Generation.cost_usd).where(Generation.run_id.in_(ids))
            .order_by(Generation.run_id, Generation.position, Generation.id))
        for run_id, *rest in rows:
            generations[run_id].append(tuple(rest))
        image_rows = session.execute(
            select(Generation.run_id, Image).join(Image.generation).where(Generation.run_id.in_(ids))
            .order_by(Generation.position, Generation.id, Image.id))
        for run_id, image in image_rows:
            images[run_id].append(image)
    return [views.run_summary(run, generations[run.id], images[run.id]) for run in runs]


def search_runs(session: Session, filters: RunFilter | None, limit: int, offset: int,
                use_fts: bool = True) -> tuple[list[RunSummary], int]:
    fts = search_index(session) if use_fts else None
    where = conditions(filters, fts=fts)
    total = session.scalar(select(func.count()).select_from(Run).where(*where)) or 0
    if limit == 0 or offset >= total:
        return [], total
    if fts and filters is not None and terms(filters.text) and total <= FEW_MATCHES:
        return summaries(session, _few_runs(session, where, limit, offset)), total
    runs = session.scalars(select(Run).where(*where).order_by(Run.created_at.desc(), Run.id.desc())
                           .limit(limit).offset(offset)).all()
    return summaries(session, list(runs)), total


def _few_runs(session: Session, where: list, limit: int, offset: int) -> list[Run]:
    """One page of a full-text search with few matches: fetch every match's (id, date) through the index (the
    count's plan), order them here, then load the page. With ORDER BY + LIMIT, PostgreSQL guesses 0.5 % of the
    runs for a word outside its statistics and walks runs newest-first checking each one: a word only old runs
    contain took 23 ms at 35k runs and ~400 ms at 350k, against well under 1 ms this way (bench/history.py)."""
    matched = session.execute(select(Run.id, Run.created_at).where(*where)).all()
    page = [run_id for run_id, _ in sorted(matched, key=lambda row: (row[1], row[0]), reverse=True)]
    page = page[offset:offset + limit]
    by_id = {run.id: run for run in session.scalars(select(Run).where(Run.id.in_(page)))}
    return [by_id[run_id] for run_id in page if run_id in by_id]


def filter_choices(session: Session) -> dict[str, list[str]]:
    """The distinct providers and models in the history, sorted (for the filter pickers)."""
    return {
        "providers": list(session.scalars(select(Generation.provider).distinct().order_by(Generation.provider))),
        "models": list(session.scalars(select(Generation.model).distinct().order_by(Generation.model))),
    }
