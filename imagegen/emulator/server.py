"""The emulator's HTTP server: routing, request recording, logging, start/stop.

The routes come from the provider registry (`imagegen.providers`): each provider package lists its
routes modules in `emulator`, and every distinct one is mounted. A routes module (or any object) defines
- `PROVIDERS`: the provider names it records requests under (and that faults may target);
- `ROUTES`: a list of `wire.Route(method, path pattern, provider, handler)`;
- `env_vars(url) -> dict[str, str]`: what a shell exports to point that provider's SDK here;
- optionally `not_found(req) -> Response | None`: its own 404 shape for unknown paths under its prefix;
- optionally `FAULT_KINDS`: provider -> the fault kinds it understands (default `faults.BASIC_KINDS`);
- optionally `URLS`: Emulator attribute name -> f(url), e.g. `openai_base_url`;
- optionally `init_state(emu)` / `reset_state(emu)`: its own state on the Emulator, set up and reset.

The server binds 127.0.0.1 only, answers each request on its own daemon thread, and logs one line per
request (method, path without query, status, milliseconds) -- never a header, key or query value.
Every answer carries `x-imagegen-emulated: true` and an `x-request-id`.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO, Any
from urllib.parse import parse_qsl, urlsplit

from imagegen.emulator.faults import BASIC_KINDS, FaultSet
from imagegen.emulator.images import ImageStore
from imagegen.emulator.wire import Request, Response, Route, json_response, route

HOST = "127.0.0.1"
MAX_BODY = 64 * 1024 * 1024
EMULATED_HEADER = "x-imagegen-emulated"  # on every answer, so drivers can badge results as emulated


@dataclass
class RecordedRequest:
    provider: str  # "openai", "azure", ...; "files" for image downloads, "unknown" for unrouted paths
    method: str
    path: str  # as sent, without the query
    query: dict[str, str]
    headers: dict[str, str]  # names lower-cased
    body: bytes
    json: Any  # the parsed body when it is a JSON object, else None
    status: int  # the status the emulator answered with


def serve_file(emu: Emulator, req: Request, match: re.Match[str]) -> Response:
    found = emu.images.get(match["name"])
    if found is None:
        return json_response(404, {"error": {"message": f"No such file: {match['name']}", "type": "not_found",
                                              "param": None, "code": None}})
    data, content_type = found
    return Response(200, data, content_type)


CORE_ROUTES = [route("GET", r"/files/(?P<name>[A-Za-z0-9._-]+)", "files", serve_file)]


def route_modules() -> tuple[Any, ...]:
    """Every distinct routes module the registered providers bring, in registry order."""
    from imagegen import providers

    modules: list[Any] = []
    for package in providers.all_packages().values():
        modules.extend(m for m in package.emulator if not any(m is seen for seen in modules))
    return tuple(modules)


class Emulator:
    """A local server speaking the providers' wire protocols. `port=0` picks a free port."""

    def __init__(self, port: int = 0, *, log_stream: IO[str] | None = None, quiet: bool = False,
                 image_limit: int = 256):
        self.port = port
        self.log_stream = log_stream  # None: sys.stderr at the time of each line
        self.quiet = quiet
        self.modules = route_modules()
        self.routes: list[Route] = [r for module in self.modules for r in module.ROUTES] + CORE_ROUTES
        self.providers: tuple[str, ...] = tuple(p for module in self.modules for p in module.PROVIDERS)
        self.requests: list[RecordedRequest] = []
        self.urls = {name: make for module in self.modules for name, make in getattr(module, "URLS", {}).items()}
        fault_kinds = {p: BASIC_KINDS for p in self.providers}
        for module in self.modules:
            fault_kinds.update(getattr(module, "FAULT_KINDS", {}))
            if init_state := getattr(module, "init_state", None):
                init_state(self)
        self.faults = FaultSet(self.providers, fault_kinds)
        self.images = ImageStore(image_limit)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -----------------------------------------------------------------------------
    def start(self) -> Emulator:
        if self._server is not None:
            return self
        server = _Server((HOST, self.port), _handler_class(self))
        server.daemon_threads = True
        self._server, self.port = server, server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"emulator:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- addresses -----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __getattr__(self, name: str) -> Any:
        """A provider's address, from its routes module's `URLS` (e.g. `openai_base_url`, `leonardo_api_base`)."""
        make = self.__dict__.get("urls", {}).get(name)
        if make is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return make(self.url)

    def env_vars(self) -> dict[str, str]:
        """Environment variables that point every provider's SDK at this emulator."""
        merged: dict[str, str] = {}
        for module in self.modules:
            if env_vars := getattr(module, "env_vars", None):
                merged.update(env_vars(self.url))
        return merged

    # ---- recording and faults --------------------------------------------------------------------
    def record(self, entry: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(entry)

    def last_request(self, provider: str | None = None) -> RecordedRequest | None:
        with self._lock:
            for entry in reversed(self.requests):
                if provider is None or entry.provider == provider:
                    return entry
        return None

    def inject(self, provider: str, kind: str, count: int | None = None, fraction: float | None = None,
               seconds: float | None = None, retry_after: float | None = None) -> None:
        """Add a fault (see `faults`); ValueError for an unknown provider or kind or bad numbers."""
        self.faults.inject(provider, kind, count, fraction, seconds, retry_after)

    def reset(self) -> None:
        """Forget recorded requests and every fault, and reset each provider's state (`reset_state`: Leonardo jobs
        and `leonardo_pending_polls`, Bedrock denied models; Azure deployments and files stay)."""
        with self._lock:
            self.requests.clear()
        self.faults.clear()
        for module in self.modules:
            if reset_state := getattr(module, "reset_state", None):
                reset_state(self)

    # ---- dispatch --------------------------------------------------------------------------------
    def dispatch(self, req: Request) -> tuple[str, Response]:
        """(provider, response) for one request; unknown paths get the owning provider's 404 shape."""
        for candidate in self.routes:
            match = candidate.pattern.fullmatch(req.path)
            if match is not None and candidate.method == req.method:
                return candidate.provider, candidate.handler(self, req, match)
        for module in self.modules:
            not_found = getattr(module, "not_found", None)
            if not_found is not None and (answer := not_found(req)) is not None:
                return "unknown", answer
        return "unknown", json_response(404, {"error": {"message": f"Not found: {req.method} {req.path}",
                                                        "type": "invalid_request_error", "param": None,
                                                        "code": None}})

    def log(self, method: str, path: str, status: int, millis: float) -> None:
        if self.quiet:
            return
        self._write(f"emulator: {method} {path} {status} {millis:.0f}ms\n")

    def _write(self, text: str) -> None:
        stream = self.log_stream or sys.stderr
        with contextlib.suppress(Exception):
            stream.write(text)
            stream.flush()

    def log_error(self, exc: BaseException) -> None:
        """A handler bug: the exception type and stack (frames only, never its message or values)."""
        if not self.quiet:
            frames = "".join(traceback.format_tb(exc.__traceback__))
            self._write(f"emulator: handler error {type(exc).__name__}\n{frames}")


@contextlib.contextmanager
def running_emulator(port: int = 0, **options: Any) -> Iterator[Emulator]:
    """Start an emulator for the duration of a `with` block."""
    emu = Emulator(port, **options).start()
    try:
        yield emu
    finally:
        emu.stop()


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A client that gave up (timeout test, closed tab) is normal: no traceback for that."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def _handler_class(emu: Emulator) -> type[BaseHTTPRequestHandler]:
    class Handler(_EmulatorHandler):
        emulator = emu

    return Handler


class _EmulatorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # keep-alive answers written in pieces: without it each small one waits ~40 ms
    server_version = "imagegen-emulator"
    sys_version = ""
    emulator: Emulator

    def do_GET(self) -> None:  # noqa: N802 -- http.server's naming
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silence http.server's own log: its request line would include the query string."""

    def _handle(self) -> None:
        started = time.perf_counter()
        parts = urlsplit(self.path)
        req = Request(self.command, parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)),
                      {name.lower(): value for name, value in self.headers.items()}, self._read_body())
        if req.body.strip():
            try:
                req.json = json.loads(req.body)
            except ValueError:
                req.json_error = True
        try:
            provider, response = self.emulator.dispatch(req)
        except Exception as exc:  # a bug in a handler: answer 500 rather than drop the connection
            self.emulator.log_error(exc)
            provider, response = "unknown", json_response(500, {"error": {
                "message": f"emulator error: {type(exc).__name__}", "type": "server_error", "param": None,
                "code": None}})
        parsed = req.json if isinstance(req.json, dict) else None
        self.emulator.record(RecordedRequest(provider, req.method, req.path, req.query, req.headers, req.body,
                                             parsed, response.status))
        if req.respond_at is not None and (wait := req.respond_at - time.monotonic()) > 0:
            time.sleep(wait)  # injected latency: the work above happened inside it
        # log before sending: once the client has its answer, the line must already be written
        self.emulator.log(req.method, req.path, response.status, (time.perf_counter() - started) * 1000)
        self._send(response)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            chunks = []
            while (size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)) > 0:
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline().strip():  # trailers
                pass
            return b"".join(chunks)
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(min(length, MAX_BODY)) if length > 0 else b""

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        headers = {"content-type": response.content_type, "content-length": str(len(response.body)),
                   "x-request-id": f"req_{uuid.uuid4().hex}", EMULATED_HEADER: "true"}
        headers.update(response.headers)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
