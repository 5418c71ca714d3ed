"""`python -m imagegen.emulator`: argument parsing, fault configuration, and one real run."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from imagegen.emulator import Emulator
from imagegen.emulator.__main__ import FaultSpec, configure, parse_args, parse_fault, parse_latency

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("text", "spec"), [
    ("openai:rate_limit:2", FaultSpec("openai", "rate_limit", count=2)),
    ("azure:server_error:0.25", FaultSpec("azure", "server_error", fraction=0.25)),
    ("openai:content_policy", FaultSpec("openai", "content_policy")),
    ("*:rate_limit:.5", FaultSpec("*", "rate_limit", fraction=0.5)),
])
def test_parse_fault(text, spec):
    assert parse_fault(text) == spec


@pytest.mark.parametrize("text", ["openai", "openai:explode", "openai:rate_limit:0", "openai:rate_limit:1.5",
                                  "openai:rate_limit:x", "openai:rate_limit:1:2", ":rate_limit",
                                  "openai:latency:1", "openai:rate_limit:-1"])
def test_parse_fault_rejects(text):
    with pytest.raises(argparse.ArgumentTypeError):
        parse_fault(text)


def test_parse_latency():
    assert parse_latency("openai=1.5") == FaultSpec("openai", "latency", seconds=1.5)
    for bad in ("openai", "openai=", "=1", "openai=0", "openai=soon"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_latency(bad)


def test_parse_args_defaults_and_repeats():
    args = parse_args([])
    assert (args.port, args.latency, args.fault, args.quiet) == (8765, [], [], False)
    args = parse_args(["--port", "0", "--latency", "azure=0.5", "--fault", "openai:rate_limit:2",
                       "--fault", "azure:server_error:0.25", "--quiet"])
    assert args.port == 0 and args.quiet
    assert [spec.kind for spec in args.fault] == ["rate_limit", "server_error"]


def test_parse_args_refuses_unknown_provider(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--fault", "midjourney:rate_limit"])
    assert "unknown provider 'midjourney'" in capsys.readouterr().err


def test_configure_injects_the_faults():
    emu = Emulator(quiet=True)
    configure(emu, parse_args(["--latency", "openai=1.5", "--fault", "azure:server_error:0.25"]))
    latency, error = emu.faults.active
    assert (latency.provider, latency.kind, latency.seconds) == ("openai", "latency", 1.5)
    assert latency.count is None and latency.fraction is None
    assert (error.provider, error.kind, error.fraction) == ("azure", "server_error", 0.25)


@pytest.mark.timeout(60)
def test_module_runs_prints_env_and_logs_without_keys():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "imagegen.emulator", "--port", "0",
                                "--fault", "openai:rate_limit:1"], cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        lines = [process.stdout.readline() for _ in range(5)]
        url = lines[0].split()[-1]
        assert url.startswith("http://127.0.0.1:")
        assert f"export OPENAI_BASE_URL={url}/v1\n" in lines
        assert f"export AZURE_OPENAI_ENDPOINT={url}\n" in lines
        headers = {"Authorization": "Bearer sk-cli-secret-777"}
        body = {"model": "gpt-image-2", "prompt": "x", "size": "1024x1024", "quality": "low"}
        first = requests.post(f"{url}/v1/images/generations", json=body, headers=headers, timeout=30)
        second = requests.post(f"{url}/v1/images/generations", json=body, headers=headers, timeout=30)
        assert (first.status_code, second.status_code) == (429, 200)
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "emulator: POST /v1/images/generations 429 " in err
    assert "emulator: POST /v1/images/generations 200 " in err
    assert "sk-cli-secret" not in err and "Traceback" not in err
