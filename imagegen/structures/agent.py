"""A minimal Agent: `Agent(tools=[PromptImageGenerationClient(engine=engine)]).run("Generate ...")`.

Two modes, chosen when the Agent is built:

- **direct** (no prompt driver, the default): the text is the prompt of the first image tool; the
  Agent's rule sets are added to that call as positive rule sets of the engine. No chat model is used.
- **chat** (`prompt_driver=OpenAiChatPromptDriver(model=...)`, or `Defaults.prompt_driver` set): the chat
  model gets a system message (with the Agent's rules), the text and the tools' schemas, writes the prompt
  and negative prompt, and calls a tool through OpenAI tool calling; the Agent runs each call and sends
  the result back, up to `max_steps` model turns. `run` returns the artifact of the last successful call.
  A call the tools cannot run (unknown function, arguments that are not JSON or do not fit the schema) is
  answered to the model as an error so it can correct itself; errors of the generation itself (missing
  key, rate limit, safety rejection, ...) are raised. A model that answers with text only gets a
  `TextArtifact` whose `message` says no image was generated.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from imagegen.artifacts import ImageArtifact
from imagegen.errors import ImageGenerationError, InvalidOptionsError
from imagegen.rules import Ruleset
from imagegen.tools import ToolCallError

MAX_STEPS = 5
SYSTEM_PROMPT = (
    "You are an assistant that creates images with the tools you are given. Turn the user's request into a "
    "detailed, descriptive image prompt, put what the image must not show into negative_prompt (or leave "
    "it empty), and call the tool. Answer in text only when the request is not about an image."
)


class Defaults:
    """Process-wide defaults, like Griptape's `Defaults.drivers_config`.

    `Defaults.prompt_driver`: the prompt driver of every Agent built without one (None: direct mode).
    """

    prompt_driver: Any = None


class AgentError(ImageGenerationError):
    """The chat model did not finish: it kept calling tools the Agent could not run."""

    kind = "agent"


@dataclass
class TextArtifact:
    """A text answer instead of an image; `message` says why there is no image."""

    value: str
    message: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def to_text(self) -> str:
        return self.value

    def __str__(self) -> str:
        return self.value


def rules_text(rulesets: Sequence[Ruleset]) -> str:
    """The rule sets as the system message lists them: a heading per rule set, a '- ' line per rule."""
    blocks = []
    for ruleset in rulesets:
        lines = "\n".join(f"- {value}" for value in ruleset.values if value.strip())
        if lines:
            blocks.append(f'Ruleset "{ruleset.name}":\n{lines}')
    if not blocks:
        return ""
    return "Always follow the rules of these rulesets when you write prompts:\n\n" + "\n\n".join(blocks)


class Agent:
    """Runs image tools directly, or through a chat model that writes the prompt (see the module doc)."""

    def __init__(self, tools: Sequence[Any] = (), prompt_driver: Any = None,
                 rulesets: Sequence[Ruleset] | None = None, max_steps: int = MAX_STEPS):
        self.tools = list(tools)
        self.prompt_driver = prompt_driver if prompt_driver is not None else Defaults.prompt_driver
        self.rulesets = list(rulesets or [])
        if max_steps < 1:
            raise InvalidOptionsError(f"max_steps must be at least 1, got {max_steps}.", field="max_steps")
        self.max_steps = max_steps
        self.functions = self.index_functions()
        self.output: ImageArtifact | TextArtifact | None = None
        self.messages: list[dict[str, Any]] = []  # the last chat conversation (chat mode)
        self.answer: str | None = None  # the chat model's last text (chat mode)

    def index_functions(self) -> dict[str, tuple[Any, str]]:
        """Chat function name -> (tool, activity name); duplicate names are refused."""
        functions: dict[str, tuple[Any, str]] = {}
        for tool in self.tools:
            for activity in tool.activities():
                name = tool.function_name(activity)
                if name in functions:
                    raise InvalidOptionsError(f"Two tools are both named {tool.name!r}; give one a name= of "
                                              "its own.", field="tools")
                functions[name] = (tool, activity.name)
        return functions

    @property
    def mode(self) -> str:
        return "direct" if self.prompt_driver is None else "chat"

    def run(self, text: str) -> ImageArtifact | TextArtifact:
        if not isinstance(text, str) or not text.strip():
            raise InvalidOptionsError("Agent.run needs a non-empty text: what image to generate.", field="text")
        self.output, self.messages, self.answer = None, [], None
        self.output = self.run_direct(text) if self.prompt_driver is None else self.run_chat(text)
        return self.output

    # -- direct mode -------------------------------------------------------------------------------
    def run_direct(self, text: str) -> ImageArtifact:
        tool = next((t for t in self.tools if hasattr(t, "generate_image")), None)
        if tool is None:
            raise InvalidOptionsError("This Agent has no image tool: pass tools=[PromptImageGenerationClient("
                                      "engine=...)].", field="tools")
        return tool.generate_image(prompt=text.strip(), rulesets=self.rulesets or None)

    # -- chat mode ---------------------------------------------------------------------------------
    def system_message(self) -> str:
        rules = rules_text(self.rulesets)
        return SYSTEM_PROMPT + (f"\n\n{rules}" if rules else "")

    def run_chat(self, text: str) -> ImageArtifact | TextArtifact:
        schemas = [schema for tool in self.tools for schema in tool.function_schemas()]
        self.messages = [{"role": "system", "content": self.system_message()}, {"role": "user", "content": text}]
        artifact: ImageArtifact | None = None
        last_error: str | None = None
        for _ in range(self.max_steps):
            reply = self.prompt_driver.complete(self.messages, schemas)
            self.messages.append(reply.as_message())
            if not reply.tool_calls:
                self.answer = reply.content or ""
                return artifact if artifact is not None else self.text_answer(self.answer, last_error)
            for call in reply.tool_calls:
                try:
                    artifact, result = self.call_tool(call.name, call.arguments)
                except ToolCallError as exc:
                    last_error = result = f"Error: {exc}"
                self.messages.append({"role": "tool", "tool_call_id": call.id, "content": result})
        if artifact is not None:
            return artifact
        raise AgentError(f"The chat model ({self.model_name}) kept calling tools for {self.max_steps} steps "
                         f"without a usable call, so no image was generated. Last error: {last_error}")

    def call_tool(self, name: str, arguments: str) -> tuple[ImageArtifact, str]:
        """Run one tool call; ToolCallError (to send back to the model) when it cannot be run as asked."""
        if name not in self.functions:
            raise ToolCallError(f"There is no tool function {name!r}; available: {', '.join(self.functions)}.",
                                field="name")
        try:
            parsed = json.loads(arguments or "{}")
        except ValueError:
            raise ToolCallError(f"The arguments of {name} are not valid JSON.", field="arguments") from None
        tool, activity = self.functions[name]
        artifact = tool.run_activity(activity, parsed)
        return artifact, tool.describe(artifact)

    @property
    def model_name(self) -> str:
        return str(getattr(self.prompt_driver, "model", type(self.prompt_driver).__name__))

    def text_answer(self, text: str, last_error: str | None) -> TextArtifact:
        message = (f"No image was generated: the chat model ({self.model_name}) answered with text instead of "
                   f"calling an image tool; its answer is the artifact's value.")
        if last_error:
            message += f" Its last tool call failed: {last_error}"
        return TextArtifact(value=text, message=message, meta={"model": self.model_name})

    def __repr__(self) -> str:
        return f"Agent(mode={self.mode!r}, tools={[t.name for t in self.tools]})"
