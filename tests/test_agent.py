"""Agent: direct mode, chat mode through the real `openai` SDK against the emulator, and the tool-call loop."""

from __future__ import annotations

import json

import pytest

from imagegen.artifacts import ImageArtifact
from imagegen.drivers import LocalImageGenerationDriver, OpenAiChatPromptDriver, OpenAiImageGenerationDriver
from imagegen.drivers.prompt import ChatReply, ToolCall
from imagegen.engines import PromptImageGenerationEngine
from imagegen.errors import (
    ContentPolicyError,
    InvalidOptionsError,
    MissingCredentialsError,
    ProviderError,
    RateLimitError,
)
from imagegen.rules import Rule, Ruleset
from imagegen.structures import Agent, AgentError, Defaults, TextArtifact
from imagegen.tools import PromptImageGenerationClient

KEY = "sk-agent-test-key-000000"
FUNCTION = "PromptImageGenerationClient_generate_image"


def local_tool(**kwargs) -> PromptImageGenerationClient:
    driver = LocalImageGenerationDriver(image_width=80, image_height=64, seed=3)
    return PromptImageGenerationClient(engine=PromptImageGenerationEngine(image_generation_driver=driver), **kwargs)


@pytest.fixture
def chat_env(emulator, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", emulator.openai_base_url)
    return emulator


def chat_requests(emulator):
    return [r for r in emulator.requests if r.provider == "openai_chat"]


class ScriptedChat:
    """A stand-in chat model that answers from a script (for the loop's error paths)."""

    model = "scripted"

    def __init__(self, *replies: ChatReply):
        self.replies = list(replies)
        self.calls: list[list[dict]] = []

    def complete(self, messages, tools=None):
        self.calls.append(json.loads(json.dumps(messages)))
        self.tools = tools
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


def call(name: str, arguments: str, call_id: str = "call_1") -> ChatReply:
    return ChatReply(content=None, tool_calls=[ToolCall(call_id, name, arguments)], finish_reason="tool_calls")


# ---- direct mode ------------------------------------------------------------------------------------

def test_direct_mode_uses_the_text_as_the_prompt_of_the_first_image_tool(tmp_path):
    first, second = local_tool(output_dir=tmp_path / "a"), local_tool(output_dir=tmp_path / "b", name="Other")
    agent = Agent(tools=[first, second])
    assert agent.mode == "direct"
    artifact = agent.run("Generate a watercolor painting of a dog riding a skateboard")
    assert isinstance(artifact, ImageArtifact) and agent.output is artifact
    assert artifact.meta["prompt"] == "Generate a watercolor painting of a dog riding a skateboard"
    assert first.last_path == tmp_path / "a" / artifact.name and first.last_path.read_bytes() == artifact.value
    assert second.last_path is None and not (tmp_path / "b").exists()


def test_direct_mode_adds_the_agent_rulesets_as_positive_rules():
    agent = Agent(tools=[local_tool()], rulesets=[Ruleset("style", [Rule("watercolor"), Rule("soft light")])])
    assert agent.run("a dog").meta["prompt"] == "a dog, watercolor, soft light"


def test_direct_mode_needs_an_image_tool_and_a_text():
    with pytest.raises(InvalidOptionsError, match="no image tool"):
        Agent(tools=[]).run("a dog")
    with pytest.raises(InvalidOptionsError, match="non-empty text"):
        Agent(tools=[local_tool()]).run("  ")
    with pytest.raises(InvalidOptionsError, match="max_steps"):
        Agent(tools=[local_tool()], max_steps=0)
    with pytest.raises(InvalidOptionsError, match="both named 'PromptImageGenerationClient'"):
        Agent(tools=[local_tool(), local_tool()])


def test_defaults_prompt_driver_selects_chat_mode_unless_one_is_given(monkeypatch):
    chat = OpenAiChatPromptDriver(model="gpt-4o")
    monkeypatch.setattr(Defaults, "prompt_driver", chat)
    assert Agent(tools=[local_tool()]).prompt_driver is chat
    other = OpenAiChatPromptDriver(model="gpt-4o-mini")
    assert Agent(tools=[local_tool()], prompt_driver=other).prompt_driver is other
    monkeypatch.setattr(Defaults, "prompt_driver", None)
    assert Agent(tools=[local_tool()]).mode == "direct"


# ---- chat mode over HTTP ------------------------------------------------------------------------------

def test_chat_mode_asks_the_model_runs_its_tool_call_and_returns_the_artifact(chat_env, tmp_path):
    tool = local_tool(output_dir=tmp_path)
    agent = Agent(tools=[tool], prompt_driver=OpenAiChatPromptDriver(model="gpt-4o"))
    artifact = agent.run("Generate a watercolor painting of a dog riding a skateboard")
    assert isinstance(artifact, ImageArtifact) and agent.output is artifact
    assert artifact.meta["prompt"] == "a watercolor painting of a dog riding a skateboard"
    assert (tmp_path / artifact.name).read_bytes() == artifact.value == tool.last_path.read_bytes()

    first, second = chat_requests(chat_env)
    assert first.headers["authorization"] == f"Bearer {KEY}" and first.path == "/v1/chat/completions"
    assert first.json["model"] == "gpt-4o" and first.json["tool_choice"] == "auto"
    assert first.json["tools"] == tool.function_schemas()
    assert [m["role"] for m in first.json["messages"]] == ["system", "user"]
    tool_message = second.json["messages"][-1]
    assert tool_message["role"] == "tool"
    assert tool_message["tool_call_id"] == second.json["messages"][-2]["tool_calls"][0]["id"]
    assert tool_message["content"].endswith(f"saved to {tmp_path / artifact.name}")
    assert agent.answer.startswith("Done.") and str(tmp_path / artifact.name) in agent.answer


def test_chat_mode_sends_the_rules_and_the_model_writes_prompt_and_negative_prompt(chat_env):
    rules = [Ruleset("style", [Rule("watercolor")]), Ruleset("avoid", [Rule("Avoid blurry edges")])]
    agent = Agent(tools=[local_tool()], prompt_driver=OpenAiChatPromptDriver(model="gpt-4o"), rulesets=rules)
    artifact = agent.run("Generate an image of a dog riding a skateboard")
    system = chat_requests(chat_env)[0].json["messages"][0]["content"]
    assert 'Ruleset "style":\n- watercolor' in system and "- Avoid blurry edges" in system
    assert artifact.meta["prompt"] == "a dog riding a skateboard, watercolor"
    assert artifact.meta["negative_prompt"] == "blurry edges"


def test_chat_answer_without_a_tool_call_is_returned_as_text(chat_env, tmp_path):
    tool = local_tool(output_dir=tmp_path)
    agent = Agent(tools=[tool], prompt_driver=OpenAiChatPromptDriver(model="gpt-4o-mini"))
    answer = agent.run("What is the capital of France?")
    assert isinstance(answer, TextArtifact) and agent.output is answer
    assert answer.value == "(emulated chat model) You said: What is the capital of France?"
    assert "No image was generated" in answer.message and "gpt-4o-mini" in answer.message
    assert tool.last_path is None and list(tmp_path.iterdir()) == []
    assert len(chat_requests(chat_env)) == 1


def test_chat_key_and_base_url_arguments_win_over_the_environment(emulator, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens there
    driver = OpenAiChatPromptDriver(model="gpt-4o", api_key="sk-explicit-key-0000", base_url=emulator.openai_base_url)
    assert isinstance(Agent(tools=[local_tool()], prompt_driver=driver).run("Draw a cat"), ImageArtifact)
    assert chat_requests(emulator)[0].headers["authorization"] == "Bearer sk-explicit-key-0000"


def test_chat_without_a_key_names_the_variable(emulator, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", emulator.openai_base_url)
    agent = Agent(tools=[local_tool()], prompt_driver=OpenAiChatPromptDriver(model="gpt-4o"))
    with pytest.raises(MissingCredentialsError, match="OPENAI_API_KEY is not set") as info:
        agent.run("Draw a cat")
    assert info.value.variables == ("OPENAI_API_KEY",)
    assert emulator.requests == []


def test_chat_with_a_rejected_key_never_shows_it(chat_env, monkeypatch):
    secret = "sk-invalid-secret-key-123456789"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    agent = Agent(tools=[local_tool()], prompt_driver=OpenAiChatPromptDriver(model="gpt-4o"))
    with pytest.raises(ProviderError, match="HTTP 401") as info:
        agent.run("Draw a cat")
    assert secret not in str(info.value) and secret[:8] not in str(info.value)


def test_chat_rate_limit_fault_becomes_rate_limit_error(chat_env):
    chat_env.inject("openai_chat", "rate_limit", count=1, retry_after=0)
    agent = Agent(tools=[local_tool()], prompt_driver=OpenAiChatPromptDriver(model="gpt-4o", max_retries=0))
    with pytest.raises(RateLimitError):
        agent.run("Draw a cat")
    assert isinstance(agent.run("Draw a cat"), ImageArtifact)  # the fault was used up


def test_generation_errors_are_raised_not_sent_to_the_model(chat_env):
    chat_env.inject("openai", "content_policy", count=1)
    engine = PromptImageGenerationEngine(image_generation_driver=OpenAiImageGenerationDriver(
        model="gpt-image-2", image_size="256x256"))
    agent = Agent(tools=[PromptImageGenerationClient(engine=engine)],
                  prompt_driver=OpenAiChatPromptDriver(model="gpt-4o"))
    with pytest.raises(ContentPolicyError):
        agent.run("Generate a picture of a fox")
    assert len(chat_requests(chat_env)) == 1  # no second turn after the failed generation


# ---- the tool-call loop ---------------------------------------------------------------------------------

def test_unknown_function_and_bad_arguments_go_back_to_the_model_which_then_corrects_itself():
    chat = ScriptedChat(call("paint", "{}", "c1"), call(FUNCTION, "{not json", "c2"),
                        call(FUNCTION, '{"prompt": "a dog", "size": "big"}', "c3"),
                        call(FUNCTION, '{"prompt": "a dog", "negative_prompt": "rain"}', "c4"),
                        ChatReply(content="Here it is."))
    agent = Agent(tools=[local_tool()], prompt_driver=chat)
    artifact = agent.run("a dog")
    assert isinstance(artifact, ImageArtifact) and artifact.meta["negative_prompt"] == "rain"
    results = {m["tool_call_id"]: m["content"] for m in agent.messages if m["role"] == "tool"}
    assert results["c1"].startswith("Error: There is no tool function 'paint'") and FUNCTION in results["c1"]
    assert results["c2"] == f"Error: The arguments of {FUNCTION} are not valid JSON."
    assert "unknown argument(s) 'size'" in results["c3"]
    assert results["c4"].startswith("Image, format: png")
    assert len(chat.calls) == 5 and agent.answer == "Here it is."
    assert chat.tools == agent.tools[0].function_schemas()


def test_text_after_a_failed_call_says_why_there_is_no_image():
    chat = ScriptedChat(call(FUNCTION, '{"negative_prompt": "rain"}'), ChatReply(content="Sorry, I could not."))
    answer = Agent(tools=[local_tool()], prompt_driver=chat).run("a dog")
    assert isinstance(answer, TextArtifact) and answer.value == "Sorry, I could not."
    assert "No image was generated" in answer.message and "'prompt' is required" in answer.message


def test_the_loop_is_bounded():
    chat = ScriptedChat(call("nope", "{}"))
    agent = Agent(tools=[local_tool()], prompt_driver=chat, max_steps=3)
    with pytest.raises(AgentError, match="for 3 steps") as info:
        agent.run("a dog")
    assert "There is no tool function 'nope'" in str(info.value)
    assert len(chat.calls) == 3


def test_the_model_may_pick_a_tool_by_name_and_the_last_artifact_is_returned(tmp_path):
    big = PromptImageGenerationClient(engine=PromptImageGenerationEngine(
        image_generation_driver=LocalImageGenerationDriver(image_width=128, image_height=128, seed=1)),
        name="Big", output_dir=tmp_path)
    chat = ScriptedChat(ChatReply(content=None, tool_calls=[
        ToolCall("a", FUNCTION, '{"prompt": "a dog"}'), ToolCall("b", "Big_generate_image", '{"prompt": "a cat"}')]),
        ChatReply(content="Two images."))
    agent = Agent(tools=[local_tool(), big], prompt_driver=chat)
    artifact = agent.run("a dog and a cat")
    assert (artifact.width, artifact.meta["prompt"]) == (128, "a cat")
    assert (tmp_path / artifact.name).exists()
    assert [t["function"]["name"] for t in chat.tools] == [FUNCTION, "Big_generate_image"]
