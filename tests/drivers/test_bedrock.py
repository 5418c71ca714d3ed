"""Amazon Bedrock through real boto3 over HTTP against the emulator: exact bodies, paths, errors."""

import pytest

from imagegen.drivers import (
    AmazonBedrockImageGenerationDriver,
    BedrockNovaCanvasImageGenerationModelDriver,
    BedrockStableDiffusionImageGenerationModelDriver,
    BedrockStableImageGenerationModelDriver,
    BedrockTitanImageGenerationModelDriver,
)
from imagegen.errors import (
    ContentPolicyError,
    InvalidOptionsError,
    MissingCredentialsError,
    ProviderError,
    RateLimitError,
)

from .conftest import AWS_KEY_ID

SDXL = "stability.stable-diffusion-xl-v1"
SD3 = "stability.sd3-5-large-v1:0"
CORE = "stability.stable-image-core-v1:1"
TITAN = "amazon.titan-image-generator-v1"
NOVA = "amazon.nova-canvas-v1:0"
# SDXL, Titan and Nova are retired: their body shapes are still tested, sent with allow_retired=True.


def bedrock(model, model_driver, **kwargs):
    kwargs.setdefault("allow_retired", True)
    return AmazonBedrockImageGenerationDriver(model=model, image_generation_model_driver=model_driver, **kwargs)


def test_retired_model_is_refused_before_any_request_unless_allowed(bedrock_env):
    with pytest.raises(InvalidOptionsError, match="2025-05-20.*stability.sd3-5-large-v1:0") as info:
        bedrock(SDXL, BedrockStableDiffusionImageGenerationModelDriver(), allow_retired=False).run_text_to_image(["x"])
    assert info.value.field == "model" and bedrock_env.requests == []


def test_retired_model_answers_end_of_life_when_the_emulator_enforces_it(bedrock_env):
    bedrock_env.bedrock_end_of_life = True
    try:
        with pytest.raises(ProviderError, match="end of its life.*Use stability.stable-image-core-v1:1") as info:
            bedrock(TITAN, BedrockTitanImageGenerationModelDriver()).run_text_to_image(["x"])
    finally:
        bedrock_env.bedrock_end_of_life = False
    assert info.value.status == 404


def test_sdxl_weights_seed_zero_and_omitted_nulls(bedrock_env):
    driver = bedrock(SDXL, BedrockStableDiffusionImageGenerationModelDriver(), seed=0)
    artifact = driver.run_text_to_image(["a dog", "watercolor"], ["blurry", "text"])
    request = bedrock_env.last_request("bedrock")
    assert request.path == f"/model/{SDXL}/invoke"
    assert request.headers["authorization"].startswith(f"AWS4-HMAC-SHA256 Credential={AWS_KEY_ID}/")
    assert "/us-west-2/bedrock/aws4_request" in request.headers["authorization"]
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept"] == "application/json"
    assert request.json == {
        "text_prompts": [{"text": "a dog", "weight": 1.0}, {"text": "watercolor", "weight": 1.0},
                         {"text": "blurry", "weight": -1.0}, {"text": "text", "weight": -1.0}],
        "width": 1024, "height": 1024, "seed": 0, "cfg_scale": 7.0,
    }
    assert (artifact.format, artifact.width, artifact.height) == ("png", 1024, 1024)
    assert isinstance(artifact.meta["seed"], int) and artifact.meta["seed"] > 0  # 0 = random: the used one
    assert artifact.meta["emulated"] is True and artifact.meta["provider"] == "bedrock"


def test_sdxl_every_option(bedrock_env):
    model_driver = BedrockStableDiffusionImageGenerationModelDriver(
        style_preset="pixel-art", clip_guidance_preset="FAST_BLUE", sampler="K_EULER", cfg_scale=12, steps=50)
    artifact = bedrock(SDXL, model_driver, image_width=1344, image_height=768, seed=1234).run_text_to_image(["x"])
    assert bedrock_env.last_request("bedrock").json == {
        "text_prompts": [{"text": "x", "weight": 1.0}], "width": 1344, "height": 768, "seed": 1234,
        "cfg_scale": 12.0, "steps": 50, "style_preset": "pixel-art", "clip_guidance_preset": "FAST_BLUE",
        "sampler": "K_EULER",
    }
    assert (artifact.width, artifact.height, artifact.meta["seed"]) == (1344, 768, 1234)


