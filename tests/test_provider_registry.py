"""A provider defined only here (one model, a tiny driver, its own emulator route, a price) reaches the catalog, the
Compare picker, the Providers page, pricing, the emulator and a compare run, through `providers.register` or an
`imagegen.providers` entry point, with no edit outside this file."""

from __future__ import annotations

import importlib.metadata
import io
import json
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from imagegen import catalog, compare, pricing, provider_status, providers
from imagegen.catalog import Model, Option, Provider
from imagegen.drivers.base import BaseImageGenerationDriver, Request, Result
from imagegen.emulator import running_emulator
from imagegen.emulator.wire import Response, route
from imagegen.errors import InvalidOptionsError
from imagegen.providers.base import CredentialStatus, ProviderPackage
from imagegen.slots import SlotSpec, build_driver
from imagegen.ui import state

APP = str(Path(__file__).resolve().parent.parent / "app.py")
FAKE = Provider("fake", "Fake Images", (Model("fake-1", "Fake One", (Option("seed", kind=int, minimum=0),),
                                              seed=True),), default_model="fake-1")


def png(seed: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (seed % 256, 0, 0)).save(buffer, "PNG")
    return buffer.getvalue()


def generate(emu, req, match) -> Response:
    return Response(200, png((req.json or {}).get("seed") or 0), "image/png")


ROUTES = SimpleNamespace(PROVIDERS=("fake",), ROUTES=[route("POST", r"/fake/generate", "fake", generate)])


class FakeDriver(BaseImageGenerationDriver):
    provider_id = "fake"

    def __init__(self, model: str, base_url: str, seed: int | None = None):
        super().__init__(model)
        self.base_url, self.seed = base_url, seed

    def requested_options(self) -> dict:
        return {"seed": self.seed}

    def build_request(self, prompts, negative_prompts, validated) -> Request:
        body = {"prompt": ", ".join(prompts), "seed": self.seed or 7}
        return Request(body["prompt"], "", body, dict(validated.effective), seed=body["seed"])

    def send(self, request: Request) -> Result:
        call = urllib.request.Request(f"{self.base_url}/fake/generate", json.dumps(request.body).encode(),
                                      {"content-type": "application/json"})
        with urllib.request.urlopen(call, timeout=10) as answer:
            return Result(answer.read(), seed=request.body["seed"], emulated=True)


def fake_driver(spec, emulator_url=None) -> FakeDriver:
    return FakeDriver(spec.model, emulator_url or "http://fake.invalid", **spec.set_options())


PACKAGE = ProviderPackage(FAKE, fake_driver, lambda model, options: pricing.Estimate(0.012, "table"),
                          credential_status=lambda: CredentialStatus(False, None, "Set FAKE_API_KEY."),
                          sdks=("pillow",), endpoint=lambda: "https://fake.invalid", emulator=(ROUTES,))


@pytest.fixture(params=["register", "entry point"])
def fake_provider(request, monkeypatch):
    if request.param == "register":
        providers.register(PACKAGE)
    else:
        entry = SimpleNamespace(name="fake", load=lambda: PACKAGE)
        real = importlib.metadata.entry_points
        monkeypatch.setattr(importlib.metadata, "entry_points",
                            lambda **kw: [entry] if kw.get("group") == "imagegen.providers" else real(**kw))
        providers.refresh()
    yield
    providers.unregister("fake")
    monkeypatch.undo()
    providers.refresh()
    assert "fake" not in catalog.PROVIDERS


def test_catalog_pricing_emulator_and_compare_run(fake_provider):
    assert catalog.PROVIDERS["fake"] is FAKE and "fake" in catalog.PROVIDERS
    assert pricing.estimate("fake", "fake-1", {}).usd == 0.012
    with running_emulator(quiet=True) as emu:
        assert "fake" in emu.providers
        [result] = list(compare.run([compare.Slot(spec := SlotSpec("fake", "fake-1", {"seed": 3}),
                                                  build_driver(spec, emu.url))], "a red square"))
        assert emu.last_request("fake").path == "/fake/generate"
    assert result.error is None and result.artifact.value[:4] == b"\x89PNG"
    assert result.artifact.meta["seed"] == 3 and result.cost.usd == 0.012


def test_compare_picker_and_providers_page(fake_provider, data_dir):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    picker = at.selectbox(key=state.provider_key(0))
    assert "Fake Images" in picker.options
    picker.set_value("fake").run()
    assert not at.exception, at.exception
    assert at.selectbox(key=state.model_key(0)).value == "fake-1"
    assert "Estimated cost: ~$0.012" in [c.value for c in at.caption]
    at.switch_page("pages/providers.py").run()
    assert not at.exception, at.exception
    assert "Fake Images" in " ".join(m.value for m in at.markdown)
    assert any(r.id == "fake" and r.emulated for r in provider_status.rows(True))


def test_an_unknown_provider_is_refused_clearly():
    with pytest.raises(InvalidOptionsError, match="Unknown provider 'nope'") as raised:
        build_driver(SlotSpec("nope", "x"))
    assert raised.value.field == "provider"
    assert pricing.estimate("nope", "x", {}).usd is None
    assert not provider_status.check("nope").ok
