"""Plain request/response values shared by the emulator's server and its route modules.

A route module never touches `http.server`: it receives a `Request`, returns a `Response`, and the
server does the socket work. That keeps every handler a small, testable function.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass
class Request:
    """One parsed HTTP request as a route handler sees it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names lower-cased
    body: bytes
    json: Any = None  # the parsed body when it is valid JSON (any type), else None
    json_error: bool = False  # True when a non-empty body is not valid JSON
    arrived: float = field(default_factory=time.monotonic)  # when the server had the whole request
    respond_at: float | None = None  # hold the answer until this monotonic time (injected latency)

    def hold(self, seconds: float) -> None:
        """Answer no sooner than `seconds` after the request arrived. The handler's own work (validation,
        rendering, encoding) happens inside that window, as a real service's generation time includes it."""
        if seconds > 0:
            self.respond_at = max(self.respond_at or 0.0, self.arrived + seconds)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def bearer_token(self) -> str:
        """The token of an `Authorization: Bearer <token>` header, or "" when there is none."""
        scheme, _, token = self.header("authorization").strip().partition(" ")
        return token.strip() if scheme.lower() == "bearer" else ""


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(status, json.dumps(payload).encode(), "application/json", dict(headers or {}))


# A handler gets the running Emulator (for its url, image store, faults and Azure deployments), the
# request, and the match of its route's path pattern.
Handler = Callable[[Any, Request, "re.Match[str]"], Response]


class Route(NamedTuple):
    method: str
    pattern: re.Pattern[str]  # matched in full against the path (without query)
    provider: str  # recorded on every request this route answers, e.g. "openai"
    handler: Handler


def route(method: str, pattern: str, provider: str, handler: Handler) -> Route:
    return Route(method, re.compile(pattern), provider, handler)
