"""Server core: recording, 404s, keep-alive, chunked bodies, concurrency, logging, lifecycle, file store."""

from __future__ import annotations

import io
import json
import threading

import pytest
import requests

from imagegen.emulator import Emulator, running_emulator
from imagegen.emulator.images import ImageStore, caption
from imagegen.emulator.wire import route

from .helpers import AZURE_KEY, OPENAI_KEY, error_of, post_azure, post_openai

CHEAP = {"model": "gpt-image-2", "prompt": "x", "size": "256x256"}


def test_requests_are_recorded_with_lowercased_headers_and_raw_body(emu):
    headers = {"Authorization": f"Bearer {OPENAI_KEY}", "X-Custom-Thing": "v"}
    answer = requests.post(f"{emu.openai_base_url}/images/generations?trace=1", json=CHEAP, headers=headers,
                           timeout=30)
    assert answer.status_code == 200
    assert answer.headers["x-imagegen-emulated"] == "true"
    assert answer.headers["x-request-id"].startswith("req_")
    recorded = emu.last_request()
    assert (recorded.provider, recorded.method, recorded.path) == ("openai", "POST", "/v1/images/generations")
    assert recorded.query == {"trace": "1"} and recorded.status == 200
    assert recorded.headers["authorization"] == f"Bearer {OPENAI_KEY}"
    assert recorded.headers["x-custom-thing"] == "v"
    assert json.loads(recorded.body) == CHEAP and recorded.json == CHEAP


def test_last_request_filters_by_provider_and_reset_clears(emu):
    post_openai(emu, CHEAP)
    post_azure(emu, "gpt-image-2", {"prompt": "x"}, version=None)
    assert emu.last_request().provider == "azure" and emu.last_request().status == 404
    assert emu.last_request("openai").status == 200
    assert emu.last_request("bedrock") is None
    requests_list = emu.requests
    emu.reset()
    assert emu.requests == [] and requests_list is emu.requests and emu.last_request() is None


def test_invalid_json_is_recorded_with_json_none(emu):
    requests.post(f"{emu.openai_base_url}/images/generations", data=b"[1, 2", timeout=10,
                  headers={"Authorization": f"Bearer {OPENAI_KEY}"})
    recorded = emu.last_request("openai")
    assert recorded.json is None and recorded.body == b"[1, 2" and recorded.status == 400


def test_unknown_routes_are_json_404s(emu):
    error = error_of(requests.post(f"{emu.openai_base_url}/images/variations", timeout=10), 404)
    assert error["message"] == "Invalid URL (POST /v1/images/variations)"
    wrong_method = requests.get(f"{emu.openai_base_url}/images/generations", timeout=10)
    assert error_of(wrong_method, 404)["message"] == "Invalid URL (GET /v1/images/generations)"
    assert "Not found" in error_of(requests.get(f"{emu.url}/nothing/here", timeout=10), 404)["message"]
    no_file = requests.get(f"{emu.url}/files/missing.png", timeout=10)
    assert error_of(no_file, 404)["message"].startswith("No such")
    assert no_file.headers["x-imagegen-emulated"] == "true"
    assert emu.last_request().provider == "files"


def test_keep_alive_connection_survives_errors(emu):
    with requests.Session() as session:
        url = f"{emu.openai_base_url}/images/generations"
        good, bad = {"Authorization": f"Bearer {OPENAI_KEY}"}, {"Authorization": "Bearer sk-invalid"}
        calls = [(CHEAP, {}), ({"model": "gpt-image-2"}, good), (CHEAP, good), (CHEAP, bad)]
        statuses = [session.post(url, json=body, headers=headers, timeout=30).status_code
                    for body, headers in calls]
    assert statuses == [401, 400, 200, 401]