def test_docs_sdxl_v0_id_is_passed_through(bedrock_env):
    model_driver = BedrockStableDiffusionImageGenerationModelDriver(style_preset="pixel-art")
    bedrock("stability.stable-diffusion-xl-v0", model_driver).run_text_to_image(["a dog"])
    assert bedrock_env.last_request("bedrock").path == "/model/stability.stable-diffusion-xl-v0/invoke"


def test_sd3_flat_body_percent_encoded_path_and_aspect_ratio_mapping(bedrock_env):
    model_driver = BedrockStableImageGenerationModelDriver(output_format="jpeg")
    artifact = bedrock(SD3, model_driver, image_width=1280, image_height=720, seed=0).run_text_to_image(
        ["a harbour at dawn"], ["fog"])
    request = bedrock_env.last_request("bedrock")
    assert request.path == "/model/stability.sd3-5-large-v1%3A0/invoke"
    assert request.json == {"prompt": "a harbour at dawn", "negative_prompt": "fog", "aspect_ratio": "16:9",
                            "seed": 0, "output_format": "jpeg"}
    assert artifact.format == "jpeg" and artifact.width > artifact.height
    assert any("nearest allowed ratio, 16:9" in w for w in artifact.meta["warnings"])
    assert isinstance(artifact.meta["seed"], int)


@pytest.mark.parametrize("model", ["stability.sd3-5-large-v1:0", "stability.stable-image-core-v1:1",
                                   "stability.stable-image-ultra-v1:1"])
def test_stable_image_family_with_explicit_aspect_ratio(bedrock_env, model):
    model_driver = BedrockStableImageGenerationModelDriver(aspect_ratio="21:9")
    artifact = bedrock(model, model_driver).run_text_to_image(["a wide valley"])
    assert bedrock_env.last_request("bedrock").json == {"prompt": "a wide valley", "aspect_ratio": "21:9",
                                                        "output_format": "png"}
    assert artifact.width / artifact.height > 2


def test_titan_body_negative_text_and_drawn_seed(bedrock_env):
    model_driver = BedrockTitanImageGenerationModelDriver(quality="premium", cfg_scale=9)
    artifact = bedrock(TITAN, model_driver, image_width=512, image_height=512).run_text_to_image(
        ["a lantern", "paper"], ["smoke"])
    body = bedrock_env.last_request("bedrock").json
    seed = artifact.meta["seed"]
    assert body == {"taskType": "TEXT_IMAGE",
                    "textToImageParams": {"text": "a lantern, paper", "negativeText": "smoke"},
                    "imageGenerationConfig": {"numberOfImages": 1, "quality": "premium", "cfgScale": 9.0,
                                              "width": 512, "height": 512, "seed": seed}}
    assert 0 <= seed <= 2147483646
    assert (artifact.width, artifact.height) == (512, 512)


def test_titan_without_negatives_has_no_negative_text(bedrock_env):
    bedrock(TITAN, BedrockTitanImageGenerationModelDriver(), seed=42).run_text_to_image(["a lantern"])
    body = bedrock_env.last_request("bedrock").json
    assert body["textToImageParams"] == {"text": "a lantern"}
    assert body["imageGenerationConfig"]["seed"] == 42


def test_nova_style_size_and_encoded_path(bedrock_env):
    model_driver = BedrockNovaCanvasImageGenerationModelDriver(style="FLAT_VECTOR_ILLUSTRATION", quality="premium")
    artifact = bedrock(NOVA, model_driver, image_width=1280, image_height=720, seed=7).run_text_to_image(
        ["a fox"], ["text"])
    request = bedrock_env.last_request("bedrock")
    assert request.path == "/model/amazon.nova-canvas-v1%3A0/invoke"
    assert request.json == {
        "taskType": "TEXT_IMAGE",
        "textToImageParams": {"text": "a fox", "negativeText": "text", "style": "FLAT_VECTOR_ILLUSTRATION"},
        "imageGenerationConfig": {"numberOfImages": 1, "quality": "premium", "cfgScale": 6.5, "width": 1280,
                                  "height": 720, "seed": 7},
    }
    assert (artifact.width, artifact.height, artifact.meta["seed"]) == (1280, 720, 7)


