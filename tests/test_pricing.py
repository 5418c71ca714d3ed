import pytest

from imagegen import pricing
from imagegen.pricing import Estimate


@pytest.mark.parametrize("provider,model,options,usd", [
    ("openai", "gpt-image-1", {"quality": "low", "size": "1024x1024"}, 0.0109),
    ("openai", "gpt-image-1", {"quality": "high", "size": "1536x1024"}, 0.2496),
    ("openai", "gpt-image-1", {}, 0.0422),  # auto quality priced as medium, auto size as square
    ("openai", "gpt-image-1.5", {"quality": "medium"}, 0.0338),
    ("openai", "gpt-image-1-mini", {"quality": "low"}, 0.005),  # published per-image price (was ~2x too low)
    ("openai", "gpt-image-1-mini", {"quality": "medium", "size": "1536x1024"}, 0.015),
    ("openai", "chatgpt-image-latest", {"quality": "medium"}, 0.0338),
    ("azure", "gpt-image-2.5-flare", {"quality": "high"}, 0.1248),
    ("openai", "dall-e-3", {"quality": "hd", "size": "1792x1024"}, 0.12),
    ("openai", "dall-e-3", {}, 0.04),
    ("openai", "dall-e-2", {"size": "512x512"}, 0.018),
    ("azure", "dall-e-3", {"quality": "standard", "size": "1024x1024"}, 0.04),
    ("bedrock", "stability.stable-diffusion-xl-v1", {"steps": 30}, 0.04),
    ("bedrock", "stability.stable-diffusion-xl-v1", {"steps": 80}, 0.08),
    ("bedrock", "stability.sd3-5-large-v1:0", {}, 0.08),
    ("bedrock", "stability.stable-image-ultra-v1:1", {}, 0.14),
    ("bedrock", "amazon.titan-image-generator-v1", {"quality": "standard"}, 0.008),
    ("bedrock", "amazon.nova-canvas-v1:0", {}, 0.06),
    ("bedrock", "stability.stable-image-core-v1:1", {}, 0.04),
    ("local", "procedural-v1", {}, 0.0),
])
def test_table_estimates(provider, model, options, usd):
    assert pricing.estimate(provider, model, options).usd == pytest.approx(usd, abs=1e-4)


def test_unknown_prices_say_so():
    assert pricing.estimate("leonardo", "x", {}).usd is None
    assert pricing.estimate("openai", "some-future-model", {}).label() == "cost unknown"
    assert pricing.estimate("local", "procedural-v1", {}).label() == "free"
    assert pricing.estimate("openai", "dall-e-3", {}).label() == "~$0.040"


def test_measured_usage_and_reported_cost_win_over_the_table():
    usage = pricing.actual("openai", "gpt-image-1", {"quality": "high"}, {"usage": {"output_tokens": 1000}})
    assert (usage.usd, usage.basis) == (0.04, "usage")
    reported = pricing.actual("leonardo", "x", {}, {"reported_cost": {"amount": 0.012, "unit": "DOLLARS"}})
    assert (reported.usd, reported.basis) == (0.012, "reported")
    assert pricing.actual("openai", "dall-e-3", {}, {}).basis == "table"


def test_planned_total_counts_unknowns():
    assert pricing.total([Estimate(0.04, "table"), Estimate(None, "unknown"), Estimate(0.0, "free")]) == (0.04, 1)


def test_gpt_image_2_custom_sizes_scale_with_area():
    square = pricing.estimate("openai", "gpt-image-2", {"quality": "high", "size": "1024x1024"}).usd
    big = pricing.estimate("openai", "gpt-image-2", {"quality": "high", "size": "2048x2048"}).usd
    assert big == pytest.approx(square * 4, rel=0.01)


@pytest.mark.parametrize("provider,model,options", [
    ("openai", "gpt-image-2", {"size": "foo"}),
    ("openai", "gpt-image-2", {"size": "0x0"}),
    ("openai", "gpt-image-2", {"size": "fooxbar"}),
    ("openai", "gpt-image-2", {"size": "16x0"}),
    ("openai", "gpt-image-2", {"size": "１０２４x１０２４"}),
    ("openai", "gpt-image-2.5-flare", {"size": "fooxbar"}),
    ("openai", "gpt-image-1", {"quality": 5}),
    ("openai", "gpt-image-1", {"quality": ["high"]}),
    ("openai", "dall-e-3", {"quality": {"x": 1}}),
    ("openai", "dall-e-2", {"size": ["512x512"]}),
    ("bedrock", "stability.stable-diffusion-xl-v1", {"steps": "many"}),
    ("bedrock", "amazon.titan-image-generator-v1", {"quality": []}),
    ("openai", None, {}),
    ("bedrock", 7, {}),
    ("openai", "gpt-image-1", ["quality"]),
    (["openai"], "gpt-image-1", {}),
])
def test_estimate_never_raises_and_says_unknown_for_what_it_cannot_price(provider, model, options):
    estimate = pricing.estimate(provider, model, options)
    assert estimate.usd is None and estimate.label() == "cost unknown"


def test_no_options_price_as_the_defaults():
    assert pricing.estimate("openai", "gpt-image-1", None).usd == pricing.estimate("openai", "gpt-image-1", {}).usd


def test_actual_never_raises_on_odd_reported_costs():
    assert pricing.actual("leonardo", "x", {}, {"reported_cost": {"amount": "lots", "unit": "DOLLARS"}}).usd is None
    assert pricing.actual("openai", "gpt-image-1", {}, {"usage": {"output_tokens": "x"}}).usd is None
