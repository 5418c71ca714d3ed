"""OpenAI driver through the real `openai` SDK over HTTP against the emulator."""

from types import SimpleNamespace

import pytest

from imagegen.drivers import OpenAiImageGenerationDriver
from imagegen.engines import PromptImageGenerationEngine
from imagegen.errors import (
    ContentPolicyError,
    GenerationTimeoutError,
    InvalidOptionsError,
    MissingCredentialsError,
    ProviderError,
    RateLimitError,
)
from imagegen.rules import Ruleset

from .conftest import OPENAI_KEY


def test_exact_body_auth_and_measured_artifact(openai_env):
    driver = OpenAiImageGenerationDriver(model="gpt-image-2", image_size="512x512")
    artifact = driver.run_text_to_image(["a dog", "watercolor"])
    request = openai_env.last_request("openai")
    assert request.path == "/v1/images/generations"
    assert request.headers["authorization"] == f"Bearer {OPENAI_KEY}"
    assert request.json == {"model": "gpt-image-2", "prompt": "a dog, watercolor", "n": 1, "size": "512x512"}
    assert (artifact.format, artifact.width, artifact.height, artifact.mime_type) == ("png", 512, 512, "image/png")
    assert artifact.name.endswith(".png")
    meta = artifact.meta
    assert (meta["provider"], meta["model"], meta["prompt"]) == ("openai", "gpt-image-2", "a dog, watercolor")
    assert meta["emulated"] is True
    assert meta["seed"] is None
    assert meta["latency_ms"] > 0
    assert meta["options"]["size"] == "512x512" and meta["options"]["quality"] == "auto"
    assert "response_format" not in meta["options"] and meta["warnings"] == []


def test_an_image_url_is_downloaded_at_once(openai_env):
    """GPT image models answer base64; a url answer (an unknown or retired model sent anyway) is still fetched."""
    url = f"{openai_env.url}/files/{openai_env.images.put(b'image bytes')}"
    driver = OpenAiImageGenerationDriver(model="gpt-image-2")
    assert driver.image_bytes(SimpleNamespace(b64_json=None, url=url)) == b"image bytes"
    with pytest.raises(ProviderError, match="Could not download"):
        driver.image_bytes(SimpleNamespace(b64_json=None, url=f"{openai_env.url}/files/missing.png"))


def test_gpt_image_sends_only_fields_it_accepts(openai_env):
    driver = OpenAiImageGenerationDriver(model="gpt-image-2", image_size="1536x1024", quality="low",
                                         output_format="jpeg", output_compression=80, background="opaque",
                                         moderation="low")
    artifact = driver.run_text_to_image(["a red bicycle"])
    body = openai_env.last_request("openai").json
    assert body == {"model": "gpt-image-2", "prompt": "a red bicycle", "n": 1, "size": "1536x1024",
                    "quality": "low", "output_format": "jpeg", "output_compression": 80,
                    "background": "opaque", "moderation": "low"}
    assert "response_format" not in body and "style" not in body
    assert (artifact.format, artifact.mime_type, artifact.width, artifact.height) == (
        "jpeg", "image/jpeg", 1536, 1024)
    assert artifact.name.endswith(".jpg")
    assert artifact.meta["usage"]["output_tokens"] == 408


def test_gpt_image_defaults_send_a_minimal_body(openai_env):
    artifact = OpenAiImageGenerationDriver(model="gpt-image-2").run_text_to_image("a cat")
    assert openai_env.last_request("openai").json == {"model": "gpt-image-2", "prompt": "a cat", "n": 1}
    assert (artifact.width, artifact.height) == (1024, 1024)
    assert artifact.meta["options"]["size"] == "auto"


def test_unknown_model_id_passes_through_with_warning(openai_env):
    driver = OpenAiImageGenerationDriver(model="gpt-image-7", image_size="1024x1024", quality="high")
    artifact = driver.run_text_to_image(["a tree"])
    assert openai_env.last_request("openai").json == {"model": "gpt-image-7", "prompt": "a tree", "n": 1,
                                                      "size": "1024x1024", "quality": "high"}
    assert any("not in the catalog" in w for w in artifact.meta["warnings"])


def test_negative_prompt_appended_as_avoid_with_warning(openai_env):
    engine = PromptImageGenerationEngine(OpenAiImageGenerationDriver(model="gpt-image-2"))
    artifact = engine.run(["a dog"], negative_rulesets=[Ruleset("n", ["blurry", "text"])])
    assert openai_env.last_request("openai").json["prompt"] == "a dog. Avoid: blurry, text"
    assert artifact.meta["prompt"] == "a dog. Avoid: blurry, text"
    assert artifact.meta["negative_prompt"] == "blurry, text"
    assert any("Avoid: blurry, text" in w for w in artifact.meta["warnings"])


