"""Palettes: a colour for every role in a scene, from the prompt's colour words, mood and hash; bans."""

from __future__ import annotations

import colorsys

import numpy as np
from PIL import Image

from imagegen.render.words import RGB, Spec

WHITE: RGB = (1.0, 1.0, 1.0)
EMISSIVE = {"sun", "moon", "star", "lit", "lamp", "lightning", "glint"}
SKY_ROLES = ("sky_top", "sky_mid", "sky_low")
ACCENTS = (350, 18, 45, 285, 200, 325, 8, 260, 170, 30)


def hsv(h: float, s: float, v: float) -> RGB:
    return colorsys.hsv_to_rgb((h % 360) / 360, min(max(s, 0.0), 1.0), min(max(v, 0.0), 1.0))


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(x + (y - x) * t for x, y in zip(a, b, strict=True))


def adjust(rgb: RGB, s: float = 1.0, v: float = 1.0, dh: float = 0.0) -> RGB:
    h, s0, v0 = colorsys.rgb_to_hsv(*rgb)
    return hsv(h * 360 + dh, s0 * s, v0 * v)


SKIES = {
    "day": (hsv(212, .55, .90), hsv(203, .38, .96), hsv(190, .16, 1.0)),
    "sunset": (hsv(255, .55, .42), hsv(335, .45, .88), hsv(32, .72, 1.0)),
    "night": (hsv(235, .75, .09), hsv(230, .65, .18), hsv(222, .55, .34)),
    "stormy": (hsv(215, .18, .30), hsv(212, .14, .45), hsv(205, .10, .62)),
    "calm": (hsv(200, .28, .93), hsv(195, .18, .97), hsv(28, .2, 1.0)),
    "happy": (hsv(205, .68, 1.0), hsv(198, .45, 1.0), hsv(188, .22, 1.0)),
    "dark": (hsv(232, .25, .22), hsv(226, .20, .32), hsv(218, .15, .45)),
    "space": (hsv(250, .60, .05), hsv(262, .50, .11), hsv(285, .45, .22)),
}
# mood -> (saturation factor, value factor, colour blended in, blend amount) for non-glowing objects
MOOD_LIGHT = {
    "night": (0.8, 0.45, hsv(232, .5, .2), .25), "sunset": (0.95, 0.8, hsv(285, .45, .35), .3),
    "stormy": (0.6, 0.75, WHITE, 0.0), "calm": (0.75, 1.0, WHITE, .15), "happy": (1.2, 1.06, WHITE, 0.0),
    "dark": (0.6, 0.55, hsv(230, .3, .15), .2), "space": (0.85, 0.6, hsv(262, .5, .2), .2),
}
ANIMAL_COLOURS = {"dog": hsv(30, .50, .72), "cat": hsv(25, .10, .50), "fox": hsv(22, .85, .92),
                  "animal": hsv(28, .45, .55)}


def sky_key(spec: Spec) -> str:
    if spec.mood in SKIES:
        return spec.mood
    if "space" in spec.subjects:
        return "space"
    night_things = "stars" in spec.subjects or "moon" in spec.subjects
    return "night" if night_things and "sun" not in spec.subjects else "day"


def _accent(hash_value: float, bans: list[tuple[float, float]]) -> float:
    allowed = [h for h in ACCENTS if all(abs((h - c + 180) % 360 - 180) > half + 25 for c, half in bans)]
    allowed = allowed or [200.0]
    return float(allowed[int(hash_value * 1000) % len(allowed)])


