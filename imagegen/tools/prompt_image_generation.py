"""The image-generation tool an Agent (or a chat model through tool calling) uses.

`PromptImageGenerationClient(engine=...)` has one activity, `generate_image(prompt, negative_prompt="")`,
described by a JSON schema a chat model can call. The chat-facing function name is the tool's name and
the activity joined by "_" (`PromptImageGenerationClient_generate_image`), as Griptape does.
`PromptImageGenerationTool` is the same tool under Griptape's newer name; it also accepts
`image_generation_driver=` instead of an engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imagegen.artifacts import ImageArtifact
from imagegen.engines import PromptImageGenerationEngine
from imagegen.errors import InvalidOptionsError
from imagegen.rules import Ruleset

PROMPT_DESCRIPTION = "Features and qualities to include in the generated image, descriptive and succinct."
NEGATIVE_PROMPT_DESCRIPTION = (
    "Features and qualities to avoid in the generated image. Affirmatively describe what to avoid, for "
    "example: to avoid the color red, write 'red' rather than 'no red'. Use an empty string for nothing."
)
NAME_PATTERN = re.compile(r"[A-Za-z0-9]+")


class ToolCallError(InvalidOptionsError):
    """A tool call the tool cannot run as asked (unknown activity, arguments not matching the schema)."""


@dataclass(frozen=True)
class Activity:
    """One thing a tool can do: its name, what it does, and the JSON schema of its arguments."""

    name: str
    description: str
    schema: dict[str, Any]


GENERATE_IMAGE = Activity(
    name="generate_image",
    description="Generates an image from a text prompt and an optional negative prompt.",
    schema={
        "type": "object",
        "properties": {
            "prompt": {"type": "string", "description": PROMPT_DESCRIPTION},
            "negative_prompt": {"type": "string", "description": NEGATIVE_PROMPT_DESCRIPTION},
        },
        "required": ["prompt"],
        "additionalProperties": False,
    },
)


def check_arguments(activity: Activity, arguments: Any) -> dict[str, str]:
    """The arguments when they match the activity's schema (string properties only); ToolCallError if not."""
    if not isinstance(arguments, dict):
        raise ToolCallError(f"{activity.name}: the arguments must be a JSON object, got {type(arguments).__name__}.")
    properties = activity.schema["properties"]
    unknown = sorted(set(arguments) - set(properties))
    if unknown:
        raise ToolCallError(f"{activity.name}: unknown argument(s) {', '.join(map(repr, unknown))}; expected "
                            f"{', '.join(properties)}.", field=unknown[0], allowed=", ".join(properties))
    checked: dict[str, str] = {}
    for name in properties:
        value = arguments.get(name)
        if value is None:
            if name in activity.schema["required"]:
                raise ToolCallError(f"{activity.name}: the argument '{name}' is required.", field=name)
            continue
        if not isinstance(value, str):
            raise ToolCallError(f"{activity.name}: the argument '{name}' must be a string, got "
                                f"{type(value).__name__}.", field=name)
        checked[name] = value
    for name in activity.schema["required"]:
        if not checked[name].strip():
            raise ToolCallError(f"{activity.name}: the argument '{name}' is empty; write a description.",
                                field=name)
    return checked


class PromptImageGenerationClient:
    """Generates an image with its engine; writes it to `output_file`, or into `output_dir` under its name."""

    def __init__(self, engine: PromptImageGenerationEngine | None = None, output_dir: str | Path | None = None,
                 output_file: str | Path | None = None, *, image_generation_driver=None, name: str | None = None):
        if output_dir and output_file:
            raise InvalidOptionsError("output_dir and output_file are mutually exclusive: pass one of them "
                                      "(or neither, to keep the image in memory only).", field="output_file")
        if engine is None and image_generation_driver is None:
            raise InvalidOptionsError(f"{type(self).__name__} needs an engine (engine=PromptImageGenerationEngine"
                                      "(...)) or an image_generation_driver.", field="engine")
        if engine is not None and image_generation_driver is not None:
            raise InvalidOptionsError("Pass either engine or image_generation_driver, not both.", field="engine")
        self.engine = engine or PromptImageGenerationEngine(image_generation_driver=image_generation_driver)
        self.output_dir = Path(output_dir) if output_dir else None
        self.output_file = Path(output_file) if output_file else None
        self.name = name or type(self).__name__
        if not NAME_PATTERN.fullmatch(self.name):
            raise InvalidOptionsError(f"Tool name {self.name!r} may contain only letters and digits.", field="name")
        self.last_path: Path | None = None  # where the last image was written, if anywhere

    # -- what a chat model sees --------------------------------------------------------------------
    def activities(self) -> list[Activity]:
        return [GENERATE_IMAGE]

    def function_name(self, activity: Activity) -> str:
        return f"{self.name}_{activity.name}"

    def function_schemas(self) -> list[dict[str, Any]]:
        """The OpenAI `tools` entries for this tool's activities."""
        return [{"type": "function", "function": {"name": self.function_name(activity),
                                                  "description": activity.description,
                                                  "parameters": activity.schema}}
                for activity in self.activities()]

    def run_activity(self, activity_name: str, arguments: Any) -> ImageArtifact:
        """Run an activity with arguments as a chat model sent them; ToolCallError when they do not fit."""
        activity = next((a for a in self.activities() if a.name == activity_name), None)
        if activity is None:
            raise ToolCallError(f"{self.name} has no activity {activity_name!r}; it has "
                                f"{', '.join(a.name for a in self.activities())}.", field="activity")
        return self.generate_image(**check_arguments(activity, arguments))

    # -- the activity ------------------------------------------------------------------------------
    def generate_image(self, prompt: str, negative_prompt: str = "",
                       rulesets: list[Ruleset] | None = None) -> ImageArtifact:
        """Generate one image; `rulesets` (not part of the schema) are added as the engine's positive rules."""
        artifact = self.engine.run(prompts=[prompt], negative_prompts=[negative_prompt] if negative_prompt else None,
                                   rulesets=rulesets)
        self.last_path = self.write(artifact)
        return artifact

    def output_path(self, artifact: ImageArtifact) -> Path | None:
        """Where `artifact` is (or would be) written: output_file, output_dir / artifact.name, or None."""
        if self.output_file is not None:
            return self.output_file
        if self.output_dir is not None:
            return self.output_dir / artifact.name
        return None

    def write(self, artifact: ImageArtifact) -> Path | None:
        path = self.output_path(artifact)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(artifact.value)
        return path

    def describe(self, artifact: ImageArtifact) -> str:
        """What the tool reports back to a chat model about an image it made."""
        path = self.output_path(artifact)
        return artifact.to_text() + (f", saved to {path}" if path is not None else "")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(engine={self.engine!r})"


class PromptImageGenerationTool(PromptImageGenerationClient):
    """Griptape's newer name for the same tool (its chat function is `PromptImageGenerationTool_generate_image`)."""
