"""Raw-HTTP helpers for the emulator tests: post to a route, decode the images, read an error."""

from __future__ import annotations

import base64
import io

import requests
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
