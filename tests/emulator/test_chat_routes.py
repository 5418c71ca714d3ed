"""OpenAI `POST /v1/chat/completions` in the emulator: deterministic tool calls, text answers, errors, faults."""

from __future__ import annotations

import json
import time

import openai
import pytest
import requests

from imagegen.emulator.chat_routes import image_prompt

from .helpers import OPENAI_KEY, error_of

IMAGE_TOOL = {"type": "function", "function": {
    "name": "PromptImageGenerationClient_generate_image", "description": "Generates an image.",
    "parameters": {"type": "object", "properties": {"prompt": {"type": "string"},
                                                    "negative_prompt": {"type": "string"}},
                   "required": ["prompt"]}}}
OTHER_TOOL = {"type": "function", "function": {"name": "Other_generate_image",
                                               "parameters": {"type": "object", "properties": {"prompt": {}}}}}


def post_chat(emu, body, key: str | None = OPENAI_KEY, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    return requests.post(f"{emu.openai_base_url}/chat/completions", json=body, headers=headers, timeout=30,
                         **kwargs)


def user(text: str, system: str | None = None, tools=(IMAGE_TOOL,), **extra) -> dict:
    messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": text}]
    body = {"model": "gpt-4o", "messages": messages, **extra}
    if tools:
        body["tools"] = list(tools)
    return body


def ok(answer: requests.Response) -> dict:
    assert answer.status_code == 200, answer.text
    assert answer.headers["x-imagegen-emulated"] == "true"
    return answer.json()


def test_tools_offered_get_a_tool_call_with_usage(emu):
    payload = ok(post_chat(emu, user("Generate a watercolor painting of a dog riding a skateboard")))
    assert payload["object"] == "chat.completion" and payload["model"] == "gpt-4o"
    assert payload["id"].startswith("chatcmpl-") and isinstance(payload["created"], int)
    [choice] = payload["choices"]
    assert choice["finish_reason"] == "tool_calls" and choice["index"] == 0
    message = choice["message"]
    assert message["role"] == "assistant" and message["content"] is None
    [call] = message["tool_calls"]
    assert call["type"] == "function" and call["id"].startswith("call_")
    assert call["function"]["name"] == "PromptImageGenerationClient_generate_image"
    assert json.loads(call["function"]["arguments"]) == {
        "prompt": "a watercolor painting of a dog riding a skateboard", "negative_prompt": ""}
    usage = payload["usage"]
    assert usage["prompt_tokens"] > 0 and usage["completion_tokens"] > 0
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_the_same_request_gets_the_same_call(emu):
    body = user("Create an image of a lighthouse")
    first, second = (ok(post_chat(emu, body))["choices"][0]["message"]["tool_calls"][0] for _ in range(2))
    assert first == second


@pytest.mark.parametrize(("text", "prompt"), [
    ("Generate a watercolor painting of a dog on a skateboard", "a watercolor painting of a dog on a skateboard"),
    ("Generate an image of a dog riding a skateboard", "a dog riding a skateboard"),
    ("Please create a picture of a red fox.", "a red fox"),
    ("Draw: a cat on a roof!", "a cat on a roof"),
    ("a mountain on a summer day", "a mountain on a summer day"),
    ("Generate", "Generate"),
])
def test_prompt_is_the_user_text_without_the_request_words(text, prompt):
    assert image_prompt(text) == prompt


def test_system_rules_shape_the_prompt_and_the_negative_prompt(emu):
    system = 'Follow these rules:\nRuleset "style":\n- watercolor\n- Avoid blurry edges\n- no text\nnot a rule'
    call = ok(post_chat(emu, user("Generate an image of a dog", system)))["choices"][0]["message"]["tool_calls"][0]
    assert json.loads(call["function"]["arguments"]) == {"prompt": "a dog, watercolor",
                                                         "negative_prompt": "blurry edges, text"}


def test_arguments_follow_the_function_properties_and_tool_choice_picks_the_function(emu):
    body = user("Generate an image of a dog", tools=(IMAGE_TOOL, OTHER_TOOL),
                tool_choice={"type": "function", "function": {"name": "Other_generate_image"}})
    call = ok(post_chat(emu, body))["choices"][0]["message"]["tool_calls"][0]
    assert call["function"]["name"] == "Other_generate_image"
    assert json.loads(call["function"]["arguments"]) == {"prompt": "a dog"}


def test_plain_text_without_tools_without_an_image_request_or_with_tool_choice_none(emu):
    for body in (user("Generate an image of a dog", tools=()), user("What is the capital of France?"),
                 user("Generate an image of a dog", tool_choice="none")):
        [choice] = ok(post_chat(emu, body))["choices"]
        assert choice["finish_reason"] == "stop" and "tool_calls" not in choice["message"]
        assert choice["message"]["content"].startswith("(emulated chat model) You said: ")
    required = ok(post_chat(emu, user("What is the capital of France?", tool_choice="required")))
    assert required["choices"][0]["finish_reason"] == "tool_calls"


def test_after_a_tool_result_the_model_answers_with_text(emu):
    body = user("Generate an image of a dog")
    call = ok(post_chat(emu, body))["choices"][0]["message"]["tool_calls"][0]
    body["messages"] += [{"role": "assistant", "content": None, "tool_calls": [call]},
                         {"role": "tool", "tool_call_id": call["id"], "content": "Image, format: png"}]
    [choice] = ok(post_chat(emu, body))["choices"]
    assert choice["finish_reason"] == "stop"
    assert choice["message"]["content"] == "Done. The tool answered: Image, format: png"


def test_the_openai_sdk_parses_the_answers_and_requests_are_recorded(emu):
    client = openai.OpenAI(api_key=OPENAI_KEY, base_url=emu.openai_base_url, max_retries=0)
    completion = client.chat.completions.create(model="gpt-4o-mini", tools=[IMAGE_TOOL], tool_choice="auto",
                                                messages=[{"role": "user", "content": "Paint a red fox"}])
    [call] = completion.choices[0].message.tool_calls
    assert json.loads(call.function.arguments)["prompt"] == "a red fox"
    assert completion.usage.total_tokens > 0
    recorded = emu.last_request("openai_chat")
    assert (recorded.method, recorded.path, recorded.status) == ("POST", "/v1/chat/completions", 200)
    assert recorded.json["tools"] == [IMAGE_TOOL] and recorded.json["model"] == "gpt-4o-mini"
    assert emu.last_request("openai") is None  # image requests stay separate
    assert emu.env_vars()["OPENAI_BASE_URL"] == emu.openai_base_url


def test_authentication_like_openai(emu):
    assert "didn't provide an API key" in error_of(post_chat(emu, user("x"), key=None), 401)["message"]
    error = error_of(post_chat(emu, user("x"), key="sk-invalid-0000000000"), 401)
    assert error["code"] == "invalid_api_key" and "sk-invalid-0000000000" not in error["message"]


@pytest.mark.parametrize(("body", "status", "param", "code", "text"), [
    ({"messages": [{"role": "user", "content": "hi"}]}, 400, None, None, "you must provide a model parameter"),
    ({"model": "gpt-4o"}, 400, "messages", "missing_required_parameter", "'messages'"),
    ({"model": "gpt-4o", "messages": []}, 400, "messages", "empty_array", "empty array"),
    ({"model": "gpt-4o", "messages": "hi"}, 400, "messages", "invalid_type", "expected an array"),
    ({"model": "gpt-4o", "messages": [{"content": "hi"}]}, 400, "messages[0].role", "missing_required_parameter",
     "messages[0].role"),
    ({"model": "gpt-4o", "messages": [{"role": "robot", "content": "hi"}]}, 400, "messages[0].role",
     "invalid_value", "'robot'"),
    ({"model": "gpt-4o", "messages": [{"role": "user"}]}, 400, "messages[0].content",
     "missing_required_parameter", "content"),
    ({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}, {"role": "tool", "content": "x",
                                                                          "tool_call_id": "c"}]},
     400, "messages.[1].role", None, "must be a response to a preceeding message with 'tool_calls'"),
    ({"model": "gpt-4o", "messages": [{"role": "assistant", "content": None, "tool_calls": [{"id": "c"}]},
                                      {"role": "tool", "content": "x"}]},
     400, "messages[1].tool_call_id", "missing_required_parameter", "tool_call_id"),
    ({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "tools": [{"function": {}}]},
     400, "tools[0].type", "missing_required_parameter", "tools[0].type"),
    ({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}],
      "tools": [{"type": "function", "function": {"name": "has space"}}]},
     400, "tools[0].function.name", "invalid_value", "does not match pattern"),
    ({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "tool_choice": "auto"},
     400, "tool_choice", None, "only allowed when 'tools' are specified"),
    ({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "tools": [IMAGE_TOOL],
      "tool_choice": {"type": "function", "function": {"name": "missing"}}}, 400, "tool_choice", "invalid_value",
     "tool_choice"),
    ({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "colour": "red"}, 400, None, None,
     "Unrecognized request argument supplied: colour"),
    ({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "stream": True}, 400, "stream",
     "unsupported_value", "does not stream"),
    ({"model": "gpt-image-1", "messages": [{"role": "user", "content": "hi"}]}, 404, None, "model_not_found",
     "The model `gpt-image-1` does not exist"),
    ({"model": "claude-3", "messages": [{"role": "user", "content": "hi"}]}, 404, None, "model_not_found",
     "`claude-3`"),
])
def test_invalid_requests_get_openai_errors(emu, body, status, param, code, text):
    error = error_of(post_chat(emu, body), status)
    assert (error["type"], error["param"], error["code"]) == ("invalid_request_error", param, code)
    assert text in error["message"]
    assert emu.last_request("openai_chat").status == status


