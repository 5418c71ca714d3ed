"""Bulk seeding of a history database for bench/history.py (the store has no bulk-insert path).

Rows go in with SQLAlchemy Core `insert()` on the store's own engine and the ORM tables of
imagegen/history/models.py, so the column types (UTC datetimes, JSON) are processed exactly as the store
processes them, and the FTS triggers of migration 0002 fire on every insert. Image files are written
through `store.files.put` (content-addressed, with thumbnails): a few distinct tiny PNGs are reused, so
the disk stays small while every `ok` generation has an image row like `add_generation` would make.
"""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime, timedelta

from PIL import Image as PILImage
from sqlalchemy import insert

from imagegen.history.models import Generation, Image, Run

PROVIDERS = {
    "local": ["local-procedural"],
    "openai": ["gpt-image-1", "dall-e-3"],
    "azure": ["gpt-image-1", "dall-e-3"],
    "bedrock": ["amazon.titan-image-generator-v2:0", "stability.sd3-5-large-v1:0"],
    "leonardo": ["phoenix-1.0", "lightning-xl"],
}
STATUS_WEIGHTS = {"ok": 85, "error": 10, "filtered": 5}
WORDS = (
    "portrait landscape fox forest sunset city night river mountain ocean castle dragon robot garden street "
    "winter summer autumn spring light shadow golden blue red green silver misty foggy rainy snowy desert "
    "village harbor lighthouse train bridge market library cathedral temple meadow canyon glacier volcano "
    "island jungle savanna owl wolf bear deer cat dog horse whale eagle butterfly flower rose tulip lotus "
    "bamboo oak pine willow cherry blossom lantern candle mirror window door staircase balcony rooftop "
    "skyline neon cyberpunk steampunk baroque gothic minimalist surreal dreamy cinematic dramatic serene "
    "cozy ancient futuristic abandoned overgrown floating underwater celestial cosmic nebula galaxy planet "
    "moon star comet aurora rainbow storm thunder waterfall lake pond stream cliff cave tower ruins knight "
    "wizard sailor astronaut dancer musician painter child elder girl boy woman man family crowd"
).split()
RARE_WORD = "zeppelin"  # in about 1 run in 2,000: the "rare" full-text search
RARE_EVERY = 2000
RULESETS = [
    {"name": "style", "rules": ["watercolor", "soft pastel palette"]},
    {"name": "photo", "rules": ["35mm film", "shallow depth of field", "golden hour"]},
    {"name": "anime", "rules": ["cel shading", "vibrant colors"]},
    {"name": "oil", "rules": ["oil painting", "impasto brush strokes"]},
    {"name": "render", "rules": ["octane render", "volumetric light", "8k"]},
]
NEGATIVE_RULESETS = [
    {"name": "clean", "rules": ["blurry", "low quality", "watermark"]},
    {"name": "anatomy", "rules": ["extra fingers", "deformed hands"]},
]
ERRORS = [("rate_limited", "429 Too Many Requests: slow down"), ("timeout", "the provider did not answer in 60 s"),
          ("provider_error", "500 Internal Server Error from the provider"),
          ("invalid_request", "size 1536x1024 is not supported by this model")]
FILTERED = ("content_filtered", "the prompt was refused by the provider's safety system")
SIZES = ["512x512", "1024x1024", "1024x1536", "1536x1024"]
DISTINCT_IMAGES = 8
CHUNK = 5000


def tiny_pngs(count: int = DISTINCT_IMAGES) -> list[bytes]:
    out = []
    for index in range(count):
        buffer = io.BytesIO()
        PILImage.new("RGB", (16, 16), ((index * 37) % 256, (index * 91) % 256, (index * 53) % 256)).save(
            buffer, "PNG")
        out.append(buffer.getvalue())
    return out


def _prompt(rng: random.Random, weights: list[float], run_index: int) -> str:
    words = rng.choices(WORDS, weights=weights, k=rng.randint(6, 12))
    if run_index % RARE_EVERY == RARE_EVERY // 2:
        words.insert(rng.randrange(len(words) + 1), RARE_WORD)
    return "a " + " ".join(words)