def test_chunked_request_body(emu):
    chunks = (part for part in [b'{"model": "gpt-image-2", ', b'"prompt": "x", "size": "256x256"}'])
    headers = {"Authorization": f"Bearer {OPENAI_KEY}", "Content-Type": "application/json"}
    answer = requests.post(f"{emu.openai_base_url}/images/generations", data=chunks, headers=headers,
                           timeout=30)
    assert answer.status_code == 200, answer.text
    assert emu.last_request().headers["transfer-encoding"] == "chunked"


def test_concurrent_requests_are_all_answered_and_recorded(emu):
    results = []

    def call(index):
        results.append(post_openai(emu, {**CHEAP, "prompt": f"p{index}"}).status_code)

    threads = [threading.Thread(target=call, args=(index,)) for index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 6 and len(emu.requests) == 6


def test_log_lines_never_contain_keys_or_query(emu, capsys):
    secret, invalid = "sk-very-secret-abc123", "sk-invalid-zzz-9876"
    post_openai(emu, CHEAP, key=secret)
    post_openai(emu, CHEAP, key=invalid)
    post_azure(emu, "gpt-image-2", {"prompt": "x", "size": "256x256"}, version="2026-01-15",
               headers={"api-key": "azure-secret-key-42"})
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("emulator:")]
    assert len(lines) == 3
    assert lines[0].startswith("emulator: POST /v1/images/generations 200 ") and lines[0].endswith("ms")
    assert " 401 " in lines[1]
    assert lines[2].startswith("emulator: POST /openai/deployments/gpt-image-2/images/generations 200 ")
    for fragment in (secret, invalid, "zzz", "9876", "azure-secret", AZURE_KEY, "Bearer", "api-version",
                     "2026-01-15"):
        assert fragment not in err


def test_handler_errors_become_500_and_logged_without_details():
    stream = io.StringIO()

    def broken(emu, req, match):
        detail = "secret" + "-detail"  # a runtime value: the log shows source lines, never values
        raise RuntimeError(detail)

    with running_emulator(log_stream=stream) as emu:
        emu.routes.insert(0, route("GET", r"/boom", "openai", broken))
        error = error_of(requests.get(f"{emu.url}/boom", timeout=10), 500)
    assert error["message"] == "emulator error: RuntimeError"
    assert "handler error RuntimeError" in stream.getvalue() and "secret-detail" not in stream.getvalue()
    assert "GET /boom 500" in stream.getvalue()


def test_lifecycle_binds_loopback_and_frees_the_port():
    emu = Emulator(port=0, quiet=True)
    assert emu.start() is emu and emu.start() is emu  # starting twice is harmless
    assert emu.url == f"http://127.0.0.1:{emu.port}" and emu.port > 0
    assert emu.openai_base_url == emu.url + "/v1" and emu.azure_endpoint == emu.url
    assert emu.env_vars()["OPENAI_BASE_URL"] == emu.openai_base_url
    assert emu.env_vars()["AZURE_OPENAI_ENDPOINT"] == emu.url
    assert requests.get(f"{emu.url}/nothing", timeout=10).status_code == 404
    emu.stop()
    emu.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{emu.url}/nothing", timeout=2)


def test_image_store_is_bounded_and_names_by_content():
    store = ImageStore(limit=2)
    names = [store.put(bytes([index]) * 10) for index in range(3)]
    assert len(store) == 2 and store.get(names[0]) is None
    assert store.get(names[2]) == (bytes([2]) * 10, "image/png")
    assert store.put(b"j", "jpeg").endswith(".jpg")


def test_caption_names_provider_model_and_deployment():
    assert caption("OpenAI", "gpt-image-2") == "EMULATED · OpenAI · gpt-image-2"
    assert caption("Azure OpenAI", "gpt-image-2", "my-deploy") == (
        "EMULATED · Azure OpenAI · my-deploy (gpt-image-2)")
    assert caption("Azure OpenAI", "gpt-image-2", "gpt-image-2") == "EMULATED · Azure OpenAI · gpt-image-2"
