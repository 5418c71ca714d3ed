"""Model lifecycle (issue 12): retired models refused before any request, deprecated ones warned, defaults active,
and the pinned openai SDK's ImageModel literal known to the catalog."""

import typing

import pytest
from openai.types.image_model import ImageModel

from imagegen import catalog
from imagegen.drivers import AzureOpenAiImageGenerationDriver, OpenAiImageGenerationDriver
from imagegen.errors import InvalidOptionsError, ProviderError
from imagegen.ui.slot_editor import model_choices, model_label
from imagegen.ui.state import DEFAULT_SLOTS


def test_the_sdk_image_model_literal_names_only_models_the_catalog_knows():
    known = {m.id for m in catalog.get_provider("openai").models}
    assert set(typing.get_args(ImageModel)) - known == set()


@pytest.mark.parametrize("provider", list(catalog.PROVIDERS))
def test_every_default_model_is_active(provider):
    model = catalog.get_provider(provider).model(catalog.get_provider(provider).default_model)
    assert model is not None and model.status == "active"


def test_default_slots_are_active_models():
    for provider, model_id in DEFAULT_SLOTS:
        assert catalog.get_provider(provider).model(model_id).status == "active"


@pytest.mark.parametrize("provider,model", [(p.id, m) for p in catalog.PROVIDERS.values() for m in p.models
                                            if m.status != "active"])
def test_lifecycle_fields_name_a_date_and_a_known_successor(provider, model):
    assert model.status in ("deprecated", "retired") and model.status_date and model.successor
    successor = catalog.get_provider(provider).model(model.successor)
    assert successor is not None and not successor.retired


def test_a_retired_model_is_refused_naming_date_and_successor():
    with pytest.raises(InvalidOptionsError) as info:
        catalog.validate("openai", "dall-e-3", {})
    assert info.value.field == "model"
    assert "retired on 2026-05-12 — use GPT Image 2 (gpt-image-2)" in str(info.value)
    [problem] = catalog.option_problems("openai", "gpt-image-1", {"quality": "high"})
    assert problem.field == "model" and "retired on 2026-10-23" in str(problem)


def test_allow_retired_turns_the_refusal_into_a_warning():
    result = catalog.validate("azure", "gpt-image-1", {}, allow_retired=True)
    assert any("retired on 2026-10-23" in w and "sent anyway" in w for w in result.warnings)
    assert catalog.option_problems("azure", "gpt-image-1", {}, allow_retired=True) == []


def test_a_deprecated_model_validates_with_a_warning():
    [warning] = catalog.validate("openai", "gpt-image-1.5", {}).warnings
    assert warning == ("OpenAI GPT Image 1.5 is deprecated and shuts down on 2026-12-01; move to GPT Image 2.5 "
                       "Sunburst (gpt-image-2.5-sunburst).")
    assert "2026-12-16" in catalog.validate("azure", "gpt-image-1.5", {}).warnings[0]


def test_a_driver_refuses_a_retired_model_before_any_request(emulator, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-lifecycle")
    monkeypatch.setenv("OPENAI_BASE_URL", emulator.url + "/v1")
    with pytest.raises(InvalidOptionsError, match="retired on 2026-10-23 — use GPT Image 2"):
        OpenAiImageGenerationDriver(model="gpt-image-1").run_text_to_image(["a fox"])
    assert emulator.requests == []


def test_allow_retired_sends_and_the_emulator_answers_like_the_provider(emulator, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-lifecycle")
    monkeypatch.setenv("OPENAI_BASE_URL", emulator.url + "/v1")
    with pytest.raises(ProviderError) as info:
        OpenAiImageGenerationDriver(model="dall-e-3", allow_retired=True).run_text_to_image(["a fox"])
    assert info.value.status == 404
    assert emulator.last_request("openai").json["model"] == "dall-e-3"


def test_azure_driver_takes_allow_retired(emulator, monkeypatch):
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "azure-test-key")
    driver = AzureOpenAiImageGenerationDriver(model="dall-e-3", azure_endpoint=emulator.url, allow_retired=True)
    assert driver.allow_retired and any("retired" in w for w in driver.prepare(["a fox"]).warnings)


def test_the_picker_hides_retired_models_but_keeps_a_loaded_one():
    openai = catalog.get_provider("openai")
    assert "dall-e-3" not in model_choices(openai, "gpt-image-2")
    assert model_choices(openai, "dall-e-3")[-1] == "dall-e-3"
    assert model_label(openai, "dall-e-3") == "DALL·E 3 (retired)"
    assert model_label(openai, "gpt-image-1-mini") == "GPT Image 1 mini (deprecated until 2026-12-01)"
    assert model_label(openai, "gpt-image-2") == "GPT Image 2"
