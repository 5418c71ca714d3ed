"""The history of every run (SQLite by default, or PostgreSQL) with image files on disk or in S3.

    from imagegen.history import HistoryStore, GenerationRecord
    store = HistoryStore()                      # IMAGEGEN_DATABASE_URL / [database] url / ./data/imagegen.db
    run_id = store.create_run("a red fox", rulesets=[{"name": "style", "rules": ["watercolor"]}],
                              negative_rulesets=[],
                              planned=[{"position": 0, "provider": "openai", "model": "gpt-image-1", "options": {}}])
    store.add_generation(run_id, GenerationRecord.from_artifact(artifact, position=0, requested_options={}),
                         artifact)
    store.get_run(run_id).missing                # planned slots without a generation: a run cut short
    store.save_draft(token, {"prompt": "..."})   # the Compare page's inputs; store.load_draft(token)

Image files go under the data directory, or to `IMAGEGEN_STORAGE_URL=s3://bucket/prefix` (or
`HistoryStore(storage_url=...)`) so that several app replicas share them; see storage.py.
The store takes no credentials and never stores any: pass options, prompts and results only.
The schema is created and upgraded by the Alembic migrations in `migrations/` when a store opens.
"""

from imagegen.history.config import resolve_data_dir, resolve_database_url, resolve_storage_url
from imagegen.history.db import dispose_engines, get_engine
from imagegen.history.files import make_thumbnail
from imagegen.history.migrate import DatabaseUnavailableError, SchemaTooNewError
from imagegen.history.records import (
    STATUSES,
    CheckReport,
    GenerationRecord,
    GenerationView,
    ImageView,
    RunDetail,
    RunSummary,
    SavedRuleset,
)
from imagegen.history.search import RunFilter
from imagegen.history.storage import StorageError
from imagegen.history.store import HistoryStore

__all__ = [
    "STATUSES",
    "CheckReport",
    "DatabaseUnavailableError",
    "GenerationRecord",
    "GenerationView",
    "HistoryStore",
    "ImageView",
    "RunDetail",
    "RunFilter",
    "RunSummary",
    "SavedRuleset",
    "SchemaTooNewError",
    "StorageError",
    "dispose_engines",
    "get_engine",
    "make_thumbnail",
    "resolve_data_dir",
    "resolve_database_url",
    "resolve_storage_url",
]
