"""Where image bytes live: a small interface, the local data directory (default) and Amazon S3.

A storage keeps opaque bytes under keys like `images/ab/<sha256>.png` (see files.py for the layout). Keys
are content-addressed: the bytes under a key never change, so writing a key that exists does nothing.

    open_storage(None, data_dir)                 # LocalStorage(data_dir): files under <data_dir>/images/
    open_storage("/srv/imagegen", data_dir)      # LocalStorage("/srv/imagegen"); "file:///srv/imagegen" too
    open_storage("s3://bucket/prefix", data_dir) # S3Storage: objects under s3://bucket/prefix/images/

S3 is for several app replicas sharing one history: every replica sees every image. The client is the
standard boto3 one: credentials from the usual AWS chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
AWS_PROFILE, an instance role, ...), the endpoint from AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL when set
(MinIO, a test server), the region from AWS_REGION or AWS_DEFAULT_REGION, else us-east-1.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable
from urllib.parse import unquote, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
)

from imagegen.history.config import STORAGE_URL_ENV

log = logging.getLogger(__name__)

IMAGES_DIR = "images"
TEMP_PREFIX = ".tmp-"
STALE_TEMP_SECONDS = 3600
KEY = re.compile(r"^images/[0-9a-f]{2}/[0-9a-f]{64}\.(png|jpg|webp|gif|thumb\.jpg)$")
_TEMP = re.compile(r"^images/[0-9a-f]{2}/\.tmp-[A-Za-z0-9_]+\.part$")
_CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "gif": "image/gif"}
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
DEFAULT_REGION = "us-east-1"
ALLOWED_FORMS = "s3://bucket/prefix, file:///absolute/path, or a local directory path"
_SETTING = f"{STORAGE_URL_ENV} (or url under [storage] in the secrets file)"


class StorageError(RuntimeError):
    """The image storage cannot be used (unreachable, wrong bucket, no access); the message names the fix."""


class StorageURLError(StorageError, ValueError):
    """IMAGEGEN_STORAGE_URL (or `storage_url=`) is not one of the allowed forms."""


def check_key(key: str) -> str:
    """`key` when it is an image or thumbnail key; ValueError otherwise (no `..`, no absolute paths)."""
    if not isinstance(key, str) or not KEY.match(key):
        raise ValueError(f"not an image storage key: {key!r}")
    return key


def content_type(key: str) -> str:
    return _CONTENT_TYPES[key.rsplit(".", 1)[-1]]


@runtime_checkable
class ImageStorage(Protocol):
    """Bytes under content-addressed keys. Implementations are safe to share between threads."""

    location: str  # where the bytes live, for messages (never a secret)

    def check_access(self) -> None:
        """A cheap request that fails with StorageError naming the fix when the storage is unusable."""

    def put_bytes(self, key: str, data: bytes) -> bool:
        """Store `data` under `key` atomically (a reader never sees part of it). False when it was there."""

    def read(self, key: str) -> bytes:
        """The bytes; FileNotFoundError when the key holds nothing."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> bool:
        """Remove the key; False when it was already gone."""

    def keys(self) -> Iterator[str]:
        """Every stored key, plus leftovers a crashed write may have left that `delete` accepts."""

    def local_path(self, key: str) -> Path | None:
        """The file holding the key on this machine, or None when the storage is not a local folder."""


