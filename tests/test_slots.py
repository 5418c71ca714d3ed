import pytest

from imagegen.drivers import (
    AmazonBedrockImageGenerationDriver,
    BedrockStableImageGenerationModelDriver,
    LeonardoImageGenerationDriver,
    OpenAiImageGenerationDriver,
)
from imagegen.errors import InvalidOptionsError
from imagegen.slots import SlotSpec, build_driver, credential_status, warm_clients

LUCID_ORIGIN = "7b592283-e8a7-4c5a-9ba6-d18c31f258b9"


def test_catalog_names_map_to_driver_keywords():
    driver = build_driver(SlotSpec("openai", "gpt-image-2", {"size": "1536x1024", "quality": "high",
                                                             "background": ""}))
    assert isinstance(driver, OpenAiImageGenerationDriver)
    assert (driver.image_size, driver.quality, driver.background) == ("1536x1024", "high", None)
    leo = build_driver(SlotSpec("leonardo", "x", {"width": 640, "preset_style": "NONE"}))
    assert isinstance(leo, LeonardoImageGenerationDriver) and (leo.image_width, leo.preset_style) == (640, "NONE")
    leo = build_driver(SlotSpec("leonardo", LUCID_ORIGIN, {"contrast": 4.0, "style": "Film", "ultra": True}))
    assert (leo.contrast, leo.style, leo.ultra) == (4.0, "Film", True)


def test_bedrock_slot_splits_main_and_model_driver_options():
    spec = SlotSpec("bedrock", "stability.stable-image-ultra-v1:1", {"seed": 4, "aspect_ratio": "16:9",
                                                                     "output_format": "jpeg"})
    driver = build_driver(spec, "http://127.0.0.1:9")
    assert isinstance(driver, AmazonBedrockImageGenerationDriver)
    assert (driver.seed, driver.endpoint_url) == (4, "http://127.0.0.1:9")
    assert isinstance(driver.image_generation_model_driver, BedrockStableImageGenerationModelDriver)
    assert (driver.image_generation_model_driver.aspect_ratio, driver.image_generation_model_driver.output_format) == (
        "16:9", "jpeg")
    with pytest.raises(InvalidOptionsError, match="not an image model"):
        build_driver(SlotSpec("bedrock", "meta.llama3-70b", {}))


def test_emulated_drivers_point_at_the_emulator_with_a_dummy_key():
    driver = build_driver(SlotSpec("openai", "gpt-image-2", {}), "http://127.0.0.1:9")
    assert driver.base_url == "http://127.0.0.1:9/v1" and driver.api_key.startswith("emulated")


def test_credential_status_names_what_to_set_and_never_the_value(monkeypatch, tmp_path):
    assert credential_status("local").ok
    status = credential_status("openai")
    assert not status.ok and "OPENAI_API_KEY" in status.message
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-value-123456")
    status = credential_status("openai")
    assert status.ok and status.source == "environment" and "sk-secret" not in repr(status)
    assert "AZURE_OPENAI_ENDPOINT" in credential_status("azure").message
    assert not credential_status("bedrock").ok and "AWS_ACCESS_KEY_ID" in credential_status("bedrock").message
    secrets = tmp_path / "s.toml"
    secrets.write_text('[leonardo]\napi_key = "leo-abc"\n')
    monkeypatch.setenv("IMAGEGEN_SECRETS_FILE", str(secrets))
    assert credential_status("leonardo") == credential_status("leonardo")
    assert credential_status("leonardo").source == "secrets file"


def test_warm_clients_makes_the_clients_generate_will_use_and_skips_what_it_cannot(emulator):
    specs = [SlotSpec("openai", "gpt-image-2", {}), SlotSpec("bedrock", "stability.sd3-5-large-v1:0", {}),
             SlotSpec("leonardo", "de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3", {}),
             SlotSpec("bedrock", "not-an-image-model", {})]
    assert warm_clients([(spec, emulator.url) for spec in specs]) == 2  # Leonardo has no SDK client; bad model
    warmed = build_driver(specs[0], emulator.url).get_client()
    assert build_driver(specs[0], emulator.url).get_client() is warmed
    assert build_driver(specs[1], emulator.url).get_client() is build_driver(specs[1], emulator.url).get_client()
    assert emulator.requests == []  # nothing was sent


