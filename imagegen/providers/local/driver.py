"""The embedded offline generator. A procedural painter, not an AI model: no key, no network."""

from __future__ import annotations

import secrets
from typing import Any

from imagegen import catalog, render
from imagegen.drivers.base import BaseImageGenerationDriver, Request, Result


class LocalImageGenerationDriver(BaseImageGenerationDriver):
    provider_id = "local"

    def __init__(self, image_width: int = 512, image_height: int = 512, seed: int | None = None,
                 style_preset: str | None = None, model: str = "procedural-v1"):
        super().__init__(model)
        self.image_width = image_width
        self.image_height = image_height
        self.seed = seed
        self.style_preset = style_preset

    def requested_options(self) -> dict[str, Any]:
        return {"width": self.image_width, "height": self.image_height, "seed": self.seed,
                "style_preset": self.style_preset}

    def build_request(self, prompts: list[str], negative_prompts: list[str],
                      validated: catalog.Validated) -> Request:
        options = dict(validated.effective)
        seed = options.get("seed")
        if seed is None:
            seed = secrets.randbelow(2**32)  # drawn per run and reported, so the picture can be remade
            options["seed"] = seed
        body = {"prompt": ", ".join(prompts), "negative_prompt": ", ".join(negative_prompts), **options}
        return Request(prompt=body["prompt"], negative_prompt=body["negative_prompt"], body=body,
                       options=options, seed=seed)

    def send(self, request: Request) -> Result:
        body = request.body
        image = render.render(body["prompt"], body["negative_prompt"], seed=body["seed"],
                              width=body["width"], height=body["height"], style=body.get("style_preset"))
        return Result(value=render.encode(image, "png"), seed=body["seed"])
