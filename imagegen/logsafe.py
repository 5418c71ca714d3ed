"""Keys never reach logs, at any level, whoever logs them: imagegen or the SDKs under it.

At DEBUG, botocore logs the signed request (the access key id in `Credential=`, `X-Amz-Security-Token`)
and other libraries may log headers. `install()`, run once when `imagegen` is imported, wraps the log
record factory, so every record any logger makes is scrubbed as it is made, before any filter or handler
sees it: loggers and handlers added later cannot bypass it. Its message is formatted, scrubbed and stored
with no args; a traceback or stack is formatted and scrubbed too. Records are made only for enabled
levels, so with logging off nothing is formatted.

Scrubbed are the values of every credential imagegen knows (the variables in `SECRET_ENV`, re-read every
second and whenever a credential is read, and the values `remember`ed from the secrets file or given to
drivers) and, whoever they belong to, text that looks like a secret: AWS access key ids, SigV4 `Credential=`
and `Signature`, `X-Amz-Security-Token`, `Authorization` / `api-key` header values, `Bearer` tokens, `sk-`
keys and passwords in URLs. Not scrubbed: `extra=` fields, which are set on the record after it is made.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections import OrderedDict

MASK = "***"
SECRET_ENV = ("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN", "AWS_ACCESS_KEY_ID",
              "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_BEARER_TOKEN_BEDROCK", "LEONARDO_API_KEY")
SECRET_NAME = re.compile(r"key|token|secret|password", re.IGNORECASE)  # secrets-file entries that hold one
MIN_LENGTH = 6  # shorter values ("x" in examples) would mask ordinary text, and no real key is that short
MAX_REMEMBERED = 256
ENV_REFRESH = 1.0  # seconds between reads of SECRET_ENV (reading 7 variables per record doubled its cost)
VALUE = r"""[^'"\s,&}]+"""  # a header or query value: up to a quote, space, comma, & or }
NAME_SEP = r"""['"]?\s*[:=]\s*b?['"]?"""  # header: value, 'header': b'value', name=value
KEY_ID_PREFIXES = ("AKIA", "ASIA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "AGPA", "ABIA", "ACCA")
# (what must be in the lower-cased text for the pattern to be tried: a cheap test first, pattern, replacement)
PATTERNS = (
    (tuple(p.lower() for p in KEY_ID_PREFIXES), re.compile(rf"\b(?:{'|'.join(KEY_ID_PREFIXES)})[A-Z0-9]{{12,}}\b"),
     MASK),
    (("credential=",), re.compile(r"(?i)(credential=)[^/\s,'\"&]+"), rf"\1{MASK}"),
    (("x-amz-security-token",), re.compile(rf"(?i)(x-amz-security-token{NAME_SEP}){VALUE}"), rf"\1{MASK}"),
    (("authorization",), re.compile(rf"(?i)(\b(?:proxy-)?authorization{NAME_SEP})[^'\"\r\n]+"), rf"\1{MASK}"),
    (("api-key",), re.compile(rf"(?i)(\b(?:x-)?api-key{NAME_SEP}){VALUE}"), rf"\1{MASK}"),
    (("bearer",), re.compile(r"(?i)\b(bearer\s+)[^\s'\",}]+"), rf"\1{MASK}"),
    (("signature",), re.compile(r"(?i)(signature[:=]\s*)[0-9a-f]{64}"), rf"\1{MASK}"),
    (("sk-",), re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}"), f"sk-{MASK}"),
    (("@",), re.compile(r"(://[^:/\s@]+:)[^@\s/]+@"), rf"\1{MASK}@"),
)

_remembered: OrderedDict[str, None] = OrderedDict()
_remembered_now: tuple[str, ...] = ()  # a snapshot of _remembered, replaced whole (read without the lock)
_lock = threading.Lock()
_known: tuple[tuple, re.Pattern[str] | None] = ((), None)
_env: tuple[float, tuple[str, ...]] = (float("-inf"), ())  # (when read, SECRET_ENV values)


def remember(*values: object) -> None:
    """Scrub these values from every later log record (credentials read from a file or given to a driver).
    Also re-reads SECRET_ENV at the next record: a credential is being read, the environment may have changed."""
    global _remembered_now, _env
    _env = (float("-inf"), ())
    values = tuple(value.strip() for value in values if isinstance(value, str) and len(value.strip()) >= MIN_LENGTH)
    if not values or all(value in _remembered_now for value in values):
        return
    with _lock:
        for value in values:
            _remembered[value] = None
            _remembered.move_to_end(value)
        while len(_remembered) > MAX_REMEMBERED:
            _remembered.popitem(last=False)
        _remembered_now = tuple(_remembered)


def remember_secrets(data: dict) -> None:
    """Remember the secret-looking entries of a parsed secrets file (`[section] api_key = ...`)."""
    for section in data.values():
        if isinstance(section, dict):
            remember(*(value for name, value in section.items() if SECRET_NAME.search(str(name))))


def known_pattern() -> re.Pattern[str] | None:
    """One regex matching every known secret value, longest first; rebuilt only when the values change."""
    global _known
    key = (_remembered_now, *env_values())
    cached_key, pattern = _known
    if key != cached_key:
        values = {*key[0], *(value for value in key[1:] if len(value) >= MIN_LENGTH)}
        ordered = sorted(values, key=lambda value: (-len(value), value))
        pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        _known = (key, pattern)
    return pattern


def env_values() -> tuple[str, ...]:
    global _env
    read_at, values = _env
    now = time.monotonic()
    if now - read_at > ENV_REFRESH:
        values = tuple(os.environ.get(name, "").strip() for name in SECRET_ENV)
        _env = (now, values)
    return values


def scrub(text: str) -> str:
    """`text` with every known secret value and every secret-looking pattern replaced by MASK."""
    pattern = known_pattern()
    if pattern is not None:
        text = pattern.sub(MASK, text)
    lower = text.lower()
    for triggers, pattern, replacement in PATTERNS:
        for trigger in triggers:
            if trigger in lower:
                text = pattern.sub(replacement, text)
                break
    return text


def scrub_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # arguments that do not fit the format: keep both, scrubbed, rather than fail the call
        message = f"{record.msg!r} % {record.args!r}"
    try:
        record.msg, record.args = scrub(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
    except Exception:  # never let logging fail the caller, never let unchecked text through
        record.msg, record.args, record.exc_info, record.exc_text, record.stack_info = (
            "(log message withheld: it could not be checked for secrets)", (), None, None, None)


def install() -> None:
    """Wrap the current log record factory (once: a second call does nothing)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "imagegen_logsafe", False):
        return

    def make_record(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        scrub_record(record)
        return record

    make_record.imagegen_logsafe = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)