def test_negative_prompt_ignore_drops_it_and_warns(openai_env):
    driver = OpenAiImageGenerationDriver(model="gpt-image-2", negative_prompt_fallback="ignore")
    artifact = driver.run_text_to_image(["a dog"], ["blurry"])
    assert openai_env.last_request("openai").json["prompt"] == "a dog"
    assert any("ignored (blurry)" in w for w in artifact.meta["warnings"])


@pytest.mark.parametrize("kwargs,field", [
    ({"model": "gpt-image-2", "style": "vivid"}, "style"),
    ({"model": "gpt-image-2.6-sunburst", "image_size": "512x512"}, "size"),
    ({"model": "gpt-image-2", "quality": "xhigh"}, "quality"),
    ({"model": "gpt-image-2", "complexity": "extreme"}, "complexity"),
    ({"model": "gpt-image-2", "frame_count": 4}, "frame_count"),
    ({"model": "gpt-image-2", "response_format": "url"}, "response_format"),
    ({"model": "gpt-image-2", "quality": "hd"}, "quality"),
    ({"model": "gpt-image-2", "output_compression": 101, "output_format": "jpeg"}, "output_compression"),
    ({"model": "gpt-image-2", "negative_prompt_fallback": "shout"}, "negative_prompt_fallback"),
])
def test_invalid_options_never_cost_a_request(openai_env, kwargs, field):
    with pytest.raises(InvalidOptionsError) as info:
        OpenAiImageGenerationDriver(**kwargs).run_text_to_image(["x"])
    assert info.value.field == field
    assert openai_env.requests == []


def test_prompt_too_long_for_model_is_rejected_before_sending(openai_env):
    with pytest.raises(InvalidOptionsError, match="at most 32000"):
        OpenAiImageGenerationDriver(model="gpt-image-2").run_text_to_image(["x" * 32001])
    assert openai_env.requests == []


def test_rate_limit_then_success_is_retried(openai_env):
    openai_env.inject("openai", "rate_limit", count=1, retry_after=1)
    artifact = OpenAiImageGenerationDriver(model="gpt-image-2").run_text_to_image(["a fox"])
    statuses = [r.status for r in openai_env.requests if r.provider == "openai"]
    assert statuses == [429, 200]
    assert artifact.meta["latency_ms"] >= 900  # waited for retry-after


def test_rate_limit_exhausted_raises_rate_limit_error(openai_env):
    openai_env.inject("openai", "rate_limit", retry_after=1)
    with pytest.raises(RateLimitError) as info:
        OpenAiImageGenerationDriver(model="gpt-image-2", max_retries=1).run_text_to_image(["a fox"])
    assert [r.status for r in openai_env.requests] == [429, 429]
    assert info.value.retry_after == 1
    assert "HTTP 429" in str(info.value)


@pytest.mark.parametrize("model", ["gpt-image-2", "gpt-image-1.5"])
def test_content_policy_rejection(openai_env, model):
    openai_env.inject("openai", "content_policy", count=1)
    with pytest.raises(ContentPolicyError, match="Rephrase"):
        OpenAiImageGenerationDriver(model=model).run_text_to_image(["something"])
    assert len(openai_env.requests) == 1  # a 400 is not retried


def test_bad_key_401_names_the_variable_and_hides_the_key(openai_env, monkeypatch):
    key = "sk-invalid-9f8e7d6c5b4a39281706"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    with pytest.raises(ProviderError) as info:
        OpenAiImageGenerationDriver(model="gpt-image-2").run_text_to_image(["x"])
    message = str(info.value)
    assert info.value.status == 401
    assert "OPENAI_API_KEY" in message
    assert key not in message and key[:8] not in message and key[-4:] not in message


