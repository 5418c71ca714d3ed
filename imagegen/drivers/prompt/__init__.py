"""Prompt drivers: chat models an Agent asks to write image prompts and call tools."""

from imagegen.drivers.prompt.openai_chat import ChatReply, OpenAiChatPromptDriver, ToolCall

__all__ = ["ChatReply", "OpenAiChatPromptDriver", "ToolCall"]
