"""Shape builders. Coordinates are scene units (1 unit = the image's shorter side), y grows downwards.

A shape is ("ellipse", box) | ("rect", box) | ("poly", points) | ("line", points, width); a subject is a
list of parts, (palette role, shapes), in drawing order.
"""

from __future__ import annotations

import math

import numpy as np

Shape = tuple
Part = tuple[str, list[Shape]]


def ellipse(cx: float, cy: float, rx: float, ry: float) -> Shape:
    return ("ellipse", (cx - rx, cy - ry, cx + rx, cy + ry))


def rect(x0: float, y0: float, x1: float, y1: float) -> Shape:
    return ("rect", (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))


def poly(points) -> Shape:
    return ("poly", [(float(x), float(y)) for x, y in points])


def line(points, width: float) -> Shape:
    return ("line", [(float(x), float(y)) for x, y in points], float(width))


def oval(cx: float, cy: float, rx: float, ry: float, angle: float = 0.0, n: int = 28) -> Shape:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    a = math.radians(angle)
    x, y = rx * np.cos(t), ry * np.sin(t)
    return poly(zip(cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a),
                    strict=True))


class Figure:
    """Local drawing frame: u to the front, v up, in units of size, standing on (cx, ground)."""

    def __init__(self, cx: float, ground: float, size: float, facing: int):
        self.cx, self.ground, self.s, self.f = cx, ground, size, facing

    def p(self, u: float, v: float) -> tuple[float, float]:
        return self.cx + self.f * u * self.s, self.ground - v * self.s

    def oval(self, u: float, v: float, ru: float, rv: float, angle: float = 0.0) -> Shape:
        return oval(*self.p(u, v), ru * self.s, rv * self.s, -angle * self.f)

    def circle(self, u: float, v: float, r: float) -> Shape:
        return ellipse(*self.p(u, v), r * self.s, r * self.s)

    def poly(self, points) -> Shape:
        return poly(self.p(u, v) for u, v in points)

    def line(self, points, width: float) -> Shape:
        return line([self.p(u, v) for u, v in points], width * self.s)

    def leg(self, u: float, width: float, top: float) -> Shape:
        return self.poly([(u - width / 2, 0), (u + width / 2, 0), (u + width / 2, top), (u - width / 2, top)])


