"""Injected faults: every kind, count and fraction semantics, retry-after, "*", reset()."""

from __future__ import annotations

import time

import pytest
import requests

from imagegen.emulator.faults import FaultSet

from .helpers import decode_image, error_of, post_azure, post_openai

CHEAP = {"model": "gpt-image-2", "prompt": "x", "size": "256x256"}
INVALID = {"model": "gpt-image-2"}  # no prompt: 400 unless a fault answers first; renders nothing


def statuses(emu, body, times):
    return [post_openai(emu, body).status_code for _ in range(times)]


def test_rate_limit_count_expires_after_n_requests(emu):
    emu.inject("openai", "rate_limit", count=2)
    first = post_openai(emu, CHEAP)
    error = error_of(first, 429)
    assert first.headers["retry-after"] == "1"
    assert error["code"] == "rate_limit_exceeded" and error["type"] == "requests"
    assert statuses(emu, CHEAP, 2) == [429, 200]
    assert not emu.faults.active


def test_rate_limit_retry_after_value_and_azure_shape(emu):
    emu.inject("azure", "rate_limit", retry_after=0.25)
    answer = post_azure(emu, "gpt-image-2", {"prompt": "x"})
    error = error_of(answer, 429)
    assert error["code"] == "429" and "retry after 0.25 seconds" in error["message"]
    assert (answer.headers["retry-after"], answer.headers["retry-after-ms"]) == ("0.25", "250")
    assert post_openai(emu, CHEAP).status_code == 200  # another provider is untouched


def test_fault_without_count_or_fraction_lasts_until_reset(emu):
    emu.inject("openai", "server_error")
    assert statuses(emu, INVALID, 3) == [500, 500, 500]
    error = error_of(post_openai(emu, INVALID), 500)
    assert error["type"] == "server_error" and error["message"].startswith("The server had an error")
    emu.reset()
    assert statuses(emu, INVALID, 1) == [400]
    assert emu.requests and all(r.status == 400 for r in emu.requests)  # reset also forgot the 500s


def test_azure_server_error_shape(emu):
    emu.inject("azure", "server_error", count=1)
    assert error_of(post_azure(emu, "gpt-image-2", {"prompt": "x"}), 500)["code"] == "InternalServerError"


def test_fraction_is_deterministic_and_partial(emu):
    emu.inject("openai", "server_error", fraction=0.5)
    first = statuses(emu, INVALID, 16)
    emu.reset()
    emu.inject("openai", "server_error", fraction=0.5)
    second = statuses(emu, INVALID, 16)
    assert first == second
    assert 0 < first.count(500) < 16 and set(first) == {400, 500}


def test_fraction_with_count_caps_the_failures(emu):
    emu.inject("openai", "rate_limit", fraction=0.9, count=2)
    assert statuses(emu, INVALID, 12).count(429) == 2


def test_star_targets_every_provider(emu):
    emu.inject("*", "rate_limit", count=2)
    assert post_openai(emu, INVALID).status_code == 429
    assert post_azure(emu, "gpt-image-2", {"prompt": "x"}).status_code == 429
    assert post_openai(emu, INVALID).status_code == 400


def test_latency_delays_answers_for_count_requests(emu):
    emu.inject("openai", "latency", seconds=0.3, count=1)
    started = time.perf_counter()
    assert post_openai(emu, INVALID).status_code == 400
    assert time.perf_counter() - started >= 0.3
    assert emu.faults.active == []  # the one-shot fault is used up: the next answer is not delayed


def test_latency_combines_with_an_error(emu):
    emu.inject("openai", "latency", seconds=0.2)
    emu.inject("openai", "rate_limit", count=1)
    started = time.perf_counter()
    assert post_openai(emu, INVALID).status_code == 429
    assert time.perf_counter() - started >= 0.2


def test_content_policy_is_moderation_blocked_once(emu):
    emu.inject("openai", "content_policy", count=1)
    error = error_of(post_openai(emu, {"model": "gpt-image-2", "prompt": "x"}), 400)
    assert error["code"] == "moderation_blocked" and error["type"] == "image_generation_user_error"
    assert "safety system" in error["message"]
    assert post_openai(emu, CHEAP).status_code == 200


def test_content_policy_azure_shape(emu):
    emu.inject("azure", "content_policy")
    error = error_of(post_azure(emu, "gpt-image-2", {"prompt": "a fox"}), 400)
    assert error["code"] == "content_policy_violation"
    inner = error["inner_error"]
    assert inner["code"] == "ResponsibleAIPolicyViolation"
    assert inner["revised_prompt"] is None  # gpt-image models never rewrite the prompt
    assert inner["content_filter_results"]["violence"] == {"filtered": True, "severity": "high"}
    assert inner["content_filter_results"]["hate"] == {"filtered": False, "severity": "safe"}
    assert set(inner["content_filter_results"]) == {"hate", "sexual", "violence", "self_harm"}


def test_invalid_requests_do_not_consume_a_content_policy_fault(emu):
    emu.inject("openai", "content_policy", count=1)
    assert post_openai(emu, INVALID).status_code == 400
    assert error_of(post_openai(emu, CHEAP), 400)["code"] == "moderation_blocked"
    assert post_openai(emu, CHEAP).status_code == 200


def test_file_downloads_and_unauthenticated_requests_do_not_consume_faults(emu):
    url = f"{emu.url}/files/{emu.images.put(b'not really a png')}"  # GPT image models answer base64 only
    emu.inject("*", "server_error", count=1)
    assert requests.get(url, timeout=10).status_code == 200
    assert post_openai(emu, INVALID, key=None).status_code == 401
    assert post_openai(emu, INVALID).status_code == 500


def test_success_after_faults_still_renders(emu):
    emu.inject("openai", "rate_limit", count=1)
    post_openai(emu, CHEAP)
    assert decode_image(post_openai(emu, CHEAP).json()["data"][0]["b64_json"]).size == (256, 256)


@pytest.mark.parametrize(("args", "words"), [
    (("openai", "explode"), "unknown fault kind"),
    (("midjourney", "rate_limit"), "unknown provider"),
    (("openai", "rate_limit", 0), "count"),
    (("openai", "rate_limit", None, 1.5), "fraction"),
    (("openai", "latency"), "seconds"),
])
def test_inject_rejects_bad_arguments(emu, args, words):
    with pytest.raises(ValueError, match=words):
        emu.inject(*args)


def test_fault_set_draws_are_reproducible_per_fault():
    draws = []
    for _ in range(2):
        faults = FaultSet(("openai",))
        faults.inject("openai", "server_error", fraction=0.3)
        draws.append([faults.take("openai", "server_error") is not None for _ in range(40)])
    assert draws[0] == draws[1] and 0 < sum(draws[0]) < 40
    assert faults.take("azure", "server_error") is None