# --- local directory ------------------------------------------------------------------------------


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` via temp file + fsync + rename. Return False when it was already there."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return True


class LocalStorage:
    """Files under `root` (keys are paths relative to it). Writes go to a temp file in the same folder, are
    fsynced, then renamed into place; identical bytes already there are left alone. A crash can leave a
    `.tmp-*.part` file: `keys()` lists it once it is an hour old, and `delete` removes it."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.location = str(self.root)

    def __repr__(self) -> str:
        return f"LocalStorage({self.location!r})"

    def check_access(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    def local_path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put_bytes(self, key: str, data: bytes) -> bool:
        return write_atomic(self.local_path(key), data)

    def read(self, key: str) -> bytes:
        return self.local_path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self.local_path(key).is_file()

    def delete(self, key: str) -> bool:
        path = self.root / key if isinstance(key, str) and _TEMP.match(key) else self.local_path(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        return True

    def keys(self) -> Iterator[str]:
        images = self.root / IMAGES_DIR
        if not images.is_dir():
            return
        now = time.time()
        for folder in sorted(images.iterdir()):
            if not folder.is_dir():
                continue
            for entry in sorted(folder.iterdir()):
                key = f"{IMAGES_DIR}/{folder.name}/{entry.name}"
                if KEY.match(key):
                    yield key
                elif _TEMP.match(key):
                    try:
                        if now - entry.stat().st_mtime > STALE_TEMP_SECONDS:
                            yield key
                    except FileNotFoundError:  # its writer just renamed it into place
                        pass


# --- Amazon S3 ------------------------------------------------------------------------------------

_S3_FIX = (f"check {STORAGE_URL_ENV} (s3://bucket/prefix), the AWS credentials (AWS_ACCESS_KEY_ID and "
           "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE), AWS_REGION and, for an S3-compatible server, AWS_ENDPOINT_URL_S3")
_S3_REASONS = {
    "NoSuchBucket": "the bucket does not exist",
    "404": "the bucket does not exist",
    "AccessDenied": "access was denied: the credentials lack permission for this bucket",
    "403": "access was denied: the credentials are not accepted or lack permission for this bucket",
    "InvalidAccessKeyId": "the AWS access key id is not known",
    "SignatureDoesNotMatch": "the AWS secret access key does not match the access key id",
    "ExpiredToken": "the AWS session token has expired",
    "PermanentRedirect": "the bucket is in another region than AWS_REGION",
    "301": "the bucket is in another region than AWS_REGION",
}


def parse_s3_url(url: str) -> tuple[str, str]:
    """(bucket, prefix) of `s3://bucket/prefix/more`; the prefix has no leading or trailing slash."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or parts.query or parts.fragment or parts.username or parts.password \
            or not _BUCKET.match(parts.netloc or ""):
        raise StorageURLError(f"{_SETTING} must look like s3://bucket/prefix with a valid bucket name "
                              f"(lowercase letters, digits, dots and dashes), got {_safe_url(url)!r}")
    return parts.netloc, parts.path.strip("/")


