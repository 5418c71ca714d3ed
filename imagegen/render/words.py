"""The words the renderer understands (colours, subjects, moods) and the prompt parser."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

RGB = tuple[float, float, float]

COLORS: dict[str, tuple[int, int, int]] = {
    "red": (214, 39, 40), "crimson": (180, 20, 50), "scarlet": (230, 45, 30), "maroon": (120, 25, 35),
    "orange": (245, 133, 30), "yellow": (250, 212, 45), "gold": (226, 178, 40), "golden": (226, 178, 40),
    "green": (52, 160, 72), "lime": (150, 215, 60), "olive": (120, 125, 45), "emerald": (20, 150, 95),
    "teal": (0, 138, 138), "cyan": (30, 200, 220), "turquoise": (60, 205, 190),
    "blue": (36, 98, 214), "navy": (26, 40, 110), "azure": (60, 150, 240), "indigo": (75, 40, 160),
    "purple": (128, 56, 178), "violet": (143, 84, 214), "magenta": (214, 50, 170),
    "lavender": (180, 160, 230), "pink": (242, 122, 172), "brown": (128, 84, 48), "beige": (225, 205, 165),
    "black": (22, 22, 26), "white": (246, 246, 242), "gray": (128, 128, 134), "grey": (128, 128, 134),
    "silver": (192, 196, 204),
}
# hue band (centre, half width, degrees) each colour word covers when it is banned
HUE_BANDS = {
    "red": (0, 20), "crimson": (350, 16), "scarlet": (4, 16), "maroon": (350, 16), "orange": (28, 12),
    "yellow": (54, 14), "gold": (45, 12), "golden": (45, 12), "green": (118, 42), "lime": (90, 18),
    "olive": (62, 14), "emerald": (150, 18), "teal": (180, 14), "cyan": (188, 14), "turquoise": (172, 14),
    "blue": (222, 30), "navy": (230, 18), "azure": (208, 16), "indigo": (260, 14), "purple": (280, 20),
    "violet": (270, 18), "magenta": (310, 16), "lavender": (260, 18), "pink": (334, 16), "brown": (26, 14),
    "beige": (40, 12),
}
TONES = {"black": "dark", "white": "light", "gray": "gray", "grey": "gray", "silver": "gray"}

SUBJECTS: dict[str, str] = {
    "sun": "sun", "moon": "moon", "crescent": "moon",
    "mountain": "mountain", "peak": "mountain", "alps": "mountain",
    "ocean": "water", "sea": "water", "water": "water", "wave": "water", "lake": "water", "beach": "water",
    "river": "water",
    "forest": "forest", "woods": "forest", "jungle": "forest", "tree": "tree", "pine": "tree",
    "city": "city", "building": "city", "skyline": "city", "town": "city", "skyscraper": "city",
    "flower": "flower", "sunflower": "flower", "rose": "flower", "tulip": "flower", "daisy": "flower",
    "garden": "flower",
    "star": "stars", "starry": "stars", "space": "space", "galaxy": "space", "planet": "space",
    "cosmos": "space",
    "dog": "dog", "puppy": "dog", "cat": "cat", "kitten": "cat", "kitty": "cat", "fox": "fox",
    "animal": "animal", "pet": "animal", "bear": "animal", "wolf": "animal",
    "skateboard": "skateboard", "car": "car", "truck": "car",
    "cloud": "cloud", "cloudy": "cloud", "rain": "rain", "lightning": "rain",
}
ANIMALS = ("dog", "cat", "fox", "animal")
ROLE_OF_SUBJECT = {
    "sun": "sun", "moon": "moon", "mountain": "mountain", "water": "water", "forest": "foliage",
    "tree": "foliage", "city": "building", "flower": "petal", "stars": "star", "space": "planet",
    "dog": "animal", "cat": "animal", "fox": "animal", "animal": "animal", "skateboard": "vehicle",
    "car": "vehicle", "cloud": "cloud", "rain": "rain",
}
ROLE_NOUNS = {"sky": "sky", "grass": "ground", "field": "ground", "meadow": "ground", "ground": "ground",
              "hill": "ground", "land": "ground", "desert": "ground", "sand": "ground", "snow": "snow",
              "leaves": "foliage", "leaf": "foliage", "fur": "animal", "petals": "petal"}

MOODS: dict[str, str] = {
    "sunset": "sunset", "sunrise": "sunset", "dusk": "sunset", "dawn": "sunset", "twilight": "sunset",
    "evening": "sunset",
    "night": "night", "midnight": "night", "nighttime": "night", "nocturnal": "night",
    "stormy": "stormy", "storm": "stormy", "thunder": "stormy", "rainy": "stormy",
    "calm": "calm", "peaceful": "calm", "serene": "calm", "quiet": "calm", "tranquil": "calm",
    "happy": "happy", "bright": "happy", "sunny": "happy", "cheerful": "happy", "joyful": "happy",
    "dark": "dark", "gloomy": "dark", "moody": "dark", "sad": "dark", "eerie": "dark", "spooky": "dark",
}
SHADES = {"light": (1.0, 0.45), "pale": (0.75, 0.5), "pastel": (0.7, 0.5), "dark": (0.55, 0.0),
          "deep": (0.65, 0.0), "bright": (1.15, 0.0), "vivid": (1.15, 0.0)}
STOPS = {"in", "on", "at", "with", "over", "under", "of", "by", "near", "behind", "riding", "above"}
KNOWN = set(COLORS) | set(SUBJECTS) | set(ROLE_NOUNS) | set(MOODS)


@dataclass
class Spec:
    """What a prompt asks for, after the negative prompt has taken its words away."""

    subjects: list[str] = field(default_factory=list)
    moods: list[str] = field(default_factory=list)
    colors: dict[str, RGB] = field(default_factory=dict)  # palette role -> colour named for it
    theme: list[RGB] = field(default_factory=list)  # colours not tied to a subject
    banned_hues: list[tuple[float, float]] = field(default_factory=list)  # (centre, half width) degrees
    banned_tones: set[str] = field(default_factory=set)  # "dark", "light", "gray"
    banned: set[str] = field(default_factory=set)  # subjects not to draw
    riding: bool = False

    @property
    def mood(self) -> str | None:
        return self.moods[0] if self.moods else None


def words(text: str) -> list[str]:
    out = []
    for word in re.findall(r"[a-z]+", text.lower()):
        if word not in KNOWN and word.endswith("es") and word[:-2] in KNOWN:
            word = word[:-2]
        elif word not in KNOWN and word.endswith("s") and word[:-1] in KNOWN:
            word = word[:-1]
        out.append(word)
    return out


def _shade(rgb: RGB, modifier: str | None) -> RGB:
    if modifier not in SHADES:
        return rgb
    scale, whiten = SHADES[modifier]
    return tuple(min(1.0, (c * scale) * (1 - whiten) + whiten) for c in rgb)


def _colour_at(tokens: list[str], i: int) -> RGB:
    rgb = tuple(c / 255 for c in COLORS[tokens[i]])
    return _shade(rgb, tokens[i - 1] if i > 0 else None)


def _noun_after(tokens: list[str], i: int) -> str | None:
    """The palette role of the subject a colour word at i describes ("red fox" -> "animal")."""
    for word in tokens[i + 1:i + 4]:
        if word in STOPS:
            return None
        if word in SUBJECTS:
            return ROLE_OF_SUBJECT[SUBJECTS[word]]
        if word in ROLE_NOUNS:
            return ROLE_NOUNS[word]
    return None


def _bans(spec: Spec, negative: list[str]) -> None:
    for word in negative:
        if word in TONES:
            spec.banned_tones.add(TONES[word])
        elif word in HUE_BANDS and HUE_BANDS[word] not in spec.banned_hues:
            spec.banned_hues.append(HUE_BANDS[word])
        elif word in SUBJECTS:
            spec.banned.add(SUBJECTS[word])
        if word in MOODS:
            spec.banned.add("mood:" + MOODS[word])
    if "animal" in spec.banned:
        spec.banned.update(ANIMALS)
    if "stars" in spec.banned:
        spec.banned.add("space")


def parse(prompt: str, negative_prompt: str = "") -> Spec:
    spec = Spec()
    _bans(spec, words(negative_prompt))
    tokens = words(prompt)
    for i, word in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if word in COLORS:
            role = _noun_after(tokens, i)
            role = "animal2" if role == "animal" and role in spec.colors else role
            rgb = _colour_at(tokens, i)
            if role and role not in spec.colors:
                spec.colors[role] = rgb
            elif len(spec.theme) < 6:
                spec.theme.append(rgb)
        elif word in MOODS and not (word in SHADES and following in COLORS):
            mood = MOODS[word]
            if mood not in spec.moods and "mood:" + mood not in spec.banned:
                spec.moods.append(mood)
        if word in SUBJECTS:
            subject = SUBJECTS[word]
            if subject not in spec.subjects and subject not in spec.banned:
                spec.subjects.append(subject)
        night_sky = word == "sky" and i > 0 and tokens[i - 1] == "night"
        if night_sky and "stars" not in spec.subjects and "stars" not in spec.banned:
            spec.subjects.append("stars")
    spec.riding = "riding" in tokens or "rides" in tokens or "ride" in tokens
    return spec
