"""Contract (issue 12): the OpenAI / Azure catalog and the emulator's body rules are independent code that must agree.

For every model the catalog offers (not retired), its defaults and each declared choice (and each bound of a
range) go through the real SDK driver to the emulator and must be accepted. Each value the catalog rejects for a
range or a choice (just past a bound, a made-up choice, a choice only other models declare, a malformed free size)
goes to the emulator as a raw body through the `openai` SDK, bypassing the catalog, and must be refused there too.
The emulator's pixels are stubbed to 16x16 here: only its validation and encoding are under test.
"""

from __future__ import annotations

import io

import openai
import pytest
from PIL import Image

from imagegen import catalog
from imagegen.drivers import AzureOpenAiImageGenerationDriver, OpenAiImageGenerationDriver
from imagegen.emulator import images

KEY = "sk-contract-test-0000"
API_VERSION = "2025-04-01-preview"
PROMPT = "a red fox"
NOT_A_CHOICE = "not-a-choice"
BAD_FREE_SIZES = ("1000x1024", "1600x512", "3840x2176", "0x0")
NEEDS = {  # what the catalog's own cross rules ask for beside an option
    "output_compression": {"output_format": "jpeg"},
    "frame_count": {"output_format": "gif"},
    "frame_duration_ms": {"output_format": "gif"},
}
DRIVER_NAMES = {"size": "image_size"}


def offered(provider_id: str) -> list[catalog.Model]:
    return [m for m in catalog.get_provider(provider_id).models if not m.retired]


CASES = [(provider_id, model) for provider_id in ("openai", "azure") for model in offered(provider_id)]


def case_id(case) -> str:
    return f"{case[0]}-{case[1].id}"


def tiny_image(prompt, *, width, height, text, fmt="png", compression=None, index=0, transparent=False,
               blurred=False) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA" if transparent else "RGB", (16, 16), (200, 80, 20)).save(out, images.PIL_FORMATS[fmt])
    return out.getvalue()


@pytest.fixture
def fast_emulator(emulator, monkeypatch):
    monkeypatch.setattr(images, "make_image", tiny_image)
    return emulator


def with_needs(model: catalog.Model, name: str, value) -> dict:
    return {**model.defaults(), **NEEDS.get(name, {}), name: value}


def declared(model: catalog.Model) -> list[tuple[str, object]]:
    """Each declared choice of each option, and each bound of each range."""
    values = []
    for option in model.options:
        values += [(option.name, choice) for choice in option.choices]
        values += [(option.name, bound) for bound in (option.minimum, option.maximum) if bound is not None]
    return values


def refused(model: catalog.Model) -> list[tuple[str, object]]:
    """Values the catalog rejects: past each bound, a made-up choice, choices only other models declare (on
    OpenAI or Azure: webp and gif are refused on Azure), malformed free sizes."""
    others: dict[str, set] = {}
    for _, other in CASES:
        for option in other.options:
            others.setdefault(option.name, set()).update(option.choices)
    values = []
    for option in model.options:
        step = 1 if option.kind is int else 0.5
        values += [(option.name, option.kind(option.minimum - step))] if option.minimum is not None else []
        values += [(option.name, option.kind(option.maximum + step))] if option.maximum is not None else []
        if option.choices and option.strict_choices:
            values.append((option.name, NOT_A_CHOICE))
            values += [(option.name, value) for value in sorted(others[option.name] - set(option.choices))]
        if option.name == "size" and not option.strict_choices:
            values += [("size", value) for value in BAD_FREE_SIZES]
    return values


def driver_for(provider_id: str, model: catalog.Model, emulator, options: dict):
    kwargs = {DRIVER_NAMES.get(name, name): value for name, value in options.items()}
    if provider_id == "azure":
        return AzureOpenAiImageGenerationDriver(model=model.id, azure_endpoint=emulator.url, api_key=KEY,
                                                api_version=API_VERSION, max_retries=0, **kwargs)
    return OpenAiImageGenerationDriver(model=model.id, api_key=KEY, base_url=emulator.openai_base_url,
                                       max_retries=0, **kwargs)


def raw_client(provider_id: str, emulator) -> openai.OpenAI:
    if provider_id == "azure":
        return openai.AzureOpenAI(azure_endpoint=emulator.url, api_key=KEY, api_version=API_VERSION, max_retries=0)
    return openai.OpenAI(api_key=KEY, base_url=emulator.openai_base_url, max_retries=0)


def test_cases_cover_both_providers_and_every_current_model():
    assert {p for p, _ in CASES} == {"openai", "azure"}
    assert {"gpt-image-2", "gpt-image-2.5-sunburst", "gpt-image-2.6-flare"} <= {m.id for _, m in CASES}


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_defaults_and_each_declared_choice_pass_both(case, fast_emulator):
    provider_id, model = case
    options_list = [model.defaults()] + [with_needs(model, name, value) for name, value in declared(model)]
    failures = []
    for options in options_list:
        assert not catalog.option_problems(provider_id, model.id, options), options
        try:
            driver_for(provider_id, model, fast_emulator, options).run_text_to_image([PROMPT])
        except Exception as exc:  # noqa: BLE001 -- every refusal is reported with its options
            failures.append((options, str(exc)))
    assert failures == []


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_each_value_the_catalog_rejects_the_emulator_rejects(case, fast_emulator):
    provider_id, model = case
    client = raw_client(provider_id, fast_emulator)
    accepted = []
    for name, value in refused(model):
        options = {**NEEDS.get(name, {}), name: value}
        assert catalog.option_problems(provider_id, model.id, options), (name, value)
        try:
            client.images.generate(model=model.id, prompt=PROMPT, extra_body=options)
        except openai.BadRequestError as exc:
            assert exc.body["param"] == name, (name, value, exc.body)
        else:
            accepted.append((name, value))
    assert accepted == []