def test_explicit_api_key_and_base_url_win_over_environment(emulator, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    driver = OpenAiImageGenerationDriver(model="gpt-image-2", api_key="sk-explicit-key-000000",
                                         base_url=emulator.openai_base_url)
    driver.run_text_to_image(["x"])
    assert emulator.last_request("openai").headers["authorization"] == "Bearer sk-explicit-key-000000"


def test_missing_key_names_variable_and_secrets_entry(emulator, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", emulator.openai_base_url)
    with pytest.raises(MissingCredentialsError, match=r"OPENAI_API_KEY is not set.*\[openai\]"):
        OpenAiImageGenerationDriver(model="gpt-image-2").run_text_to_image(["x"])
    assert emulator.requests == []


def test_key_from_secrets_file_when_environment_is_empty(emulator, monkeypatch, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[openai]\napi_key = "sk-from-secrets-file-123"\n')
    monkeypatch.setenv("IMAGEGEN_SECRETS_FILE", str(secrets))
    OpenAiImageGenerationDriver(model="gpt-image-2", base_url=emulator.openai_base_url).run_text_to_image("x")
    assert emulator.last_request("openai").headers["authorization"] == "Bearer sk-from-secrets-file-123"


def test_server_error_retried_then_reported_as_retryable(openai_env):
    openai_env.inject("openai", "server_error", count=1)
    OpenAiImageGenerationDriver(model="gpt-image-2").run_text_to_image(["x"])
    openai_env.reset()
    openai_env.inject("openai", "server_error")
    with pytest.raises(ProviderError) as info:
        OpenAiImageGenerationDriver(model="gpt-image-2", max_retries=0).run_text_to_image(["x"])
    assert (info.value.status, info.value.retryable) == (500, True)


def test_timeout_becomes_generation_timeout_error(openai_env):
    openai_env.inject("openai", "latency", seconds=2)
    with pytest.raises(GenerationTimeoutError, match="timeout"):
        OpenAiImageGenerationDriver(model="gpt-image-2", timeout=0.3, max_retries=0).run_text_to_image(["x"])


def test_unreachable_endpoint_says_what_to_check(closed_port_url, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    driver = OpenAiImageGenerationDriver(model="gpt-image-2", base_url=closed_port_url, max_retries=0)
    with pytest.raises(ProviderError, match="Could not reach OpenAI.*base URL") as info:
        driver.run_text_to_image(["x"])
    assert info.value.retryable


def test_client_is_reused_and_replaced_when_the_key_changes(openai_env, monkeypatch):
    driver = OpenAiImageGenerationDriver(model="gpt-image-2")
    driver.run_text_to_image(["a"])
    first = driver.get_client()
    driver.run_text_to_image(["b"])
    assert driver.get_client() is first
    monkeypatch.setenv("OPENAI_API_KEY", "sk-rotated-key-0000000000")
    driver.run_text_to_image(["c"])
    assert driver.get_client() is not first
    assert openai_env.last_request("openai").headers["authorization"] == "Bearer sk-rotated-key-0000000000"


@pytest.mark.parametrize("prompts", [[], [""], ["  "]])
def test_empty_prompt_with_negative_rules_is_rejected_not_sent_as_avoid(openai_env, prompts):
    engine = PromptImageGenerationEngine(OpenAiImageGenerationDriver(model="gpt-image-2"))
    with pytest.raises(InvalidOptionsError, match="prompt is empty") as info:
        engine.run(prompts, negative_rulesets=[Ruleset("n", ["blurry", "text"])])
    assert info.value.field == "prompt"
    assert openai_env.requests == []


def test_negative_clause_refuses_an_empty_prompt():
    from imagegen.drivers.openai import negative_clause

    assert negative_clause("a dog", ["blurry"], "append", "OpenAI")[0] == "a dog. Avoid: blurry"
    with pytest.raises(InvalidOptionsError) as info:
        negative_clause(" ", ["blurry", "text"], "append", "OpenAI")
    assert info.value.field == "prompt"


@pytest.mark.parametrize("kwargs,field", [
    ({"model": "gpt-image-2", "image_size": "0x0"}, "size"),
    ({"model": "gpt-image-2", "image_size": "16x0"}, "size"),
    ({"model": "gpt-image-2", "image_size": "１０２４x１０２４"}, "size"),
    ({"model": "gpt-image-2", "image_size": " 1024 x 1024 "}, "size"),
    ({"model": "gpt-image-2", "output_format": b"png"}, "output_format"),
    ({"model": "gpt-image-2", "quality": "\ud800"}, "quality"),
    ({"model": "gpt-image-7", "image_size": "\ud800"}, "size"),
])
def test_odd_values_are_field_named_errors_before_any_request(openai_env, kwargs, field):
    with pytest.raises(InvalidOptionsError) as info:
        OpenAiImageGenerationDriver(**kwargs).run_text_to_image(["a fox"])
    assert info.value.field == field
    assert openai_env.requests == []


def test_lone_surrogate_in_the_prompt_never_reaches_the_sdk(openai_env):
    with pytest.raises(InvalidOptionsError, match="prompt") as info:
        OpenAiImageGenerationDriver(model="gpt-image-2").run_text_to_image(["a fox \ud83d"])
    assert info.value.field == "prompt"
    assert openai_env.requests == []
