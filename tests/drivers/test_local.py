"""The offline driver: deterministic, and its pixels follow the prompt, negatives, style and seed."""

import io

import numpy as np
import pytest
from PIL import Image

from imagegen.drivers import LocalImageGenerationDriver
from imagegen.engines import PromptImageGenerationEngine
from imagegen.errors import InvalidOptionsError
from imagegen.rules import Ruleset


def pixels(artifact) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(artifact.value)).convert("RGB"), dtype=np.float64)


def hsv(artifact) -> np.ndarray:
    image = Image.open(io.BytesIO(artifact.value)).convert("RGB").convert("HSV")
    return np.asarray(image, dtype=np.float64) / 255.0


def red_share(artifact) -> float:
    h, s, v = np.moveaxis(hsv(artifact), -1, 0)
    hue = h * 360
    return float((((hue < 20) | (hue > 340)) & (s > 0.4) & (v > 0.3)).mean())


def run(prompt, negative=(), **kwargs):
    kwargs.setdefault("seed", 7)
    return LocalImageGenerationDriver(**kwargs).run_text_to_image([prompt], list(negative))


def test_same_inputs_give_identical_bytes_and_report_the_seed():
    a, b = run("a red fox at sunset", ["blue"], style_preset="watercolor"), run(
        "a red fox at sunset", ["blue"], style_preset="watercolor")
    assert a.value == b.value
    assert a.meta["seed"] == 7 and a.meta["options"]["seed"] == 7
    assert (a.format, a.width, a.height) == ("png", 512, 512)
    assert a.meta["emulated"] is False and a.meta["provider"] == "local"


def test_random_seed_is_drawn_reported_and_reproduces_the_image():
    first = LocalImageGenerationDriver().run_text_to_image(["a calm lake"])
    seed = first.meta["seed"]
    assert isinstance(seed, int) and 0 <= seed < 2**32
    assert run("a calm lake", seed=seed).value == first.value


def test_seed_changes_the_pixels_but_not_the_palette():
    a, b = pixels(run("a green forest", seed=1)), pixels(run("a green forest", seed=2))
    assert np.abs(a - b).mean() > 2
    assert np.abs(a.mean(axis=(0, 1)) - b.mean(axis=(0, 1))).max() < 40


def test_prompt_colour_moves_the_colour_statistics():
    red, blue = pixels(run("a red balloon")), pixels(run("a blue balloon"))
    assert red[..., 0].mean() > blue[..., 0].mean() + 15
    assert blue[..., 2].mean() > red[..., 2].mean() + 15


def test_negative_colour_is_kept_out():
    without = run("a red rose at sunset")
    with_negative = run("a red rose at sunset", ["red"])
    assert red_share(without) > 0.05
    assert red_share(with_negative) < 0.005


def test_negative_rulesets_reach_the_local_driver():
    engine = PromptImageGenerationEngine(LocalImageGenerationDriver(seed=3))
    artifact = engine.run(["a red rose at sunset"], negative_rulesets=[Ruleset("avoid", ["red"])])
    assert artifact.meta["negative_prompt"] == "red"
    assert red_share(artifact) < 0.005


def test_style_presets_change_the_look_in_the_expected_direction():
    base = pixels(run("a mountain under a yellow sun"))
    line = pixels(run("a mountain under a yellow sun", style_preset="line-art"))
    neon = pixels(run("a mountain under a yellow sun", style_preset="neon"))
    pixel = run("a mountain under a yellow sun", style_preset="pixel-art")
    flat = run("a mountain under a yellow sun", style_preset="flat")
    assert line.mean() > 200 and line.mean() > base.mean()  # mostly white paper
    assert neon.mean() < base.mean() and neon.mean() < 110  # dark with glowing lines
    colours = len(np.unique(pixels(pixel).reshape(-1, 3), axis=0))
    assert colours <= 64
    assert len(np.unique(pixels(flat).reshape(-1, 3), axis=0)) <= 64


def test_size_is_honoured_and_out_of_range_is_rejected():
    artifact = run("a boat", image_width=320, image_height=200)
    assert (artifact.width, artifact.height) == (320, 200)
    with pytest.raises(InvalidOptionsError, match="width"):
        run("a boat", image_width=10)
    with pytest.raises(InvalidOptionsError, match="style_preset.*watercolor"):
        run("a boat", style_preset="oil")
