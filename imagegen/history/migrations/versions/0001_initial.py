"""Initial schema: runs, generations, images, the saved rule set library, and tags/votes for later.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Written by hand. History is append-only and migrated, never dropped.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_DATETIME = sa.DateTime(timezone=True)
AUTOINCREMENT = {"sqlite_autoincrement": True}  # SQLite never reuses the id of a deleted row


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def upgrade() -> None:
    op.create_table(
        "runs",
        _id(),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("rulesets", JSON, nullable=False),
        sa.Column("negative_rulesets", JSON, nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
        **AUTOINCREMENT,
    )
    op.create_index(op.f("ix_runs_created_at"), "runs", ["created_at"])

    op.create_table(
        "generations",
        _id(),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(100), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("requested_options", JSON, nullable=False),
        sa.Column("effective_options", JSON, nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("negative_prompt", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error_kind", sa.String(64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("warnings", JSON, nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=True),
        sa.Column("revised_prompt", sa.Text(), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("cost_usd", sa.Float(), nullable=True),
        sa.Column("emulated", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_generations_run_id_runs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generations")),
        **AUTOINCREMENT,
    )
    op.create_index(op.f("ix_generations_run_id_position"), "generations", ["run_id", "position"])
    for column in ("provider", "model", "status", "created_at"):
        op.create_index(op.f(f"ix_generations_{column}"), "generations", [column])

    op.create_table(
        "images",
        _id(),
        sa.Column("generation_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("mime_type", sa.String(32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("byte_size", sa.BigInteger(), nullable=False),
        sa.Column("storage_key", sa.String(255), nullable=False),
        sa.Column("thumbnail_key", sa.String(255), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["generation_id"], ["generations.id"], name=op.f("fk_images_generation_id_generations"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_images")),
        **AUTOINCREMENT,
    )
    op.create_index(op.f("ix_images_sha256"), "images", ["sha256"])
    op.create_index(op.f("ix_images_generation_id"), "images", ["generation_id"])

    op.create_table(
        "rulesets",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("rules", JSON, nullable=False),
        sa.Column("negative", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rulesets")),
        sa.UniqueConstraint("name", "negative", name=op.f("uq_rulesets_name_negative")),
        **AUTOINCREMENT,
    )

    op.create_table(
        "tags",
        _id(),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_tags_run_id_runs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("run_id", "name", name=op.f("uq_tags_run_id_name")),
        **AUTOINCREMENT,
    )

    op.create_table(
        "votes",
        _id(),
        sa.Column("generation_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["generation_id"], ["generations.id"], name=op.f("fk_votes_generation_id_generations"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_votes")),
        **AUTOINCREMENT,
    )
    op.create_index(op.f("ix_votes_generation_id"), "votes", ["generation_id"])


def downgrade() -> None:
    raise NotImplementedError("History is never dropped: restore a backup instead of downgrading.")