# ---- issue 11: options and credentials are separate channels; nothing invalid reaches a provider ----------

DEFAULT_MODELS = {"local": "procedural-v1", "openai": "gpt-image-2", "azure": "gpt-image-2",
                  "bedrock": "stability.stable-image-core-v1:1", "leonardo": "de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3"}


@pytest.mark.parametrize("provider", list(DEFAULT_MODELS))
@pytest.mark.parametrize("name,value", [
    ("api_key", "sk-live-secret-0123456789"), ("n", 2), ("base_url", "http://evil.example"), ("model", "x"),
    ("endpoint_url", "http://evil.example"), ("session", None), ("timeout", 1), ("poll_interval", 0),
    ("image_width", 512), ("negative_prompt_fallback", "ignore"),
])
def test_build_driver_accepts_catalog_options_only(emulator, provider, name, value):
    options = {name: value if value is not None else object()}
    with pytest.raises(InvalidOptionsError) as info:
        build_driver(SlotSpec(provider, DEFAULT_MODELS[provider], options), emulator.url)
    assert info.value.field == name
    assert "sk-live-secret" not in str(info.value)


@pytest.mark.parametrize("provider,model,options,field", [
    ("openai", "gpt-image-77", {"n": 2}, "n"),  # unknown model: the provider's generic options
    ("leonardo", "some-new-uuid", {"api_key": "leo-secret"}, "api_key"),
    ("bedrock", "stability.stable-image-core-v9:0", {"steps": 30}, "steps"),  # not a Stable Image option
    ("bedrock", "stability.sd3-5-large-v1:0", {"width": []}, "width"),
    ("bedrock", "stability.sd3-5-large-v1:0", {"height": {}}, "height"),
    ("bedrock", "stability.stable-image-core-v1:1", {"seed": False}, "seed"),
    ("bedrock", "stability.stable-image-core-v1:1", {"seed": 4294967295}, "seed"),
    ("bedrock", "stability.sd3-5-large-v1:0", {"width": 1024}, "width"),  # takes aspect_ratio
    ("local", "procedural-v1", {"width": 10**400}, "width"),
    ("leonardo", "de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3", {"guidance_scale": b"7"}, "guidance_scale"),
])
def test_build_driver_validates_values_before_making_a_driver(emulator, provider, model, options, field):
    with pytest.raises(InvalidOptionsError) as info:
        build_driver(SlotSpec(provider, model, options), emulator.url)
    assert info.value.field == field
    assert "secret" not in str(info.value)


@pytest.mark.parametrize("provider", list(DEFAULT_MODELS))
@pytest.mark.parametrize("prompts", [[], [""], ["  ", "\n"]])
def test_empty_positive_prompt_with_negatives_is_rejected_for_every_provider(emulator, provider, prompts):
    driver = build_driver(SlotSpec(provider, DEFAULT_MODELS[provider], {}), emulator.url)
    with pytest.raises(InvalidOptionsError) as info:
        driver.run_text_to_image(prompts, ["blurry", "text"])
    assert info.value.field == "prompt"
    assert emulator.requests == []


@pytest.mark.parametrize("provider", list(DEFAULT_MODELS))
@pytest.mark.parametrize("prompts,negatives,field", [
    (["a \ud800 fox"], [], "prompt"), (["a fox"], ["\udfff"], "negative_prompt")])
def test_lone_surrogates_in_prompts_are_rejected_before_any_request(emulator, provider, prompts, negatives, field):
    driver = build_driver(SlotSpec(provider, DEFAULT_MODELS[provider], {}), emulator.url)
    with pytest.raises(InvalidOptionsError) as info:
        driver.run_text_to_image(prompts, negatives)
    assert info.value.field == field
    assert emulator.requests == []
