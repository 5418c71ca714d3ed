"""Image files in S3 (or an S3-compatible server): `s3://bucket/prefix` as IMAGEGEN_STORAGE_URL. Its own module
so that boto3 is imported only when a store uses S3 (see storage.py for the interface and the local storage)."""

from __future__ import annotations

import contextlib
import io
import logging
import os
from collections.abc import Iterator
from urllib.parse import urlsplit

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
from imagegen.history.storage import (
    _BUCKET,
    _SETTING,
    DEFAULT_REGION,
    IMAGES_DIR,
    KEY,
    StorageError,
    StorageURLError,
    _safe_url,
    check_key,
    content_type,
)

log = logging.getLogger(__name__)
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
