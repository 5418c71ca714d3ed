import pytest

from imagegen import catalog
from imagegen.catalog.openai import gpt_image_2_size
from imagegen.errors import InvalidOptionsError


def validate(*args, **kwargs):
    """Option checks of every model, retired ones included (the lifecycle itself: tests/test_lifecycle.py)."""
    return catalog.validate(*args, allow_retired=True, **kwargs)


def option_problems(*args, **kwargs):
    return catalog.option_problems(*args, allow_retired=True, **kwargs)


MODELS = [(p.id, m) for p in catalog.PROVIDERS.values() for m in p.models]
OPTIONS = [(pid, m.id, o) for pid, m in MODELS for o in m.options]


def ids(item):
    return f"{item[0]}:{item[1].id}" if len(item) == 2 else f"{item[0]}:{item[1]}:{item[2].name}"


@pytest.mark.parametrize("provider_id,model", MODELS, ids=[ids(x) for x in MODELS])
def test_every_default_validates(provider_id, model):
    defaults = {o.name: o.default for o in model.options if o.default is not None}
    result = validate(provider_id, model.id, defaults)
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
    if option.check is not None and option.kind is str and not values and option.check(" "):
        return [" "]
    return values or ["---"]


@pytest.mark.parametrize("provider_id,model_id,option", OPTIONS, ids=[ids(x) for x in OPTIONS])
def test_each_invalid_value_is_rejected_naming_field_and_allowed(provider_id, model_id, option):
    for value in invalid_values(option):
        with pytest.raises(InvalidOptionsError) as info:
            validate(provider_id, model_id, {option.name: value})
        message = str(info.value)
        assert f"'{option.name}'" in message
        assert info.value.field == option.name
        if option.choices and option.strict_choices:
            assert all(str(choice) in message for choice in option.choices)
        assert model_id in message


def test_unknown_option_names_what_is_accepted():
    with pytest.raises(InvalidOptionsError, match=r"does not accept option 'style'.*size, quality"):
        validate("openai", "dall-e-2", {"style": "vivid"})


def test_none_means_unset_and_effective_fills_documented_defaults():
    result = validate("openai", "dall-e-3", {"quality": "hd", "size": None})
    assert result.sent == {"quality": "hd"}
    assert result.effective == {"size": "1024x1024", "quality": "hd", "style": "vivid", "response_format": "url"}


def test_legacy_models_are_marked_and_warned():
    assert catalog.get_provider("openai").model("dall-e-3").legacy
    assert not catalog.get_provider("openai").model("gpt-image-2").legacy
    assert any("retired on 2026-05-12" in w for w in validate("openai", "dall-e-2", {}).warnings)


def test_unknown_model_is_accepted_with_type_checks_and_a_warning():
    result = validate("openai", "gpt-image-9", {"size": "4096x4096", "quality": "ultra"})
    assert not result.known
    assert result.sent == {"size": "4096x4096", "quality": "ultra"}
    assert "not in the catalog" in result.warnings[0]
    with pytest.raises(InvalidOptionsError, match="output_compression"):
        validate("openai", "gpt-image-9", {"output_compression": 300})


def test_cross_option_rules():
    with pytest.raises(InvalidOptionsError, match="transparent.*png or webp"):
        validate("openai", "gpt-image-1", {"background": "transparent", "output_format": "jpeg"})
    with pytest.raises(InvalidOptionsError, match="jpeg and webp only"):
        validate("openai", "gpt-image-1", {"output_compression": 80})
    assert validate("openai", "gpt-image-1", {"output_compression": 80, "output_format": "webp"})


@pytest.mark.parametrize("size,ok", [
    ("auto", True), ("1024x1024", True), ("2048x1152", True), ("3840x2160", True), ("2160x3840", True),
    ("1000x1000", False), ("4096x1024", False), ("3856x2160", False), ("big", False), ("4000x2000", False),
])
def test_gpt_image_2_custom_sizes(size, ok):
    assert (gpt_image_2_size(size) is None) == ok
    if not ok:
        with pytest.raises(InvalidOptionsError, match="size"):
            validate("openai", "gpt-image-2", {"size": size})


def test_azure_gpt_image_output_format_is_png_or_jpeg_only():
    with pytest.raises(InvalidOptionsError, match="one of png, jpeg"):
        validate("azure", "gpt-image-1", {"output_format": "webp"})
    assert validate("openai", "gpt-image-1", {"output_format": "webp"}).sent