def _safe_url(url: str) -> str:
    """The URL without any user:password part, for messages."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        return parts._replace(netloc=f"***@{host}" + (f":{parts.port}" if parts.port else "")).geturl()
    return url


def _error_code(exc) -> tuple[str, int]:
    response = getattr(exc, "response", None) or {}
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    return str(response.get("Error", {}).get("Code") or status), int(status)


class S3Storage:
    """Objects under `s3://bucket/prefix/`. PUT is atomic on S3, so there are no temp objects to clean.

    `put_bytes` is one conditional PUT (`If-None-Match: *`): S3 refuses it with 412 when the key exists,
    so an image that is already stored is neither rewritten nor (with `Expect: 100-continue`) re-sent.
    A server that ignores the condition overwrites the key with the same bytes, which is just as correct.
    """

    def __init__(self, bucket: str, prefix: str = "", *, client=None, max_attempts: int = 3,
                 connect_timeout: float = 5, read_timeout: float = 30):
        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.list_page_size = 1000  # keys per ListObjectsV2 request (S3's maximum)
        self.location = f"s3://{bucket}/{self.prefix}".rstrip("/")
        self._client = client
        if client is None:
            try:  # incomplete credentials in the environment fail here, before any request
                self._client = self._make_client(max_attempts, connect_timeout, read_timeout)
            except BotoCoreError as exc:
                raise self._failure("setting up the S3 client", None, exc) from None

    @classmethod
    def from_url(cls, url: str, **kwargs) -> S3Storage:
        return cls(*parse_s3_url(url), **kwargs)

    @staticmethod
    def _make_client(max_attempts: int, connect_timeout: float, read_timeout: float):
        # botocore reads AWS_DEFAULT_REGION but not AWS_REGION, and AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL itself
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
        config = Config(retries={"mode": "standard", "total_max_attempts": max_attempts},
                        connect_timeout=connect_timeout, read_timeout=read_timeout, max_pool_connections=20)
        return boto3.session.Session().client("s3", region_name=region, config=config)

    def __repr__(self) -> str:
        return f"S3Storage({self.location!r})"

    @property
    def client(self):
        return self._client

    def _object(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _endpoint(self) -> str:
        return _safe_url(self._client.meta.endpoint_url) if self._client is not None else "the S3 endpoint"

    def _failure(self, action: str, key: str | None, exc: Exception) -> StorageError:
        """A message naming the fix. Only the error code and our own words: never the service's text, which
        may quote request details."""
        where = f"{self.location}/{key}" if key else self.location
        if isinstance(exc, NoCredentialsError):
            reason = "no AWS credentials were found"
        elif isinstance(exc, PartialCredentialsError):
            reason = "the AWS credentials are incomplete (an access key id needs its secret access key)"
        elif isinstance(exc, EndpointConnectionError):
            reason = f"the endpoint {self._endpoint()} could not be reached"
        elif isinstance(exc, ClientError):
            code, status = _error_code(exc)
            reason = _S3_REASONS.get(code) or _S3_REASONS.get(str(status)) or f"S3 answered {code} (HTTP {status})"
        else:
            reason = f"{type(exc).__name__} talking to {self._endpoint()}"
        return StorageError(f"Image storage {where}: {action} failed: {reason}. To fix it, {_S3_FIX}.")

    @contextlib.contextmanager
    def _calling(self, action: str, key: str | None = None):
        """Turn an SDK error inside the block into a StorageError naming the fix."""
        try:
            yield
        except (ClientError, BotoCoreError) as exc:
            raise self._failure(action, key, exc) from None

    def check_access(self) -> None:
        with self._calling("opening the bucket"):
            self._client.head_bucket(Bucket=self.bucket)

    def local_path(self, key: str) -> None:
        check_key(key)
        return None

    def put_bytes(self, key: str, data: bytes) -> bool:
        name = self._object(key)
        with self._calling("writing", key):
            try:  # a file-like body makes botocore send Expect: 100-continue, so a 412 comes before the upload
                self._client.put_object(Bucket=self.bucket, Key=name, Body=io.BytesIO(data),
                                        ContentType=content_type(key), IfNoneMatch="*")
                return True
            except ClientError as exc:
                code, status = _error_code(exc)
                if status == 412 or code == "PreconditionFailed":
                    return False  # already stored: content-addressed, so the same bytes
                if status != 409 and code != "ConditionalRequestConflict":
                    raise
            # 409: another writer is putting this very key right now; an unconditional PUT of the same bytes is safe
            self._client.put_object(Bucket=self.bucket, Key=name, Body=io.BytesIO(data),
                                    ContentType=content_type(key))
            return True

    def read(self, key: str) -> bytes:
        with self._calling("reading", key):
            try:
                response = self._client.get_object(Bucket=self.bucket, Key=self._object(key))
            except ClientError as exc:
                if _error_code(exc)[0] in ("NoSuchKey", "404"):
                    raise FileNotFoundError(f"{self.location}/{key}") from None
                raise
            with response["Body"] as body:
                return body.read()

    def exists(self, key: str) -> bool:
        with self._calling("checking", key):
            try:
                self._client.head_object(Bucket=self.bucket, Key=self._object(key))
                return True
            except ClientError as exc:
                if _error_code(exc)[0] in ("NoSuchKey", "404", "NotFound"):
                    return False
                raise

    def delete(self, key: str) -> bool:
        """S3's DELETE succeeds for a missing key too, so a HEAD first tells whether there was anything."""
        if not self.exists(key):
            return False
        with self._calling("deleting", key):
            self._client.delete_object(Bucket=self.bucket, Key=self._object(key))
        return True

    def keys(self) -> Iterator[str]:
        """Image and thumbnail keys under the prefix; other objects there are never listed (so never cleaned)."""
        start = f"{self.prefix}/" if self.prefix else ""
        with self._calling("listing"):
            pages = self._client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=f"{start}{IMAGES_DIR}/", PaginationConfig={"PageSize": self.list_page_size})
            for page in pages:
                for item in page.get("Contents", ()):
                    key = item["Key"][len(start):]
                    if KEY.match(key):
                        yield key


# --- choosing one -----------------------------------------------------------------------------------


def open_storage(url: str | None, data_dir: str | os.PathLike) -> ImageStorage:
    """The storage for `url` (see the module doc); None or "" means the data directory."""
    url = (url or "").strip()
    if not url:
        return LocalStorage(data_dir)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "s3":
        return S3Storage.from_url(url)
    if scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path:
            raise StorageURLError(f"{_SETTING} file URLs must look like file:///absolute/path, got {_safe_url(url)!r}")
        return LocalStorage(Path(unquote(parts.path)).expanduser().resolve())
    if scheme and len(scheme) > 1:  # one letter is a Windows drive (C:\...), i.e. a path
        raise StorageURLError(f"{_SETTING} has the unsupported scheme {scheme!r} in {_safe_url(url)!r}; "
                         f"use {ALLOWED_FORMS}")
    return LocalStorage(Path(url).expanduser().resolve())
