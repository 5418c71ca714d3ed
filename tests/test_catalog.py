import pytest

from imagegen import catalog
from imagegen.catalog.openai import gpt_image_2_size
from imagegen.errors import InvalidOptionsError

MODELS = [(p.id, m) for p in catalog.PROVIDERS.values() for m in p.models]
OPTIONS = [(pid, m.id, o) for pid, m in MODELS for o in m.options]


def ids(item):
    return f"{item[0]}:{item[1].id}" if len(item) == 2 else f"{item[0]}:{item[1]}:{item[2].name}"


@pytest.mark.parametrize("provider_id,model", MODELS, ids=[ids(x) for x in MODELS])
def test_every_default_validates(provider_id, model):
    defaults = {o.name: o.default for o in model.options if o.default is not None}
    result = catalog.validate(provider_id, model.id, defaults)
    assert result.known
    assert result.effective == {**defaults}
    assert result.sent == defaults


@pytest.mark.parametrize("provider_id,model", MODELS, ids=[ids(x) for x in MODELS])
def test_every_model_has_help_and_options_have_help_or_choices(provider_id, model):
    assert model.label and model.id
    for option in model.options:
        assert option.help or option.choices, option.name


def invalid_values(option):
    if option.choices and option.strict_choices:
        return ["definitely-not-allowed"]
    if option.kind is bool:
        return ["yes"]
    values = []
    if option.maximum is not None:
        values.append(option.kind(option.maximum + 1))
    if option.minimum is not None:
        values.append(option.kind(option.minimum - 1))
    if option.kind is int:
        values.append(7.5)
    return values or ["---"]


@pytest.mark.parametrize("provider_id,model_id,option", OPTIONS, ids=[ids(x) for x in OPTIONS])
def test_each_invalid_value_is_rejected_naming_field_and_allowed(provider_id, model_id, option):
    for value in invalid_values(option):
        with pytest.raises(InvalidOptionsError) as info:
            catalog.validate(provider_id, model_id, {option.name: value})
        message = str(info.value)
        assert f"'{option.name}'" in message
        assert info.value.field == option.name
        if option.choices and option.strict_choices:
            assert all(str(choice) in message for choice in option.choices)
        assert model_id in message


def test_unknown_option_names_what_is_accepted():
    with pytest.raises(InvalidOptionsError, match=r"does not accept option 'style'.*size, quality"):
        catalog.validate("openai", "dall-e-2", {"style": "vivid"})


def test_none_means_unset_and_effective_fills_documented_defaults():
    result = catalog.validate("openai", "dall-e-3", {"quality": "hd", "size": None})
    assert result.sent == {"quality": "hd"}
    assert result.effective == {"size": "1024x1024", "quality": "hd", "style": "vivid", "response_format": "url"}


def test_legacy_models_are_marked_and_warned():
    assert catalog.get_provider("openai").model("dall-e-3").legacy
    assert not catalog.get_provider("openai").model("gpt-image-1").legacy
    assert any("legacy" in w for w in catalog.validate("openai", "dall-e-2", {}).warnings)


def test_unknown_model_is_accepted_with_type_checks_and_a_warning():
    result = catalog.validate("openai", "gpt-image-9", {"size": "4096x4096", "quality": "ultra"})
    assert not result.known
    assert result.sent == {"size": "4096x4096", "quality": "ultra"}
    assert "not in the catalog" in result.warnings[0]
    with pytest.raises(InvalidOptionsError, match="output_compression"):
        catalog.validate("openai", "gpt-image-9", {"output_compression": 300})


def test_cross_option_rules():
    with pytest.raises(InvalidOptionsError, match="transparent.*png or webp"):
        catalog.validate("openai", "gpt-image-1", {"background": "transparent", "output_format": "jpeg"})
    with pytest.raises(InvalidOptionsError, match="jpeg and webp only"):
        catalog.validate("openai", "gpt-image-1", {"output_compression": 80})
    assert catalog.validate("openai", "gpt-image-1", {"output_compression": 80, "output_format": "webp"})


@pytest.mark.parametrize("size,ok", [
    ("auto", True), ("1024x1024", True), ("2048x1152", True), ("3840x2160", True), ("2160x3840", True),
    ("1000x1000", False), ("4096x1024", False), ("3856x2160", False), ("big", False), ("4000x2000", False),
])
def test_gpt_image_2_custom_sizes(size, ok):
    assert (gpt_image_2_size(size) is None) == ok
    if not ok:
        with pytest.raises(InvalidOptionsError, match="size"):
            catalog.validate("openai", "gpt-image-2", {"size": size})


def test_azure_gpt_image_output_format_is_png_or_jpeg_only():
    with pytest.raises(InvalidOptionsError, match="one of png, jpeg"):
        catalog.validate("azure", "gpt-image-1", {"output_format": "webp"})
    assert catalog.validate("openai", "gpt-image-1", {"output_format": "webp"}).sent


def test_types_are_not_silently_coerced():
    with pytest.raises(InvalidOptionsError):
        catalog.validate("local", "procedural-v1", {"seed": 1.5})
    with pytest.raises(InvalidOptionsError):
        catalog.validate("local", "procedural-v1", {"width": "512"})
    assert catalog.validate("local", "procedural-v1", {"seed": 0}).sent == {"seed": 0}


def test_unknown_provider_and_missing_model():
    with pytest.raises(InvalidOptionsError, match="Unknown provider 'nope'; choose one of local, openai, azure"):
        catalog.validate("nope", "x", {})
    with pytest.raises(InvalidOptionsError, match="model id is required"):
        catalog.validate("openai", "", {})


def test_prompt_length_checked_per_model():
    catalog.check_prompt("openai", "dall-e-2", "x" * 1000)
    with pytest.raises(InvalidOptionsError, match="1001 characters.*at most 1000"):
        catalog.check_prompt("openai", "dall-e-2", "x" * 1001)
    with pytest.raises(InvalidOptionsError, match="prompt is empty"):
        catalog.check_prompt("openai", "dall-e-3", "  ")