def _defaults(accent: float, subjects: list[str]) -> dict[str, RGB]:
    animals = [s for s in subjects if s in ANIMAL_COLOURS] + ["animal", "animal"]
    second = ANIMAL_COLOURS[animals[1]]
    second = adjust(second, v=.6) if animals[1] == animals[0] else second
    ground = hsv(96, .55, .72)
    if "space" in subjects:
        ground = hsv(accent + 200, .18, .62)
    elif "water" in subjects:
        ground = hsv(42, .38, .92)
    return {
        "sun": hsv(46, .78, 1), "moon": hsv(52, .12, 1), "star": hsv(55, .08, 1), "cloud": hsv(210, .03, 1),
        "planet": hsv(accent + 20, .45, .85), "ring": hsv(accent + 160, .30, .95),
        "mountain": hsv(228, .28, .58), "snow": hsv(210, .04, .98),
        "ground": ground,
        "water": hsv(204, .72, .72), "foliage": hsv(128, .62, .48), "trunk": hsv(24, .55, .36),
        "building": hsv(220, .16, .58), "petal": hsv(accent, .62, .95), "center": hsv(45, .85, 1),
        "stem": hsv(112, .60, .50), "animal": ANIMAL_COLOURS[animals[0]], "eye": hsv(20, .3, .1),
        "vehicle": hsv(accent, .75, .88), "wheel": hsv(0, 0, .16), "glass": hsv(200, .25, .92),
        "lamp": hsv(50, .5, 1), "rain": hsv(210, .12, .85), "lightning": hsv(55, .25, 1),
        "lit": hsv(45, .62, 1), "animal2": second,
    }


def _vary(pal: dict[str, RGB], hash_value: float) -> None:
    """No colour words: shift the natural hues by amounts taken from the prompt's hash."""
    d_sky = (hash_value * 7 % 1 - 0.5) * 70
    d_land = (hash_value * 13 % 1 - 0.5) * 60
    for role in ("mountain", "water"):
        pal[role] = adjust(pal[role], dh=d_sky)
    for role in ("ground", "foliage", "stem"):
        pal[role] = adjust(pal[role], dh=d_land * (1 if role == "ground" else 0.5))


def _derive(pal: dict[str, RGB]) -> None:
    for role in ("animal", "animal2"):
        pal[role + "_dark"] = adjust(pal[role], v=.72)
        pal[role + "_light"] = mix(pal[role], WHITE, .72)
    pal["wave"] = mix(pal["water"], WHITE, .45)
    pal["glint"] = mix(pal["sun"], WHITE, .35)
    pal["window"] = mix(pal["building"], (0.85, 0.92, 1.0), .55)
    pal["hub"] = hsv(0, 0, .62)
    pal["crater"] = adjust(pal["ground"], v=.8)


def _theme(pal: dict[str, RGB], spec: Spec) -> None:
    named = set(spec.colors)
    if spec.theme:
        pal["ground"] = mix(pal["ground"], spec.theme[1 % len(spec.theme)], .55) if "ground" not in named \
            else pal["ground"]
        free = [r for r in pal if r not in named and r not in EMISSIVE and r != "ground"]
        for i, role in enumerate(free):
            pal[role] = mix(pal[role], spec.theme[i % len(spec.theme)], .25)


def _mood(pal: dict[str, RGB], key: str) -> None:
    if key not in MOOD_LIGHT:
        return
    s, v, tint, amount = MOOD_LIGHT[key]
    for role, rgb in pal.items():
        if role not in EMISSIVE:
            pal[role] = mix(adjust(rgb, s=s, v=v), tint, amount)


def _sky(pal: dict[str, RGB], spec: Spec, key: str) -> None:
    top, mid, low = SKIES[key]
    tint, amount = None, 0.0
    if "sky" in spec.colors:
        tint, amount = spec.colors["sky"], .7
    elif spec.theme:
        tint, amount = spec.theme[0], .6
    elif spec.colors:
        tint, amount = next(iter(spec.colors.values())), .2
    if tint is not None:
        top, mid = mix(top, adjust(tint, v=.8), amount), mix(mid, tint, amount)
        low = mix(low, mix(tint, WHITE, .4), amount) if amount > .5 else low
    pal.update(sky_top=top, sky_mid=mid, sky_low=low)


