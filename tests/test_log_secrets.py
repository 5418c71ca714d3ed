"""Keys never reach logs: every provider, the chat driver and S3 storage run with the root logger at DEBUG,
and neither caplog nor a plain handler added later sees a key, a token or the AWS access key id."""

from __future__ import annotations

import io
import logging
from contextlib import contextmanager

import pytest

from imagegen import logsafe
from imagegen.drivers import (
    AmazonBedrockImageGenerationDriver,
    AzureOpenAiImageGenerationDriver,
    BedrockStableImageGenerationModelDriver,
    LeonardoImageGenerationDriver,
    OpenAiImageGenerationDriver,
)
from imagegen.drivers.prompt.openai_chat import OpenAiChatPromptDriver
from imagegen.history.storage import S3Storage, StorageError

OPENAI_ENV_KEY = "sk-logtest-openai-env-7f3a9c2b"
CHAT_KEY = "sk-logtest-chat-argument-51d0e2"
AZURE_ENV_KEY = "logtest-azure-env-key-8c21f0"
AZURE_KEY = "logtest-azure-argument-key-3d9e"
AZURE_AD_TOKEN = "logtest.azure-ad-token.c0ffee77"
AWS_KEY_ID = "AKIALOGTEST000000001"
AWS_SECRET = "logtest/aws+secret-access-key/0001"
AWS_TOKEN = "logtest-session-token-FwoGZXIvYXdz+EJr//0001"
LEONARDO_ENV_KEY = "logtest-leonardo-env-key-4e1b"
LEONARDO_KEY = "logtest-leonardo-argument-9a7c"
SECRETS = (OPENAI_ENV_KEY, CHAT_KEY, AZURE_ENV_KEY, AZURE_KEY, AZURE_AD_TOKEN, AWS_KEY_ID, AWS_SECRET, AWS_TOKEN,
           LEONARDO_ENV_KEY, LEONARDO_KEY)
CORE = "stability.stable-image-core-v1:1"
PHOENIX = "de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3"
IMAGE_KEY = f"images/cd/{'cd' * 32}.png"


@pytest.fixture
def secret_env(emulator, monkeypatch):
    for name, value in {"OPENAI_API_KEY": OPENAI_ENV_KEY, "AZURE_OPENAI_API_KEY": AZURE_ENV_KEY,
                        "AWS_ACCESS_KEY_ID": AWS_KEY_ID, "AWS_SECRET_ACCESS_KEY": AWS_SECRET,
                        "AWS_SESSION_TOKEN": AWS_TOKEN, "AWS_REGION": "us-west-2",
                        "AWS_ENDPOINT_URL_S3": emulator.url, "LEONARDO_API_KEY": LEONARDO_ENV_KEY}.items():
        monkeypatch.setenv(name, value)
    return emulator


@contextmanager
def everything_logged(caplog):
    """Root at DEBUG into caplog, plus plain handlers added now (after imagegen's import) on root and botocore."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s %(args)s"))
    loggers = [logging.getLogger(), logging.getLogger("botocore.auth")]
    caplog.set_level(logging.DEBUG)
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield stream
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def bedrock(emulator) -> AmazonBedrockImageGenerationDriver:
    return AmazonBedrockImageGenerationDriver(model=CORE, image_generation_model_driver=
                                              BedrockStableImageGenerationModelDriver(), endpoint_url=emulator.url)


def generate_with_every_provider(emulator) -> None:
    OpenAiImageGenerationDriver(model="gpt-image-2", base_url=emulator.openai_base_url).run_text_to_image(["a cat"])
    AzureOpenAiImageGenerationDriver(model="gpt-image-2", api_key=AZURE_KEY,
                                     azure_endpoint=emulator.url).run_text_to_image(["a cat"])
    AzureOpenAiImageGenerationDriver(model="gpt-image-2", azure_ad_token=AZURE_AD_TOKEN,
                                     azure_endpoint=emulator.url).run_text_to_image(["a cat"])
    bedrock(emulator).run_text_to_image(["a cat"])
    LeonardoImageGenerationDriver(model=PHOENIX, api_key=LEONARDO_KEY, api_base=emulator.leonardo_api_base,
                                  poll_interval=0.02).run_text_to_image(["a cat"])
    OpenAiChatPromptDriver(model="gpt-4o", api_key=CHAT_KEY, base_url=emulator.openai_base_url).complete(
        [{"role": "user", "content": "a cat"}])
    try:  # the emulator is no S3: what matters is the signed request botocore logs
        S3Storage("logtest-bucket", "history").exists(IMAGE_KEY)
    except StorageError:
        pass


def test_no_key_token_or_key_id_reaches_any_log_at_debug(secret_env, caplog):
    with everything_logged(caplog) as stream:
        generate_with_every_provider(secret_env)
    texts = {"caplog": caplog.text, "plain handler": stream.getvalue()}
    assert {where: [s for s in SECRETS if s in text] for where, text in texts.items()} == {
        "caplog": [], "plain handler": []}
    # The records that used to carry them were made, scrubbed: the SigV4 request (Bedrock and S3) and its headers.
    auth = [r.getMessage() for r in caplog.records if r.name == "botocore.auth"]
    sent = [r.getMessage() for r in caplog.records if r.name == "botocore.endpoint" and "Sending" in r.getMessage()]
    assert sum("x-amz-security-token:***" in message for message in auth) >= 2
    assert sum("'X-Amz-Security-Token': b'***'" in m and "'Authorization': b'***'" in m for m in sent) >= 2
    assert "logtest-bucket" in caplog.text and "/model/stability.stable-image-core-v1" in caplog.text


def test_without_logsafe_botocore_logs_the_key_id_and_token(secret_env, caplog):
    """The premise of the test above: with the plain record factory, botocore's DEBUG records leak."""
    factory = logging.getLogRecordFactory()
    logging.setLogRecordFactory(logging.LogRecord)
    try:
        with everything_logged(caplog):
            bedrock(secret_env).run_text_to_image(["a cat"])
    finally:
        logging.setLogRecordFactory(factory)
    leaked = {r.name for r in caplog.records if AWS_KEY_ID in r.getMessage() or AWS_TOKEN in r.getMessage()}
    assert {"botocore.auth", "botocore.endpoint"} <= leaked


