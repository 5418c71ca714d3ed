"""Leonardo.Ai through real `requests` over HTTP against the emulator: create, poll, download."""

import socket
import threading
import time

import pytest

from imagegen.drivers import LeonardoImageGenerationDriver
from imagegen.drivers.leonardo import DEFAULT_API_BASE
from imagegen.errors import (
    ContentPolicyError,
    GenerationTimeoutError,
    InvalidOptionsError,
    MissingCredentialsError,
    ProviderError,
    RateLimitError,
)

from .conftest import LEONARDO_KEY

PHOENIX = "de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3"
KINO_XL = "aa77f04e-3eec-4034-9c07-d0f619684628"  # legacy generation: steps, guidance, preset styles, PhotoReal
LUCID_ORIGIN = "7b592283-e8a7-4c5a-9ba6-d18c31f258b9"
FLUX_DEV = "b2614463-296c-462a-9586-aafdb8f00e36"


def leonardo(**kwargs):
    kwargs.setdefault("poll_interval", 0.02)
    return LeonardoImageGenerationDriver(model=kwargs.pop("model", PHOENIX), **kwargs)


def calls(emulator):
    return [(r.method, r.path.split("/generations")[0] if "/generations" in r.path else r.path.split("/")[1])
            for r in emulator.requests]


def test_create_poll_download_sequence_with_pending_polls(leonardo_env):
    leonardo_env.leonardo_pending_polls = 2
    driver = leonardo(model=KINO_XL, image_width=640, image_height=448, seed=1234, steps=20, guidance_scale=7.5,
                      alchemy=True, preset_style="CINEMATIC", photo_real=True, scheduler="DDIM")
    artifact = driver.run_text_to_image(["a lighthouse"], ["fog", "people"])
    create = leonardo_env.requests[0]
    assert (create.method, create.path) == ("POST", "/api/rest/v1/generations")
    assert create.headers["authorization"] == f"Bearer {LEONARDO_KEY}"
    assert create.json == {"prompt": "a lighthouse", "modelId": KINO_XL, "num_images": 1,
                           "negative_prompt": "fog, people", "width": 640, "height": 448, "seed": 1234,
                           "num_inference_steps": 20, "guidance_scale": 7.5, "presetStyle": "CINEMATIC",
                           "alchemy": True, "photoReal": True, "scheduler": "DDIM"}
    generation_id = artifact.meta["generation_id"]
    polls = [r for r in leonardo_env.requests if r.method == "GET" and generation_id in r.path]
    assert len(polls) == 3  # PENDING, PENDING, COMPLETE
    assert leonardo_env.requests[-1].provider == "files"  # then the image download
    assert sum(r.method == "POST" for r in leonardo_env.requests) == 1
    assert (artifact.format, artifact.width, artifact.height) == ("jpeg", 640, 448)  # a CDN JPEG
    assert artifact.meta["seed"] == 1234
    assert artifact.meta["reported_cost"]["amount"] > 0
    assert artifact.meta["emulated"] is True


def test_defaults_and_no_negative_prompt_key(leonardo_env):
    artifact = leonardo().run_text_to_image(["a cat"])
    assert leonardo_env.requests[0].json == {"prompt": "a cat", "modelId": PHOENIX, "num_images": 1,
                                             "width": 512, "height": 512, "contrast": 3.5}  # required: its default
    assert isinstance(artifact.meta["seed"], int)


def test_native_model_options_on_the_wire(leonardo_env):
    driver = leonardo(model=LUCID_ORIGIN, contrast=4, style="Cinematic Close-Up", ultra=True, enhance_prompt=True,
                      enhance_prompt_instruction="make it moodier", seed=7)
    artifact = driver.run_text_to_image(["a lighthouse"])
    assert leonardo_env.requests[0].json == {
        "prompt": "a lighthouse", "modelId": LUCID_ORIGIN, "num_images": 1, "width": 512, "height": 512, "seed": 7,
        "contrast": 4.0, "styleUUID": "cc53f935-884c-40a0-b7eb-1f5c42821fb5", "ultra": True, "enhancePrompt": True,
        "enhancePromptInstruction": "make it moodier"}
    assert artifact.meta["seed"] == 7


