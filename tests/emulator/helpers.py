"""Helpers for the emulator tests: post to a route, decode the images, read an error; a real boto3
Bedrock client and raw Leonardo calls."""

from __future__ import annotations

import base64
import io
import json

import boto3
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from PIL import Image

from imagegen.emulator import Emulator

OPENAI_KEY = "sk-test-emulator-0000"
AZURE_KEY = "azure-test-key-0000"
NEW_AZURE_VERSION = "2025-04-01-preview"


def post_openai(emu: Emulator, body, key: str | None = OPENAI_KEY, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    return requests.post(f"{emu.openai_base_url}/images/generations", json=body, headers=headers,
                         timeout=30, **kwargs)


def post_azure(emu: Emulator, deployment: str, body, version: str | None = NEW_AZURE_VERSION,
               headers: dict[str, str] | None = None) -> requests.Response:
    params = {"api-version": version} if version is not None else {}
    return requests.post(f"{emu.url}/openai/deployments/{deployment}/images/generations", json=body,
                         params=params, headers={"api-key": AZURE_KEY} if headers is None else headers,
                         timeout=30)


def decode_image(b64: str) -> Image.Image:
    image = Image.open(io.BytesIO(base64.b64decode(b64)))
    image.load()
    return image


def fetch_image(url: str) -> Image.Image:
    answer = requests.get(url, timeout=30)
    assert answer.status_code == 200, answer.text
    image = Image.open(io.BytesIO(answer.content))
    image.load()
    return image


def error_of(answer: requests.Response, status: int) -> dict:
    assert answer.status_code == status, (answer.status_code, answer.text)
    assert answer.headers["content-type"] == "application/json"
    return answer.json()["error"]


# ---- Bedrock (real boto3) and Leonardo (raw requests) ---------------------------------------------------

AWS_KEY_ID = "AKIAEMULATORTEST0001"
LEONARDO_KEY = "leo-test-key-0000"
_bedrock_clients: dict[tuple[str, str, int], object] = {}


def bedrock_client(emu: Emulator, key_id: str = AWS_KEY_ID, attempts: int = 1):
    """A real boto3 `bedrock-runtime` client pointed at the emulator (cached; `attempts` = total tries)."""
    cache_key = (emu.bedrock_endpoint_url, key_id, attempts)
    if cache_key not in _bedrock_clients:
        session = boto3.Session(aws_access_key_id=key_id, aws_secret_access_key="x", region_name="us-east-1")
        config = Config(retries={"mode": "standard", "total_max_attempts": attempts}, read_timeout=30)
        _bedrock_clients[cache_key] = session.client("bedrock-runtime", endpoint_url=emu.bedrock_endpoint_url,
                                                     config=config)
    return _bedrock_clients[cache_key]


def invoke(client, model_id: str, body) -> dict:
    """invoke_model with a JSON body; the parsed JSON answer."""
    answer = client.invoke_model(modelId=model_id, body=json.dumps(body), contentType="application/json",
                                 accept="application/json")
    assert answer["contentType"] == "application/json"
    return json.loads(answer["body"].read())


def bedrock_error(client, model_id: str, body) -> tuple[int, str, str]:
    """(HTTP status, error code, message) of a call that must fail with a ClientError."""
    try:
        invoke(client, model_id, body)
    except ClientError as exc:
        return (exc.response["ResponseMetadata"]["HTTPStatusCode"], exc.response["Error"]["Code"],
                exc.response["Error"]["Message"])
    raise AssertionError(f"{model_id} accepted {body!r}")


def leonardo_headers(key: str | None = LEONARDO_KEY) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"} if key is not None else {}


def post_leonardo(emu: Emulator, body, key: str | None = LEONARDO_KEY, **kwargs) -> requests.Response:
    return requests.post(f"{emu.leonardo_api_base}/generations", json=body, headers=leonardo_headers(key),
                         timeout=30, **kwargs)


def poll_leonardo(emu: Emulator, generation_id: str, key: str | None = LEONARDO_KEY) -> requests.Response:
    return requests.get(f"{emu.leonardo_api_base}/generations/{generation_id}", headers=leonardo_headers(key),
                        timeout=30)
