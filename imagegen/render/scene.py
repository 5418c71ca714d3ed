"""Composition: turn what the prompt asks for into an ordered list of coloured layers, back to front."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from imagegen.render import shapes as sh
from imagegen.render.palette import mix
from imagegen.render.words import ANIMALS, RGB, Spec

LANDSCAPE = {"mountain", "water", "city", "forest", "space"}
Streams = Callable[[str], np.random.Generator]  # a separate random stream per scene element
FOREGROUND = {"dog", "cat", "fox", "animal", "skateboard", "car", "flower", "tree"}


@dataclass
class Layer:
    role: str
    color: RGB
    shapes: list[sh.Shape]


@dataclass
class Scene:
    width: float  # in units of the shorter image side
    height: float
    horizon: float
    palette: dict[str, RGB]
    mood: str
    layers: list[Layer] = field(default_factory=list)
    sun: tuple[float, float, float] | None = None  # x, y, radius

    def add(self, role: str, shapes: list[sh.Shape], haze: float = 0.0) -> None:
        if shapes:
            color = mix(self.palette[role], self.palette["sky_low"], haze)
            self.layers.append(Layer(role, color, shapes))

    def add_parts(self, parts: list[sh.Part], haze: float = 0.0) -> None:
        for role, shapes in parts:
            self.add(role, shapes, haze)


def compose(spec: Spec, rngs: Streams, width: float, height: float, palette: dict[str, RGB],
            mood: str) -> Scene:
    """Lay out the scene; each element draws from its own stream, so dropping one leaves the rest in place."""
    subjects = set(spec.subjects)
    if mood == "sunset" and "sun" not in spec.banned and "moon" not in subjects:
        subjects.add("sun")
    if mood == "night" and "stars" not in spec.banned:
        subjects.add("stars")
    if mood == "stormy" and "rain" not in spec.banned:
        subjects.update({"rain", "cloud"})
    lo, hi = (.7, .8) if "space" in subjects else (.56, .68)
    scene = Scene(width, height, height * rngs("horizon").uniform(lo, hi), palette, mood)
    _sky_things(scene, subjects, spec.banned, rngs)
    _landscape(scene, subjects, rngs)
    _foreground(scene, spec, subjects, rngs)
    if "rain" in subjects:
        _rain(scene, rngs("rain"))
    return scene


def _sky_things(scene: Scene, subjects: set[str], banned: set[str], rngs: Streams) -> None:
    w, hz = scene.width, scene.horizon
    if subjects & {"stars", "space"}:
        rng = rngs("stars")
        n = int(140 * w * hz)
        xs, ys, rs = rng.uniform(0, w, n), rng.uniform(0, hz, n), rng.uniform(.0015, .0045, n)
        scene.add("star", [sh.ellipse(x, y, r, r) for x, y, r in zip(xs, ys, rs, strict=True)])
    if "space" in subjects:
        rng = rngs("planet")
        x, y, r = w * rng.uniform(.2, .8), hz * rng.uniform(.25, .45), rng.uniform(.1, .16)
        back, ball, front = sh.planet(x, y, r)
        scene.add("ring", back)
        scene.add("planet", ball)
        scene.add("ring", front)
    rng = rngs("sun")
    daylight = scene.mood in ("day", "happy", "calm") and not subjects & {"moon", "space"}
    daylight = daylight and "sun" not in banned
    if "sun" in subjects or (daylight and rng.random() < .5):
        low = scene.mood == "sunset"
        r = rng.uniform(.12, .16) if low else rng.uniform(.06, .09)
        x = w * (rng.uniform(.3, .7) if low else rng.uniform(.12, .3))
        x = w - x if not low and rng.random() < .5 else x  # off-centre, clear of the main subject
        y = hz - r * .3 if low else hz * rng.uniform(.2, .45)
        scene.sun = (x, y, r)
        scene.add("sun", [sh.ellipse(x, y, r, r)])
    if "moon" in subjects:
        rng = rngs("moon")
        r = rng.uniform(.05, .08)
        x, y = w * rng.uniform(.15, .85), hz * rng.uniform(.18, .4)
        scene.add("moon", [sh.crescent(x, y, r, rng.uniform(-.5, .5))])
    _clouds(scene, subjects, banned, rngs("clouds"))


def _clouds(scene: Scene, subjects: set[str], banned: set[str], rng: np.random.Generator) -> None:
    maybe = scene.mood in ("day", "happy", "calm") and "cloud" not in banned
    if not ("cloud" in subjects or (maybe and rng.random() < .6)):
        return
    n = int(rng.integers(6, 10)) if "rain" in subjects else int(rng.integers(2, 5))
    puffs = []
    for _ in range(n):
        x, y, size = scene.width * rng.uniform(0, 1), scene.horizon * rng.uniform(.1, .6), rng.uniform(.2, .4)
        if "rain" in subjects or not _covers_sun(scene, x, y, size):
            puffs += sh.cloud(x, y, size, rng)
    scene.add("cloud", puffs)


def _covers_sun(scene: Scene, x: float, y: float, size: float) -> bool:
    if not scene.sun:
        return False
    sx, sy, r = scene.sun
    return abs(x - sx) < size / 2 + r + .03 and abs(y - sy) < r + size * .3 + .03


def _landscape(scene: Scene, subjects: set[str], rngs: Streams) -> None:
    w, h, hz = scene.width, scene.height, scene.horizon
    if "mountain" in subjects:
        rng = rngs("mountains")
        far, far_caps = sh.mountains(rng, w, hz + .01, hz * .55, 5, True)
        near, caps = sh.mountains(rng, w, hz + .01, hz * .4, 4, True)
        scene.add("mountain", far, .45)
        scene.add("snow", far_caps, .35)
        scene.add("mountain", near, .1)
        scene.add("snow", caps, .05)
    if not subjects & LANDSCAPE:
        scene.add("ground", [sh.hills(rngs("hills"), w, h, hz, hz * .2)], .35)
    if "city" in subjects:
        rng = rngs("city")
        far, _ = sh.skyline(rng, w, hz + .01, hz * .55, False)
        near, panes = sh.skyline(rng, w, hz + .01, hz * .4, True)
        scene.add("building", far, .4)
        scene.add("building", near)
        scene.add("lit" if scene.mood in ("night", "dark", "space") else "window", panes)
    if "space" in subjects:
        rng = rngs("surface")
        scene.add("ground", [sh.ellipse(w / 2, hz + 2 * w, 2 * w, 2 * w)])
        craters = [sh.ellipse(x, hz + rng.uniform(.03, h - hz), s * 2.5, s) for x, s in
                   zip(rng.uniform(0, w, 7), rng.uniform(.01, .025, 7), strict=True)]
        scene.add("crater", craters)
    elif "water" in subjects:
        _water(scene, rngs("water"))
    else:
        scene.add("ground", [sh.hills(rngs("ground"), w, h, hz + .02, .02)])
    if "forest" in subjects:
        _forest(scene, rngs("forest"))


def _water(scene: Scene, rng: np.random.Generator) -> None:
    w, h, hz = scene.width, scene.height, scene.horizon
    scene.add("water", [sh.rect(-.01, hz, w + .01, h + .01)])
    waves = []
    for _ in range(int(40 * w)):
        t = rng.uniform(0, 1) ** 1.5
        y, size = hz + t * (h - hz), .01 + .05 * t
        waves.append(sh.ellipse(rng.uniform(0, w), y, size, .002 + .003 * t))
    scene.add("wave", waves)
    if scene.sun:
        x, _, r = scene.sun
        glints = [sh.ellipse(x + rng.normal(0, r * .3), y, r * rng.uniform(.2, .7), .003 + .004 * (y - hz))
                  for y in np.linspace(hz + .01, h, 14)]
        scene.add("glint", glints)


def _forest(scene: Scene, rng: np.random.Generator) -> None:
    w, hz = scene.width, scene.horizon
    for row, (size, haze) in enumerate(((.16, .4), (.24, .2), (.34, 0.0))):
        trunks, crowns = [], []
        base = hz + .01 + row * .05
        for x in np.arange(-.05, w + .05, size * .42) + rng.uniform(-.02, .02):
            trunk, tiers = sh.conifer(x + rng.uniform(-.02, .02), base, size * rng.uniform(.7, 1.15))
            trunks.append(trunk)
            crowns += tiers
        scene.add("trunk", trunks, haze)
        scene.add("foliage", crowns, haze)


def _foreground(scene: Scene, spec: Spec, subjects: set[str], rngs: Streams) -> None:
    w, h = scene.width, scene.height
    rng = rngs("foreground")
    ground = h * rng.uniform(.88, .94)
    center = w * rng.uniform(.4, .6)
    facing = 1 if rng.random() < .5 else -1
    if len([a for a in spec.subjects if a in ANIMALS]) > 1:
        center = w / 2 - facing * w * .2
    if "water" in subjects and subjects & FOREGROUND:
        scene.add("ground", [sh.hills(rngs("shore"), w, h + .01, h * .86, .06)])
    rng = rngs("trees")
    if "tree" in subjects or (not subjects and "tree" not in spec.banned and rng.random() < .5):
        spots = rng.choice([.18, .5, .82], size=int(rng.integers(1, 3)), replace=False)
        for x in sorted(spots, key=lambda _: rng.random()):
            trunk, canopy = sh.round_tree(w * (x + rng.uniform(-.06, .06)), ground - .04,
                                          h * rng.uniform(.4, .55), rng)
            scene.add("trunk", [trunk])
            scene.add("foliage", canopy)
    if "flower" in subjects:
        _flowers(scene, rngs("flowers"), ground, hero=not subjects & (set(ANIMALS) | {"car", "skateboard"}))
    animals = [a for a in spec.subjects if a in ANIMALS][:2]
    if "car" in subjects:
        x = w / 2 - facing * w * .2 if animals else center
        scene.add_parts(sh.car(sh.Figure(x, ground, min(.7, w * .5 if animals else w * .7), facing)))
        center, facing = (w / 2 + facing * w * .27, -facing) if animals else (center, facing)
        animals = animals[:1]
    stand = ground
    if "skateboard" in subjects and "car" not in subjects:
        parts, deck = sh.skateboard(center, ground, .42)
        scene.add_parts(parts)
        stand = deck if animals else ground
    size = rngs("animal").uniform(.34, .4) * (.88 if "car" in subjects or len(animals) > 1 else 1)
    spots = [(center, stand, facing), (w / 2 + facing * w * .22, ground, -facing)]
    for n, (kind, (x, y, face)) in enumerate(zip(animals, spots, strict=False)):
        build = {"cat": sh.cat, "fox": sh.fox}.get(kind, sh.dog)
        parts = build(sh.Figure(x, y, size, face))
        parts = [(role.replace("animal", "animal2") if n else role, shapes) for role, shapes in parts]
        scene.add_parts(parts)


def _flowers(scene: Scene, rng: np.random.Generator, ground: float, hero: bool) -> None:
    w, h, hz = scene.width, scene.height, scene.horizon
    by_role: dict[str, list[sh.Shape]] = {"stem": [], "petal": [], "center": []}
    for _ in range(int(10 * w)):
        y = rng.uniform(hz + .05, h)
        size = .04 + .08 * (y - hz) / (h - hz)
        x, turn, lean = rng.uniform(0, w), rng.uniform(0, 72), rng.uniform(-.2, .2)
        for role, shapes in sh.flower(x, y, size, 5, turn, lean):
            by_role[role] += shapes
    scene.add_parts(list(by_role.items()))
    if hero:
        x = w * rng.uniform(.35, .65)
        scene.add_parts(sh.flower(x, ground + .05, h * .55, int(rng.integers(6, 9)), rng.uniform(0, 45),
                                  rng.uniform(-.15, .15)))


def _rain(scene: Scene, rng: np.random.Generator) -> None:
    w, h = scene.width, scene.height
    n = int(120 * w * h)
    xs, ys = rng.uniform(-.1, w, n), rng.uniform(-.05, h, n)
    scene.add("rain", [sh.line([(x, y), (x - .012, y + .05)], .003) for x, y in zip(xs, ys, strict=True)])
    if rng.random() < .5:
        x, y, pts = rng.uniform(.2, .8) * w, .05, []
        while y < scene.horizon:
            pts.append((x, y))
            x, y = x + rng.uniform(-.06, .06), y + rng.uniform(.04, .09)
        scene.add("lightning", [sh.line(pts, .008)])
