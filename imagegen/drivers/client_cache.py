"""One SDK client per configuration, shared by every driver instance in the process.

Making a client is slow and holds the GIL (boto3 ~75 ms, openai ~35 ms), and the app builds fresh
drivers for every Generate click: with eight slots that was ~0.35 s of the fan-out spent making clients
one after another (bench/fanout.py). Both SDKs' clients are thread-safe, so drivers with the same
configuration share one, and its connection pool with it.

Keys are tuples of what the client depends on; secrets in them are replaced by a SHA-256 fingerprint
(`fingerprint`), so the cache's keys never hold a key in clear. At most `MAX_CLIENTS` are kept, the least
recently used dropped first.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

MAX_CLIENTS = 16
_clients: OrderedDict[tuple, Any] = OrderedDict()
_lock = threading.Lock()


def fingerprint(*secrets: object) -> str:
    """A stable digest standing for the given values (None and "" included)."""
    return hashlib.sha256(repr(secrets).encode()).hexdigest()


def shared(key: tuple, factory: Callable[[], Any]) -> Any:
    """The client for `key`, made by `factory()` the first time (under a lock, so only once)."""
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = factory()
            _clients[key] = client
            while len(_clients) > MAX_CLIENTS:
                _clients.popitem(last=False)
        _clients.move_to_end(key)
        return client


def clear() -> None:
    with _lock:
        _clients.clear()