def test_types_are_not_silently_coerced():
    with pytest.raises(InvalidOptionsError):
        validate("local", "procedural-v1", {"seed": 1.5})
    with pytest.raises(InvalidOptionsError):
        validate("local", "procedural-v1", {"width": "512"})
    assert validate("local", "procedural-v1", {"seed": 0}).sent == {"seed": 0}


def test_unknown_provider_and_missing_model():
    with pytest.raises(InvalidOptionsError, match="Unknown provider 'nope'; choose one of local, openai, azure"):
        validate("nope", "x", {})
    with pytest.raises(InvalidOptionsError, match="model id is required"):
        validate("openai", "", {})


def test_prompt_length_checked_per_model():
    catalog.check_prompt("openai", "dall-e-2", "x" * 1000)
    with pytest.raises(InvalidOptionsError, match="1001 characters.*at most 1000"):
        catalog.check_prompt("openai", "dall-e-2", "x" * 1001)
    with pytest.raises(InvalidOptionsError, match="prompt is empty"):
        catalog.check_prompt("openai", "dall-e-3", "  ")


# ---- issue 11: no option value makes validation raise anything but a field-named InvalidOptionsError ----

LEO_PHOENIX = "de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3"


def short(value):
    """A test id for any value (a 5000-digit int has no str() by default)."""
    return f"{type(value).__name__}-huge" if isinstance(value, int) and value.bit_length() > 64 else None


def rejected(provider_id, model_id, options, field):
    with pytest.raises(InvalidOptionsError) as info:
        validate(provider_id, model_id, options)
    assert info.value.field == field, str(info.value)
    assert f"'{field}'" in str(info.value)
    return info.value


@pytest.mark.parametrize("size", ["0x0", "16x0", "0x16", "-16x-16", "１０２４x１０２４", "1_024x1_024",
                                  " 1024 x 1024 ", "1024X1024", "01024x1024", "16x", "x16", "1024x1024x16",
                                  "\ud800x16", "", "   "])
def test_gpt_image_2_free_size_is_ascii_wxh_with_positive_sides(size):
    assert gpt_image_2_size(size) is not None
    rejected("openai", "gpt-image-2", {"size": size}, "size")


@pytest.mark.parametrize("size", ["16x16", "16x48", "48x16", "3840x2160", "2160x3840", "3840x1280", "2880x2880"])
def test_gpt_image_2_free_size_limits_from_providers_md(size):
    assert validate("openai", "gpt-image-2", {"size": size}).sent == {"size": size}


@pytest.mark.parametrize("size", ["16x64", "3840x2176", "3856x1296", "2896x2896"])
def test_gpt_image_2_free_size_ratio_edge_and_pixel_limits(size):
    rejected("openai", "gpt-image-2", {"size": size}, "size")


@pytest.mark.parametrize("provider_id,model_id,name", [
    ("leonardo", LEO_PHOENIX, "guidance_scale"),
    ("bedrock", "stability.stable-diffusion-xl-v1", "cfg_scale"),
    ("bedrock", "amazon.nova-canvas-v1:0", "cfg_scale"),
    ("bedrock", "stability.stable-diffusion-xl-v9", "cfg_scale"),  # unknown model: generic options
])
@pytest.mark.parametrize("value", [10**400, -(10**400), 10**5000, float("nan"), float("inf"), b"7", "7", True,
                                   [7], {"v": 7}, 1 + 2j], ids=short)
def test_float_options_take_finite_numbers_only(provider_id, model_id, name, value):
    error = rejected(provider_id, model_id, {name: value}, name)
    assert len(str(error)) < 400


@pytest.mark.parametrize("provider_id,model_id,name,value", [
    ("local", "procedural-v1", "seed", True),
    ("local", "procedural-v1", "width", 512.0),
    ("local", "procedural-v1", "width", b"512"),
    ("leonardo", LEO_PHOENIX, "alchemy", 1),
    ("leonardo", LEO_PHOENIX, "alchemy", "true"),
    ("openai", "gpt-image-1", "output_format", b"png"),
    ("openai", "gpt-image-1", "output_compression", 10**400),
    ("openai", "gpt-image-9", "output_compression", 50.0),
    ("openai", "gpt-image-9", "size", b"1024x1024"),
    ("openai", "gpt-image-9", "size", ["1024x1024"]),
    ("openai", "gpt-image-9", "quality", "\ud800"),
    ("bedrock", "stability.stable-diffusion-xl-v9", "seed", 10**5000),
    ("bedrock", "stability.stable-diffusion-xl-v9", "sampler", b"DDIM"),
], ids=short)
def test_values_reaching_a_provider_are_json_types(provider_id, model_id, name, value):
    rejected(provider_id, model_id, {name: value}, name)


