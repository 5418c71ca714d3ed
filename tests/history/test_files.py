"""Image files: atomic content-addressed writes, and what a crash between file and row leaves behind."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy.orm import Session

from imagegen.history import HistoryStore
from imagegen.history.files import ImageFiles, image_key, make_thumbnail, thumbnail_key, write_atomic

from .helpers import artifact, image_bytes, record

ROOT = Path(__file__).resolve().parents[2]


def _rows(store: HistoryStore, table: str) -> int:
    with store.engine.connect() as connection:
        return connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()


def test_write_atomic_skips_identical_content_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "a" / "file.bin"
    assert write_atomic(path, b"one") is True
    stamp = path.stat().st_mtime_ns
    time.sleep(0.01)
    assert write_atomic(path, b"one") is False and path.stat().st_mtime_ns == stamp
    assert write_atomic(path, b"two") is True and path.read_bytes() == b"two"
    assert sorted(p.name for p in path.parent.iterdir()) == ["file.bin"]


def test_keys_are_content_addressed(tmp_path):
    files = ImageFiles(tmp_path)
    value = image_bytes("jpeg", seed=3)
    stored = files.put(value, "jpeg")
    folder = f"images/{stored.sha256[:2]}"
    assert stored.storage_key == image_key(stored.sha256, "jpeg") == f"{folder}/{stored.sha256}.jpg"
    assert stored.thumbnail_key == thumbnail_key(stored.sha256) == f"{folder}/{stored.sha256}.thumb.jpg"
    assert (tmp_path / stored.storage_key).read_bytes() == value
    assert files.put(value, "jpeg") == stored  # the same bytes again: same keys, nothing rewritten
    assert sorted(files.keys()) == sorted([stored.storage_key, stored.thumbnail_key])
    for bad in ("../secrets.toml", "images/ab/../../x.png", "/etc/passwd", "images/zz/not-a-sha.png"):
        with pytest.raises(ValueError):
            files.path(bad)


def test_a_failure_before_commit_leaves_an_orphan_file_and_no_rows(store, monkeypatch):
    run_id = store.create_run("fox", [], [])
    image = artifact(seed=31)
    real_flush = Session.flush

    def crash(self, *args, **kwargs):
        raise RuntimeError("simulated crash before commit")

    monkeypatch.setattr(Session, "flush", crash)
    with pytest.raises(RuntimeError, match="simulated crash"):
        store.add_generation(run_id, record(0), image)
    monkeypatch.setattr(Session, "flush", real_flush)

    assert _rows(store, "generations") == 0 and _rows(store, "images") == 0
    key = image_key(image.sha256, "png")
    assert (store.data_dir / key).read_bytes() == image.value  # written before the row
    report = store.check()
    assert report.orphan_files == sorted([key, thumbnail_key(image.sha256)])
    assert report.missing_files == [] and report.cleaned == 0
    assert (store.data_dir / key).exists()  # a report alone deletes nothing

    cleaned = store.check(clean=True)
    assert cleaned.cleaned == 2 and not (store.data_dir / key).exists()
    assert store.check().ok

    store.add_generation(run_id, record(0), image)  # the store is still usable
    assert store.get_run(run_id).generations[0].image.sha256 == image.sha256
    assert store.check().ok


def test_a_killed_process_leaves_an_orphan_never_a_dangling_row(tmp_path):
    """A real crash: the child process exits hard right after writing the file, before its commit."""
    data_dir, url = tmp_path / "data", f"sqlite:///{tmp_path / 'h.db'}"
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from sqlalchemy.orm import Session
        from imagegen.history import HistoryStore
        from helpers import artifact, record
        store = HistoryStore(database_url={url!r}, data_dir={str(data_dir)!r})
        run_id = store.create_run("fox", [], [])
        Session.flush = lambda self, *a, **k: os._exit(17)
        store.add_generation(run_id, record(0), artifact(seed=41))
    """)
    env = {**os.environ, "IMAGEGEN_SECRETS_FILE": str(tmp_path / "none.toml")}
    child = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert child.returncode == 17, child.stderr

    store = HistoryStore(database_url=url, data_dir=data_dir)
    (summary,) = store.list_runs()
    assert summary.generation_count == 0 and _rows(store, "images") == 0
    sha = artifact(seed=41).sha256
    assert store.check().orphan_files == sorted([image_key(sha, "png"), thumbnail_key(sha)])
    assert store.check(clean=True).cleaned == 2 and store.check().ok


def test_check_reports_missing_files_loudly(store, caplog):
    run_id = store.create_run("fox", [], [])
    store.add_generation(run_id, record(0), artifact(seed=51))
    image = store.get_run(run_id).generations[0].image
    store.image_path(image).unlink()
    report = store.check(clean=True)
    assert report.missing_files == [image.storage_key] and report.orphan_files == [] and report.cleaned == 0
    assert any(r.levelname == "ERROR" and image.storage_key in r.getMessage() for r in caplog.records)

    caplog.clear()
    HistoryStore(database_url=store.database_url, data_dir=store.data_dir)  # the quick check at open warns
    assert any(r.levelname == "WARNING" and "missing" in r.getMessage() for r in caplog.records)


def test_a_missing_thumbnail_is_made_from_the_image(store):
    run_id = store.create_run("fox", [], [])
    store.add_generation(run_id, record(0), artifact(seed=61))
    image = store.get_run(run_id).generations[0].image
    (store.data_dir / image.thumbnail_key).unlink()
    assert store.thumbnail_bytes(image)[:3] == b"\xff\xd8\xff"
    assert store.check().missing_files == [image.thumbnail_key]


def test_stale_temp_files_are_orphans(store):
    folder = store.data_dir / "images" / "ab"
    folder.mkdir(parents=True)
    fresh, stale = folder / ".tmp-fresh1.part", folder / ".tmp-stale1.part"
    fresh.write_bytes(b"x")
    stale.write_bytes(b"x")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    assert store.check().orphan_files == ["images/ab/.tmp-stale1.part"]  # a fresh one may be a write in flight
    assert store.check(clean=True).cleaned == 1 and fresh.exists() and not stale.exists()


def test_thumbnail_follows_the_exif_orientation():
    picture = Image.new("RGB", (400, 200), "red")
    exif = picture.getexif()
    exif[0x0112] = 6  # rotate 90° when shown
    buf = io.BytesIO()
    picture.save(buf, "JPEG", exif=exif)
    assert Image.open(io.BytesIO(make_thumbnail(buf.getvalue()))).size == (128, 256)
