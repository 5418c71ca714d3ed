"""Amazon Titan Image Generator and Nova Canvas on Bedrock: the TEXT_IMAGE task body."""

from __future__ import annotations

from typing import Any

from imagegen.drivers.bedrock.base import BedrockImageGenerationModelDriver, ParsedImage, decode
from imagegen.errors import ContentPolicyError, ProviderError


class BedrockTitanImageGenerationModelDriver(BedrockImageGenerationModelDriver):
    families = ("amazon.titan-image-generator",)
    label = "Amazon Titan Image Generator"
    seed_max = 2147483646
    draws_seed = True

    def __init__(self, quality: str | None = "standard", cfg_scale: float | None = 7):
        self.quality = quality
        self.cfg_scale = cfg_scale

    def options(self) -> dict[str, Any]:
        return {"quality": self.quality, "cfg_scale": self.cfg_scale}

    def text_params(self, prompts: list[str], negative_prompts: list[str], options: dict[str, Any]) -> dict:
        params: dict[str, Any] = {"text": ", ".join(prompts)}
        if negative_prompts:
            params["negativeText"] = ", ".join(negative_prompts)
        return params

    def build(self, prompts, negative_prompts, options):
        config: dict[str, Any] = {"numberOfImages": 1}
        for name, wire in (("quality", "quality"), ("cfg_scale", "cfgScale"), ("width", "width"),
                           ("height", "height"), ("seed", "seed")):
            if options.get(name) is not None:
                config[wire] = options[name]
        return {"taskType": "TEXT_IMAGE", "textToImageParams": self.text_params(prompts, negative_prompts, options),
                "imageGenerationConfig": config}

    def parse(self, body: dict[str, Any]) -> ParsedImage:
        if body.get("status") == "Request Moderated" or body.get("details"):
            reasons = (body.get("details") or {}).get("Moderation Reasons") or []
            which = f" ({', '.join(map(str, reasons))})" if reasons else ""
            raise ContentPolicyError(f"{self.label} moderated the request{which}; rephrase the prompt.",
                                     provider="bedrock", categories=[str(r) for r in reasons])
        if body.get("error"):
            message = str(body["error"])
            if "filter" in message.lower() or "moderat" in message.lower():
                raise ContentPolicyError(f"{self.label}: {message} Rephrase the prompt.", provider="bedrock")
            raise ProviderError(f"{self.label} reported an error: {message}", provider="bedrock")
        images = body.get("images") or []
        return ParsedImage(decode(images[0] if images else None, self.label))


class BedrockNovaCanvasImageGenerationModelDriver(BedrockTitanImageGenerationModelDriver):
    families = ("amazon.nova-canvas",)
    label = "Amazon Nova Canvas"
    seed_max = 858993459

    def __init__(self, quality: str | None = "standard", cfg_scale: float | None = 6.5, style: str | None = None):
        super().__init__(quality=quality, cfg_scale=cfg_scale)
        self.style = style

    def options(self) -> dict[str, Any]:
        return {**super().options(), "style": self.style}

    def text_params(self, prompts, negative_prompts, options):
        params = super().text_params(prompts, negative_prompts, options)
        if options.get("style") is not None:
            params["style"] = options["style"]
        return params