def test_a_partner_model_is_created_on_v2_and_polled_on_v1(leonardo_env):
    driver = leonardo(model="flux-pro-2.0", image_width=1440, image_height=810, seed=4294967295, style="Film",
                      prompt_enhance="OFF")
    artifact = driver.run_text_to_image(["a lighthouse"], ["fog"])
    create = leonardo_env.requests[0]
    assert (create.method, create.path) == ("POST", "/api/rest/v2/generations")
    assert create.json == {"model": "flux-pro-2.0", "public": False, "parameters": {
        "prompt": "a lighthouse. Avoid: fog", "quantity": 1, "width": 1440, "height": 810, "seed": 4294967295,
        "prompt_enhance": "OFF", "style_ids": ["85da2dcc-c373-464c-9a7a-5624359be859"]}}
    assert leonardo_env.requests[1].path.startswith("/api/rest/v1/generations/")
    assert (artifact.width, artifact.height, artifact.meta["seed"]) == (1440, 810, 4294967295)
    assert any("Avoid: fog" in w for w in artifact.meta["warnings"])
    assert artifact.meta["reported_cost"]["amount"] > 0


def test_a_v2_error_list_is_reported_with_its_message(leonardo_env):
    driver = leonardo(model="flux-pro-2.0")
    request = driver.prepare(["a cat"])
    request.body["parameters"]["quantity"] = 9  # past what the catalog would send
    with pytest.raises(ProviderError, match='HTTP 400.*"parameters.quantity"') as info:
        driver.send(request)
    assert info.value.code == "VALIDATION_ERROR"


def test_phoenix_alchemy_with_contrast(leonardo_env):
    leonardo(alchemy=True, contrast=2.5).run_text_to_image(["a cat"])
    assert leonardo_env.requests[0].json["alchemy"] is True and leonardo_env.requests[0].json["contrast"] == 2.5


def test_failed_job_raises_without_a_second_create(leonardo_env):
    leonardo_env.inject("leonardo", "failed", count=1)
    with pytest.raises(ProviderError, match="FAILED"):
        leonardo().run_text_to_image(["a cat"])
    assert sum(r.method == "POST" for r in leonardo_env.requests) == 1


def test_poll_timeout_carries_the_id_and_never_creates_again(leonardo_env):
    leonardo_env.leonardo_pending_polls = 10_000
    with pytest.raises(GenerationTimeoutError) as info:
        leonardo(timeout=0.4).run_text_to_image(["a cat"])
    assert info.value.generation_id in str(info.value)
    assert "not created again" in str(info.value)
    assert sum(r.method == "POST" for r in leonardo_env.requests) == 1
    assert sum(r.method == "GET" for r in leonardo_env.requests) >= 2


def test_create_throttling_is_retried_then_surfaces_as_rate_limit(leonardo_env):
    leonardo_env.inject("leonardo", "rate_limit", count=1, retry_after=0.05)
    leonardo().run_text_to_image(["a cat"])
    assert [r.status for r in leonardo_env.requests if r.method == "POST"] == [429, 200]
    leonardo_env.reset()
    leonardo_env.inject("leonardo", "rate_limit", retry_after=0.05)
    with pytest.raises(RateLimitError, match="HTTP 429"):
        leonardo().run_text_to_image(["a cat"])
    assert [r.status for r in leonardo_env.requests] == [429, 429, 429]


def test_server_error_on_create_is_not_retried(leonardo_env):
    leonardo_env.inject("leonardo", "server_error", count=1)
    with pytest.raises(ProviderError) as info:
        leonardo().run_text_to_image(["a cat"])
    assert info.value.retryable and info.value.status == 500
    assert len(leonardo_env.requests) == 1