def test_a_body_that_is_not_json_is_refused(emu):
    answer = requests.post(f"{emu.openai_base_url}/chat/completions", data=b"{nope",
                           headers={"Authorization": f"Bearer {OPENAI_KEY}", "content-type": "application/json"},
                           timeout=30)
    assert "could not parse the JSON body" in error_of(answer, 400)["message"]


def test_rate_limit_and_server_error_faults(emu):
    emu.inject("openai_chat", "rate_limit", count=1, retry_after=2)
    answer = post_chat(emu, user("Draw a cat"))
    assert error_of(answer, 429)["code"] == "rate_limit_exceeded" and answer.headers["retry-after"] == "2"
    emu.inject("openai_chat", "server_error", count=1)
    assert error_of(post_chat(emu, user("Draw a cat")), 500)["type"] == "server_error"
    ok(post_chat(emu, user("Draw a cat")))


def test_faults_target_chat_separately_from_images_and_star_reaches_both(emu):
    emu.inject("openai", "server_error")
    ok(post_chat(emu, user("Draw a cat")))
    emu.reset()
    emu.inject("*", "server_error", count=1)
    error_of(post_chat(emu, user("Draw a cat")), 500)
    with pytest.raises(ValueError, match="does not apply to provider 'openai_chat'"):
        emu.inject("openai_chat", "content_policy")


def test_latency_fault_delays_the_answer(emu):
    emu.inject("openai_chat", "latency", count=1, seconds=0.4)
    started = time.perf_counter()
    ok(post_chat(emu, user("Draw a cat")))
    assert time.perf_counter() - started >= 0.4
