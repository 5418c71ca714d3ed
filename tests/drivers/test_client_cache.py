"""Drivers configured alike share one SDK client (imagegen.drivers.client_cache); any change makes a new one."""

from __future__ import annotations

import boto3

from imagegen.drivers import (
    AmazonBedrockImageGenerationDriver,
    AzureOpenAiImageGenerationDriver,
    BedrockTitanImageGenerationModelDriver,
    OpenAiImageGenerationDriver,
    client_cache,
)

TITAN = "amazon.titan-image-generator-v1"


def titan(**kwargs) -> AmazonBedrockImageGenerationDriver:
    model_driver = BedrockTitanImageGenerationModelDriver()
    return AmazonBedrockImageGenerationDriver(model=TITAN, image_generation_model_driver=model_driver,
                                              allow_retired=True, **kwargs)  # retired; the test is about clients


def test_openai_drivers_alike_share_a_client_and_a_new_key_gets_its_own(openai_env, monkeypatch):
    first, second = OpenAiImageGenerationDriver(model="gpt-image-2"), OpenAiImageGenerationDriver(model="gpt-image-1.5")
    assert first.get_client() is second.get_client()
    assert OpenAiImageGenerationDriver(model="gpt-image-2", timeout=5).get_client() is not first.get_client()
    old = first.get_client()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-another-key")
    assert first.get_client() is not old and first.get_client().api_key == "sk-another-key"
    first.run_text_to_image(["a fox"])  # the new client works against the emulator


def test_cache_keys_never_hold_a_key_in_clear(openai_env, bedrock_env):
    OpenAiImageGenerationDriver(model="gpt-image-2").get_client()
    titan().get_client()
    keys = repr(list(client_cache._clients))
    assert "sk-" not in keys and "test-secret-access-key" not in keys


def test_azure_with_a_token_provider_keeps_its_own_client(azure_env):
    alike = [AzureOpenAiImageGenerationDriver(model="gpt-image-2") for _ in range(2)]
    assert alike[0].get_client() is alike[1].get_client()
    with_provider = [AzureOpenAiImageGenerationDriver(model="gpt-image-2", azure_ad_token_provider=lambda: "token")
                     for _ in range(2)]
    assert with_provider[0].get_client() is not with_provider[1].get_client()


def test_bedrock_drivers_from_the_environment_share_a_client(bedrock_env, monkeypatch):
    first, second = titan(), titan()
    assert first.get_client() is second.get_client()
    assert titan(read_timeout=5).get_client() is not first.get_client()
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    moved = titan()
    assert moved.get_client() is not first.get_client() and moved.region() == "eu-west-1"
    assert moved.run_text_to_image(["a fox"]).width == 1024


def test_bedrock_drivers_given_one_session_share_its_client_and_another_session_gets_its_own(bedrock_env):
    def session():
        return boto3.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x", region_name="us-west-2")

    one = session()
    assert titan(session=one).get_client() is titan(session=one).get_client()
    assert titan(session=one).get_client() is not titan(session=session()).get_client()
    assert titan(session=one).get_client() is not titan().get_client()