def curve(p0, p1, p2, p3, n: int = 12) -> list[tuple[float, float]]:
    """Points along a cubic Bezier curve."""
    t = np.linspace(0, 1, n)[:, None]
    pts = (1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t ** 2 * p2 + t ** 3 * p3
    return [tuple(p) for p in pts]


def dog(fig: Figure) -> list[Part]:
    return [
        ("animal_dark", [fig.leg(-.22, .09, .5), fig.leg(.36, .09, .5)]),
        ("animal", [fig.line([(-.4, .62), (-.52, .76), (-.6, .9)], .07), fig.oval(0, .55, .46, .2),
                    fig.poly([(.2, .62), (.42, .5), (.6, .8), (.38, .94)]),
                    fig.leg(-.34, .1, .5), fig.leg(.24, .1, .5), fig.oval(.5, .88, .2, .17)]),
        ("animal_light", [fig.oval(.68, .82, .13, .085)]),
        ("animal_dark", [fig.oval(.4, .84, .07, .16, -15)]),
        ("eye", [fig.circle(.56, .94, .03), fig.circle(.8, .85, .04)]),
    ]


def cat(fig: Figure) -> list[Part]:
    return [
        ("animal_dark", [fig.leg(-.2, .075, .42), fig.leg(.3, .075, .42)]),
        ("animal", [fig.line(curve((-.34, .5), (-.75, .5), (-.62, .95), (-.42, .98)), .065),
                    fig.oval(0, .48, .4, .17),
                    fig.leg(-.3, .085, .45), fig.leg(.22, .085, .45), fig.oval(.44, .78, .17, .15),
                    fig.poly([(.29, .84), (.31, 1.06), (.43, .9)]),
                    fig.poly([(.45, .92), (.57, 1.07), (.59, .84)])]),
        ("animal_light", [fig.oval(.54, .73, .08, .05)]),
        ("eye", [fig.oval(.5, .81, .025, .035), fig.circle(.61, .76, .02)]),
    ]


def fox(fig: Figure) -> list[Part]:
    return [
        ("animal_dark", [fig.leg(-.2, .075, .42), fig.leg(.3, .075, .42)]),
        ("animal", [fig.oval(-.58, .56, .32, .12, -25), fig.oval(0, .48, .4, .16),
                    fig.leg(-.3, .085, .45), fig.leg(.22, .085, .45), fig.oval(.42, .78, .15, .13),
                    fig.poly([(.48, .86), (.74, .74), (.46, .68)]),
                    fig.poly([(.28, .84), (.3, 1.08), (.42, .9)]),
                    fig.poly([(.44, .9), (.55, 1.1), (.56, .84)])]),
        ("animal_light", [fig.oval(-.84, .68, .1, .07, -25), fig.oval(.36, .62, .07, .1),
                          fig.oval(.6, .73, .12, .04)]),
        ("animal_dark", [fig.leg(-.3, .085, .16), fig.leg(.22, .085, .16)]),
        ("eye", [fig.oval(.47, .82, .025, .03), fig.circle(.735, .745, .025)]),
    ]


def skateboard(cx: float, ground: float, length: float) -> tuple[list[Part], float]:
    r, t = .05 * length, .045 * length
    deck = ground - 2.3 * r
    half = .5 * length
    top = [(cx - half, deck - t - .05 * length), (cx - .4 * length, deck - t),
           (cx + .4 * length, deck - t), (cx + half, deck - t - .05 * length)]
    bottom = [(cx + half - .01 * length, deck - .05 * length), (cx + .4 * length, deck),
              (cx - .4 * length, deck), (cx - half + .01 * length, deck - .05 * length)]
    axles = (cx - .3 * length, cx + .3 * length)
    trucks = [rect(x - .03 * length, deck, x + .03 * length, ground - r) for x in axles]
    wheels = [ellipse(x, ground - r, r, r) for x in axles]
    return [("hub", trucks), ("vehicle", [poly(top + bottom)]), ("wheel", wheels)], deck - t


def car(fig: Figure) -> list[Part]:
    body = fig.poly([(-.5, .14), (.5, .14), (.53, .22), (.49, .34), (.2, .38), (-.46, .38), (-.53, .3)])
    cabin = fig.poly([(-.32, .37), (.16, .37), (.05, .56), (-.26, .56)])
    glass = [fig.poly([(-.28, .40), (-.08, .40), (-.08, .53), (-.23, .53)]),
             fig.poly([(-.04, .40), (.11, .40), (.03, .53), (-.04, .53)])]
    return [("vehicle", [body, cabin]), ("glass", glass), ("lamp", [fig.oval(.48, .28, .03, .03)]),
            ("wheel", [fig.circle(-.3, .11, .11), fig.circle(.3, .11, .11)]),
            ("hub", [fig.circle(-.3, .11, .05), fig.circle(.3, .11, .05)])]


def flower(cx: float, ground: float, h: float, petals: int, turn: float, lean: float) -> list[Part]:
    hx, hy = cx + lean * h, ground - h
    stem = line([(cx, ground), (cx + lean * h * .3, ground - h * .5), (hx, hy)], .035 * h)
    leaf = oval(cx + lean * h * .15 + .09 * h, ground - .35 * h, .11 * h, .04 * h, -30)
    ring = []
    for k in range(petals):
        a = math.radians(turn + 360 * k / petals)
        ring.append(oval(hx + math.cos(a) * .13 * h, hy + math.sin(a) * .13 * h, .12 * h, .06 * h,
                         math.degrees(a)))
    return [("stem", [stem, leaf]), ("petal", ring), ("center", [ellipse(hx, hy, .075 * h, .075 * h)])]


def conifer(x: float, base: float, h: float) -> tuple[Shape, list[Shape]]:
    tiers = []
    for k in range(3):
        top = base - h + k * .22 * h
        half = h * (.18 + .07 * k)
        tiers.append(poly([(x, top), (x + half, top + .42 * h), (x - half, top + .42 * h)]))
    return rect(x - .045 * h, base - .2 * h, x + .045 * h, base), tiers


def round_tree(x: float, base: float, h: float, rng: np.random.Generator) -> tuple[Shape, list[Shape]]:
    trunk = poly([(x - .06 * h, base), (x + .06 * h, base), (x + .035 * h, base - .6 * h),
                  (x - .035 * h, base - .6 * h)])
    canopy = [ellipse(x, base - .68 * h, .3 * h, .27 * h)]
    for _ in range(4):
        dx, dy = rng.uniform(-.22, .22) * h, rng.uniform(-.18, .1) * h
        r = rng.uniform(.14, .2) * h
        canopy.append(ellipse(x + dx, base - .68 * h + dy, r, r))
    return trunk, canopy


def _slope(apex, foot, rng: np.random.Generator, h: float) -> list[tuple[float, float]]:
    pts = []
    for t in (0, .3, .55, .8, 1):
        jitter = rng.uniform(-.06, .06) * h if t in (.55, .8) else 0.0
        pts.append((apex[0] + (foot[0] - apex[0]) * t + jitter, apex[1] + (foot[1] - apex[1]) * t))
    return pts


def mountains(rng: np.random.Generator, width: float, base: float, height: float, n: int,
              snow: bool) -> tuple[list[Shape], list[Shape]]:
    peaks, caps = [], []
    xs = (np.arange(n) + rng.uniform(.2, .8, n)) * (width + .4) / n - .2
    for px in xs:
        h = height * rng.uniform(.6, 1.0)
        apex = (px, base - h)
        left, right = (px - h * rng.uniform(1.0, 1.6), base), (px + h * rng.uniform(1.0, 1.6), base)
        peaks.append(poly(_slope(apex, left, rng, h)[::-1] + _slope(apex, right, rng, h)[1:]))
        if snow:
            a = (px + (left[0] - px) * .28, apex[1] + h * .28)
            b = (px + (right[0] - px) * .28, apex[1] + h * .28)
            zig = [(b[0] + (a[0] - b[0]) * k / 4, b[1] + (.05 * h if k % 2 else -.02 * h)) for k in (1, 2, 3)]
            caps.append(poly([apex, b, *zig, a]))
    return peaks, caps


def hills(rng: np.random.Generator, width: float, bottom: float, base: float, amp: float) -> Shape:
    xs = np.linspace(-.02, width + .02, 72)
    f1, f2 = rng.uniform(2, 4), rng.uniform(5, 9)
    p1, p2 = rng.uniform(0, 2 * np.pi, 2)
    ys = base - amp * (.6 + .3 * np.sin(xs * f1 + p1) + .1 * np.sin(xs * f2 + p2))
    return poly([*zip(xs, ys, strict=True), (width + .02, bottom), (-.02, bottom)])


def skyline(rng: np.random.Generator, width: float, base: float, tall: float,
            windows: bool) -> tuple[list[Shape], list[Shape]]:
    blocks, panes = [], []
    x = -rng.uniform(0, .08)
    while x < width:
        w, h = rng.uniform(.05, .12), tall * rng.uniform(.35, 1.0)
        blocks.append(rect(x, base - h, x + w, base + .01))
        if rng.random() < .3:
            blocks.append(rect(x + w * .3, base - h - .04 * tall, x + w * .7, base - h + .01))
        if windows:
            panes += _windows(rng, x, base - h, w, h)
        x += w + rng.uniform(0, .015)
    return blocks, panes


def _windows(rng: np.random.Generator, x: float, top: float, w: float, h: float) -> list[Shape]:
    cols, rows = max(1, int(w / .028)), max(1, int(h / .04))
    cw, rh = w / cols, h / rows
    return [rect(x + (i + .28) * cw, top + (j + .3) * rh, x + (i + .72) * cw, top + (j + .72) * rh)
            for j in range(rows - 1) for i in range(cols) if rng.random() < .7]


def cloud(cx: float, cy: float, w: float, rng: np.random.Generator) -> list[Shape]:
    puffs = [ellipse(cx, cy, w / 2, w * .13)]
    for k in range(4):
        px = cx + (k - 1.5) * w * .22 + rng.uniform(-.03, .03) * w
        r = w * rng.uniform(.13, .22) * (1.25 if k in (1, 2) else 1.0)
        puffs.append(ellipse(px, cy - r * .5, r, r))
    return puffs


def crescent(cx: float, cy: float, r: float, turn: float) -> Shape:
    d = r * .62
    a = math.atan2(-0.45, 1.0) + turn
    alpha = math.acos(d / (2 * r))
    ox, oy = cx + d * math.cos(a), cy + d * math.sin(a)
    outer = [(cx + r * math.cos(t), cy + r * math.sin(t))
             for t in np.linspace(a + alpha, a + 2 * np.pi - alpha, 40)]
    inner = [(ox + r * math.cos(t), oy + r * math.sin(t))
             for t in np.linspace(a + np.pi + alpha, a + np.pi - alpha, 40)]
    return poly(outer + inner)


def planet(cx: float, cy: float, r: float) -> tuple[list[Shape], list[Shape], list[Shape]]:
    t = np.linspace(0, 2 * np.pi, 64)
    a = math.radians(-15)
    x, y = 1.9 * r * np.cos(t), .45 * r * np.sin(t)
    xs, ys = cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a)
    pts = list(zip(xs, ys, strict=True))
    back = [p for p, s in zip(pts, np.sin(t), strict=True) if s <= 0]
    front = [p for p, s in zip(pts, np.sin(t), strict=True) if s >= 0]
    return [line(back, .07 * r)], [ellipse(cx, cy, r, r)], [line(front, .07 * r)]
