"""HistoryStore: every run, each provider's result, the image files, and the saved rule set library.

Each operation uses its own short session, so one store can be shared by many threads. Results are plain
dataclasses (records.py). The store takes no credentials and stores none: pass options, never keys.

Image files live in the data directory by default, or in S3 for several app replicas (`storage_url` /
IMAGEGEN_STORAGE_URL, see storage.py); `image_bytes`/`thumbnail_bytes` read them from either.

Files and rows: an image file is written (fsynced) *before* the row that references it commits, so a crash
leaves at most an orphan file, never a row without its file. Files are removed only while holding the
database write lock, after re-checking that no row references them, and `add_generation` re-checks its
files under that same lock before committing; so cleanup running alongside writers never removes a file
a committed row needs.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from imagegen.history import drafts, migrate, search, views
from imagegen.history.config import display_url, resolve_data_dir, resolve_database_url, resolve_storage_url
from imagegen.history.db import get_engine, lock_files, writer
from imagegen.history.files import ImageFiles, StoredImage, make_thumbnail
from imagegen.history.models import Generation, Image, Run, SavedRulesetRow, utcnow
from imagegen.history.records import (
    CheckReport,
    GenerationRecord,
    ImageView,
    RunDetail,
    RunSummary,
    SavedRuleset,
    check_number,
    check_planned,
    check_record,
    check_rules,
    check_rulesets,
    check_text,
)
from imagegen.history.search import RunFilter
from imagegen.history.storage import LocalStorage, open_storage

log = logging.getLogger(__name__)
QUICK_CHECK_IMAGES = 100
QUICK_CHECK_REMOTE_IMAGES = 10  # one request each on S3: keep opening a store quick
_CHUNK = 500
_EXISTS_KEYS = 64


def _check_id(name: str, value) -> int:
    if check_number(name, value, integer=True) is None:
        raise ValueError(f"{name} must be an integer, got None")
    return value


class HistoryStore:
    def __init__(self, database_url: str | None = None, data_dir: str | os.PathLike | None = None,
                 storage_url: str | None = None):
        self.data_dir: Path = resolve_data_dir(data_dir)
        self.storage = open_storage(resolve_storage_url(storage_url), self.data_dir)
        self.storage.check_access()  # a wrong bucket or missing credentials fail here, naming the fix
        self.storage_location: str = self.storage.location  # no secrets: safe to show
        self._url = resolve_database_url(database_url, self.data_dir)
        self.database_url: str = display_url(self._url)  # password hidden: safe to show
        self._engine = get_engine(self._url)
        self._writer = writer(self._engine)
        self.files = ImageFiles(self.data_dir, storage=self.storage)
        self._drafts_pruned_at: float | None = None  # time.monotonic() of this store's last prune_drafts
        migrate.upgrade(self._engine)
        self._quick_check()

    @property
    def engine(self):
        """The shared SQLAlchemy engine (for maintenance scripts and tests; the API never needs it)."""
        return self._engine

    def __repr__(self) -> str:
        return (f"HistoryStore({self.database_url!r}, data_dir={str(self.data_dir)!r}, "
                f"storage={self.storage_location!r})")

    # --- runs and generations ----------------------------------------------------------------------

    def create_run(self, prompt: str, rulesets=(), negative_rulesets=(), notes: str = "", planned=None) -> int:
        """`planned`: the slots about to run, [{"position", "provider", "model", "options"}] (options only, no
        credentials), so that a run cut short shows its missing slots (`RunDetail.missing`); None: unknown."""
        run = Run(prompt=check_text("prompt", prompt), rulesets=check_rulesets("rulesets", rulesets),
                  negative_rulesets=check_rulesets("negative_rulesets", negative_rulesets),
                  notes=check_text("notes", notes if notes is not None else ""))
        planned = check_planned("planned", planned)
        if planned is not None:  # left unset, it is SQL NULL (set to None, the JSON type would store 'null')
            run.planned = planned
        with Session(self._writer) as session, session.begin():
            session.add(run)
            session.flush()
            return run.id

    def add_generation(self, run_id: int, record: GenerationRecord, artifact=None) -> int:
        """Record one slot. With an `ImageArtifact`, its file and thumbnail are written first, then the
        generation row and its image row commit in one transaction."""
        run_id = _check_id("run_id", run_id)
        values = check_record(record)
        stored = self.files.put(artifact.value, artifact.format) if artifact is not None else None
        with Session(self._writer) as session, session.begin():
            lock_files(session.connection())
            if session.get(Run, run_id) is None:
                raise ValueError(f"run_id {run_id} does not exist")
            generation = Generation(run_id=run_id, **values)
            if stored is not None:
                self.files.ensure(stored, artifact.value)
                generation.images.append(self._image_row(stored, artifact))
            session.add(generation)
            session.flush()
            return generation.id

    @staticmethod
    def _image_row(stored: StoredImage, artifact) -> Image:
        return Image(sha256=stored.sha256, format=artifact.format, mime_type=artifact.mime_type,
                     width=artifact.width, height=artifact.height, byte_size=stored.byte_size,
                     storage_key=stored.storage_key, thumbnail_key=stored.thumbnail_key)

    def get_run(self, run_id: int) -> RunDetail | None:
        run_id = _check_id("run_id", run_id)
        with Session(self._engine) as session:
            query = select(Run).where(Run.id == run_id).options(
                selectinload(Run.generations).selectinload(Generation.images))
            row = session.scalars(query).first()
            return views.run_detail(row) if row is not None else None

    def list_runs(self, limit: int = 20, offset: int = 0) -> list[RunSummary]:
        """Newest first."""
        for name, value in (("limit", limit), ("offset", offset)):
            if _check_id(name, value) < 0:
                raise ValueError(f"{name} must be >= 0, got {value}")
        with Session(self._engine) as session:
            runs = session.scalars(select(Run).order_by(Run.created_at.desc(), Run.id.desc())
                                   .limit(limit).offset(offset)).all()
            return search.summaries(session, list(runs))

    def count_runs(self) -> int:
        with Session(self._engine) as session:
            return session.scalar(select(func.count()).select_from(Run)) or 0

    def delete_run(self, run_id: int) -> None:
        """Delete a run with its generations and image rows; remove files no other image row references.
        Deleting a run that does not exist does nothing."""
        run_id = _check_id("run_id", run_id)
        with Session(self._writer) as session, session.begin():
            keys = session.execute(select(Image.storage_key, Image.thumbnail_key).join(Image.generation)
                                   .where(Generation.run_id == run_id)).all()
            session.execute(delete(Run).where(Run.id == run_id))  # the database cascades to generations/images
        self._remove_unreferenced({key for pair in keys for key in pair if key})

    # --- search (search.py) ------------------------------------------------------------------------

    def search_runs(self, filters: RunFilter | None = None, limit: int = 20, offset: int = 0, *,
                    use_fts: bool = True) -> tuple[list[RunSummary], int]:
        """One page of the runs matching `filters`, newest first, and how many match in all (`limit=0`
        counts only). Full-text search uses the database's index (SQLite FTS5, PostgreSQL tsvector) when it
        has one; `use_fts=False` forces the portable LIKE search (see search.py)."""
        for name, value in (("limit", limit), ("offset", offset)):
            if _check_id(name, value) < 0:
                raise ValueError(f"{name} must be >= 0, got {value}")
        if filters is not None and not isinstance(filters, RunFilter):
            raise ValueError(f"filters must be a RunFilter or None, got {type(filters).__name__}")
        with Session(self._engine) as session:
            return search.search_runs(session, filters, limit, offset, use_fts=use_fts)

    def filter_choices(self) -> dict[str, list[str]]:
        """{"providers": [...], "models": [...]}: the distinct values in the history, sorted."""
        with Session(self._engine) as session:
            return search.filter_choices(session)

    # --- image files -------------------------------------------------------------------------------

    def image_path(self, image: ImageView | str) -> Path:
        """The image's local file (local storage only: with S3 this raises StorageError; use image_bytes)."""
        return self.files.path(image if isinstance(image, str) else image.storage_key)

    def image_bytes(self, image: ImageView | str) -> bytes:
        key = image if isinstance(image, str) else image.storage_key
        try:
            return self.files.read(key)
        except FileNotFoundError:
            log.error("history image file %s is missing from %s", key, self.storage_location)
            raise FileNotFoundError(f"The image file {key} is missing from {self.storage_location}; "
                                    f"run HistoryStore.check() to list every missing file.") from None

    def thumbnail_bytes(self, image: ImageView) -> bytes:
        """The JPEG thumbnail; made on the fly from the image when it has none stored."""
        if image.thumbnail_key:
            try:
                return self.files.read(image.thumbnail_key)
            except FileNotFoundError:
                log.warning("thumbnail %s is missing; making one from the image", image.thumbnail_key)
        return make_thumbnail(self.image_bytes(image))

    def check(self, clean: bool = False) -> CheckReport:
        """Compare the stored image files with the image rows: orphan files (no row references them; deleted when
        `clean`) and missing files (a row whose file is gone, which should never happen)."""
        with Session(self._engine) as session:
            referenced = {key for pair in session.execute(select(Image.storage_key, Image.thumbnail_key))
                          for key in pair if key}
        on_disk = set(self.files.keys())
        report = CheckReport(orphan_files=sorted(on_disk - referenced))
        suspects = {key for key in referenced - on_disk if not self.files.exists(key)}
        if suspects:  # re-read: a run deleted since the first query takes its files with it legitimately
            with Session(self._engine) as session:
                report.missing_files = sorted(key for key in self._referenced(session, suspects)
                                              if not self.files.exists(key))
        if report.missing_files:
            log.error("history: %d image file(s) referenced by the database are missing from %s: %s",
                      len(report.missing_files), self.storage_location, ", ".join(report.missing_files[:10]))
        if clean and report.orphan_files:
            report.cleaned = self._remove_unreferenced(set(report.orphan_files))
        return report

    def _quick_check(self) -> None:
        """At open: do the newest images' files exist? (A wrong data dir or bucket shows up here.) Report only."""
        limit = QUICK_CHECK_IMAGES if isinstance(self.storage, LocalStorage) else QUICK_CHECK_REMOTE_IMAGES
        with Session(self._engine) as session:
            keys = session.scalars(select(Image.storage_key).order_by(Image.id.desc()).limit(limit)).all()
        missing = [key for key in keys if not self.files.exists(key)]
        if missing:
            log.warning("history: %d of the newest image files are missing from %s (are IMAGEGEN_DATA_DIR and "
                        "IMAGEGEN_STORAGE_URL right?); run HistoryStore.check() for a full report", len(missing),
                        self.storage_location)

    @staticmethod
    def _referenced(session: Session, keys: set[str]) -> set[str]:
        """The keys among `keys` that some image row uses (as its file or its thumbnail). A few keys (a run's
        delete): one indexed EXISTS each, never fetching the rows, as a popular file may be used by thousands;
        many keys (check): DISTINCT per column, in chunks."""
        if len(keys) <= _EXISTS_KEYS:
            return {key for key in keys if session.scalar(select(or_(
                exists().where(Image.storage_key == key), exists().where(Image.thumbnail_key == key))))}
        found: set[str] = set()
        ordered = sorted(keys)
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start:start + _CHUNK]
            for col in (Image.storage_key, Image.thumbnail_key):
                found.update(session.scalars(select(col).where(col.in_(chunk)).distinct()))
        return found & keys

    def _remove_unreferenced(self, keys: set[str]) -> int:
        """Delete the files among `keys` that no row references, under the write lock (see module doc)."""
        if not keys:
            return 0
        with Session(self._writer) as session, session.begin():
            lock_files(session.connection())
            still_used = self._referenced(session, keys)
            return sum(self.files.delete(key) for key in sorted(keys - still_used))

    # --- Compare page drafts (drafts.py) ------------------------------------------------------------

    def save_draft(self, token: str, data: dict[str, Any]) -> None:
        """Insert or replace the draft under `token` (1-64 of A-Z a-z 0-9 . _ ~ -). `data` must be a dict of JSON
        values with no key that looks like a credential (ValueError otherwise). Drafts not updated for 30 days
        are pruned here, at most once an hour per store."""
        token, data = drafts.check_token(token), drafts.check_data(data)
        with self._writer.begin() as connection:
            drafts.upsert(connection, token, data)
        pruned_at = self._drafts_pruned_at
        if pruned_at is None or time.monotonic() - pruned_at >= drafts.PRUNE_EVERY_S:
            self.prune_drafts()

    def load_draft(self, token: str) -> dict[str, Any] | None:
        """The data saved under `token`, or None (never saved, deleted, older than 30 days, or a token that
        cannot be one, such as a mangled URL parameter)."""
        if not drafts.is_token(token):
            return None
        with self._engine.connect() as connection:
            return drafts.load(connection, token)

    def delete_draft(self, token: str) -> None:
        token = drafts.check_token(token)
        with self._writer.begin() as connection:
            drafts.remove(connection, token)

    def prune_drafts(self) -> int:
        """Delete the drafts not updated for 30 days; return how many."""
        self._drafts_pruned_at = time.monotonic()
        with self._writer.begin() as connection:
            return drafts.prune(connection)

    # --- the saved rule set library ----------------------------------------------------------------

    def save_ruleset(self, name: str, rules, negative: bool) -> int:
        """Insert, or update the rules of the saved set with this name and polarity; return its id."""
        name = (check_text("name", name) or "").strip()
        if not name:
            raise ValueError("name must not be empty")
        if not isinstance(negative, bool):
            raise ValueError(f"negative must be a bool, got {negative!r}")
        rules = check_rules("rules", rules)
        for attempt in range(2):
            try:
                with Session(self._writer) as session, session.begin():
                    row = session.scalars(select(SavedRulesetRow).where(
                        SavedRulesetRow.name == name, SavedRulesetRow.negative == negative)).first()
                    if row is None:
                        row = SavedRulesetRow(name=name, rules=rules, negative=negative)
                        session.add(row)
                    else:
                        row.rules, row.updated_at = rules, utcnow()
                    session.flush()
                    return row.id
            except IntegrityError:  # another process inserted the same name meanwhile: update it instead
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def list_rulesets(self, negative: bool | None = None) -> list[SavedRuleset]:
        query = select(SavedRulesetRow).order_by(func.lower(SavedRulesetRow.name), SavedRulesetRow.negative)
        if negative is not None:
            query = query.where(SavedRulesetRow.negative == bool(negative))
        with Session(self._engine) as session:
            return [views.saved_ruleset(row) for row in session.scalars(query)]

    def delete_ruleset(self, ruleset_id: int) -> None:
        ruleset_id = _check_id("ruleset_id", ruleset_id)
        with Session(self._writer) as session, session.begin():
            session.execute(delete(SavedRulesetRow).where(SavedRulesetRow.id == ruleset_id))