def make_palette(spec: Spec, hash_value: float) -> tuple[dict[str, RGB], float]:
    """Colours for every role, and the accent hue; hash_value in [0, 1) comes from the prompt alone."""
    accent = _accent(hash_value, spec.banned_hues)
    pal = _defaults(accent, spec.subjects)
    if not spec.colors and not spec.theme:
        _vary(pal, hash_value)
    pal.update({role: rgb for role, rgb in spec.colors.items() if role in pal or role == "sky"})
    pal.pop("sky", None)
    _theme(pal, spec)
    _derive(pal)
    key = sky_key(spec)
    _mood(pal, spec.mood or ("space" if key == "space" else "night" if key == "night" else ""))
    _sky(pal, spec, key)
    if "water" not in spec.colors:
        pal["water"] = mix(pal["water"], pal["sky_mid"], .3)
        pal["wave"] = mix(pal["wave"], pal["sky_low"], .4)
    if spec.banned_hues or spec.banned_tones:
        roles = list(pal)
        strip = Image.fromarray(_to_uint8(np.array([[pal[r] for r in roles]])))
        fixed = np.asarray(ban_colours(strip, spec, accent, soften=False)) / 255.0
        pal = {r: tuple(float(c) for c in fixed[0, i]) for i, r in enumerate(roles)}
    return pal, accent


def _to_uint8(arr: np.ndarray) -> np.ndarray:
    return np.clip(arr * 255 + 0.5, 0, 255).astype(np.uint8)


def hue_map(bans: list[tuple[float, float]], soften: bool) -> tuple[np.ndarray, np.ndarray]:
    """For each of the 256 hues of Pillow's HSV: the hue it becomes, and the share of saturation it keeps.

    Hues within a band's half width + 16 degrees of its centre go to half width + 8..16 degrees away, on
    their own side. With soften, saturation fades to nothing towards the centre, so a gradient across the
    banned hue turns greyish there instead of showing a seam. A hue pushed into a neighbouring band is greyed.
    """
    hue, keep = np.arange(256, dtype=np.float64), np.ones(256)
    for centre, half in bans:
        c, near_edge, far_edge = (x / 360 * 256 for x in (centre, half + 8, half + 16))
        d = (hue - c + 128) % 256 - 128
        near = np.abs(d) < far_edge
        moved = c + np.where(d >= 0, 1, -1) * (near_edge + np.abs(d) * (far_edge - near_edge) / far_edge)
        hue = np.where(near, moved % 256, hue)
        if soften:
            keep = np.where(near, np.minimum(keep, np.clip(np.abs(d) / 12, 0, 1)), keep)
    for centre, half in bans:
        d = (hue - centre / 360 * 256 + 128) % 256 - 128
        keep = np.where(np.abs(d) < (half + 4) / 360 * 256, 0, keep)
    return hue, keep


def ban_colours(image: Image.Image, spec: Spec, accent: float, soften: bool = True) -> Image.Image:
    """Push colours named in the negative prompt out of an RGB image (only changed pixels are touched)."""
    if not spec.banned_hues and not spec.banned_tones:
        return image
    h0, s0, v0 = (np.asarray(band, dtype=np.float32) for band in image.convert("HSV").split())
    h, s, v = h0, s0, v0
    if spec.banned_hues:
        hue, keep = hue_map(spec.banned_hues, soften)
        index = h0.astype(np.intp)
        h, s = hue[index], s0 * keep[index]
    grey_hue = accent / 360 * 256
    if "dark" in spec.banned_tones:
        v = 80 + v * (175 / 255)
    if "light" in spec.banned_tones:
        w = np.clip((90 - s) / 90, 0, 1) * np.clip((v - 150) / 105, 0, 1)
        h = np.where((w > 0) & (s0 < 12), grey_hue, h)
        v, s = v - w * 60, s + w * 60
    if "gray" in spec.banned_tones:
        grey = (s < 60) & (v > 35) & (v < 225)
        h = np.where(grey & (s0 < 25), grey_hue, h)
        s = np.where(grey, np.maximum(s, 110), s)
    changed = (h != h0) | (s != s0) | (v != v0)
    bands = [Image.fromarray(np.clip(np.round(c), 0, 255).astype(np.uint8)) for c in (h, s, v)]
    fixed = np.asarray(Image.merge("HSV", bands).convert("RGB"))
    return Image.fromarray(np.where(changed[..., None], fixed, np.asarray(image)))
