"""The embedded offline generator: procedural pictures, not an AI model."""

from __future__ import annotations

from imagegen.catalog.types import Model, Option, Provider
from imagegen.render import STYLES

LOCAL_OPTIONS = (
    Option("width", kind=int, default=512, minimum=64, maximum=4096, label="Width",
           help="Width in pixels, 64-4096."),
    Option("height", kind=int, default=512, minimum=64, maximum=4096, label="Height",
           help="Height in pixels, 64-4096."),
    Option("seed", kind=int, minimum=0, maximum=2**32 - 1, label="Seed",
           help="Same seed and prompt give the same picture. Empty: a random seed, reported with the image."),
    Option("style_preset", choices=STYLES, label="Style preset", help="The look of the picture."),
)

LOCAL = Provider(
    "local", "Local (offline)",
    (Model("procedural-v1", "Procedural sketcher", LOCAL_OPTIONS, max_prompt_chars=10000,
           negative_prompt=True, seed=True,
           help="A procedural generator, not an AI model: it paints a small scene from the colours, "
                "subjects and moods it recognises in the prompt. Works offline with no key."),),
    LOCAL_OPTIONS,
    help="Offline procedural generator (not an AI model); always available, no key needed.",
    default_model="procedural-v1",
)
