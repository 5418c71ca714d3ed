"""SQLAlchemy models of the history. The schema itself is created only by the migrations in
`migrations/versions/`; `tests/history/test_migrations.py` checks that the two agree.

Runs, generations and images are history: append-only (nothing is ever overwritten; a run goes away only
when a person deletes it). `rulesets` is the saved library, edited in place. `drafts` holds the Compare
page's unsaved inputs per browser (not history: overwritten, and pruned after 30 days). `tags` and `votes`
exist for later features and are unused for now.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no zone, so it is put back on read)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("datetimes stored in the history must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JsonType, list[Any]: JsonType, datetime: UTCDateTime}


class Run(Base):
    __tablename__ = "runs"
    __table_args__ = (Index(None, "created_at"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    prompt: Mapped[str] = mapped_column(Text)
    rulesets: Mapped[list[Any]]
    negative_rulesets: Mapped[list[Any]]
    notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    # 0005: the slots the run was started with, [{"position", "provider", "model", "options"}]; None before 0005
    planned: Mapped[list[Any] | None]

    generations: Mapped[list[Generation]] = relationship(
        back_populates="run", order_by="Generation.position", cascade="all, delete-orphan", passive_deletes=True
    )


class Generation(Base):
    __tablename__ = "generations"
    __table_args__ = (
        Index(None, "run_id", "position"),
        Index(None, "provider"),
        Index(None, "model"),
        Index(None, "status"),
        Index(None, "created_at"),
        Index(None, "provider", "status", "run_id"),  # 0003: the History page's provider + status filter
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    position: Mapped[int]
    provider: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(200))
    requested_options: Mapped[dict[str, Any]]
    effective_options: Mapped[dict[str, Any]]
    prompt: Mapped[str] = mapped_column(Text)
    negative_prompt: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(16))
    error_kind: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    warnings: Mapped[list[Any]]
    seed: Mapped[int | None] = mapped_column(BigInteger)
    revised_prompt: Mapped[str | None] = mapped_column(Text)
    latency_ms: Mapped[float | None] = mapped_column(Float)
    cost_usd: Mapped[float | None] = mapped_column(Float)
    emulated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    run: Mapped[Run] = relationship(back_populates="generations")
    images: Mapped[list[Image]] = relationship(
        back_populates="generation", order_by="Image.id", cascade="all, delete-orphan", passive_deletes=True
    )


class Image(Base):
    __tablename__ = "images"
    __table_args__ = (Index(None, "sha256"), Index(None, "generation_id"), Index(None, "storage_key"),
                      Index(None, "thumbnail_key"), {"sqlite_autoincrement": True})  # 0003: file reference checks

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    generation_id: Mapped[int] = mapped_column(ForeignKey("generations.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(8))
    mime_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    byte_size: Mapped[int] = mapped_column(BigInteger)
    storage_key: Mapped[str] = mapped_column(String(255))
    thumbnail_key: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    generation: Mapped[Generation] = relationship(back_populates="images")


class SavedRulesetRow(Base):
    """The saved rule set library (not history): one row per (name, polarity), updated in place."""

    __tablename__ = "rulesets"
    __table_args__ = (UniqueConstraint("name", "negative"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    rules: Mapped[list[Any]]
    negative: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Draft(Base):
    """The Compare page's inputs of one browser (its token), so that a reload keeps them (0005). Not history."""

    __tablename__ = "drafts"
    __table_args__ = (Index(None, "updated_at"),)

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Tag(Base):
    """Reserved for later: labels on runs."""

    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("run_id", "name"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))


class Vote(Base):
    """Reserved for later: a person's rating of a generation."""

    __tablename__ = "votes"
    __table_args__ = (Index(None, "generation_id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    generation_id: Mapped[int] = mapped_column(ForeignKey("generations.id", ondelete="CASCADE"))
    value: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