@pytest.mark.parametrize("text,secret", [
    ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload", "eyJhbGciOiJIUzI1NiJ9"),
    ("headers={'api-key': 'f00dbabe0123456789abcdef'}", "f00dbabe0123456789abcdef"),
    ("{'Authorization': b'AWS4-HMAC-SHA256 Credential=ASIAQWERTYUIOPASDFGH/20261129/us-east-1/s3/aws4_request'}",
     "ASIAQWERTYUIOPASDFGH"),
    ("GET /k?X-Amz-Credential=AKIAQWERTYUIOPASDFGH%2F20261129%2Fus-east-1%2Fs3%2Faws4_request"
     "&X-Amz-Security-Token=FwoGZXIvYXdzEJr%2F%2Fabc&X-Amz-Signature=" + "ab" * 32, "FwoGZXIvYXdzEJr"),
    ("GET /k?X-Amz-Signature=" + "ab" * 32, "ab" * 32),
    ("x-amz-security-token:IQoJb3JpZ2luX2VjEJr//////////wEaCXVz", "IQoJb3JpZ2luX2VjEJr"),
    ("key id AKIAQWERTYUIOPASDFGH in a message", "AKIAQWERTYUIOPASDFGH"),
    ("Incorrect API key provided: sk-proj-abcdefghijklmnop", "abcdefghijklmnop"),
    ("postgresql+psycopg://imagegen:choose-one@db.internal:5432/imagegen", "choose-one"),
])
def test_secret_looking_text_is_scrubbed_whoever_it_belongs_to(caplog, text, secret):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("some.library").debug("%s", text)
    assert secret not in caplog.text and "***" in caplog.text


def test_tracebacks_secrets_file_values_and_unformattable_records(caplog, tmp_path, monkeypatch):
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text('[leonardo]\napi_key = "logtest-from-the-secrets-file-5e6f"\n')
    monkeypatch.setenv("IMAGEGEN_SECRETS_FILE", str(secrets_file))
    driver = LeonardoImageGenerationDriver(model=PHOENIX)
    assert driver.headers()["authorization"].endswith("5e6f")  # read from the file: remembered from now on
    LeonardoImageGenerationDriver(model=PHOENIX, api_key=LEONARDO_KEY).headers()  # a key given to a driver, too
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("some.library")
    try:
        raise RuntimeError(f"failed with {LEONARDO_KEY}")
    except RuntimeError:
        log.exception("the file's key is %s", "logtest-from-the-secrets-file-5e6f")
    log.debug("%s and %s", "only one argument: logtest-from-the-secrets-file-5e6f")
    assert "failed with ***" in caplog.text and "the file's key is ***" in caplog.text
    assert "logtest-from-the-secrets-file" not in caplog.text and LEONARDO_KEY not in caplog.text


def test_nothing_is_formatted_when_the_level_is_off_and_once_when_on(caplog):
    class Counted:
        calls = 0

        def __str__(self):
            Counted.calls += 1
            return "counted"

    log = logging.getLogger("some.quiet.library")
    caplog.set_level(logging.WARNING)
    log.debug("%s", Counted())
    assert Counted.calls == 0
    caplog.set_level(logging.DEBUG)
    log.debug("%s", Counted())
    assert Counted.calls == 1 and caplog.records[-1].args == () and caplog.records[-1].getMessage() == "counted"


def test_installed_once():
    factory = logging.getLogRecordFactory()
    logsafe.install()
    assert logging.getLogRecordFactory() is factory and factory.imagegen_logsafe
