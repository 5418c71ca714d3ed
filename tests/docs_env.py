"""Names the Griptape docs examples' environment uses in tests (the `docs_env` fixture is in conftest.py), and
the examples whose models are retired: the message they now raise and the edit that moves them to the successor."""

from __future__ import annotations

from dataclasses import dataclass

DOCS_DEPLOYMENT = "dall-e-3-docs"  # the Azure deployment the examples' AZURE_OPENAI_DALL_E_3_DEPLOYMENT_ID names
DOCS_LEONARDO_MODEL = "b24e16ff-06e3-43eb-8d33-4416c2d75876"  # what LEONARDO_MODEL_ID holds

GPT_IMAGE_OPTIONS = (('    style="vivid",\n', ""), ('quality="hd"', 'quality="high"'))  # no style, no hd
SD_CLASS = (("BedrockStableDiffusionImageGenerationModelDriver", "BedrockStableImageGenerationModelDriver"),)
SD_TO_STABLE_IMAGE = (('BedrockStableDiffusionImageGenerationModelDriver(\n    style_preset="pixel-art",\n)',
                       "BedrockStableImageGenerationModelDriver()"), *SD_CLASS)  # SD3.5 has no style presets
TITAN_TO_STABLE_IMAGE = (("BedrockTitanImageGenerationModelDriver", "BedrockStableImageGenerationModelDriver"),)


@dataclass(frozen=True)
class Retirement:
    """A docs example's retired model: its date, its successor, and the text edits the successor needs."""

    model: str
    date: str
    successor: str
    edits: tuple[tuple[str, str], ...] = ()
    azure: bool = False  # the docs deployment must be redeployed with the successor

    def check_message(self, message: str) -> None:
        assert f"was retired on {self.date} — use" in message, message
        assert f"({self.successor})" in message, message

    def successor_source(self, source: str) -> str:
        edited = source.replace(f'model="{self.model}"', f'model="{self.successor}"')
        for old, new in self.edits:
            assert old in edited, old
            edited = edited.replace(old, new)
        assert edited != source
        return edited


OPENAI_DALL_E = "2026-05-12"
RETIRED_EXAMPLES = {
    "openai": Retirement("dall-e-3", OPENAI_DALL_E, "gpt-image-2", GPT_IMAGE_OPTIONS),
    "openai-dall-e-2": Retirement("dall-e-2", OPENAI_DALL_E, "gpt-image-2"),
    "azure": Retirement("dall-e-3", "2026-03-04", "gpt-image-2", GPT_IMAGE_OPTIONS, azure=True),
    "bedrock-stable-diffusion": Retirement("stability.stable-diffusion-xl-v1", "2025-05-20",
                                           "stability.sd3-5-large-v1:0", SD_TO_STABLE_IMAGE),
    "bedrock-titan": Retirement("amazon.titan-image-generator-v1", "2026-06-30", "stability.stable-image-core-v1:1",
                                TITAN_TO_STABLE_IMAGE),
    "tool-page": Retirement("stability.stable-diffusion-xl-v0", "2025-05-20", "stability.sd3-5-large-v1:0",
                            SD_CLASS),
    "griptape-1": Retirement("gpt-image-1", "2026-10-23", "gpt-image-2"),
}
