"""The OpenAI, Azure, Bedrock and Leonardo examples of the Griptape image-generation docs.

Only the import lines differ from the docs; the environment points the SDK at the emulator. The
engine is called directly here (tests/test_docs_examples.py runs them whole, Agent and tool included).
"""

import os

from imagegen.drivers import (
    AmazonBedrockImageGenerationDriver,
    AzureOpenAiImageGenerationDriver,
    BedrockStableDiffusionImageGenerationModelDriver,
    BedrockTitanImageGenerationModelDriver,
    LeonardoImageGenerationDriver,
    OpenAiImageGenerationDriver,
)
from imagegen.engines import PromptImageGenerationEngine
from imagegen.rules import Rule, Ruleset
from tests.docs_env import DOCS_DEPLOYMENT


def test_openai_dall_e_2_example(docs_env):
    driver = OpenAiImageGenerationDriver(
        model="dall-e-2",
        image_size="512x512",
    )

    engine = PromptImageGenerationEngine(image_generation_driver=driver)

    artifact = engine.run(prompts=["Generate a watercolor painting of a dog riding a skateboard"])
    assert (artifact.width, artifact.height, artifact.format) == (512, 512, "png")
    assert docs_env.last_request("openai").json["size"] == "512x512"


def test_openai_dall_e_3_engine_rulesets_example(docs_env):
    driver = OpenAiImageGenerationDriver(
        model="dall-e-3",
        quality="hd",
        style="natural",
    )

    engine = PromptImageGenerationEngine(
        image_generation_driver=driver,
    )

    positive_ruleset = Ruleset(
        name="positive rules",
        rules=[
            Rule("artistic"),
            Rule("watercolor"),
        ],
    )

    negative_ruleset = Ruleset(
        name="negative rules",
        rules=[
            Rule("photographic"),
        ],
    )

    artifact = engine.run(
        prompts=["A dog riding a skateboard"],
        rulesets=[positive_ruleset],
        negative_rulesets=[negative_ruleset],
    )
    body = docs_env.last_request("openai").json
    assert body["prompt"] == "A dog riding a skateboard, artistic, watercolor. Avoid: photographic"
    assert (body["quality"], body["style"]) == ("hd", "natural")
    assert artifact.meta["revised_prompt"]


def test_azure_dall_e_3_example(docs_env):
    driver = AzureOpenAiImageGenerationDriver(
        model="dall-e-3",
        azure_deployment=os.environ["AZURE_OPENAI_DALL_E_3_DEPLOYMENT_ID"],
        azure_endpoint=os.environ["AZURE_OPENAI_DALL_E_3_ENDPOINT"],
        api_key=os.environ["AZURE_OPENAI_DALL_E_3_API_KEY"],
    )

    engine = PromptImageGenerationEngine(image_generation_driver=driver)

    artifact = engine.run(prompts=["Generate a watercolor painting of a dog riding a skateboard"])
    request = docs_env.last_request("azure")
    assert request.path == f"/openai/deployments/{DOCS_DEPLOYMENT}/images/generations"
    assert request.headers["api-key"] == "azure-docs-key-000000"
    assert (artifact.width, artifact.height) == (1024, 1024)


def test_bedrock_stable_diffusion_example(docs_env):
    model_driver = BedrockStableDiffusionImageGenerationModelDriver(
        style_preset="pixel-art",
    )

    driver = AmazonBedrockImageGenerationDriver(
        image_generation_model_driver=model_driver,
        model="stability.stable-diffusion-xl-v1",
    )

    engine = PromptImageGenerationEngine(image_generation_driver=driver)

    artifact = engine.run(prompts=["Generate an image of a dog riding a skateboard"])
    body = docs_env.last_request("bedrock").json
    assert body["style_preset"] == "pixel-art"
    assert body["text_prompts"] == [{"text": "Generate an image of a dog riding a skateboard", "weight": 1.0}]
    assert (artifact.width, artifact.height) == (1024, 1024)


def test_bedrock_titan_example(docs_env):
    model_driver = BedrockTitanImageGenerationModelDriver()

    driver = AmazonBedrockImageGenerationDriver(
        image_generation_model_driver=model_driver,
        model="amazon.titan-image-generator-v1",
    )

    engine = PromptImageGenerationEngine(image_generation_driver=driver)

    artifact = engine.run(prompts=["Generate a watercolor painting of a dog riding a skateboard"])
    assert docs_env.last_request("bedrock").json["taskType"] == "TEXT_IMAGE"
    assert artifact.format == "png"


def test_leonardo_example(docs_env):
    driver = LeonardoImageGenerationDriver(
        model=os.environ["LEONARDO_MODEL_ID"],
        api_key=os.environ["LEONARDO_API_KEY"],
        image_width=512,
        image_height=1024,
    )

    engine = PromptImageGenerationEngine(image_generation_driver=driver)

    artifact = engine.run(prompts=["Generate a watercolor painting of a dog riding a skateboard"])
    assert (artifact.width, artifact.height) == (512, 1024)
    assert docs_env.requests[0].json["modelId"] == "b24e16ff-06e3-43eb-8d33-4416c2d75876"
