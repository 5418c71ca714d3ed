"""The offline procedural renderer: determinism, prompt, negative prompt, styles, sizes, label, encode.

Checks compare colour statistics of the pictures, so they fail when the behaviour breaks, not only on errors.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from imagegen.render import STYLES, encode, label, render

SIZE = 256


def pixels(prompt: str, negative: str = "", *, seed: int = 1, style: str | None = None,
           width: int = SIZE, height: int = SIZE) -> np.ndarray:
    """The rendered picture as floats in [0, 1], shape (height, width, 3)."""
    return np.asarray(render(prompt, negative, seed=seed, width=width, height=height, style=style),
                      dtype=np.float64) / 255


def hsv(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hue in degrees [0, 360), saturation and value in [0, 1] (plain numpy, independent of the renderer)."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    v = rgb.max(axis=-1)
    c = v - rgb.min(axis=-1)
    s = np.where(v > 0, c / np.maximum(v, 1e-9), 0)
    safe = np.maximum(c, 1e-9)
    h = np.select([c == 0, v == r, v == g], [0, ((g - b) / safe) % 6, (b - r) / safe + 2], (r - g) / safe + 4)
    return h * 60, s, v


def strongly_red(rgb: np.ndarray) -> float:
    """Fraction of pixels with hue within 20 degrees of red, saturation > 0.4 and value > 0.3."""
    h, s, v = hsv(rgb)
    near = np.minimum(h, 360 - h) < 20
    return float((near & (s > .4) & (v > .3)).mean())


def means(rgb: np.ndarray) -> np.ndarray:
    return rgb.reshape(-1, 3).mean(axis=0)


def luminance(rgb: np.ndarray) -> np.ndarray:
    return rgb @ np.array([.299, .587, .114])


def unique_colours(rgb: np.ndarray) -> int:
    return len(np.unique((rgb * 255).round().astype(np.uint8).reshape(-1, 3), axis=0))


# --- determinism ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("style", [None, *STYLES])
def test_same_inputs_give_identical_bytes(style):
    args = dict(seed=42, width=200, height=160, style=style)
    first = encode(render("a dog riding a skateboard at sunset", "blue", **args))
    second = encode(render("a dog riding a skateboard at sunset", "blue", **args))
    assert first == second


@pytest.mark.parametrize("style", [None, *STYLES])
def test_different_seed_gives_different_pixels(style):
    a = pixels("a cat in a garden", seed=1, style=style)
    b = pixels("a cat in a garden", seed=2, style=style)
    assert np.abs(a - b).mean() > .01


def test_bytes_do_not_depend_on_python_hash_seed():
    code = ("import hashlib, sys; from imagegen.render import render, encode; "
            "sys.stdout.write(hashlib.sha256(encode(render('stars over a city', 'red', seed=9, width=96, "
            "height=96, style='neon'))).hexdigest())")
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": os.getcwd()}
        run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                             check=True)
        digests.add(run.stdout)
    image = render("stars over a city", "red", seed=9, width=96, height=96, style="neon")
    here = hashlib.sha256(encode(image))
    assert digests == {here.hexdigest()}


# --- the prompt shows in the picture --------------------------------------------------------------------

@pytest.mark.parametrize("seed", [1, 2, 3])
def test_colour_words_set_the_palette(seed):
    red = means(pixels("a red landscape", seed=seed))
    blue = means(pixels("a blue landscape", seed=seed))
    assert red[0] > blue[0] + .15
    assert blue[2] > red[2] + .15
    assert red[0] > red[2] and blue[2] > blue[0]


def test_colour_word_tied_to_a_subject_colours_it():
    red_car, blue_car = means(pixels("a red car")), means(pixels("a blue car"))
    assert red_car[0] - red_car[2] > blue_car[0] - blue_car[2] + .05
    assert strongly_red(pixels("a red car")) > .03


@pytest.mark.parametrize("style", [None, "flat", "watercolor", "photographic", "pixel-art"])
def test_green_forest_is_green(style):
    r, g, b = means(pixels("a green forest", style=style))
    assert g > r + .05 and g > b


def test_no_colour_words_still_differ_by_prompt():
    a, b = means(pixels("a quiet afternoon")), means(pixels("an afternoon somewhere else"))
    assert np.abs(a - b).max() > .01


def test_moods_change_the_light():
    night = luminance(pixels("a city at night")).mean()
    day = luminance(pixels("a city, happy and bright")).mean()
    assert day > night + .25
    stormy_h, stormy_s, _ = hsv(pixels("a stormy sea"))
    calm_h, calm_s, _ = hsv(pixels("a calm sea"))
    assert stormy_s.mean() < calm_s.mean()


def test_subjects_change_the_composition():
    base = pixels("a landscape", seed=4)
    for prompt in ("a landscape with mountains", "a landscape with a city", "a dog in a landscape",
                   "a landscape by the sea"):
        assert np.abs(pixels(prompt, seed=4) - base).mean() > .02, prompt


# --- negative prompt -------------------------------------------------------------------------------------

@pytest.mark.parametrize("prompt", ["a red sunset over the sea", "a red car at sunset", "red roses"])
@pytest.mark.parametrize("style", [None, *STYLES])
def test_negative_colour_is_kept_out(prompt, style):
    assert strongly_red(pixels(prompt, "red", style=style)) < .005


@pytest.mark.parametrize("style", [None, "flat", "pixel-art", "photographic"])
def test_red_is_there_without_the_negative(style):
    assert strongly_red(pixels("a red sunset over the sea", style=style)) > .1


@pytest.mark.parametrize("style", [None, *STYLES])
def test_negative_green_keeps_the_whole_green_band_out(style):
    def green(rgb):
        h, s, v = hsv(rgb)
        return ((np.abs(h - 118) < 30) & (s > .4) & (v > .3)).mean()

    assert green(pixels("a green forest", "green", style=style)) < .005
    if style in (None, "flat", "pixel-art"):
        assert green(pixels("a green forest", style=style)) > .3


def test_negative_blue_keeps_blue_out():
    h, s, v = hsv(pixels("a blue sky over a blue ocean", "blue"))
    blue = (np.abs(h - 220) < 20) & (s > .4) & (v > .3)
    assert blue.mean() < .005


def test_negative_black_lifts_the_shadows():
    dark = luminance(pixels("a city at night"))
    lifted = luminance(pixels("a city at night", "black"))
    assert (dark < .12).mean() > .2
    assert (lifted < .12).mean() < .01


def test_negative_white_dims_the_whites():
    assert (pixels("white clouds over snowy mountains", "white").min(axis=2) > .93).mean() < .01


def test_negative_subject_is_not_drawn():
    with_car = pixels("a red car", seed=3)
    without = pixels("a red car", "car", seed=3)
    assert strongly_red(with_car) > .03
    assert strongly_red(without) < .005


def test_negative_subject_leaves_the_rest_of_the_scene_in_place():
    with_sun = pixels("a sun over the mountains", seed=5)
    without = pixels("a sun over the mountains", "sun", seed=5)
    diff = np.abs(with_sun - without).max(axis=2)
    assert (diff > .2).mean() > .01  # the sun (and its glow) went...
    assert diff[-SIZE // 4:].max() < .03  # ...while the ground in front stayed exactly where it was


# --- styles ---------------------------------------------------------------------------------------------

PROMPT = "a dog riding a skateboard under a yellow sun"


def test_pixel_art_has_few_colours_and_hard_blocks():
    rgb = pixels(PROMPT, style="pixel-art", width=512, height=512)
    assert unique_colours(rgb) <= 64
    blocks = rgb.reshape(128, 4, 128, 4, 3)  # 4x4 blocks at 512 px
    assert np.array_equal(blocks, np.broadcast_to(blocks[:, :1, :, :1], blocks.shape))


def test_line_art_is_dark_lines_on_white():
    rgb = pixels(PROMPT, style="line-art")
    _, s, v = hsv(rgb)
    assert (rgb.min(axis=2) > .9).mean() > .7
    assert .01 < (v < .35).mean() < .25
    assert s.mean() < .05


def test_neon_is_dark_with_saturated_glow():
    rgb = pixels(PROMPT, style="neon")
    _, s, v = hsv(rgb)
    assert v.mean() < .3
    assert ((s > .85) & (v > .7)).mean() > .005


def test_flat_has_few_colours_and_no_noise():
    rgb = pixels(PROMPT, style="flat")
    assert unique_colours(rgb) <= 48
    same_as_right = (rgb[:, 1:] == rgb[:, :-1]).all(axis=2).mean()
    assert same_as_right > .97


@pytest.mark.parametrize("prompt", [PROMPT, "a red fox in a green forest at sunset", "city at night"])
def test_watercolor_is_lighter_and_softer_than_default(prompt):
    water, plain = luminance(pixels(prompt, style="watercolor")), luminance(pixels(prompt))
    assert water.mean() > plain.mean() + .03
    assert water.std() < plain.std()


def test_photographic_has_grain_and_vignette():
    photo, plain = pixels(PROMPT, style="photographic"), pixels(PROMPT)
    assert (photo[:, 1:] == photo[:, :-1]).all(axis=2).mean() < .5  # grain: neighbours rarely identical

    def corner_ratio(rgb):
        lum = luminance(rgb)
        return lum[:24, :24].mean() / lum[100:156, 100:156].mean()

    assert corner_ratio(photo) < corner_ratio(plain) - .05


def test_all_styles_differ_pairwise():
    images = {style: pixels(PROMPT, style=style) for style in (None, *STYLES)}
    for (a, ia), (b, ib) in itertools.combinations(images.items(), 2):
        assert np.abs(ia - ib).mean() > .03, (a, b)


def test_unknown_style_names_the_allowed_ones():
    with pytest.raises(ValueError) as err:
        render("a cat", seed=1, style="oil-paint")
    for style in STYLES:
        assert style in str(err.value)


# --- sizes ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("style", [None, *STYLES])
@pytest.mark.parametrize("size", [(320, 200), (200, 320), (64, 64), (1000, 70)])
def test_size_is_honoured(style, size):
    image = render("a fox by a lake", seed=3, width=size[0], height=size[1], style=style)
    assert image.size == size and image.mode == "RGB"


def test_large_sizes():
    assert render("mountains", seed=1, width=1024, height=1024).size == (1024, 1024)
    assert render("mountains", seed=1, width=4096, height=64, style="flat").size == (4096, 64)


@pytest.mark.parametrize("size", [(63, 512), (512, 63), (4097, 512), (512, 4097), (0, 0), (-64, 64)])
def test_out_of_range_size_raises(size):
    with pytest.raises(ValueError, match="64 to 4096"):
        render("a cat", seed=1, width=size[0], height=size[1])


def test_every_known_word_renders():
    from imagegen.render import COLORS, MOODS, SUBJECTS

    words = [*COLORS, *SUBJECTS, *MOODS]
    for i in range(0, len(words), 6):
        prompt = " ".join(words[i:i + 6])
        for style in (None, *STYLES):
            assert render(prompt, words[i], seed=i, width=80, height=72, style=style).size == (80, 72)


# --- label and encode -----------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [(256, 256), (64, 64), (2048, 512), (300, 1200)])
def test_label_draws_a_band_across_the_bottom(size):
    image = render("a calm sea", seed=2, width=size[0], height=size[1], style="flat")
    out = label(image, "EMULATED · OpenAI · dall-e-3")
    assert out.size == image.size and out.mode == "RGB"
    assert out is not image and np.array_equal(np.asarray(image), np.asarray(render(
        "a calm sea", seed=2, width=size[0], height=size[1], style="flat")))
    before, after = np.asarray(image, dtype=float), np.asarray(out, dtype=float)
    band = max(14, round(min(size) * .075))
    assert np.array_equal(before[:-band], after[:-band])
    bottom = after[-band:]
    assert np.abs(bottom - before[-band:]).mean() > 20
    assert (bottom.min(axis=2) > 200).mean() > .01  # white text on the dark band


@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG"), ("jpeg", b"\xff\xd8"), ("webp", b"RIFF")])
def test_encode_is_deterministic_and_decodable(fmt, magic):
    image = render("a purple planet in space", seed=5, width=128, height=96, style="photographic")
    data = encode(image, fmt)
    assert data == encode(image, fmt) and data.startswith(magic)
    assert Image.open(io.BytesIO(data)).size == (128, 96)


def test_png_is_lossless():
    image = render("a flower", seed=5, width=128, height=128)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(encode(image)))), np.asarray(image))


def test_unknown_format_raises():
    with pytest.raises(ValueError, match="png, jpeg, webp"):
        encode(render("a cat", seed=1, width=64, height=64), "gif")