def test_an_int_is_accepted_for_a_float_option_and_sent_as_float():
    sent = validate("leonardo", "aa77f04e-3eec-4034-9c07-d0f619684628", {"guidance_scale": 7}).sent  # Kino XL
    assert sent == {"guidance_scale": 7.0} and type(sent["guidance_scale"]) is float


def test_choices_match_on_exact_type():
    option = catalog.Option("n", kind=int, choices=(1, 2))
    assert option.validate(1) == 1
    for value in (True, 1.0, "1", b"1"):
        with pytest.raises(InvalidOptionsError) as info:
            option.validate(value)
        assert info.value.field == "n"


def test_a_check_that_raises_becomes_a_field_named_error(monkeypatch):
    def broken(value):
        raise ZeroDivisionError("boom")

    option = catalog.Option("size", check=broken, help="x")
    with pytest.raises(InvalidOptionsError) as info:
        option.validate("1x1")
    assert info.value.field == "size"

    def broken_rule(options):
        return 1 / 0

    model = catalog.Model("m", "M", (catalog.Option("size", help="x"),), checks=(broken_rule,))
    monkeypatch.setitem(catalog.PROVIDERS, "test", catalog.Provider("test", "Test", (model,)))
    with pytest.raises(InvalidOptionsError, match="Test m"):
        validate("test", "m", {"size": "1x1"})
    assert option_problems("test", "m", {"size": "1x1"})[0].field is None


@pytest.mark.parametrize("model_id", [None, 7, b"gpt-image-1", "\ud800", "  "])
def test_model_id_must_be_a_clean_string(model_id):
    with pytest.raises(InvalidOptionsError) as info:
        validate("openai", model_id, {})
    assert info.value.field == "model"


# ---- issue 11 item 11 and item 3: prompts ----------------------------------------------------------------

@pytest.mark.parametrize("prompt,negative,field", [
    ("a \ud800 fox", "", "prompt"),
    ("a fox", "blurry \udfff", "negative_prompt"),
    ("", "blurry, text", "prompt"),
    (" \n\t", "blurry", "prompt"),
])
def test_check_prompt_rejects_surrogates_and_empty_positive_text(prompt, negative, field):
    with pytest.raises(InvalidOptionsError) as info:
        catalog.check_prompt("openai", "gpt-image-1", prompt, negative)
    assert info.value.field == field


# ---- option_problems: the UI's "what is wrong with these options" ------------------------------------------

def test_option_problems_reports_each_invalid_option_and_unknown_names():
    problems = option_problems("bedrock", "stability.stable-diffusion-xl-v1",
                                       {"cfg_scale": 99, "steps": 5, "n": 2, "seed": None, "sampler": "DDIM"})
    assert [p.field for p in problems] == ["cfg_scale", "steps", "n"]
    assert all(isinstance(p, InvalidOptionsError) for p in problems)
    assert "option 'cfg_scale' = 99 is not accepted; allowed: float from 0 to 35." in str(problems[0])


def test_option_problems_runs_cross_checks_only_when_every_option_is_valid():
    pair = {"background": "transparent", "output_format": "jpeg"}
    [problem] = option_problems("openai", "gpt-image-1", pair)
    assert problem.field == "background" and "png or webp" in str(problem)
    assert [p.field for p in option_problems("openai", "gpt-image-1", {**pair, "quality": "x"})] == ["quality"]
    [size] = option_problems("bedrock", "stability.stable-diffusion-xl-v1", {"width": 1000})
    assert size.field == "width"
    assert option_problems("bedrock", "amazon.nova-canvas-v1:0", {"width": 4096, "height": 320})[0].field


def test_option_problems_empty_when_valid_and_never_raises():
    assert option_problems("openai", "gpt-image-2", {"size": "2048x1152", "quality": None}) == []
    assert option_problems("openai", "gpt-image-77", {"size": "anything"}) == []
    assert option_problems("nope", "x", {})[0].field == "provider"
    assert option_problems("openai", "", {})[0].field == "model"
    assert option_problems("openai", "gpt-image-2", {"size": "0x0"})[0].field == "size"
    assert option_problems("openai", "gpt-image-1", None) == []
    assert option_problems("openai", "gpt-image-1", ["size"])[0].field is None
