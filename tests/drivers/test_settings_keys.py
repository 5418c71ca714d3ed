"""Every key that secrets.toml.example names reaches the driver when neither an argument nor a variable sets it."""

from imagegen.drivers import (
    AmazonBedrockImageGenerationDriver,
    AzureOpenAiImageGenerationDriver,
    BedrockStableImageGenerationModelDriver,
    LeonardoImageGenerationDriver,
    OpenAiImageGenerationDriver,
)

PHOENIX = "de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3"
CORE = "stability.stable-image-core-v1:1"


def secrets_file(tmp_path, monkeypatch, text):
    path = tmp_path / "secrets.toml"
    path.write_text(text)
    monkeypatch.setenv("IMAGEGEN_SECRETS_FILE", str(path))


def test_openai_base_url_from_the_secrets_file(emulator, monkeypatch, tmp_path):
    secrets_file(tmp_path, monkeypatch, '[openai]\napi_key = "sk-file-key-0001"\n'
                                        f'base_url = "{emulator.openai_base_url}"\n')
    OpenAiImageGenerationDriver(model="gpt-image-2").run_text_to_image(["x"])
    assert emulator.last_request("openai").headers["authorization"] == "Bearer sk-file-key-0001"


def test_openai_base_url_variable_wins_over_the_file(emulator, monkeypatch, tmp_path, closed_port_url):
    secrets_file(tmp_path, monkeypatch, f'[openai]\napi_key = "sk-file-key-0001"\nbase_url = "{closed_port_url}"\n')
    monkeypatch.setenv("OPENAI_BASE_URL", emulator.openai_base_url)
    OpenAiImageGenerationDriver(model="gpt-image-2").run_text_to_image(["x"])
    assert emulator.last_request("openai") is not None


def test_azure_api_version_from_the_secrets_file(emulator, monkeypatch, tmp_path):
    secrets_file(tmp_path, monkeypatch, f'[azure]\napi_key = "azure-file-key-0001"\nendpoint = "{emulator.url}"\n'
                                        'api_version = "2026-01-15"\n')
    AzureOpenAiImageGenerationDriver(model="gpt-image-2").run_text_to_image(["x"])
    request = emulator.last_request("azure")
    assert request.query == {"api-version": "2026-01-15"}
    assert request.headers["api-key"] == "azure-file-key-0001"


def test_bedrock_endpoint_url_from_the_secrets_file(emulator, monkeypatch, tmp_path):
    secrets_file(tmp_path, monkeypatch, '[bedrock]\naws_access_key_id = "AKIAFROMSECRETS00002"\n'
                                        f'aws_secret_access_key = "s3cr3t"\nendpoint_url = "{emulator.url}"\n')
    model_driver = BedrockStableImageGenerationModelDriver()
    AmazonBedrockImageGenerationDriver(model=CORE, image_generation_model_driver=model_driver).run_text_to_image(["x"])
    assert "Credential=AKIAFROMSECRETS00002/" in emulator.last_request("bedrock").headers["authorization"]


def test_leonardo_api_base_from_the_secrets_file(emulator, monkeypatch, tmp_path):
    secrets_file(tmp_path, monkeypatch, f'[leonardo]\napi_key = "leo-file-key-0001"\n'
                                        f'api_base = "{emulator.leonardo_api_base}"\n')
    LeonardoImageGenerationDriver(model=PHOENIX, poll_interval=0.05).run_text_to_image(["x"])
    assert emulator.last_request("leonardo").headers["authorization"] == "Bearer leo-file-key-0001"
