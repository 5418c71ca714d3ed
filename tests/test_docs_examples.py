"""The Griptape image-generation docs examples, `agent.run(...)` included, run with `imagegen`.

Each example is kept below exactly as the Griptape docs print it; `to_imagegen` rewrites only its
`from griptape... import` lines (and a test checks that nothing else changed). The environment points every
SDK at the emulator. Every example runs in both Agent modes:

- direct: the example as is (no prompt driver: the text is the image prompt);
- chat: `imagegen.structures.Defaults.prompt_driver` is set to `OpenAiChatPromptDriver(model="gpt-4o")`
  before the example runs, the way Griptape's `Defaults.drivers_config` gives every Agent its prompt
  driver; the emulated chat model writes the prompt and calls the tool over HTTP.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from imagegen.artifacts import ImageArtifact
from imagegen.drivers import OpenAiChatPromptDriver
from imagegen.emulator.chat_routes import image_prompt
from imagegen.errors import InvalidOptionsError
from imagegen.structures import Defaults, agent
from tests.docs_env import DOCS_DEPLOYMENT, DOCS_LEONARDO_MODEL, RETIRED_EXAMPLES

OPENAI = '''\
import os

from griptape.drivers import OpenAiImageGenerationDriver
from griptape.engines import PromptImageGenerationEngine
from griptape.structures import Agent
from griptape.tools import PromptImageGenerationClient

driver = OpenAiImageGenerationDriver(
    model="dall-e-3",
    api_key=os.environ["OPENAI_API_KEY"],
    style="vivid",
    quality="hd",
    image_size="1024x1024",
)

engine = PromptImageGenerationEngine(image_generation_driver=driver)

agent = Agent(
    tools=[
        PromptImageGenerationClient(engine=engine),
    ]
)

agent.run("Generate a watercolor painting of a dog riding a skateboard")
'''

OPENAI_DALL_E_2 = '''\
from griptape.structures import Agent
from griptape.tools import PromptImageGenerationClient
from griptape.engines import PromptImageGenerationEngine
from griptape.drivers import OpenAiImageGenerationDriver

driver = OpenAiImageGenerationDriver(
    model="dall-e-2",
    image_size="512x512",
)

engine = PromptImageGenerationEngine(image_generation_driver=driver)

agent = Agent(tools=[
    PromptImageGenerationClient(engine=engine),
])

agent.run("Generate a watercolor painting of a dog riding a skateboard")
'''

AZURE = '''\
import os

from griptape.drivers import AzureOpenAiImageGenerationDriver
from griptape.engines import PromptImageGenerationEngine
from griptape.structures import Agent
from griptape.tools import PromptImageGenerationClient

driver = AzureOpenAiImageGenerationDriver(
    model="dall-e-3",
    azure_deployment=os.environ["AZURE_OPENAI_DALL_E_3_DEPLOYMENT_ID"],
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT_1"],
    api_key=os.environ["AZURE_OPENAI_API_KEY_1"],
    style="vivid",
    quality="hd",
    image_size="1024x1024",
)

engine = PromptImageGenerationEngine(image_generation_driver=driver)

agent = Agent(
    tools=[
        PromptImageGenerationClient(engine=engine),
    ]
)

agent.run("Generate a watercolor painting of a dog riding a skateboard")
'''

BEDROCK_STABLE_DIFFUSION = '''\
from griptape.structures import Agent
from griptape.tools import PromptImageGenerationClient
from griptape.engines import PromptImageGenerationEngine
from griptape.drivers import AmazonBedrockImageGenerationDriver, \\
    BedrockStableDiffusionImageGenerationModelDriver

model_driver = BedrockStableDiffusionImageGenerationModelDriver(
    style_preset="pixel-art",
)

driver = AmazonBedrockImageGenerationDriver(
    image_generation_model_driver=model_driver,
    model="stability.stable-diffusion-xl-v1",
)

engine = PromptImageGenerationEngine(image_generation_driver=driver)

agent = Agent(tools=[
    PromptImageGenerationClient(engine=engine),
])

agent.run("Generate an image of a dog riding a skateboard")
'''

BEDROCK_TITAN = '''\
from griptape.structures import Agent
from griptape.tools import PromptImageGenerationClient
from griptape.engines import PromptImageGenerationEngine
from griptape.drivers import AmazonBedrockImageGenerationDriver, \\
    BedrockTitanImageGenerationModelDriver

model_driver = BedrockTitanImageGenerationModelDriver()

driver = AmazonBedrockImageGenerationDriver(
    image_generation_model_driver=model_driver,
    model="amazon.titan-image-generator-v1",
)

engine = PromptImageGenerationEngine(image_generation_driver=driver)

agent = Agent(tools=[
    PromptImageGenerationClient(engine=engine),
])

agent.run("Generate a watercolor painting of a dog riding a skateboard")
'''

LEONARDO = '''\
import os

from griptape.structures import Agent
from griptape.tools import PromptImageGenerationClient
from griptape.engines import PromptImageGenerationEngine
from griptape.drivers import LeonardoImageGenerationDriver

driver = LeonardoImageGenerationDriver(
    model=os.environ["LEONARDO_MODEL_ID"],
    api_key=os.environ["LEONARDO_API_KEY"],
    image_width=512,
    image_height=1024,
)

engine = PromptImageGenerationEngine(image_generation_driver=driver)

agent = Agent(tools=[
    PromptImageGenerationClient(engine=engine),
])

agent.run("Generate a watercolor painting of a dog riding a skateboard")
'''

# The PromptImageGenerationClient page of the tools docs: the Agent is not kept in a variable.
TOOL_PAGE = '''\
from griptape.structures import Agent
from griptape.engines import PromptImageGenerationEngine
from griptape.drivers import AmazonBedrockImageGenerationDriver, \\
    BedrockStableDiffusionImageGenerationModelDriver
from griptape.tools import PromptImageGenerationClient


# Create a driver configured to use Stable Diffusion via Bedrock.
driver = AmazonBedrockImageGenerationDriver(
    image_generation_model_driver=BedrockStableDiffusionImageGenerationModelDriver(),
    model="stability.stable-diffusion-xl-v0",
)

# Create an engine configured to use the driver.
engine = PromptImageGenerationEngine(
    image_generation_driver=driver,
)

# Create a tool configured to use the engine.
tool = PromptImageGenerationClient(
    engine=engine,
)

# Create an agent and provide the tool to it.
Agent(tools=[tool]).run("Generate an image of a mountain on a summer day.")
'''

# Griptape 1.x: the tool takes the driver and has a new name.
GRIPTAPE_1 = '''\
from griptape.drivers.image_generation.openai import OpenAiImageGenerationDriver
from griptape.structures import Agent
from griptape.tools import PromptImageGenerationTool

driver = OpenAiImageGenerationDriver(
    model="gpt-image-1",
)

agent = Agent(
    tools=[
        PromptImageGenerationTool(image_generation_driver=driver),
    ]
)

agent.run("Generate a watercolor painting of a dog riding a skateboard")
'''

def to_imagegen(source: str) -> str:
    """Rewrite `from griptape.<package>[.sub...] import` to `from imagegen.<package> import`; nothing else."""
    return re.sub(r"^from griptape\.(\w+)(\.[\w.]+)? import ", r"from imagegen.\1 import ", source,
                  flags=re.MULTILINE)


# ---- per-example checks: the request the provider received, and the artifact ---------------------------
# A retired example (tests/docs_env.py RETIRED_EXAMPLES) is checked as run with its successor.

def check_openai(emu, artifact, prompt):
    body = emu.last_request("openai").json
    assert body == {"model": "gpt-image-2", "prompt": prompt, "n": 1, "size": "1024x1024", "quality": "high"}
    assert (artifact.format, artifact.width, artifact.height) == ("png", 1024, 1024)
    assert artifact.meta["revised_prompt"] is None  # GPT image models never rewrite the prompt


def check_openai_dall_e_2(emu, artifact, prompt):
    body = emu.last_request("openai").json
    assert (body["model"], body["prompt"], body["size"]) == ("gpt-image-2", prompt, "512x512")
    assert (artifact.format, artifact.width, artifact.height) == ("png", 512, 512)


def check_azure(emu, artifact, prompt):
    request = emu.last_request("azure")
    assert request.path == f"/openai/deployments/{DOCS_DEPLOYMENT}/images/generations"
    assert request.headers["api-key"] == "azure-docs-key-000000"
    assert (request.json["prompt"], request.json["quality"]) == (prompt, "high") and "style" not in request.json
    assert (artifact.width, artifact.height, artifact.meta["provider"]) == (1024, 1024, "azure")


def check_stable_image(emu, artifact, prompt, model="stability.sd3-5-large-v1:0"):
    request = emu.last_request("bedrock")
    assert unquote(request.path) == f"/model/{model}/invoke"
    assert request.json["prompt"] == prompt and "text_prompts" not in request.json
    assert (artifact.format, artifact.meta["model"]) == ("png", model)


def check_titan(emu, artifact, prompt):
    check_stable_image(emu, artifact, prompt, model="stability.stable-image-core-v1:1")


def check_leonardo(emu, artifact, prompt):
    [create] = [r for r in emu.requests if r.provider == "leonardo" and r.method == "POST"]
    assert create.json["prompt"] == prompt and create.json["modelId"] == DOCS_LEONARDO_MODEL
    assert (create.json["width"], create.json["height"]) == (512, 1024)
    assert (artifact.width, artifact.height) == (512, 1024)


def check_griptape_1(emu, artifact, prompt):
    body = emu.last_request("openai").json
    assert (body["model"], body["prompt"]) == ("gpt-image-2", prompt)
    assert artifact.meta["model"] == "gpt-image-2" and artifact.width == 1024


EXAMPLES = {
    "openai": (OPENAI, check_openai),
    "openai-dall-e-2": (OPENAI_DALL_E_2, check_openai_dall_e_2),
    "azure": (AZURE, check_azure),
    "bedrock-stable-diffusion": (BEDROCK_STABLE_DIFFUSION, check_stable_image),
    "bedrock-titan": (BEDROCK_TITAN, check_titan),
    "leonardo": (LEONARDO, check_leonardo),
    "tool-page": (TOOL_PAGE, check_stable_image),
    "griptape-1": (GRIPTAPE_1, check_griptape_1),
}


def run_example(source: str, name: str) -> dict:
    namespace: dict = {"__name__": "__main__"}
    exec(compile(to_imagegen(source), f"<griptape docs: {name}>", "exec"), namespace)
    return namespace


@pytest.fixture
def runs(monkeypatch):
    """Every (agent, result) of Agent.run while the example executes."""
    seen: list[tuple[agent.Agent, object]] = []
    original = agent.Agent.run

    def recording_run(self, text):
        result = original(self, text)
        seen.append((self, result))
        return result

    monkeypatch.setattr(agent.Agent, "run", recording_run)
    return seen


@pytest.mark.parametrize("name", EXAMPLES)
def test_only_import_lines_are_rewritten(name):
    source, _ = EXAMPLES[name]
    rewritten = to_imagegen(source)
    assert "griptape" not in rewritten
    changed = [(a, b) for a, b in zip(source.splitlines(), rewritten.splitlines(), strict=True) if a != b]
    assert changed and all(a.startswith("from griptape") and b.startswith("from imagegen.") for a, b in changed)


@pytest.mark.parametrize("mode", ["direct", "chat"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_docs_example_runs_end_to_end(name, mode, docs_env, runs, monkeypatch):
    source, check = EXAMPLES[name]
    if mode == "chat":
        monkeypatch.setattr(Defaults, "prompt_driver", OpenAiChatPromptDriver(model="gpt-4o"))
    if (retirement := RETIRED_EXAMPLES.get(name)) is not None:
        with pytest.raises(InvalidOptionsError) as refused:
            run_example(source, name)
        retirement.check_message(str(refused.value))
        assert [r for r in docs_env.requests if r.provider != "openai_chat"] == []  # refused before any request
        docs_env.reset()
        runs.clear()
        if retirement.azure:
            docs_env.azure_deployments[DOCS_DEPLOYMENT] = retirement.successor
        source = retirement.successor_source(source)
    namespace = run_example(source, name)

    [(the_agent, artifact)] = runs
    assert the_agent.mode == mode
    assert isinstance(artifact, ImageArtifact) and the_agent.output is artifact
    if "agent" in namespace:
        assert namespace["agent"] is the_agent
    [text] = re.findall(r'\.run\("([^"]+)"\)', source)
    chat = [r for r in docs_env.requests if r.provider == "openai_chat"]
    if mode == "direct":
        assert chat == []
        check(docs_env, artifact, text)
        return
    tool_name = type(the_agent.tools[0]).__name__
    assert [r.status for r in chat] == [200, 200]
    assert chat[0].json["tools"][0]["function"]["name"] == f"{tool_name}_generate_image"
    assert chat[0].json["messages"][-1] == {"role": "user", "content": text}
    assert chat[1].json["messages"][-1]["role"] == "tool"
    check(docs_env, artifact, image_prompt(text))
    assert artifact.meta["prompt"].startswith(image_prompt(text)) and text != image_prompt(text)
    assert the_agent.answer.startswith("Done.")