def test_nsfw_image_is_kept_and_marked(leonardo_env):
    leonardo_env.inject("leonardo", "nsfw", count=1)
    artifact = leonardo().run_text_to_image(["a cat"])
    assert artifact.meta["filtered"] is True
    assert any("NSFW" in w for w in artifact.meta["warnings"])


def test_complete_without_images_is_a_clear_error(leonardo_env):
    leonardo_env.inject("leonardo", "empty", count=1)
    with pytest.raises(ProviderError, match="completed without an image"):
        leonardo().run_text_to_image(["a cat"])


def test_content_policy_on_create(leonardo_env):
    leonardo_env.inject("leonardo", "content_policy", count=1)
    with pytest.raises(ContentPolicyError, match="Rephrase"):
        leonardo().run_text_to_image(["a cat"])


def test_bad_key_names_the_variable_and_hides_the_key(leonardo_env, monkeypatch):
    key = "leo-invalid-key-77665544332211"
    monkeypatch.setenv("LEONARDO_API_KEY", key)
    with pytest.raises(ProviderError, match="LEONARDO_API_KEY") as info:
        leonardo().run_text_to_image(["a cat"])
    assert key not in str(info.value) and key[:8] not in str(info.value)


def test_missing_key(emulator, monkeypatch):
    monkeypatch.setenv("LEONARDO_API_BASE", emulator.leonardo_api_base)
    with pytest.raises(MissingCredentialsError, match=r"LEONARDO_API_KEY.*\[leonardo\]"):
        leonardo().run_text_to_image(["a cat"])
    assert emulator.requests == []


@pytest.mark.parametrize("kwargs,field", [
    ({"image_width": 515}, "width"), ({"model": KINO_XL, "steps": 5}, "steps"),
    ({"model": KINO_XL, "guidance_scale": 25}, "guidance_scale"),
    ({"model": KINO_XL, "preset_style": "WATERCOLOUR", "alchemy": True}, "preset_style"),
    ({"model": KINO_XL, "scheduler": "FAST"}, "scheduler"),
    ({"model": KINO_XL, "preset_style": "ANIME"}, "preset_style"),
    ({"model": KINO_XL, "photo_real": True}, "photo_real"), ({"model": FLUX_DEV, "seed": 2147483639}, "seed"),
    ({"steps": 20}, "steps"), ({"contrast": 3.2}, "contrast"), ({"style": "Watercolour"}, "style"),
    ({"alchemy": True, "contrast": 1.8}, "contrast"), ({"model": LUCID_ORIGIN, "alchemy": True}, "alchemy"),
    ({"model": FLUX_DEV, "ultra": True}, "ultra"),
    ({"enhance_prompt_instruction": "moodier"}, "enhance_prompt_instruction"),
    ({"model": KINO_XL, "contrast": 3.5}, "contrast"),
    ({"model": "flux-pro-2.0", "image_width": 1441}, "width"), ({"model": "flux-pro-2.0", "seed": 2**32}, "seed"),
    ({"model": "flux-pro-2.0", "prompt_enhance": "MAYBE"}, "prompt_enhance"),
])
def test_invalid_options_never_cost_a_request(leonardo_env, kwargs, field):
    with pytest.raises(InvalidOptionsError) as info:
        leonardo(**kwargs).run_text_to_image(["a cat"])
    assert info.value.field == field
    assert leonardo_env.requests == []


def test_api_base_precedence(monkeypatch):
    assert leonardo().base_url() == DEFAULT_API_BASE
    monkeypatch.setenv("LEONARDO_API_BASE", "http://127.0.0.1:1/api/rest/v1/")
    assert leonardo().base_url() == "http://127.0.0.1:1/api/rest/v1"
    assert leonardo(api_base="http://example.invalid/v1").base_url() == "http://example.invalid/v1"


