"""The OpenAI, Azure, Bedrock and Leonardo examples of the Griptape image-generation docs.

Only the import lines differ from the docs; the environment points the SDK at the emulator. The
engine is called directly here (tests/test_docs_examples.py runs them whole, Agent and tool included).
An example whose model is retired is wrapped in `run(model)`: it must raise the retired message, then run
with the successor model.
"""

import os

import pytest

from imagegen.drivers import (
    AmazonBedrockImageGenerationDriver,
    AzureOpenAiImageGenerationDriver,
    BedrockStableDiffusionImageGenerationModelDriver,
    BedrockStableImageGenerationModelDriver,
    BedrockTitanImageGenerationModelDriver,
    LeonardoImageGenerationDriver,
    OpenAiImageGenerationDriver,
)
from imagegen.engines import PromptImageGenerationEngine
from imagegen.errors import InvalidOptionsError
from imagegen.rules import Rule, Ruleset
from tests.docs_env import DOCS_DEPLOYMENT, RETIRED_EXAMPLES


def assert_refused(retirement, run, emulator) -> None:
    """A retired model's example raises the retired message before any request."""
    with pytest.raises(InvalidOptionsError) as refused:
        run(retirement.model)
    retirement.check_message(str(refused.value))
    assert emulator.requests == []


def test_openai_dall_e_2_example(docs_env):
    def run(model):
        driver = OpenAiImageGenerationDriver(
            model=model,
            image_size="512x512",
        )

        engine = PromptImageGenerationEngine(image_generation_driver=driver)

        return engine.run(prompts=["Generate a watercolor painting of a dog riding a skateboard"])

    assert_refused(RETIRED_EXAMPLES["openai-dall-e-2"], run, docs_env)
    artifact = run("gpt-image-2")
    assert (artifact.width, artifact.height, artifact.format) == (512, 512, "png")
    assert docs_env.last_request("openai").json["size"] == "512x512"


def test_openai_dall_e_3_engine_rulesets_example(docs_env):
    def run(model, **options):
        driver = OpenAiImageGenerationDriver(
            model=model,
            **options,
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

        return engine.run(
            prompts=["A dog riding a skateboard"],
            rulesets=[positive_ruleset],
            negative_rulesets=[negative_ruleset],
        )

    assert_refused(RETIRED_EXAMPLES["openai"], lambda model: run(model, quality="hd", style="natural"), docs_env)
    artifact = run("gpt-image-2", quality="high")
    body = docs_env.last_request("openai").json
    assert body["prompt"] == "A dog riding a skateboard, artistic, watercolor. Avoid: photographic"
    assert body["quality"] == "high" and "style" not in body
    assert artifact.meta["negative_prompt"] == "photographic"


def test_azure_dall_e_3_example(docs_env):
    def run(model):
        driver = AzureOpenAiImageGenerationDriver(
            model=model,
            azure_deployment=os.environ["AZURE_OPENAI_DALL_E_3_DEPLOYMENT_ID"],
            azure_endpoint=os.environ["AZURE_OPENAI_DALL_E_3_ENDPOINT"],
            api_key=os.environ["AZURE_OPENAI_DALL_E_3_API_KEY"],
        )

        engine = PromptImageGenerationEngine(image_generation_driver=driver)

        return engine.run(prompts=["Generate a watercolor painting of a dog riding a skateboard"])

    assert_refused(RETIRED_EXAMPLES["azure"], run, docs_env)
    docs_env.azure_deployments[DOCS_DEPLOYMENT] = "gpt-image-2"  # redeployed with the successor
    artifact = run("gpt-image-2")
    request = docs_env.last_request("azure")
    assert request.path == f"/openai/deployments/{DOCS_DEPLOYMENT}/images/generations"
    assert request.headers["api-key"] == "azure-docs-key-000000"
    assert (artifact.width, artifact.height) == (1024, 1024)


def test_bedrock_stable_diffusion_example(docs_env):
    def run(model):
        model_driver = BedrockStableDiffusionImageGenerationModelDriver(
            style_preset="pixel-art",
        )

        driver = AmazonBedrockImageGenerationDriver(
            image_generation_model_driver=model_driver,
            model=model,
        )

        engine = PromptImageGenerationEngine(image_generation_driver=driver)

        return engine.run(prompts=["Generate an image of a dog riding a skateboard"])

    retirement = RETIRED_EXAMPLES["bedrock-stable-diffusion"]
    assert_refused(retirement, run, docs_env)
    driver = AmazonBedrockImageGenerationDriver(image_generation_model_driver=BedrockStableImageGenerationModelDriver(),
                                                model=retirement.successor)
    artifact = PromptImageGenerationEngine(image_generation_driver=driver).run(
        prompts=["Generate an image of a dog riding a skateboard"])
    body = docs_env.last_request("bedrock").json
    assert body["prompt"] == "Generate an image of a dog riding a skateboard" and "style_preset" not in body
    assert artifact.format == "png"


def test_bedrock_titan_example(docs_env):
    def run(model, model_driver=None):
        model_driver = model_driver or BedrockTitanImageGenerationModelDriver()

        driver = AmazonBedrockImageGenerationDriver(
            image_generation_model_driver=model_driver,
            model=model,
        )

        engine = PromptImageGenerationEngine(image_generation_driver=driver)

        return engine.run(prompts=["Generate a watercolor painting of a dog riding a skateboard"])

    retirement = RETIRED_EXAMPLES["bedrock-titan"]
    assert_refused(retirement, run, docs_env)
    artifact = run(retirement.successor, BedrockStableImageGenerationModelDriver())
    assert docs_env.last_request("bedrock").json["prompt"].startswith("Generate a watercolor painting")
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
