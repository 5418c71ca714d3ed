"""PromptImageGenerationClient: its schema, argument checks, and where it writes the image."""

from __future__ import annotations

import json

import pytest

from imagegen.artifacts import ImageArtifact
from imagegen.drivers import LocalImageGenerationDriver, OpenAiImageGenerationDriver
from imagegen.engines import PromptImageGenerationEngine
from imagegen.errors import InvalidOptionsError
from imagegen.rules import Rule, Ruleset
from imagegen.tools import PromptImageGenerationClient, PromptImageGenerationTool, ToolCallError


def local_engine() -> PromptImageGenerationEngine:
    return PromptImageGenerationEngine(image_generation_driver=LocalImageGenerationDriver(
        image_width=96, image_height=64, seed=7))


def test_schema_is_an_openai_function_an_llm_can_call():
    [entry] = PromptImageGenerationClient(engine=local_engine()).function_schemas()
    assert entry["type"] == "function"
    function = entry["function"]
    assert function["name"] == "PromptImageGenerationClient_generate_image"
    assert function["description"]
    assert function["parameters"]["type"] == "object"
    assert set(function["parameters"]["properties"]) == {"prompt", "negative_prompt"}
    assert all(p["type"] == "string" and p["description"] for p in function["parameters"]["properties"].values())
    assert function["parameters"]["required"] == ["prompt"]
    assert function["parameters"]["additionalProperties"] is False
    assert json.loads(json.dumps(entry)) == entry  # plain JSON


def test_tool_alias_has_its_own_function_name_and_a_custom_name_is_checked():
    tool = PromptImageGenerationTool(engine=local_engine())
    assert isinstance(tool, PromptImageGenerationClient)
    assert tool.function_schemas()[0]["function"]["name"] == "PromptImageGenerationTool_generate_image"
    named = PromptImageGenerationClient(engine=local_engine(), name="Sketcher")
    assert named.function_schemas()[0]["function"]["name"] == "Sketcher_generate_image"
    with pytest.raises(InvalidOptionsError, match="letters and digits"):
        PromptImageGenerationClient(engine=local_engine(), name="my tool")


def test_output_dir_and_output_file_are_mutually_exclusive(tmp_path):
    with pytest.raises(InvalidOptionsError, match="output_dir and output_file are mutually exclusive"):
        PromptImageGenerationClient(engine=local_engine(), output_dir=tmp_path, output_file=tmp_path / "a.png")


def test_an_engine_or_a_driver_is_required_but_not_both():
    with pytest.raises(InvalidOptionsError, match="needs an engine"):
        PromptImageGenerationClient()
    driver = LocalImageGenerationDriver(image_width=64, image_height=64, seed=1)
    with pytest.raises(InvalidOptionsError, match="either engine or image_generation_driver"):
        PromptImageGenerationClient(engine=local_engine(), image_generation_driver=driver)
    tool = PromptImageGenerationTool(image_generation_driver=driver)
    assert tool.engine.image_generation_driver is driver
    assert tool.generate_image("a red fox").width == 64


def test_generate_image_passes_prompt_negative_prompt_and_rulesets_to_the_engine():
    tool = PromptImageGenerationClient(engine=local_engine())
    artifact = tool.generate_image("a red fox", negative_prompt="blurry",
                                   rulesets=[Ruleset("style", [Rule("watercolor")])])
    assert isinstance(artifact, ImageArtifact)
    assert (artifact.format, artifact.width, artifact.height) == ("png", 96, 64)
    assert artifact.meta["prompt"] == "a red fox, watercolor"
    assert artifact.meta["negative_prompt"] == "blurry"
    assert tool.generate_image("a red fox").meta["negative_prompt"] == ""


def test_output_dir_is_created_and_the_image_is_written_under_its_name(tmp_path):
    target = tmp_path / "nested" / "images"
    tool = PromptImageGenerationClient(engine=local_engine(), output_dir=str(target))
    artifact = tool.generate_image("a lighthouse at night")
    path = target / artifact.name
    assert tool.last_path == path == tool.output_path(artifact)
    assert path.read_bytes() == artifact.value
    assert artifact.name.endswith(".png")
    assert tool.describe(artifact).endswith(f"saved to {path}")
    assert [p.name for p in target.iterdir()] == [artifact.name]


def test_output_file_is_written_and_overwritten(tmp_path):
    target = tmp_path / "out" / "dog.png"
    tool = PromptImageGenerationClient(engine=local_engine(), output_file=target)
    first = tool.generate_image("a dog")
    assert target.read_bytes() == first.value and tool.last_path == target
    second = tool.generate_image("a cat on a roof")
    assert second.value != first.value
    assert target.read_bytes() == second.value


def test_without_output_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tool = PromptImageGenerationClient(engine=local_engine())
    artifact = tool.generate_image("a dog")
    assert tool.last_path is None and tool.output_path(artifact) is None
    assert list(tmp_path.iterdir()) == []
    assert "saved to" not in tool.describe(artifact)


@pytest.mark.parametrize(("arguments", "message"), [
    ("a dog", "must be a JSON object"),
    ({}, "'prompt' is required"),
    ({"prompt": "   "}, "'prompt' is empty"),
    ({"prompt": 3}, "'prompt' must be a string"),
    ({"prompt": "a dog", "negative_prompt": ["x"]}, "'negative_prompt' must be a string"),
    ({"prompt": "a dog", "style": "vivid"}, "unknown argument"),
])
def test_run_activity_refuses_arguments_outside_the_schema(arguments, message):
    tool = PromptImageGenerationClient(engine=local_engine())
    with pytest.raises(ToolCallError, match=message):
        tool.run_activity("generate_image", arguments)
    with pytest.raises(ToolCallError, match="has no activity 'paint'"):
        tool.run_activity("paint", {"prompt": "a dog"})
    assert issubclass(ToolCallError, ValueError)


def test_run_activity_with_arguments_from_a_model(tmp_path):
    tool = PromptImageGenerationClient(engine=local_engine(), output_dir=tmp_path)
    artifact = tool.run_activity("generate_image", {"prompt": "a dog", "negative_prompt": None})
    assert artifact.meta["prompt"] == "a dog" and artifact.meta["negative_prompt"] == ""
    assert (tmp_path / artifact.name).exists()


def test_tool_over_http_writes_what_the_provider_returned(emulator, monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-tool-test-0000")
    monkeypatch.setenv("OPENAI_BASE_URL", emulator.openai_base_url)
    driver = OpenAiImageGenerationDriver(model="gpt-image-2", image_size="256x256")
    tool = PromptImageGenerationClient(engine=PromptImageGenerationEngine(image_generation_driver=driver),
                                       output_file=tmp_path / "fox.png")
    artifact = tool.generate_image("a red fox", negative_prompt="snow")
    assert emulator.last_request("openai").json["prompt"] == "a red fox. Avoid: snow"
    assert (tmp_path / "fox.png").read_bytes() == artifact.value
    assert (artifact.width, artifact.height, artifact.meta["emulated"]) == (256, 256, True)