@pytest.mark.parametrize("model,model_driver,kwargs,field", [
    (SDXL, BedrockStableDiffusionImageGenerationModelDriver(cfg_scale=40), {}, "cfg_scale"),
    (SDXL, BedrockStableDiffusionImageGenerationModelDriver(sampler="FAST"), {}, "sampler"),
    (SDXL, BedrockStableDiffusionImageGenerationModelDriver(), {"image_width": 1000}, "width"),
    (SD3, BedrockStableImageGenerationModelDriver(aspect_ratio="7:3"), {}, "aspect_ratio"),
    (TITAN, BedrockTitanImageGenerationModelDriver(quality="ultra"), {}, "quality"),
    (NOVA, BedrockNovaCanvasImageGenerationModelDriver(), {"image_width": 1000}, "width"),
    (NOVA, BedrockNovaCanvasImageGenerationModelDriver(), {"seed": 858993460}, "seed"),
    (NOVA, BedrockTitanImageGenerationModelDriver(), {}, "image_generation_model_driver"),
])
def test_invalid_options_never_cost_a_request(bedrock_env, model, model_driver, kwargs, field):
    with pytest.raises(InvalidOptionsError) as info:
        bedrock(model, model_driver, **kwargs).run_text_to_image(["x"])
    assert info.value.field == field
    assert bedrock_env.requests == []


def test_sdxl_content_filtered_image_is_kept_and_marked(bedrock_env):
    bedrock_env.inject("bedrock", "output_filter", count=1)
    artifact = bedrock(SDXL, BedrockStableDiffusionImageGenerationModelDriver()).run_text_to_image(["x"])
    assert artifact.meta["filtered"] is True
    assert any("CONTENT_FILTERED" in w for w in artifact.meta["warnings"])


def test_sdxl_error_finish_reason_raises(bedrock_env):
    bedrock_env.inject("bedrock", "model_error", count=1)
    with pytest.raises(ProviderError, match="finishReason ERROR"):
        bedrock(SDXL, BedrockStableDiffusionImageGenerationModelDriver()).run_text_to_image(["x"])


def test_sd3_filters(bedrock_env):
    bedrock_env.inject("bedrock", "content_policy", count=1)
    with pytest.raises(ContentPolicyError, match="Filter reason: prompt"):
        bedrock(SD3, BedrockStableImageGenerationModelDriver()).run_text_to_image(["x"])
    bedrock_env.inject("bedrock", "output_filter", count=1)
    artifact = bedrock(SD3, BedrockStableImageGenerationModelDriver()).run_text_to_image(["x"])
    assert artifact.meta["filtered"] is True


@pytest.mark.parametrize("model,model_driver", [(TITAN, BedrockTitanImageGenerationModelDriver()),
                                                (NOVA, BedrockNovaCanvasImageGenerationModelDriver()),
                                                (SDXL, BedrockStableDiffusionImageGenerationModelDriver())])
def test_validation_exception_about_content_filters_is_content_policy(bedrock_env, model, model_driver):
    bedrock_env.inject("bedrock", "content_policy", count=1)
    with pytest.raises(ContentPolicyError, match="Rephrase"):
        bedrock(model, model_driver).run_text_to_image(["x"])


def test_validation_exception_from_the_service_is_invalid_options(bedrock_env):
    driver = bedrock("stability.stable-diffusion-xl-v9", BedrockStableDiffusionImageGenerationModelDriver())
    with pytest.raises(InvalidOptionsError, match="model identifier is invalid"):
        driver.run_text_to_image(["x"])


def test_throttling_is_retried_then_succeeds(bedrock_env):
    bedrock_env.inject("bedrock", "rate_limit", count=1)
    bedrock(CORE, BedrockStableImageGenerationModelDriver()).run_text_to_image(["x"])
    assert [r.status for r in bedrock_env.requests] == [429, 200]


