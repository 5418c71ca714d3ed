"""Images on S3, against moto's S3 in server mode: a separate process that botocore talks HTTP to."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import boto3
import pytest
from PIL import Image

from imagegen.history import HistoryStore, StorageError
from imagegen.history.files import image_key, thumbnail_key
from imagegen.history.storage import S3Storage

from .helpers import artifact, record
from .s3_server import MotoServer, free_port

ACCESS_KEY_ID = "AKIAIMAGEGENTEST0001"
SECRET_ACCESS_KEY = "imagegen-test-secret-do-not-leak"
SHA = "cd" * 32
ROOT = Path(__file__).resolve().parents[2]
KEY = f"images/cd/{SHA}.png"


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    server = MotoServer(tmp_path_factory.mktemp("moto") / "moto.log").start()  # fails loudly if it cannot start
    yield server
    server.stop()


@pytest.fixture
def s3_env(moto_server, monkeypatch):
    """The standard AWS variables pointing at moto: nothing in the code knows it is a test server."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_server.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
    return moto_server


@pytest.fixture
def s3(s3_env):
    """A raw client for looking behind the storage's back."""
    return boto3.session.Session().client("s3", region_name="us-east-1")


@pytest.fixture
def bucket(s3):
    name = f"imagegen-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def objects(s3, bucket: str) -> dict[str, dict]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {item["Key"]: item for page in pages for item in page.get("Contents", ())}


def s3_store(tmp_path, bucket: str, name: str = "replica", prefix: str = "history") -> HistoryStore:
    return HistoryStore(database_url=f"sqlite:///{tmp_path / 'shared.db'}", data_dir=tmp_path / name,
                        storage_url=f"s3://{bucket}/{prefix}")


def test_round_trip_under_a_prefix(s3, bucket):
    storage = S3Storage.from_url(f"s3://{bucket}/team/imagegen/")
    storage.check_access()
    thumb = KEY.replace(".png", ".thumb.jpg")
    assert storage.put_bytes(KEY, b"png bytes") is True
    assert storage.put_bytes(thumb, b"jpeg bytes") is True
    assert storage.read(KEY) == b"png bytes" and storage.exists(KEY) and storage.local_path(KEY) is None

    head = s3.head_object(Bucket=bucket, Key=f"team/imagegen/{KEY}")
    assert head["ContentType"] == "image/png" and head["ContentLength"] == len(b"png bytes")
    assert s3.head_object(Bucket=bucket, Key=f"team/imagegen/{thumb}")["ContentType"] == "image/jpeg"

    # objects outside the prefix, or not image keys, are never listed, so never cleaned up
    for foreign in (f"other/{KEY}", f"team/imagegen/images/cd/{SHA}.txt", "team/imagegen/notes.txt", KEY):
        s3.put_object(Bucket=bucket, Key=foreign, Body=b"not ours")
    assert sorted(storage.keys()) == sorted([KEY, thumb])

    assert storage.delete(KEY) is True and storage.delete(KEY) is False
    assert not storage.exists(KEY)
    with pytest.raises(FileNotFoundError):
        storage.read(KEY)
    assert list(storage.keys()) == [thumb]
    assert f"other/{KEY}" in objects(s3, bucket) and KEY in objects(s3, bucket)
    for bad in ("../x.png", "images/cd/../../x.png", "notes.txt"):
        with pytest.raises(ValueError):
            storage.put_bytes(bad, b"x")


def test_put_of_an_existing_key_sends_a_conditional_put_and_changes_nothing(s3, bucket):
    storage = S3Storage.from_url(f"s3://{bucket}")
    assert storage.put_bytes(KEY, b"first") is True
    before = s3.head_object(Bucket=bucket, Key=KEY)
    assert storage.put_bytes(KEY, b"first") is False  # S3 answered 412: already there
    assert storage.put_bytes(KEY, b"other") is False  # content-addressed: a key's bytes never change
    after = s3.head_object(Bucket=bucket, Key=KEY)
    assert (after["ETag"], after["LastModified"]) == (before["ETag"], before["LastModified"])
    assert storage.read(KEY) == b"first" and list(storage.keys()) == [KEY]


