"""moto's S3 in server mode, as a real separate process on loopback, so botocore really speaks HTTP to it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

START_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MotoServer:
    """`python -m moto.server -H 127.0.0.1 -p PORT`; `start()` waits until it answers or raises."""

    def __init__(self, log_path: Path):
        self.log_path = Path(log_path)
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, attempts: int = 3) -> MotoServer:
        for _ in range(attempts):  # a free port can be taken between choosing and binding it: try another
            self.port = free_port()
            with self.log_path.open("ab") as log:
                env = {**os.environ, "PYTHONUNBUFFERED": "1"}
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
            if self._wait():
                return self
            self.stop()
        raise RuntimeError(f"moto's S3 server did not start (is moto[server] from requirements-dev.txt "
                           f"installed?); its log:\n{self.log_path.read_text(errors='replace')[-4000:]}")

    def _wait(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.endpoint}/moto-api/data.json", timeout=2) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None