@pytest.mark.parametrize("kind", ["rate_limit", "model_not_ready"])
def test_throttling_exhausted_is_rate_limit_error(bedrock_env, kind):
    bedrock_env.inject("bedrock", kind)
    driver = bedrock(CORE, BedrockStableImageGenerationModelDriver(), max_attempts=2)
    with pytest.raises(RateLimitError, match="retries ran out"):
        driver.run_text_to_image(["x"])
    assert [r.status for r in bedrock_env.requests] == [429, 429]


def test_access_denied_says_to_enable_model_access_in_the_region(bedrock_env):
    bedrock_env.bedrock_denied_models.add(CORE)
    with pytest.raises(ProviderError, match="Bedrock console.*us-west-2") as info:
        bedrock(CORE, BedrockStableImageGenerationModelDriver()).run_text_to_image(["x"])
    assert info.value.status == 403


def test_missing_credentials_name_the_variables(emulator, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", emulator.url)
    with pytest.raises(MissingCredentialsError, match="AWS_ACCESS_KEY_ID.*AWS_PROFILE"):
        bedrock(CORE, BedrockStableImageGenerationModelDriver()).run_text_to_image(["x"])
    assert emulator.requests == []


def test_rejected_credentials_name_the_variables_without_the_secret(bedrock_env, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAINVALID000000000")
    with pytest.raises(ProviderError, match="AWS_ACCESS_KEY_ID") as info:
        bedrock(CORE, BedrockStableImageGenerationModelDriver()).run_text_to_image(["x"])
    assert "test-secret-access-key" not in str(info.value)


def test_explicit_endpoint_url_and_credentials_from_the_secrets_file(emulator, monkeypatch, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[bedrock]\naws_access_key_id = "AKIAFROMSECRETS00001"\n'
                       'aws_secret_access_key = "s3cr3t"\nregion = "eu-central-1"\n')
    monkeypatch.setenv("IMAGEGEN_SECRETS_FILE", str(secrets))
    driver = bedrock(CORE, BedrockStableImageGenerationModelDriver(), endpoint_url=emulator.url)
    driver.run_text_to_image(["x"])
    auth = emulator.last_request("bedrock").headers["authorization"]
    assert "Credential=AKIAFROMSECRETS00001/" in auth and "/eu-central-1/bedrock/" in auth


@pytest.mark.parametrize("value", [0, False, [], {}, -1024, 1024.0, "1024", 10**400], ids=repr)
@pytest.mark.parametrize("side", ["image_width", "image_height"])
@pytest.mark.parametrize("model,model_driver", [
    (SDXL, BedrockStableDiffusionImageGenerationModelDriver()),
    (SD3, BedrockStableImageGenerationModelDriver()),
    (TITAN, BedrockTitanImageGenerationModelDriver()),
    (NOVA, BedrockNovaCanvasImageGenerationModelDriver()),
])
def test_falsy_or_junk_sizes_are_rejected_not_defaulted(bedrock_env, model, model_driver, side, value):
    with pytest.raises(InvalidOptionsError) as info:
        bedrock(model, model_driver, **{side: value}).run_text_to_image(["x"])
    assert info.value.field == side.removeprefix("image_")
    assert bedrock_env.requests == []


@pytest.mark.parametrize("model,model_driver,field", [
    (SDXL, BedrockStableDiffusionImageGenerationModelDriver(cfg_scale=10**400), "cfg_scale"),
    (TITAN, BedrockTitanImageGenerationModelDriver(cfg_scale=10**400), "cfg_scale"),
    (NOVA, BedrockNovaCanvasImageGenerationModelDriver(cfg_scale=b"7"), "cfg_scale"),
    (NOVA, BedrockNovaCanvasImageGenerationModelDriver(cfg_scale=float("nan")), "cfg_scale"),
    (SDXL, BedrockStableDiffusionImageGenerationModelDriver(steps=True), "steps"),
    (SD3, BedrockStableImageGenerationModelDriver(output_format=b"png"), "output_format"),
], ids=lambda v: type(v).__name__)
def test_non_json_or_overflowing_values_are_field_named(bedrock_env, model, model_driver, field):
    with pytest.raises(InvalidOptionsError) as info:
        bedrock(model, model_driver).run_text_to_image(["x"])
    assert info.value.field == field
    assert bedrock_env.requests == []