def test_keys_follow_every_page(bucket):
    storage = S3Storage.from_url(f"s3://{bucket}/p")
    storage.list_page_size = 2
    keys = [f"images/{n:02x}/{n:02x}{SHA[2:]}.png" for n in range(7)]
    for key in keys:
        storage.put_bytes(key, b"x")
    assert list(storage.keys()) == keys


def test_the_history_store_keeps_its_images_on_s3(s3, bucket, tmp_path):
    store = s3_store(tmp_path, bucket)
    assert store.storage_location == f"s3://{bucket}/history" and "s3://" in repr(store)
    shared, own = artifact("png", seed=81), artifact("jpeg", seed=82)
    keep, drop = store.create_run("keep", [], []), store.create_run("drop", [], [])
    store.add_generation(keep, record(0), shared)
    store.add_generation(drop, record(0), shared)
    store.add_generation(drop, record(1), own)
    store.add_generation(drop, record(2, status="error"))

    expected = {f"history/{key}" for source in (shared, own)
                for key in (image_key(source.sha256, source.format), thumbnail_key(source.sha256))}
    assert set(objects(s3, bucket)) == expected
    assert not (tmp_path / "replica" / "images").exists()  # nothing on the local disk

    image = store.get_run(keep).generations[0].image
    assert store.image_bytes(image) == shared.value
    with Image.open(io.BytesIO(store.thumbnail_bytes(image))) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) <= 256
    with pytest.raises(StorageError, match="image_bytes"):
        store.image_path(image)
    assert store.check().ok

    store.delete_run(drop)  # the JPEG goes, the PNG another run uses stays
    assert set(objects(s3, bucket)) == {f"history/{image_key(shared.sha256, 'png')}",
                                        f"history/{thumbnail_key(shared.sha256)}"}
    with pytest.raises(FileNotFoundError, match="check"):
        store.image_bytes(image_key(own.sha256, "jpeg"))

    orphan = store.files.put(artifact("webp", seed=83).value, "webp")  # a crash between file and row
    report = store.check()
    assert report.orphan_files == sorted([orphan.storage_key, orphan.thumbnail_key]) and report.cleaned == 0
    assert store.check(clean=True).cleaned == 2
    assert store.check().ok and store.image_bytes(image) == shared.value  # referenced images stay

    s3.delete_object(Bucket=bucket, Key=f"history/{image.thumbnail_key}")
    assert store.thumbnail_bytes(image)[:3] == b"\xff\xd8\xff"  # made from the image
    assert store.check(clean=True).missing_files == [image.thumbnail_key]


def test_a_cleanup_between_upload_and_commit_is_repaired_under_the_lock(bucket, tmp_path, monkeypatch):
    store = s3_store(tmp_path, bucket)
    run_id = store.create_run("fox", [], [])
    source = artifact(seed=84)
    real_put = store.files.put

    def put_then_cleanup(value, fmt, **kwargs):
        stored = real_put(value, fmt, **kwargs)
        assert store.check(clean=True).cleaned == 2  # another replica's cleanup sees two orphans
        return stored

    monkeypatch.setattr(store.files, "put", put_then_cleanup)
    store.add_generation(run_id, record(0), source)
    image = store.get_run(run_id).generations[0].image
    assert store.image_bytes(image) == source.value and store.check().ok


def test_two_replicas_share_one_database_and_one_bucket(s3, bucket, tmp_path, monkeypatch):
    monkeypatch.setenv("IMAGEGEN_STORAGE_URL", f"s3://{bucket}/shared")
    first = HistoryStore(database_url=f"sqlite:///{tmp_path / 'shared.db'}", data_dir=tmp_path / "one")
    monkeypatch.delenv("IMAGEGEN_STORAGE_URL")
    secrets = tmp_path / "secrets.toml"  # the second replica is configured through its secrets file
    secrets.write_text(f'[storage]\nurl = "s3://{bucket}/shared"\n')
    monkeypatch.setenv("IMAGEGEN_SECRETS_FILE", str(secrets))
    second = HistoryStore(database_url=f"sqlite:///{tmp_path / 'shared.db'}", data_dir=tmp_path / "two")

    made_by_first = artifact(seed=91)
    run_id = first.create_run("fox", [], [])
    first.add_generation(run_id, record(0), made_by_first)
    seen = second.get_run(run_id).generations[0].image
    assert second.image_bytes(seen) == made_by_first.value and second.thumbnail_bytes(seen)

    made_by_second = artifact(seed=92)
    other = second.create_run("owl", [], [])
    second.add_generation(other, record(0), made_by_second)
    assert first.image_bytes(first.get_run(other).generations[0].image) == made_by_second.value
    assert first.check().ok and second.check().ok  # neither replica takes the other's images for orphans

    second.delete_run(run_id)
    assert not first.files.exists(seen.storage_key) and first.check().ok
    assert not (tmp_path / "one" / "images").exists() and not (tmp_path / "two" / "images").exists()


