"""Rasterising a scene: the default look and the six style presets."""

from __future__ import annotations

import colorsys
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from imagegen.render.palette import hsv
from imagegen.render.scene import Scene

WORK_LIMIT = 1536  # smooth styles paint at most this many pixels on the long side, then resize
NEON_HUES = (300, 185, 55, 130, 20, 330)
NO_OUTLINE = {"star", "rain", "lightning", "glint", "wave"}
SOLID_INK = {"eye", "wheel"}
GLOWING = {"sun", "moon", "star", "lit", "lamp", "lightning", "glint"}
NEON_FILLED = {"star": .9, "lit": .8, "lamp": .8, "sun": .3, "moon": .3, "glint": .6, "lightning": .9}
BAYER = np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]], np.float32) / 16 - .47


def to_image(rgb: np.ndarray) -> Image.Image:
    return Image.fromarray(_u8(rgb))


def _floats(image: Image.Image) -> np.ndarray:
    return np.asarray(image, dtype=np.float32) / 255


def _draw(draw: ImageDraw.ImageDraw, shape: tuple, fill: int, k: float) -> None:
    kind = shape[0]
    if kind == "ellipse":
        draw.ellipse([c * k for c in shape[1]], fill=fill)
    elif kind == "rect":
        draw.rectangle([c * k for c in shape[1]], fill=fill)
    elif kind == "poly":
        draw.polygon([(x * k, y * k) for x, y in shape[1]], fill=fill)
    else:
        draw.line([(x * k, y * k) for x, y in shape[1]], fill=fill, width=max(1, round(shape[2] * k)),
                  joint="curve")


def paint(scene: Scene, w: int, h: int, ss: int) -> tuple[np.ndarray, np.ndarray]:
    """Layer ids (0 = sky) at w*ss x h*ss, and the colour of each id (256 x 3 floats)."""
    im = Image.new("L", (w * ss, h * ss), 0)
    draw = ImageDraw.Draw(im)
    k = min(w, h) * ss
    colors = np.zeros((256, 3), np.float32)
    colors[0] = scene.palette["sky_mid"]
    for i, layer in enumerate(scene.layers[:255], start=1):
        colors[i] = layer.color
        for shape in layer.shapes:
            _draw(draw, shape, i, k)
    return np.asarray(im), colors


def lookup(ids: np.ndarray, colors: np.ndarray) -> Image.Image:
    im = Image.fromarray(ids)
    im.putpalette(_u8(colors).tobytes())
    return im.convert("RGB")


def role_lut(scene: Scene, roles: set[str]) -> list[int]:
    lut = [0] * 256
    for i, layer in enumerate(scene.layers[:255], start=1):
        lut[i] = 255 if layer.role in roles else 0
    return lut


def mask(ids: np.ndarray, lut: list[int], ss: int) -> np.ndarray:
    return _floats(Image.fromarray(ids).point(lut).reduce(ss))


def sky_at(scene: Scene, y: np.ndarray) -> np.ndarray:
    """Sky colour at heights y (scene units), any shape; returns y.shape + (3,)."""
    stops = np.array([scene.palette[r] for r in ("sky_top", "sky_mid", "sky_low")], np.float32)
    at = [0.0, scene.horizon * .55, scene.horizon]
    return np.stack([np.interp(y, at, stops[:, c]) for c in range(3)], axis=-1).astype(np.float32)


def sky_rows(scene: Scene, h: int) -> np.ndarray:
    return sky_at(scene, (np.arange(h) + .5) / h * scene.height)


def _u8(rgb: np.ndarray) -> np.ndarray:
    return np.clip(rgb * 255 + .5, 0, 255).astype(np.uint8)


def resize(arr: np.ndarray, w: int, h: int) -> np.ndarray:
    return np.asarray(Image.fromarray(arr.astype(np.float32)).resize((w, h), Image.BILINEAR))


def noise(rng: np.random.Generator, w: int, h: int, cells: int) -> np.ndarray:
    grid = rng.random((max(2, round(cells * h / max(w, h))) + 1, max(2, round(cells * w / max(w, h))) + 1))
    return np.asarray(Image.fromarray(grid.astype(np.float32)).resize((w, h), Image.BICUBIC))


def _grey(rgb: np.ndarray) -> np.ndarray:
    return (rgb[..., 0] + rgb[..., 1] + rgb[..., 2]) / 3


