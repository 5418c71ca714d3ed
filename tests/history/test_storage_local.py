"""The storage interface with the local directory, and how IMAGEGEN_STORAGE_URL chooses a storage."""

from __future__ import annotations

import pytest

from imagegen.history import HistoryStore, StorageError, resolve_storage_url
from imagegen.history.files import ImageFiles, image_key
from imagegen.history.storage import ImageStorage, LocalStorage, S3Storage, StorageURLError, open_storage

from .helpers import artifact, image_bytes, record

SHA = "ab" * 32
KEY = f"images/ab/{SHA}.png"


def test_local_storage_round_trip(tmp_path):
    storage = LocalStorage(tmp_path)
    assert isinstance(storage, ImageStorage)
    assert storage.put_bytes(KEY, b"one") is True and storage.put_bytes(KEY, b"one") is False
    assert storage.read(KEY) == b"one" and storage.exists(KEY) and storage.local_path(KEY) == tmp_path / KEY
    assert list(storage.keys()) == [KEY]
    assert storage.delete(KEY) is True and storage.delete(KEY) is False and not storage.exists(KEY)
    with pytest.raises(FileNotFoundError):
        storage.read(KEY)
    for bad in ("../x.png", f"/images/ab/{SHA}.png", f"images/ab/{SHA}.bmp", "images/ab/../../secrets.toml"):
        with pytest.raises(ValueError):
            storage.put_bytes(bad, b"x")
        with pytest.raises(ValueError):
            storage.delete(bad)


def test_image_files_delegate_to_any_storage(tmp_path):
    files = ImageFiles(storage=LocalStorage(tmp_path / "elsewhere"))
    stored = files.put(image_bytes(seed=5), "png")
    assert (tmp_path / "elsewhere" / stored.storage_key).is_file()
    assert files.path(stored.storage_key) == tmp_path / "elsewhere" / stored.storage_key
    assert sorted(files.keys()) == sorted([stored.storage_key, stored.thumbnail_key])
    with pytest.raises(ValueError, match="data_dir or a storage"):
        ImageFiles()


@pytest.mark.parametrize("form", ["path", "file-url"])
def test_a_local_storage_url_moves_the_images_but_not_the_database(tmp_path, form):
    target = tmp_path / "shared images"
    url = str(target) if form == "path" else target.as_uri()
    store = HistoryStore(data_dir=tmp_path / "data", storage_url=url)
    assert isinstance(store.storage, LocalStorage) and store.storage_location == str(target)
    run_id = store.create_run("fox", [], [])
    source = artifact(seed=71)
    store.add_generation(run_id, record(0), source)
    image = store.get_run(run_id).generations[0].image
    assert (target / image.storage_key).read_bytes() == source.value
    assert store.image_path(image) == target / image.storage_key
    assert not (tmp_path / "data" / "images").exists() and (tmp_path / "data" / "imagegen.db").is_file()
    assert store.check().ok and "shared images" in repr(store)


def test_no_setting_means_the_data_directory(tmp_path):
    assert resolve_storage_url() is None
    storage = open_storage(None, tmp_path)
    assert isinstance(storage, LocalStorage) and storage.root == tmp_path
    store = HistoryStore(data_dir=tmp_path / "data")
    assert store.storage_location == str(tmp_path / "data")


def test_storage_url_precedence(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[storage]\nurl = "s3://from-secrets/x"\n')
    monkeypatch.setenv("IMAGEGEN_SECRETS_FILE", str(secrets))
    assert resolve_storage_url() == "s3://from-secrets/x"
    monkeypatch.setenv("IMAGEGEN_STORAGE_URL", "  s3://from-env/y ")
    assert resolve_storage_url() == "s3://from-env/y"
    assert resolve_storage_url("s3://explicit/z") == "s3://explicit/z"


def test_s3_urls_are_parsed_without_contacting_anything(tmp_path):
    storage = open_storage("s3://my-bucket/team/imagegen/", tmp_path)
    assert isinstance(storage, S3Storage)
    assert (storage.bucket, storage.prefix, storage.location) == ("my-bucket", "team/imagegen",
                                                                  "s3://my-bucket/team/imagegen")
    assert open_storage("s3://my-bucket", tmp_path).prefix == ""
    assert storage.client.meta.region_name == "us-east-1"  # neither AWS_REGION nor AWS_DEFAULT_REGION is set
    assert storage.local_path(KEY) is None


def test_aws_region_is_read_explicitly(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert open_storage("s3://my-bucket", tmp_path).client.meta.region_name == "eu-west-1"
    monkeypatch.setenv("AWS_REGION", "eu-central-1")  # botocore alone would ignore this one
    assert open_storage("s3://my-bucket", tmp_path).client.meta.region_name == "eu-central-1"


@pytest.mark.parametrize(("url", "expected"), [
    ("gs://bucket/prefix", "unsupported scheme 'gs'"),
    ("https://example.com/images", "unsupported scheme 'https'"),
    ("s3://", "s3://bucket/prefix"),
    ("s3://Bad_Bucket/x", "valid bucket name"),
    ("s3://bucket/x?versioning=1", "s3://bucket/prefix"),
    ("file://server/share", "file:///absolute/path"),
])
def test_bad_urls_are_explained(tmp_path, url, expected):
    with pytest.raises(ValueError, match="IMAGEGEN_STORAGE_URL") as caught:
        HistoryStore(data_dir=tmp_path / "data", storage_url=url)
    assert expected in str(caught.value)
    assert isinstance(caught.value, StorageURLError) and isinstance(caught.value, StorageError)
    if "scheme" in expected:
        assert "s3://bucket/prefix" in str(caught.value) and "local directory" in str(caught.value)


def test_credentials_in_a_url_never_reach_the_message(tmp_path):
    with pytest.raises(ValueError) as caught:
        open_storage("s3://AKIAEXAMPLE:hunter2@bucket/x", tmp_path)
    assert "hunter2" not in str(caught.value) and "AKIAEXAMPLE" not in str(caught.value)
    with pytest.raises(ValueError) as caught:
        open_storage("ftp://user:hunter2@host/x", tmp_path)
    assert "hunter2" not in str(caught.value)


def test_image_key_layout_is_unchanged(tmp_path):
    files = ImageFiles(tmp_path)
    stored = files.put(image_bytes(seed=9), "png")
    assert stored.storage_key == image_key(stored.sha256, "png")
    assert (tmp_path / "images" / stored.sha256[:2] / f"{stored.sha256}.png").is_file()
