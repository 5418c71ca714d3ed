"""Leonardo `POST/GET /api/rest/v1/generations`: create/poll sequence, images, auth, body rules, cost."""

from __future__ import annotations

import uuid

import pytest
import requests

from imagegen.emulator import Emulator
from imagegen.emulator.leonardo_routes import JOB_LIMIT

from .helpers import fetch_image, poll_leonardo, post_leonardo

PHOENIX = "de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3"
FLUX_DEV = "b2614463-296c-462a-9586-aafdb8f00e36"
KINO_XL = "aa77f04e-3eec-4034-9c07-d0f619684628"  # legacy generation: the body rules below are mostly its fields
SMALL = {"prompt": "a red fox", "modelId": KINO_XL, "width": 256, "height": 192, "num_images": 1}


def create(emu: Emulator, body=None) -> str:
    answer = post_leonardo(emu, SMALL if body is None else body)
    assert answer.status_code == 200, answer.text
    return answer.json()["sdGenerationJob"]["generationId"]


def generation(emu: Emulator, generation_id: str) -> dict:
    answer = poll_leonardo(emu, generation_id)
    assert answer.status_code == 200, answer.text
    return answer.json()["generations_by_pk"]


def error(answer: requests.Response, status: int) -> dict:
    assert answer.status_code == status, (answer.status_code, answer.text)
    payload = answer.json()
    assert set(payload) == {"error", "path", "code"} and payload["path"] == "$"
    return payload


def test_create_then_pending_poll_then_complete_with_a_served_jpeg(emu):
    answer = post_leonardo(emu, {**SMALL, "negative_prompt": "fog", "seed": 12345, "num_inference_steps": 20,
                                 "guidance_scale": 7, "scheduler": "LEONARDO", "presetStyle": "LEONARDO",
                                 "public": False, "tiling": False})
    assert answer.status_code == 200, answer.text
    job = answer.json()["sdGenerationJob"]
    assert set(answer.json()) == {"sdGenerationJob"} and set(job) == {"generationId", "apiCreditCost", "cost"}
    uuid.UUID(job["generationId"])
    pending = generation(emu, job["generationId"])
    assert (pending["status"], pending["generated_images"]) == ("PENDING", [])
    done = generation(emu, job["generationId"])
    assert done["status"] == "COMPLETE"
    assert (done["id"], done["prompt"], done["modelId"], done["seed"]) == (job["generationId"], "a red fox", KINO_XL,
                                                                          12345)
    assert (done["imageWidth"], done["imageHeight"], done["negativePrompt"]) == (256, 192, "fog")
    assert isinstance(done["createdAt"], str)
    [image] = done["generated_images"]
    assert image["nsfw"] is False and uuid.UUID(image["id"])
    assert image["url"].startswith(f"{emu.url}/files/") and image["url"].endswith(".jpg")
    picture = fetch_image(image["url"])  # no authorization header: like Leonardo's CDN
    assert (picture.format, picture.size) == ("JPEG", (256, 192))
    assert emu.leonardo_jobs[job["generationId"]].polls == 2
    assert generation(emu, job["generationId"]) == done  # later polls answer the same


def test_pending_polls_is_configurable_and_reset_restores_it(emu):
    emu.leonardo_pending_polls = 3
    generation_id = create(emu)
    assert [generation(emu, generation_id)["status"] for _ in range(4)] == ["PENDING"] * 3 + ["COMPLETE"]
    emu.leonardo_pending_polls = 0
    assert generation(emu, create(emu))["status"] == "COMPLETE"
    emu.reset()
    assert emu.leonardo_pending_polls == 1 and emu.leonardo_jobs == {}


def test_num_images_seed_and_deterministic_random_seed(emu):
    emu.leonardo_pending_polls = 0
    done = generation(emu, create(emu, {**SMALL, "num_images": 3}))
    urls = [image["url"] for image in done["generated_images"]]
    assert len(set(urls)) == 3 and len({image["id"] for image in done["generated_images"]}) == 3
    again = generation(emu, create(emu, {**SMALL, "num_images": 3}))
    assert again["seed"] == done["seed"] and isinstance(done["seed"], int)  # no seed sent: derived from prompt
    assert [image["url"] for image in again["generated_images"]] == urls


def test_unknown_generation_is_null_and_bad_keys_are_refused(emu):
    assert poll_leonardo(emu, str(uuid.uuid4())).json() == {"generations_by_pk": None}
    for key in (None, "my-invalid-key"):
        assert error(post_leonardo(emu, SMALL, key=key), 401) == {
            "error": "Invalid authentication token", "path": "$", "code": "access-denied"}
    assert error(poll_leonardo(emu, create(emu), key=None), 401)["code"] == "access-denied"
    assert emu.last_request("leonardo").path.startswith("/api/rest/v1/generations/")


def test_defaults_and_missing_model_id(emu):
    emu.leonardo_pending_polls = 0
    answer = post_leonardo(emu, {"prompt": "a boat", "num_images": 1})
    done = generation(emu, answer.json()["sdGenerationJob"]["generationId"])
    assert (done["modelId"], done["imageWidth"], done["imageHeight"]) == (None, 512, 512)
    assert done["inferenceSteps"] == 15 and len(done["generated_images"]) == 1