def test_a_replica_in_another_process_sees_the_images(s3_env, bucket, tmp_path):
    """The other replica is a fresh process configured only through the environment, like a second app server."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from imagegen.history import HistoryStore
        from helpers import artifact, record
        store = HistoryStore(database_url={url!r}, data_dir={str(tmp_path / 'child')!r})
        run_id = store.create_run("made elsewhere", [], [])
        store.add_generation(run_id, record(0), artifact(seed=95))
        print(run_id)
    """)
    env = {**os.environ, "IMAGEGEN_STORAGE_URL": f"s3://{bucket}/replicas"}
    child = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert child.returncode == 0, child.stderr

    here = HistoryStore(database_url=url, data_dir=tmp_path / "parent", storage_url=f"s3://{bucket}/replicas")
    image = here.get_run(int(child.stdout.strip())).generations[0].image
    assert here.image_bytes(image) == artifact(seed=95).value and here.check().ok
    assert not (tmp_path / "child" / "images").exists()


def test_a_missing_bucket_is_named_when_the_store_opens(s3_env, tmp_path):
    with pytest.raises(StorageError) as caught:
        HistoryStore(data_dir=tmp_path / "data", storage_url="s3://no-such-imagegen-bucket/x")
    message = str(caught.value)
    assert "s3://no-such-imagegen-bucket/x" in message and "does not exist" in message
    for hint in ("IMAGEGEN_STORAGE_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL_S3"):
        assert hint in message
    assert SECRET_ACCESS_KEY not in message and ACCESS_KEY_ID not in message


def test_missing_credentials_are_named(s3_env, bucket, tmp_path, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(StorageError, match="no AWS credentials were found.*AWS_ACCESS_KEY_ID"):
        HistoryStore(data_dir=tmp_path / "data", storage_url=f"s3://{bucket}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    with pytest.raises(StorageError, match="credentials are incomplete") as caught:
        HistoryStore(data_dir=tmp_path / "data", storage_url=f"s3://{bucket}")
    assert ACCESS_KEY_ID not in str(caught.value)


def test_an_unreachable_endpoint_is_named(s3_env, tmp_path, monkeypatch):
    endpoint = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", endpoint)
    with pytest.raises(StorageError) as caught:
        HistoryStore(data_dir=tmp_path / "data", storage_url="s3://some-bucket")
    assert f"the endpoint {endpoint} could not be reached" in str(caught.value)
    assert SECRET_ACCESS_KEY not in str(caught.value)


def test_errors_after_opening_name_the_fix_without_secrets(s3, bucket, tmp_path):
    store = s3_store(tmp_path, bucket)
    run_id = store.create_run("fox", [], [])
    store.add_generation(run_id, record(0), artifact(seed=93))
    image = store.get_run(run_id).generations[0].image
    for key in objects(s3, bucket):
        s3.delete_object(Bucket=bucket, Key=key)
    s3.delete_bucket(Bucket=bucket)  # someone removed the bucket under a running app
    with pytest.raises(StorageError) as caught:
        store.image_bytes(image)
    assert "does not exist" in str(caught.value) and "IMAGEGEN_STORAGE_URL" in str(caught.value)
    assert SECRET_ACCESS_KEY not in str(caught.value) and ACCESS_KEY_ID not in str(caught.value)
    with pytest.raises(StorageError, match="writing failed"):
        store.add_generation(run_id, record(1), artifact(seed=94))
    with pytest.raises(StorageError, match="listing failed"):
        store.check()
