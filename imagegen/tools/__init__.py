"""Tools an Agent (or a chat model, through tool calling) uses to generate images."""

from imagegen.tools.prompt_image_generation import (
    Activity,
    PromptImageGenerationClient,
    PromptImageGenerationTool,
    ToolCallError,
)

__all__ = ["Activity", "PromptImageGenerationClient", "PromptImageGenerationTool", "ToolCallError"]