def _compose(prompt: str, rulesets: list[dict]) -> str:
    rules = [rule for ruleset in rulesets for rule in ruleset["rules"]]
    return ", ".join([prompt, *rules])


def _counts(rng: random.Random, generations: int, runs: int) -> list[int]:
    """Generations per run: at least one each, the rest spread at random, summing to `generations`."""
    counts = [1] * runs
    for index in rng.choices(range(runs), k=generations - runs):
        counts[index] += 1
    return counts


def seed(store, generations: int, runs: int, *, seed_value: int = 1) -> dict:
    """Insert `runs` runs holding `generations` generations in all; return counts for the report."""
    if runs < 1 or generations < runs:
        raise ValueError("need runs >= 1 and generations >= runs")
    rng = random.Random(seed_value)
    weights = [1.0 / (rank + 1) for rank in range(len(WORDS))]  # Zipf-like: a few words are very common
    stored = [store.files.put(png, "png") for png in tiny_pngs()]
    counts = _counts(rng, generations, runs)
    start = datetime.now(UTC) - timedelta(days=365)
    step = timedelta(days=365) / runs
    providers = list(PROVIDERS)
    statuses, status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    engine = store.engine
    run_id = generation_id = 0
    images = 0
    for first in range(0, runs, CHUNK):
        run_rows, generation_rows, image_rows = [], [], []
        for index in range(first, min(first + CHUNK, runs)):
            run_id += 1
            created = start + step * index
            rulesets = rng.sample(RULESETS, rng.randint(0, 2))
            negative = rng.sample(NEGATIVE_RULESETS, rng.randint(0, 1))
            prompt = _prompt(rng, weights, index)
            run_rows.append({"id": run_id, "created_at": created, "prompt": prompt, "rulesets": rulesets,
                             "negative_rulesets": negative, "notes": "favourite" if rng.random() < 0.02 else ""})
            composed = _compose(prompt, rulesets)
            negative_prompt = _compose("", negative).lstrip(", ")
            for position in range(counts[index]):
                generation_id += 1
                provider = rng.choice(providers)
                model = rng.choice(PROVIDERS[provider])
                status = rng.choices(statuses, weights=status_weights)[0]
                error_kind, error_message = (None, None)
                if status == "error":
                    error_kind, error_message = rng.choice(ERRORS)
                elif status == "filtered":
                    error_kind, error_message = FILTERED
                seed_number = rng.randrange(2**31)
                size = rng.choice(SIZES)
                generation_rows.append({
                    "id": generation_id, "run_id": run_id, "position": position, "provider": provider,
                    "model": model, "requested_options": {"size": size, "seed": seed_number},
                    "effective_options": {"size": size, "seed": seed_number, "quality": "standard"},
                    "prompt": composed, "negative_prompt": negative_prompt, "status": status,
                    "error_kind": error_kind, "error_message": error_message,
                    "warnings": ["negative prompt emulated"] if provider in ("openai", "azure") and negative else [],
                    "seed": seed_number, "revised_prompt": None,
                    "latency_ms": round(rng.uniform(200, 30000), 1),
                    "cost_usd": None if provider == "local" else round(rng.choice((0.02, 0.04, 0.08)), 3),
                    "emulated": provider != "local" and rng.random() < 0.3,
                    "created_at": created + timedelta(seconds=position + 1)})
                if status == "ok":
                    image = stored[rng.randrange(len(stored))]
                    width, height = (int(side) for side in size.split("x"))
                    image_rows.append({
                        "generation_id": generation_id, "sha256": image.sha256, "format": "png",
                        "mime_type": "image/png", "width": width, "height": height,
                        "byte_size": image.byte_size, "storage_key": image.storage_key,
                        "thumbnail_key": image.thumbnail_key, "created_at": created + timedelta(seconds=position + 1)})
        with engine.begin() as connection:
            connection.execute(insert(Run), run_rows)
            connection.execute(insert(Generation), generation_rows)
            connection.execute(insert(Image), image_rows)
        images += len(image_rows)
    return {"runs": runs, "generations": generation_id, "images": images, "distinct_files": len(stored)}
