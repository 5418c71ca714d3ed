"""Leonardo faults: create-time errors, outcomes stored with the job, polls never faulted."""

from __future__ import annotations

import time

import pytest

from imagegen.emulator.__main__ import FaultSpec, parse_args

from .helpers import poll_leonardo, post_leonardo

SMALL = {"prompt": "a red fox", "width": 128, "height": 128, "num_images": 2}


def outcome_of(emu, kind: str) -> dict:
    """Create one job under a one-shot `kind` fault and poll it past its pending polls."""
    emu.inject("leonardo", kind, count=1)
    answer = post_leonardo(emu, SMALL)
    assert answer.status_code == 200, answer.text
    generation_id = answer.json()["sdGenerationJob"]["generationId"]
    assert not emu.faults.active  # drawn at create time
    first = poll_leonardo(emu, generation_id).json()["generations_by_pk"]
    assert (first["status"], first["generated_images"]) == ("PENDING", [])
    return poll_leonardo(emu, generation_id).json()["generations_by_pk"]


def test_failed_job(emu):
    done = outcome_of(emu, "failed")
    assert (done["status"], done["generated_images"]) == ("FAILED", [])
    assert emu.leonardo_jobs[done["id"]].outcome == "failed"


def test_nsfw_job(emu):
    done = outcome_of(emu, "nsfw")
    assert done["status"] == "COMPLETE" and len(done["generated_images"]) == 2
    assert all(image["nsfw"] is True and image["url"] for image in done["generated_images"])


def test_empty_job(emu):
    done = outcome_of(emu, "empty")
    assert (done["status"], done["generated_images"]) == ("COMPLETE", [])


def test_next_job_is_normal_again(emu):
    outcome_of(emu, "failed")
    assert outcome_of(emu, "nsfw")["status"] == "COMPLETE"
    emu.leonardo_pending_polls = 0
    answer = post_leonardo(emu, SMALL).json()["sdGenerationJob"]["generationId"]
    images = poll_leonardo(emu, answer).json()["generations_by_pk"]["generated_images"]
    assert [image["nsfw"] for image in images] == [False, False]


def test_rate_limit_on_create_with_retry_after(emu):
    emu.inject("leonardo", "rate_limit", count=1, retry_after=2.5)
    answer = post_leonardo(emu, SMALL)
    assert answer.status_code == 429 and answer.headers["retry-after"] == "2.5"
    assert answer.json() == {"error": "rate limit exceeded", "path": "$", "code": "rate-limit"}
    assert emu.leonardo_jobs == {} and post_leonardo(emu, SMALL).status_code == 200


def test_server_error_and_content_policy_on_create(emu):
    emu.inject("leonardo", "server_error", count=1)
    answer = post_leonardo(emu, SMALL)
    assert answer.status_code == 500 and answer.json()["path"] == "$"
    emu.inject("leonardo", "content_policy", count=1)
    assert post_leonardo(emu, {**SMALL, "width": 100}).status_code == 400  # invalid: the fault stays
    answer = post_leonardo(emu, SMALL)
    assert answer.status_code == 400
    assert answer.json() == {"error": "content moderation filter: prompt rejected", "path": "$", "code": "unexpected"}
    assert emu.leonardo_jobs == {}


def test_polls_and_unauthenticated_creates_never_consume_faults(emu):
    emu.leonardo_pending_polls = 0
    generation_id = post_leonardo(emu, SMALL).json()["sdGenerationJob"]["generationId"]
    emu.inject("leonardo", "rate_limit", count=1)
    emu.inject("leonardo", "latency", seconds=0.3, count=1)
    started = time.perf_counter()
    assert poll_leonardo(emu, generation_id).json()["generations_by_pk"]["status"] == "COMPLETE"
    assert post_leonardo(emu, SMALL, key=None).status_code == 401
    assert len(emu.faults.active) == 2  # neither the poll nor the refused create used the faults
    started = time.perf_counter()
    assert post_leonardo(emu, SMALL).status_code == 429  # a refused create answers at once
    assert time.perf_counter() - started < 0.3 and [f.kind for f in emu.faults.active] == ["latency"]


def test_latency_is_the_jobs_duration_and_create_answers_at_once(emu):
    emu.leonardo_pending_polls = 0
    emu.inject("leonardo", "latency", seconds=0.5, count=1)
    started = time.perf_counter()
    generation_id = post_leonardo(emu, SMALL).json()["sdGenerationJob"]["generationId"]
    assert time.perf_counter() - started < 0.3 and not emu.faults.active
    assert poll_leonardo(emu, generation_id).json()["generations_by_pk"]["status"] == "PENDING"
    time.sleep(0.5 - (time.perf_counter() - started) + 0.02)
    body = poll_leonardo(emu, generation_id).json()["generations_by_pk"]
    assert body["status"] == "COMPLETE" and len(body["generated_images"]) == SMALL["num_images"]


def test_fault_kinds_are_checked_per_provider(emu):
    with pytest.raises(ValueError, match="does not apply to provider 'leonardo'"):
        emu.inject("leonardo", "model_error")
    with pytest.raises(ValueError, match="does not apply to provider 'azure'"):
        emu.inject("azure", "nsfw")


def test_cli_takes_provider_specific_kinds_and_refuses_misplaced_ones(capsys):
    args = parse_args(["--fault", "leonardo:nsfw:2", "--fault", "bedrock:model_not_ready", "--fault", "*:empty"])
    assert args.fault == [FaultSpec("leonardo", "nsfw", count=2), FaultSpec("bedrock", "model_not_ready"),
                          FaultSpec("*", "empty")]
    with pytest.raises(SystemExit):
        parse_args(["--fault", "openai:nsfw"])
    assert "fault kind 'nsfw' does not apply to provider 'openai'" in capsys.readouterr().err