def test_malformed_and_unknown_poll_bodies_are_clear():
    driver = leonardo()
    with pytest.raises(ProviderError, match="malformed poll body.*not created again"):
        driver.poll_status("gen-1", {"unexpected": True})
    with pytest.raises(ProviderError, match="unknown status 'WEIRD'"):
        driver.poll_status("gen-1", {"generations_by_pk": {"status": "WEIRD"}})
    assert driver.poll_status("gen-1", {"generations_by_pk": None}) is None  # not visible yet: poll again
    assert driver.poll_status("gen-1", {"generations_by_pk": {"status": "PENDING"}}) is None


def test_polls_every_interval_then_a_tenth_of_the_time_waited_at_most_five_seconds():
    driver = LeonardoImageGenerationDriver(model="any", api_key="k", poll_interval=1.0)
    assert [driver.next_interval(waited) for waited in (0, 5, 10, 20, 45, 600)] == [1.0, 1.0, 1.0, 2.0, 4.5, 5.0]


def test_a_job_that_runs_a_while_is_seen_soon_after_it_completes_with_few_polls(leonardo_env):
    leonardo_env.leonardo_pending_polls = 0
    leonardo_env.inject("leonardo", "latency", seconds=0.6, count=1)
    leonardo(poll_interval=0.05).run_text_to_image(["a fox"])
    polls = [r for r in leonardo_env.requests if r.method == "GET" and "/generations/" in r.path]
    assert 2 <= len(polls) <= 0.6 / 0.05 + 2  # PENDING at least once, and every wait is at least poll_interval


def test_cancel_stops_the_wait_within_a_poll_and_never_downloads(leonardo_env):
    leonardo_env.leonardo_pending_polls = 10_000
    driver = leonardo(poll_interval=0.05)
    errors = []

    def run():
        try:
            driver.run_text_to_image(["a cat"])
        except GenerationTimeoutError as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 10
    while not any(r.method == "GET" for r in leonardo_env.requests) and time.monotonic() < deadline:
        time.sleep(0.01)
    [generation_id] = leonardo_env.leonardo_jobs
    assert driver.in_flight["generation_id"] == generation_id and "/generations/user/" in driver.in_flight["find"]
    driver.cancel()
    thread.join(2)
    assert not thread.is_alive() and driver.in_flight is None
    message = str(errors[0])
    assert generation_id in message and "may be charged" in message and "generation history" in message
    seen = len(leonardo_env.requests)
    time.sleep(0.3)
    assert [r for r in leonardo_env.requests[seen:] if r.provider in ("leonardo", "files")] == []
    assert [r for r in leonardo_env.requests if r.provider == "files"] == []
    leonardo_env.leonardo_pending_polls = 0  # the cancel was for that run: the driver can be used again
    assert driver.run_text_to_image(["a cat"]).value


def test_cancelled_before_the_create_sends_nothing(leonardo_env):
    driver = leonardo()
    driver.cancel()
    with pytest.raises(GenerationTimeoutError, match="nothing was charged"):
        driver.run_text_to_image(["a cat"])
    assert leonardo_env.requests == []
    assert driver.run_text_to_image(["a cat"]).value  # only that run was cancelled


def test_a_create_without_an_answer_may_have_been_charged_and_says_how_to_find_it(leonardo_env):
    with socket.socket() as silent:  # accepts the connection (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        driver = leonardo(api_base=f"http://127.0.0.1:{silent.getsockname()[1]}/api/rest/v1", request_timeout=0.3)
        with pytest.raises(GenerationTimeoutError) as info:
            driver.run_text_to_image(["a cat"])
    message = str(info.value)
    assert "may have been created and charged" in message and "Do not simply retry" in message
    assert "generation history" in message and "GET /generations/user/{userId}" in message
    assert "try again" not in message.lower() and info.value.generation_id is None