def blur(rgb: np.ndarray, radius: float, shrink: int = 1) -> np.ndarray:
    """Gaussian blur; with shrink > 1 it is done on a smaller copy (fine for wide radii) and scaled back."""
    image = to_image(rgb)
    small = image.reduce(shrink) if shrink > 1 else image
    soft = small.filter(ImageFilter.GaussianBlur(radius / shrink))
    return _floats(soft.resize(image.size, Image.BILINEAR) if shrink > 1 else soft)


def radial(scene: Scene, w: int, h: int, x: float, y: float, radius: float) -> np.ndarray:
    sw, sh = max(8, w // 4), max(8, h // 4)
    xs = (np.arange(sw) + .5) / sw * scene.width
    ys = (np.arange(sh) + .5) / sh * scene.height
    d2 = (xs[None, :] - x) ** 2 + (ys[:, None] - y) ** 2
    return resize(np.exp(-d2 / (2 * radius ** 2)), w, h)


def smooth(scene: Scene, w: int, h: int, colors_fn=None) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Antialiased flat-coloured picture with a gradient sky: (rgb, sky mask, ids, supersampling)."""
    ss = 2 if min(w, h) >= 256 else 4
    ids, colors = paint(scene, w, h, ss)
    rows = sky_rows(scene, h)
    if colors_fn:
        colors, rows = colors_fn(colors), colors_fn(rows)
    rgb = _floats(lookup(ids, colors).reduce(ss))
    sky = mask(ids, [255] + [0] * 255, ss)
    rgb += sky[..., None] * (rows[:, None, :] - colors[0])
    return rgb, sky, ids, ss


def bloom(scene: Scene, rgb: np.ndarray, ids: np.ndarray, ss: int, amount: float) -> np.ndarray:
    """Add a soft halo around the glowing things (sun, moon, stars, lit windows, lamps, lightning)."""
    h, w = rgb.shape[:2]
    colors = np.zeros((256, 3), np.float32)
    for i, layer in enumerate(scene.layers[:255], start=1):
        if layer.role in GLOWING:
            colors[i] = layer.color
    small = lookup(ids, colors).reduce(4 * ss)
    glow = small.filter(ImageFilter.GaussianBlur(max(1.0, min(w, h) / 4 * .02)))
    return rgb + amount * _floats(glow.resize((w, h), Image.BILINEAR))


def sun_glow(scene: Scene, rgb: np.ndarray, sky: np.ndarray, amount: float) -> np.ndarray:
    """A warm halo around the sun, mostly in the sky."""
    if not scene.sun:
        return rgb
    h, w = rgb.shape[:2]
    x, y, r = scene.sun
    glow = (radial(scene, w, h, x, y, r * 2.5) * (.3 + .7 * sky))[..., None]
    return rgb + amount * glow * np.array(scene.palette["sun"], np.float32)


def depth_shade(scene: Scene, rgb: np.ndarray, sky: np.ndarray, amount: float) -> np.ndarray:
    h = rgb.shape[0]
    y = (np.arange(h, dtype=np.float32) + .5) / h * scene.height
    t = np.clip((y - scene.horizon) / max(scene.height - scene.horizon, 1e-3), 0, 1)[:, None]
    return rgb * (1 - amount * t * (1 - sky))[..., None]


def default(scene: Scene, w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    rgb, sky, ids, ss = smooth(scene, w, h)
    rgb = depth_shade(scene, sun_glow(scene, rgb, sky, .3), sky, .18)
    return bloom(scene, rgb, ids, ss, .7 if scene.mood in ("night", "space", "dark") else .3)


def photographic(scene: Scene, w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    rgb, sky, ids, ss = smooth(scene, w, h)
    unit = min(w, h)
    edge = np.asarray(to_image(sky).filter(ImageFilter.GaussianBlur(unit * .012)), np.float32) / 255
    rgb += (edge * (1 - sky))[..., None] * .3 * np.array(scene.palette["sky_low"], np.float32)
    rgb = depth_shade(scene, sun_glow(scene, rgb, sky, .3), sky, .3)
    rgb = bloom(scene, rgb, ids, ss, .8)
    rgb = np.clip(rgb, 0, 1)
    rgb = rgb + .35 * (rgb * rgb * (3 - 2 * rgb) - rgb)
    xs, ys = np.linspace(-1, 1, max(8, w // 4)), np.linspace(-1, 1, max(8, h // 4))
    vignette = resize(1 - .4 * (xs[None, :] ** 2 + ys[:, None] ** 2) / 2, w, h)
    grain = rng.standard_normal((h, w, 1), dtype=np.float32) * .012
    return rgb * vignette[..., None] * np.array([1.02, 1.0, .96], np.float32) + grain


def flat(scene: Scene, w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    ids, colors = paint(scene, w, h, 1)
    rgb = np.asarray(lookup(ids, colors))
    t = np.clip((np.arange(h) + .5) / h * scene.height / scene.horizon, 0, 1)
    band = np.minimum(np.floor(t * 4), 3)
    levels = _u8(sky_at(scene, (band + .5) / 4 * scene.horizon))
    return np.where((ids == 0)[..., None], levels[:, None, :], rgb)


def pixel_art(scene: Scene, w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    block = max(2, round(max(w, h) / 128))
    sw, sh = math.ceil(w / block), math.ceil(h / block)
    ids, colors = paint(scene, sw, sh, 1)
    rgb = np.asarray(lookup(ids, colors))
    steps = 6
    t = np.clip((np.arange(sh) + .5) / sh * scene.height / scene.horizon, 0, 1)
    dither = BAYER[np.arange(sh) % 4][:, np.arange(sw) % 4]
    level = np.clip(np.round(t[:, None] * (steps - 1) + dither), 0, steps - 1)
    rgb = np.where((ids == 0)[..., None], _u8(sky_at(scene, level / (steps - 1) * scene.horizon)), rgb)
    outlined = np.array(role_lut(scene, {r.role for r in scene.layers} - NO_OUTLINE), np.uint8) > 0
    front = _front(ids, 1)
    outline = (front > ids) & outlined[front]
    rgb = np.where(outline[..., None], _u8(colors[front] * .5), rgb)
    big = Image.fromarray(rgb).resize((sw * block, sh * block), Image.NEAREST).crop((0, 0, w, h))
    return np.asarray(big)


def _front(ids: np.ndarray, d: int) -> np.ndarray:
    """Largest id within d pixels along the axes (ids grow towards the viewer)."""
    out = ids.copy()
    out[:-d] = np.maximum(out[:-d], ids[d:])
    out[d:] = np.maximum(out[d:], ids[:-d])
    out[:, :-d] = np.maximum(out[:, :-d], ids[:, d:])
    out[:, d:] = np.maximum(out[:, d:], ids[:, :-d])
    return out


def _edges(ids: np.ndarray, d: int) -> np.ndarray:
    a, b = d // 2, d - d // 2
    e = np.zeros(ids.shape, bool)
    e[a:ids.shape[0] - b] |= ids[:-d] != ids[d:]
    e[:, a:ids.shape[1] - b] |= ids[:, :-d] != ids[:, d:]
    return e


def line_art(scene: Scene, w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    ss = 2 if min(w, h) >= 256 else 4
    ids, _ = paint(scene, w, h, ss)
    d = max(2, round(min(w, h) * ss * .004))
    ink = _floats(Image.fromarray(_edges(ids, d).astype(np.uint8) * 255).reduce(ss))
    ink = np.maximum(ink, mask(ids, role_lut(scene, SOLID_INK), ss))
    paper = np.array([.99, .98, .96], np.float32)
    return paper * (1 - ink[..., None]) + np.array([.12, .12, .15], np.float32) * ink[..., None]


def _neon_colors(scene: Scene) -> np.ndarray:
    colors = np.zeros((256, 3), np.float32)
    for i, layer in enumerate(scene.layers[:255], start=1):
        hue, s, _ = _hsv(layer.color)
        if layer.role == "star":
            colors[i] = hsv(hue, .15, 1)
        else:
            colors[i] = hsv(hue if s > .25 else NEON_HUES[i % len(NEON_HUES)], 1, 1)
    return colors


def _hsv(rgb) -> tuple[float, float, float]:
    h, s, v = colorsys.rgb_to_hsv(*rgb)
    return h * 360, s, v


def _grid(scene: Scene, w: int, h: int) -> np.ndarray:
    im = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(im)
    k, hz = min(w, h), scene.horizon * min(w, h)
    width = max(1, round(k / 300))
    for j in range(1, 12):
        y = hz + (h - hz) * (j / 11) ** 2
        draw.line([(0, y), (w, y)], fill=255, width=width)
    for j in range(-12, 13):
        draw.line([(w / 2, hz), (w / 2 + j * w / 8, h)], fill=255, width=width)
    return _floats(im)


def neon(scene: Scene, w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    ss = 2 if min(w, h) >= 256 else 4
    ids, colors = paint(scene, w, h, ss)
    d = max(2, round(min(w, h) * ss * .004))
    front = _front(ids, d // 2 + 1)
    lines_ids = np.where(_edges(ids, d), front, 0).astype(np.uint8)
    neon_colors = _neon_colors(scene)
    lines = _floats(lookup(lines_ids, neon_colors).reduce(ss))
    ground = mask(ids, role_lut(scene, {"ground", "water"}), ss)
    fills = colors * .12
    for i, layer in enumerate(scene.layers[:255], start=1):
        fills[i] = neon_colors[i] * NEON_FILLED.get(layer.role, 0) + fills[i]
    rgb = _floats(lookup(ids, fills).reduce(ss))
    sky = mask(ids, [255] + [0] * 255, ss)
    rows = np.array(hsv(265, .8, .07), np.float32) + sky_rows(scene, h) * .07
    rgb += sky[..., None] * (rows[:, None, :] - colors[0] * .12)
    lines += (_grid(scene, w, h) * ground)[..., None] * np.array(hsv(NEON_HUES[0], 1, .8), np.float32)
    glow = to_image(lines).reduce(2).filter(ImageFilter.GaussianBlur(max(1.0, min(w, h) * .012)))
    glow_rgb = _floats(glow.resize((w, h), Image.BILINEAR))
    core = np.minimum(np.minimum(lines[..., 0], lines[..., 1]), lines[..., 2])
    return rgb + 1.8 * glow_rgb + lines * .9 + .25 * core[..., None]


def _textures(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """Blotches, sky wash and pigment grain as the three channels of one picture, made small and scaled up."""
    lw, lh = max(2, w // 4), max(2, h // 4)
    blotch = noise(rng, lw, lh, 5) * .6 + noise(rng, lw, lh, 16) * .4
    small = np.stack([blotch, noise(rng, lw, lh, 4), rng.random((lh, lw), dtype=np.float32)], axis=-1)
    return _floats(to_image(small).resize((w, h), Image.BILINEAR))


def watercolor(scene: Scene, w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    rgb, sky, _, _ = smooth(scene, w, h, lambda c: 1 - (1 - c) * .8)
    unit = min(w, h)
    soft, wide = blur(rgb, unit * .003, 2), blur(rgb, unit * .016, 4)
    tex = _textures(rng, w, h)
    wash = soft + (wide - soft) * (.1 + .5 * tex[..., 0:1])
    edge = np.clip(_grey(wide) - _grey(soft), 0, .25)
    keep = (1 + 2.2 * edge) * (1 - sky * np.clip(.7 - 1.1 * tex[..., 1], 0, .6)) * (.93 + .14 * tex[..., 2])
    fibre = resize(rng.random((max(2, h // 8), max(2, w // 2)), dtype=np.float32), w, h)
    paper = (.965 + .035 * fibre)[..., None] * np.array([1.0, .99, .965], np.float32)
    return (1 - (1 - wash) * (keep * .92)[..., None]) * paper


STYLE_PAINTERS = {None: default, "watercolor": watercolor, "pixel-art": pixel_art, "line-art": line_art,
                  "neon": neon, "photographic": photographic, "flat": flat}
FULL_SIZE = {"pixel-art", "flat"}


def draw_style(scene: Scene, style: str | None, w: int, h: int, rng: np.random.Generator) -> Image.Image:
    if style in FULL_SIZE:
        return Image.fromarray(STYLE_PAINTERS[style](scene, w, h, rng))
    scale = min(1.0, WORK_LIMIT / max(w, h))
    ww, wh = max(64, round(w * scale)), max(64, round(h * scale))
    image = to_image(STYLE_PAINTERS[style](scene, ww, wh, rng))
    return image if (ww, wh) == (w, h) else image.resize((w, h), Image.BICUBIC)
