"""Leonardo.Ai REST v1 generations (providers.md, "Leonardo.Ai REST v1"), base `{emu.url}/api/rest/v1`.

Routes (header `authorization: Bearer <key>`; a missing key or one containing "invalid" -> 401
`{"error": "Invalid authentication token", "path": "$", "code": "access-denied"}`):
- `POST /api/rest/v1/generations`: create a job; body rules in `emulator_rules`. Answers
  `{"sdGenerationJob": {"generationId", "apiCreditCost", "cost": {"amount", "unit": "DOLLARS"}}}`.
- `POST /api/rest/v2/generations`: create a partner-model job (`emulator_v2`), answered `{"generate": {...}}`.
- `GET /api/rest/v1/generations/{id}`: `{"generations_by_pk": {...}}`; PENDING with no images for the
  first `emu.leonardo_pending_polls` polls of a job (the value when the job was created) and, with an
  injected latency L, until L seconds after the create arrived; then COMPLETE (or FAILED). An unknown id
  answers 200 `{"generations_by_pk": null}`, like the real API.

Latency means what it means on the real service: how long the *job* runs. The create call answers at
once and the job's images are rendered in the background while it is PENDING (a real provider renders
on its own machines during that time), so a client that polls finely sees COMPLETE about L after create.
Images are JPEG (what Leonardo's CDN serves), served from the emulator's `/files/...` without
authentication (as the CDN). Jobs live in `emu.leonardo_jobs` (id -> `Job`, with its `polls` count), at
most `JOB_LIMIT`, oldest dropped first; `reset()` forgets them.

Faults act on create only; polls and downloads are never faulted. Create check order: auth,
rate_limit (429 with retry-after), server_error (500), body rules (400), content_policy (400), then
success, which draws latency (the job's duration) and failed / nsfw / empty, stored with the job: its
polls then report FAILED with no images / COMPLETE with every image `nsfw: true` / COMPLETE with an
empty `generated_images` list.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from imagegen.emulator import images
from imagegen.emulator.faults import format_seconds
from imagegen.emulator.wire import Request, Response, json_response, route
from imagegen.providers.leonardo import emulator_v2
from imagegen.providers.leonardo.emulator_rules import LeonardoParams, LeonardoValidationError, cost, credits, validate

PROVIDERS = ("leonardo",)
FAULT_KINDS = {"leonardo": ("latency", "rate_limit", "server_error", "content_policy", "failed", "nsfw", "empty")}
LABEL = "Leonardo.Ai"
PREFIX = "/api/rest/v1"
V2_PREFIX = "/api/rest/v2"  # partner models: create only (emulator_v2); polled through v1
DEFAULT_PENDING_POLLS = 1
JOB_LIMIT = 1000
IMAGE_FORMAT = "jpeg"
OUTCOMES = ("failed", "nsfw", "empty")  # fault kinds decided at create time, in this order of precedence

_jobs_lock = threading.Lock()


@dataclass
class Job:
    """One generation as the emulator keeps it."""

    id: str
    params: LeonardoParams
    seed: int
    created_at: str
    pending_polls: int
    outcome: str | None = None  # None (a normal job), "failed", "nsfw" or "empty"
    ready_at: float = 0.0  # monotonic time before which the job stays PENDING (injected latency)
    polls: int = 0
    images: list[dict[str, Any]] | None = field(default=None, repr=False)  # rendered while PENDING

    @property
    def status(self) -> str:
        if self.polls <= self.pending_polls or time.monotonic() < self.ready_at:
            return "PENDING"
        return "FAILED" if self.outcome == "failed" else "COMPLETE"

    def prepare(self, emu: Any) -> None:
        """Render the images ahead of COMPLETE (a background thread started at create)."""
        with contextlib.suppress(Exception):  # a poll renders them itself if this failed
            rendered = render_images(emu, self)
            if self.images is None:
                self.images = rendered


URLS = {"leonardo_api_base": lambda url: f"{url}{PREFIX}"}  # Emulator attributes


def init_state(emu: Any) -> None:
    emu.leonardo_pending_polls = DEFAULT_PENDING_POLLS  # PENDING polls of each new job
    emu.leonardo_jobs = {}  # generation id -> job (incl. its poll count)


def reset_state(emu: Any) -> None:
    emu.leonardo_pending_polls = DEFAULT_PENDING_POLLS
    emu.leonardo_jobs.clear()


def env_vars(url: str) -> dict[str, str]:
    """What a shell exports to point a Leonardo client at the emulator."""
    return {"LEONARDO_API_BASE": f"{url}{PREFIX}"}


def leonardo_error(status: int, message: str, code: str = "unexpected",
                   headers: dict[str, str] | None = None) -> Response:
    return json_response(status, {"error": message, "path": "$", "code": code}, headers)


def auth_error(req: Request) -> Response | None:
    key = req.bearer_token()
    if key and "invalid" not in key.lower():
        return None
    return leonardo_error(401, "Invalid authentication token", "access-denied")


def create(emu: Any, req: Request, match: re.Match[str]) -> Response:
    if (failure := auth_error(req)) is not None:
        return failure
    if (fault := emu.faults.take("leonardo", "rate_limit")) is not None:
        return leonardo_error(429, "rate limit exceeded", "rate-limit",
                              {"retry-after": format_seconds(fault.retry_after)})
    if emu.faults.take("leonardo", "server_error") is not None:
        return leonardo_error(500, "Internal server error", "unexpected")
    if req.json_error or not req.body.strip():
        return leonardo_error(400, "invalid JSON in the request body", "invalid-json")
    try:
        params = validate(req.json)
    except LeonardoValidationError as failure:
        return leonardo_error(400, failure.message)
    if emu.faults.take("leonardo", "content_policy") is not None:
        return leonardo_error(400, "content moderation filter: prompt rejected")
    job = start_job(emu, req, params)
    return json_response(200, {"sdGenerationJob": {"generationId": job.id, "apiCreditCost": credits(params),
                                                   "cost": cost(params)}})


def create_v2(emu: Any, req: Request, match: re.Match[str]) -> Response:
    """v2 create (partner models, `emulator_v2`): same auth, faults and job as v1; GraphQL-style errors."""
    if (failure := auth_error(req)) is not None:
        return failure
    if (fault := emu.faults.take("leonardo", "rate_limit")) is not None:
        return leonardo_error(429, "rate limit exceeded", "rate-limit",
                              {"retry-after": format_seconds(fault.retry_after)})
    if emu.faults.take("leonardo", "server_error") is not None:
        return emulator_v2.v2_error(500, "Internal server error", "INTERNAL_SERVER_ERROR")
    if req.json_error or not req.body.strip():
        return emulator_v2.v2_error(400, "invalid JSON in the request body")
    try:
        params = emulator_v2.validate_v2(req.json)
    except LeonardoValidationError as failure:
        return emulator_v2.v2_error(400, failure.message)
    if emu.faults.take("leonardo", "content_policy") is not None:
        return emulator_v2.v2_error(400, "content moderation filter: prompt rejected", "CONTENT_MODERATION")
    job = start_job(emu, req, params)
    return json_response(200, {"generate": {"generationId": job.id, "apiCreditCost": credits(params),
                                            "cost": cost(params)}})


def start_job(emu: Any, req: Request, params: LeonardoParams) -> Job:
    """Store a new job (its outcome faults drawn now) and start rendering its images in the background."""
    outcome = next((kind for kind in OUTCOMES if emu.faults.take("leonardo", kind) is not None), None)
    seed = images.seed_for(params.prompt) if params.seed is None else params.seed
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    ready_at = req.arrived + emu.faults.delay("leonardo")
    job = Job(str(uuid.uuid4()), params, seed, created, max(0, int(emu.leonardo_pending_polls)), outcome, ready_at)
    if outcome not in ("failed", "empty"):
        threading.Thread(target=job.prepare, args=(emu,), name=f"leonardo-job:{job.id[:8]}", daemon=True).start()
    with _jobs_lock:
        emu.leonardo_jobs[job.id] = job
        while len(emu.leonardo_jobs) > JOB_LIMIT:
            emu.leonardo_jobs.pop(next(iter(emu.leonardo_jobs)))
    return job


def poll(emu: Any, req: Request, match: re.Match[str]) -> Response:
    if (failure := auth_error(req)) is not None:
        return failure
    with _jobs_lock:
        job = emu.leonardo_jobs.get(match["id"])
        if job is None:
            return json_response(200, {"generations_by_pk": None})
        job.polls += 1
        status = job.status
    generated: list[dict[str, Any]] = []
    if status == "COMPLETE" and job.outcome != "empty":
        if job.images is None:  # rendering is deterministic: two racing polls render the same files
            job.images = render_images(emu, job)
        generated = job.images
    return json_response(200, {"generations_by_pk": describe(job, status, generated)})


def render_images(emu: Any, job: Job) -> list[dict[str, Any]]:
    params = job.params
    text = images.caption(LABEL, params.model_name)
    rendered = []
    for index in range(params.num_images):
        data = images.make_image(params.prompt, width=params.width, height=params.height, text=text,
                                 fmt=IMAGE_FORMAT, index=job.seed + index)
        name = emu.images.put(data, IMAGE_FORMAT)
        rendered.append({"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{job.id}/{index}")),
                         "url": f"{emu.url}/files/{name}", "nsfw": job.outcome == "nsfw", "likeCount": 0})
    return rendered


def describe(job: Job, status: str, generated: list[dict[str, Any]]) -> dict[str, Any]:
    params = job.params
    return {"id": job.id, "status": status, "prompt": params.prompt, "negativePrompt": params.negative_prompt,
            "modelId": params.model_id, "seed": job.seed, "imageWidth": params.width,
            "imageHeight": params.height, "inferenceSteps": params.steps, "guidanceScale": params.guidance_scale,
            "scheduler": params.scheduler, "presetStyle": params.preset_style, "photoReal": params.photo_real,
            "public": params.public, "createdAt": job.created_at, "generated_images": [dict(i) for i in generated]}


def not_found(req: Request) -> Response | None:
    if req.path.startswith((PREFIX + "/", V2_PREFIX + "/")):
        return leonardo_error(404, f"resource not found: {req.method} {req.path}", "not-found")
    return None


ROUTES = [
    route("POST", PREFIX + r"/generations", "leonardo", create),
    route("POST", V2_PREFIX + r"/generations", "leonardo", create_v2),
    route("GET", PREFIX + r"/generations/(?P<id>[^/]+)", "leonardo", poll),
]
