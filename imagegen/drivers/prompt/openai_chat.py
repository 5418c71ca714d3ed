"""A chat model through the official `openai` SDK, used by `Agent` to write prompts and call tools.

The key comes from `api_key=`, else `OPENAI_API_KEY` (or `api_key` under [openai] in the secrets file);
the endpoint from `base_url=`, else `OPENAI_BASE_URL`, else OpenAI's. Keys never appear in messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import openai

from imagegen import catalog, credentials
from imagegen.drivers import client_cache
from imagegen.drivers.openai_errors import translate
from imagegen.errors import ProviderError
from imagegen.settings import get_settings

EMULATOR_HEADER = "x-imagegen-emulated"
LABEL = "OpenAI chat"


@dataclass
class ToolCall:
    id: str
    name: str
    arguments: str  # JSON text, exactly as the model wrote it


@dataclass
class ChatReply:
    """One assistant turn: text, tool calls, or both."""

    content: str | None
    tool_calls: list[ToolCall] = field(default_factory=list)
    finish_reason: str | None = None
    usage: dict[str, Any] = field(default_factory=dict)
    emulated: bool = False

    def as_message(self) -> dict[str, Any]:
        """The assistant message to append to the conversation before the tool results."""
        message: dict[str, Any] = {"role": "assistant", "content": self.content}
        if self.tool_calls:
            message["tool_calls"] = [{"id": call.id, "type": "function",
                                      "function": {"name": call.name, "arguments": call.arguments}}
                                     for call in self.tool_calls]
        return message


class OpenAiChatPromptDriver:
    """`complete(messages, tools)` sends one chat completion with `tool_choice="auto"` and parses the reply."""

    provider_id = "openai"

    def __init__(self, model: str, api_key: str | None = None, base_url: str | None = None,
                 organization: str | None = None, temperature: float | None = None, timeout: float = 60.0,
                 max_retries: int = 2):
        self.model = model
        self.api_key = api_key
        self.base_url = base_url
        self.organization = organization
        self.temperature = temperature
        self.timeout = timeout
        self.max_retries = max_retries

    @property
    def credential(self) -> catalog.Credential:
        return catalog.get_provider(self.provider_id).credentials[0]

    def resolve_api_key(self) -> str:
        return credentials.require(self.credential, self.api_key, self.provider_id)

    def resolve_base_url(self) -> str | None:
        return self.base_url or get_settings().openai.base_url

    def get_client(self) -> openai.OpenAI:
        """The shared client (drivers.client_cache) for this key + endpoint, read at call time (a changed
        variable gets a new client)."""
        api_key, base_url = self.resolve_api_key(), self.resolve_base_url()
        key = (type(self).__name__, client_cache.fingerprint(api_key, base_url, self.organization), self.timeout,
               self.max_retries)
        return client_cache.shared(key, lambda: openai.OpenAI(api_key=api_key, base_url=base_url,
                                                              organization=self.organization, timeout=self.timeout,
                                                              max_retries=self.max_retries))

    def build_request(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]) -> dict[str, Any]:
        """The keyword arguments of `chat.completions.create` (pure)."""
        body: dict[str, Any] = {"model": self.model, "messages": messages}
        if tools:
            body.update(tools=tools, tool_choice="auto")
        if self.temperature is not None:
            body["temperature"] = self.temperature
        return body

    def complete(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None = None) -> ChatReply:
        client = self.get_client()
        try:
            raw = client.chat.completions.with_raw_response.create(**self.build_request(messages, tools or []))
            response = raw.parse()
        except openai.OpenAIError as exc:
            raise translate(exc, label=LABEL, provider=self.provider_id, key_hint=self.key_hint(),
                            endpoint_hint=f"the model id ({self.model}) and the base URL "
                                          f"({self.resolve_base_url() or 'OpenAI default'})",
                            secrets=[self.api_key, credentials.lookup(self.credential)[0]]) from None
        if not response.choices:
            raise ProviderError(f"{LABEL} answered without a choice; try again.", provider=self.provider_id)
        choice = response.choices[0]
        calls = [ToolCall(call.id, call.function.name, call.function.arguments or "")
                 for call in choice.message.tool_calls or [] if getattr(call, "function", None) is not None]
        usage = response.usage.model_dump(exclude_none=True) if response.usage is not None else {}
        return ChatReply(content=choice.message.content, tool_calls=calls, finish_reason=choice.finish_reason,
                         usage=usage, emulated=raw.headers.get(EMULATOR_HEADER) == "true")

    def key_hint(self) -> str:
        return credentials.invalid_key_hint(self.credential)

    def __repr__(self) -> str:
        return f"OpenAiChatPromptDriver(model={self.model!r})"
