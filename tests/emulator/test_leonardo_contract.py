"""Contract (issue 12): the Leonardo catalog and the emulator's body rules are independent code that must agree.

Every catalog model's defaults and each declared choice (with alchemy on when the catalog needs it, as for preset
styles) give a create body the emulator accepts; each value the catalog rejects for a range or a choice, the emulator
rejects too. Bodies come from the real driver with the catalog skipped, so the emulator judges what would be sent.
"""

import pytest

from imagegen import catalog
from imagegen.catalog.leonardo import NATIVE_MODELS, V2_MODELS
from imagegen.drivers import LeonardoImageGenerationDriver
from imagegen.emulator.leonardo_rules import LEGACY, NATIVE, LeonardoValidationError, validate
from imagegen.emulator.leonardo_v2 import MODELS as V2_SERVED
from imagegen.emulator.leonardo_v2 import validate_v2

PROVIDER = catalog.get_provider("leonardo")
MODELS = PROVIDER.models
NOT_A_CHOICE = "not-a-choice"


def body(model: catalog.Model, options: dict) -> dict:
    driver = LeonardoImageGenerationDriver(model=model.id)
    return driver.build_request(["a red fox"], ["blurry"], catalog.Validated(model, dict(options),
                                                                             dict(options))).body


def emulator_accepts(model: catalog.Model, options: dict) -> bool:
    try:
        (validate_v2 if model.id in V2_MODELS else validate)(body(model, options))
    except LeonardoValidationError:
        return False
    return True


def catalog_accepts(model: catalog.Model, options: dict) -> bool:
    return not catalog.option_problems("leonardo", model.id, options)


def choices() -> list[tuple[catalog.Model, str, object]]:
    return [(m, o.name, c) for m in MODELS for o in m.options for c in o.choices]


def rejected() -> list[tuple[catalog.Model, str, object]]:
    cases = []
    for model in MODELS:
        for option in model.options:
            step = 1 if option.kind is int else 0.5
            if option.minimum is not None:
                cases.append((model, option.name, option.kind(option.minimum - step)))
            if option.maximum is not None:
                cases.append((model, option.name, option.kind(option.maximum + step)))
            if option.choices:
                cases.append((model, option.name, 3.2 if option.kind is float else NOT_A_CHOICE))
    return cases


def test_the_emulator_knows_every_catalog_model_and_which_are_native():
    assert set(NATIVE) == set(NATIVE_MODELS) and set(V2_SERVED) == set(V2_MODELS)
    assert {m.id for m in MODELS if m.legacy} == set(LEGACY)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.label)
def test_defaults_pass_both(model):
    options = model.defaults()
    assert catalog_accepts(model, options)
    assert emulator_accepts(model, options), body(model, options)


@pytest.mark.parametrize("model,name,value", choices(), ids=lambda v: getattr(v, "label", str(v)))
def test_each_declared_choice_passes_both(model, name, value):
    options = {**model.defaults(), name: value}
    if not catalog_accepts(model, options):
        options["alchemy"] = True  # preset styles other than LEONARDO / NONE need alchemy
    assert catalog_accepts(model, options)
    assert emulator_accepts(model, options), body(model, options)


@pytest.mark.parametrize("model,name,value", rejected(), ids=lambda v: getattr(v, "label", str(v)))
def test_what_the_catalog_rejects_the_emulator_rejects(model, name, value):
    options = {**model.defaults(), name: value}
    assert not catalog_accepts(model, options)
    assert not emulator_accepts(model, options), body(model, options)


PHOENIX = "de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3"
LUCID_ORIGIN = "7b592283-e8a7-4c5a-9ba6-d18c31f258b9"
FLUX_KONTEXT = "28aeddf8-bd19-4803-80fc-79602d1a9989"
KINO_XL = "aa77f04e-3eec-4034-9c07-d0f619684628"


@pytest.mark.parametrize("model_id,options,ok", [
    (PHOENIX, {"alchemy": True, "contrast": 2.5}, True),
    (PHOENIX, {"alchemy": True, "contrast": 1.8}, False),
    (PHOENIX, {"enhance_prompt": True, "enhance_prompt_instruction": "moodier"}, True),
    (PHOENIX, {"enhance_prompt_instruction": "moodier"}, False),
    (PHOENIX, {"width": 516}, False),
    (LUCID_ORIGIN, {"ultra": True, "contrast": 4.5}, True),
    (FLUX_KONTEXT, {"seed": 2147483638}, True),
    (FLUX_KONTEXT, {"seed": 2147483639}, False),
    (KINO_XL, {"preset_style": "ANIME"}, False),
    (KINO_XL, {"photo_real": True, "alchemy": True, "preset_style": "CINEMATIC"}, True),
])
def test_cross_field_rules_agree(model_id, options, ok):
    model = PROVIDER.model(model_id)
    options = {**model.defaults(), **options}
    assert catalog_accepts(model, options) is ok
    assert emulator_accepts(model, options) is ok, body(model, options)


@pytest.mark.parametrize("field,model_id", [("alchemy", LUCID_ORIGIN), ("ultra", FLUX_KONTEXT),
                                            ("contrast", KINO_XL), ("preset_style", PHOENIX)])
def test_fields_a_model_does_not_take_are_refused_by_both(field, model_id):
    model = PROVIDER.model(model_id)
    value = {"preset_style": "NONE", "contrast": 3.5}.get(field, True)
    options = {**model.defaults(), field: value}
    assert not catalog_accepts(model, options)
    sent = {**options}
    driver = LeonardoImageGenerationDriver(model=model_id)
    wire = driver.build_request(["a fox"], [], catalog.Validated(None, sent, sent)).body  # the catalog skipped
    with pytest.raises(LeonardoValidationError):
        validate(wire)


def test_native_models_require_contrast_and_the_default_model_is_active_and_native():
    with pytest.raises(LeonardoValidationError, match='"contrast"'):
        validate({"prompt": "a fox", "modelId": PHOENIX})
    assert PROVIDER.default_model in NATIVE_MODELS and PROVIDER.model(PROVIDER.default_model).status == "active"
    assert all(m.status == "active" for m in MODELS)