@pytest.mark.parametrize(("change", "words"), [
    ({"prompt": None}, 'invalid value for "prompt": null'),
    ({"prompt": ""}, '"prompt": it must not be empty'),
    ({"prompt": "x" * 1501}, '"prompt": 1501 characters'),
    ({"width": 1000 + 4}, '"width": 1004 is not a multiple of 8'),
    ({"width": 24}, '"width": 24 is outside 32-1536'),
    ({"height": 1544}, '"height": 1544 is outside 32-1536'),
    ({"width": 512.0}, '"width": expected an integer, got a number'),
    ({"num_images": 9}, '"num_images": 9 is outside 1-8'),
    ({"num_images": 5, "width": 776}, '"num_images": 5 is over the maximum of 4 when width or height is over 768'),
    ({"num_images": 0}, '"num_images": 0 is outside 1-8'),
    ({"num_inference_steps": 61}, '"num_inference_steps": 61 is outside 10-60'),
    ({"num_inference_steps": 9}, '"num_inference_steps": 9 is outside 10-60'),
    ({"guidance_scale": 21}, '"guidance_scale": 21 is outside 1-20'),
    ({"guidance_scale": "7"}, '"guidance_scale": expected a number, got a string'),
    ({"seed": 9999999999}, '"seed": 9999999999 is outside 0-9999999998'),
    ({"seed": -1}, '"seed": -1 is outside 0-9999999998'),
    ({"seed": 2147483639, "modelId": FLUX_DEV}, '"seed": 2147483639 is outside 0-2147483638'),
    ({"seed": None}, 'invalid value for "seed": null'),
    ({"presetStyle": "WATERCOLOR", "alchemy": True}, '"presetStyle": \'WATERCOLOR\' is not one of'),
    ({"presetStyle": "ANIME"}, '"presetStyle": ANIME needs alchemy'),
    ({"presetStyle": "ANIME", "alchemy": False}, '"presetStyle": ANIME needs alchemy'),
    ({"photoReal": True}, '"photoReal": true needs "alchemy": true'),
    ({"alchemy": "yes"}, '"alchemy": expected a boolean, got a string'),
    ({"contrast": 5}, '"contrast": 5 is outside 1-4.5'),
    ({"contrast": 0.5}, '"contrast": 0.5 is outside 1-4.5'),
    ({"scheduler": "EULER"}, '"scheduler": \'EULER\' is not one of'),
    ({"tiling": 1}, '"tiling": expected a boolean, got an integer'),
    ({"public": None}, 'invalid value for "public": null'),
    ({"numImages": 1}, 'unexpected field "numImages"'),
    ({"negativePrompt": "x"}, 'unexpected field "negativePrompt"'),
    ({"modelId": ""}, '"modelId": it must not be empty'),
])
def test_body_rules(emu, change, words):
    payload = error(post_leonardo(emu, {**SMALL, **change}), 400)
    assert payload["code"] == "unexpected" and words in payload["error"]
    assert emu.leonardo_jobs == {}


def test_missing_prompt_bad_json_and_accepted_edges(emu):
    body = {key: value for key, value in SMALL.items() if key != "prompt"}
    assert error(post_leonardo(emu, body), 400)["error"] == 'missing required field "prompt"'
    bad = requests.post(f"{emu.leonardo_api_base}/generations", data=b"{oops", timeout=10,
                        headers={"authorization": "Bearer k", "content-type": "application/json"})
    assert error(bad, 400)["code"] == "invalid-json"
    edges = [{"width": 32, "height": 1536, "num_images": 4}, {"seed": 2147483638, "modelId": FLUX_DEV, "contrast": 3},
             {"seed": 9999999998}, {"presetStyle": "ANIME", "alchemy": True, "photoReal": True},
             {"modelId": PHOENIX, "contrast": 1, "styleUUID": "556c1ee5-ec38-42e8-955a-1e82dad0ffa1"},
             {"presetStyle": "NONE"}, {"num_images": 8, "width": 768, "height": 768, "guidance_scale": 7.5}]
    for change in edges:
        assert post_leonardo(emu, {**SMALL, **change}).status_code == 200, change


def test_cost_is_deterministic_and_grows_with_size_steps_and_count(emu):
    def job(**change):
        return post_leonardo(emu, {**SMALL, **change}).json()["sdGenerationJob"]

    base = job(width=512, height=512, num_inference_steps=15)
    assert base["apiCreditCost"] == 2 and base["cost"] == {"amount": "0.004", "unit": "DOLLARS"}
    again = job(width=512, height=512, num_inference_steps=15)
    assert again["generationId"] != base["generationId"]
    assert (again["apiCreditCost"], again["cost"]) == (base["apiCreditCost"], base["cost"])
    bigger = job(width=1024, height=1024, num_inference_steps=15)
    longer = job(width=512, height=512, num_inference_steps=30)
    more = job(width=512, height=512, num_inference_steps=15, num_images=3)
    assert (bigger["apiCreditCost"], longer["apiCreditCost"], more["apiCreditCost"]) == (8, 4, 6)
    assert more["cost"] == {"amount": "0.012", "unit": "DOLLARS"}


def test_job_table_is_bounded(emu, monkeypatch):
    monkeypatch.setattr("imagegen.emulator.leonardo_routes.JOB_LIMIT", 3)
    ids = [create(emu) for _ in range(5)]
    assert list(emu.leonardo_jobs) == ids[2:] and JOB_LIMIT == 1000
    assert poll_leonardo(emu, ids[0]).json() == {"generations_by_pk": None}


def test_unknown_paths_under_the_prefix_use_leonardo_error_shape(emu):
    answer = requests.get(f"{emu.leonardo_api_base}/me", timeout=10)
    assert error(answer, 404)["code"] == "not-found"
