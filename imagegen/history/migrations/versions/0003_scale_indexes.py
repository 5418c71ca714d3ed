"""Indexes found by bench/history.py at 100k generations.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

Written by hand.
- `images.storage_key` / `images.thumbnail_key`: deleting a run checks whether any other image row still
  uses its files; without these that check scanned every image row (about 26 ms -> 3 ms per delete at 100k).
- `generations(provider, status, run_id)`: the History page's provider + status filter reads only the
  index instead of every generation with that status (about 28 ms -> 7 ms at 100k).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_images_storage_key", "images", ["storage_key"])
    op.create_index("ix_images_thumbnail_key", "images", ["thumbnail_key"])
    op.create_index("ix_generations_provider_status_run_id", "generations", ["provider", "status", "run_id"])


def downgrade() -> None:
    raise NotImplementedError("History is never dropped; restore from a backup instead.")
