"""Stability SDXL 1.0 on Bedrock: weighted `text_prompts`, fixed sizes, `artifacts` in the response."""

from __future__ import annotations

from typing import Any

from imagegen.drivers.bedrock.base import BedrockImageGenerationModelDriver, ParsedImage, decode, present
from imagegen.errors import ContentPolicyError, ProviderError

WIRE = {"width": "width", "height": "height", "seed": "seed", "cfg_scale": "cfg_scale", "steps": "steps",
        "style_preset": "style_preset", "clip_guidance_preset": "clip_guidance_preset", "sampler": "sampler"}


class BedrockStableDiffusionImageGenerationModelDriver(BedrockImageGenerationModelDriver):
    families = ("stability.stable-diffusion-xl",)
    label = "Stable Diffusion XL"

    def __init__(self, style_preset: str | None = None, clip_guidance_preset: str | None = None,
                 sampler: str | None = None, cfg_scale: float | None = 7, steps: int | None = None):
        self.style_preset = style_preset
        self.clip_guidance_preset = clip_guidance_preset
        self.sampler = sampler
        self.cfg_scale = cfg_scale
        self.steps = steps

    def options(self) -> dict[str, Any]:
        return {"cfg_scale": self.cfg_scale, "steps": self.steps, "style_preset": self.style_preset,
                "clip_guidance_preset": self.clip_guidance_preset, "sampler": self.sampler}

    def build(self, prompts, negative_prompts, options):
        text_prompts = [{"text": text, "weight": 1.0} for text in prompts]
        text_prompts += [{"text": text, "weight": -1.0} for text in negative_prompts]
        return {"text_prompts": text_prompts, **present(options, WIRE)}

    def parse(self, body: dict[str, Any]) -> ParsedImage:
        artifacts = body.get("artifacts")
        if not isinstance(artifacts, list) or not artifacts or not isinstance(artifacts[0], dict):
            raise ProviderError(f"{self.label} answered without artifacts ({body.get('result')!r}); try again.",
                                provider="bedrock")
        artifact = artifacts[0]
        reason = artifact.get("finishReason")
        if reason == "ERROR":
            raise ProviderError(f"{self.label} reported a generation error (finishReason ERROR); try again or "
                                f"change the options.", provider="bedrock", code="ERROR", retryable=True)
        if reason == "CONTENT_FILTERED" and not artifact.get("base64"):
            raise ContentPolicyError(f"{self.label}'s content filter blocked the image; rephrase the prompt.",
                                     provider="bedrock")
        image = ParsedImage(decode(artifact.get("base64"), self.label), seed=artifact.get("seed"))
        if reason == "CONTENT_FILTERED":
            image.filtered = True
            image.warnings.append(f"{self.label}'s content filter flagged this image (CONTENT_FILTERED): "
                                  f"it came back blurred.")
        return image
