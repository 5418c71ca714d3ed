"""Contract (issue 12): the Bedrock catalog and the emulator's body rules are independent code that must agree.

Every catalog model's defaults and each declared choice give a body the emulator accepts; each value the catalog
rejects for a range or a choice (just past each bound, a made-up choice) the emulator rejects too. Bodies are built
by the real model drivers, with the catalog skipped, so the emulator judges exactly what would be sent. Retired
models are included: their bodies still go out with allow_retired=True.
"""

import pytest

from imagegen import catalog
from imagegen.drivers import AmazonBedrockImageGenerationDriver
from imagegen.drivers.bedrock import model_driver_for
from imagegen.emulator.bedrock_rules import BedrockValidationError, family_of, validate

PROVIDER = catalog.get_provider("bedrock")
MODELS = PROVIDER.models
NOT_A_CHOICE = "not-a-choice"


def body(model: catalog.Model, options: dict) -> dict:
    driver = AmazonBedrockImageGenerationDriver(model=model.id, image_generation_model_driver=model_driver_for(
        model.id)(), allow_retired=True)
    return driver.build_request(["a red fox"], ["blurry"], catalog.Validated(model, dict(options),
                                                                             dict(options))).body


def emulator_accepts(model: catalog.Model, options: dict) -> bool:
    try:
        validate(body(model, options), model.id)
    except BedrockValidationError:
        return False
    return True


def catalog_accepts(model: catalog.Model, options: dict) -> bool:
    return not catalog.option_problems("bedrock", model.id, options, allow_retired=True)


def choices() -> list[tuple[catalog.Model, str, object]]:
    return [(m, o.name, c) for m in MODELS for o in m.options if o.strict_choices for c in o.choices]


def rejected() -> list[tuple[catalog.Model, str, object]]:
    """Values just past each declared bound, and a made-up value for each choice option."""
    cases = []
    for model in MODELS:
        for option in model.options:
            step = 1 if option.kind is int else 0.5
            if option.minimum is not None:
                cases.append((model, option.name, option.kind(option.minimum - step)))
            if option.maximum is not None:
                cases.append((model, option.name, option.kind(option.maximum + step)))
            if option.choices and option.strict_choices:
                cases.append((model, option.name, NOT_A_CHOICE))
    return cases


def test_every_catalog_model_is_served_by_the_emulator():
    assert all(family_of(m.id) for m in MODELS)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.id)
def test_defaults_pass_both(model):
    options = model.defaults()
    assert catalog_accepts(model, options)
    assert emulator_accepts(model, options), body(model, options)


@pytest.mark.parametrize("model,name,value", choices(), ids=lambda v: getattr(v, "id", str(v)))
def test_each_declared_choice_passes_both(model, name, value):
    options = {**model.defaults(), name: value}
    assert catalog_accepts(model, options)
    assert emulator_accepts(model, options), body(model, options)


@pytest.mark.parametrize("model,name,value", rejected(), ids=lambda v: getattr(v, "id", str(v)))
def test_what_the_catalog_rejects_the_emulator_rejects(model, name, value):
    options = {**model.defaults(), name: value}
    assert not catalog_accepts(model, options)
    assert not emulator_accepts(model, options), body(model, options)


@pytest.mark.parametrize("model_id,options", [
    ("stability.sd3-5-large-v1:0", {"seed": 4294967294}),
    ("stability.stable-image-ultra-v1:1", {"seed": 0, "aspect_ratio": "9:21", "output_format": "jpeg"}),
    ("amazon.nova-canvas-v1:0", {"width": 2048, "height": 2032}),
])
def test_edges_pass_both(model_id, options):
    model = PROVIDER.model(model_id)
    options = {**model.defaults(), **options}
    assert catalog_accepts(model, options) and emulator_accepts(model, options)


@pytest.mark.parametrize("model_id,options", [
    ("stability.stable-diffusion-xl-v1", {"width": 1024, "height": 768}),  # not an SDXL size
    ("amazon.titan-image-generator-v2:0", {"width": 1000, "height": 1000}),
    ("amazon.nova-canvas-v1:0", {"width": 1000, "height": 1024}),  # not a multiple of 16
    ("amazon.nova-canvas-v1:0", {"width": 4096, "height": 512}),  # ratio past 4:1
    ("amazon.nova-canvas-v1:0", {"width": 2048, "height": 2048}),  # 4,194,304 pixels: not under the cap
])
def test_cross_field_rules_agree(model_id, options):
    model = PROVIDER.model(model_id)
    options = {**model.defaults(), **options}
    assert not catalog_accepts(model, options) and not emulator_accepts(model, options)


def test_current_models_are_active_and_the_default_is_one_of_them():
    current = {"stability.sd3-5-large-v1:0", "stability.stable-image-core-v1:1", "stability.stable-image-ultra-v1:1"}
    assert {m.id for m in MODELS if m.status == "active"} == current
    assert PROVIDER.default_model in current
    for model in MODELS:
        if model.id not in current:
            assert model.status == "retired" and model.status_date and PROVIDER.model(model.successor).status == (
                "active"), model.id
