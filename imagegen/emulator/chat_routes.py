"""OpenAI `POST /v1/chat/completions`, just enough for an Agent that calls image tools.

Requests are recorded under the provider "openai_chat" (so `last_request("openai")` stays the image
request) and answered deterministically:

- tools offered (and `tool_choice` not "none") and the last user message asks for a picture (it has a
  word like generate, create, draw, paint, image, picture) and no `tool` message came after it: one call
  of the first function (or the one `tool_choice` names), finish_reason "tool_calls", arguments
  `{"prompt": ..., "negative_prompt": ...}` restricted to the function's properties. The prompt is the
  user text without a leading "Generate" / "Create an image of" etc.; system rules written as "- rule"
  lines are appended to it, except rules starting with "avoid" / "no" / "never" / "without", which
  make up the negative prompt (comma-separated, that word removed; empty when there are none);
- otherwise plain text: after a tool result, a short final answer quoting it; else an echo of the request.

Checks, in order, with OpenAI's error shapes: bearer key (missing -> 401, containing "invalid" -> 401),
latency / rate_limit / server_error faults, JSON body, unknown fields, model (required; chat model ids
only, else 404 model_not_found), messages (non-empty array of objects with a known role; tool messages
need a tool_call_id and a preceding assistant message with tool_calls), tools (array of
{"type": "function", "function": {"name": [A-Za-z0-9_-]{1,64}, ...}}), tool_choice, stream (not
emulated: 400).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from typing import Any

from imagegen.emulator.faults import format_seconds
from imagegen.emulator.wire import Request, Response, json_response, route
from imagegen.providers.openai.emulator_routes import SERVER_ERROR, body_error, openai_auth, openai_error

PROVIDERS = ("openai_chat",)
FAULT_KINDS = {"openai_chat": ("latency", "rate_limit", "server_error")}
ROLES = ("system", "assistant", "user", "function", "tool", "developer")
CHAT_MODEL = re.compile(r"(gpt-(?!image)[\w.-]+|o\d[\w.-]*|chatgpt-[\w.-]+)")
FUNCTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
KNOWN_FIELDS = {
    "model", "messages", "tools", "tool_choice", "parallel_tool_calls", "temperature", "top_p", "n", "stop",
    "max_tokens", "max_completion_tokens", "presence_penalty", "frequency_penalty", "logit_bias", "logprobs",
    "top_logprobs", "user", "seed", "response_format", "stream", "stream_options", "metadata", "store",
    "reasoning_effort", "service_tier", "modalities", "prediction", "audio", "functions", "function_call",
    "verbosity", "safety_identifier", "prompt_cache_key", "web_search_options",
}
IMAGE_WORDS = re.compile(r"\b(generate|create|draw|paint|render|illustrate|make|design|sketch|image|picture|"
                         r"photo|painting|illustration|drawing|logo)\b", re.IGNORECASE)
LEADING_VERB = re.compile(r"^\s*(please\s+)?(generate|create|draw|paint|render|illustrate|make|design|sketch|"
                          r"produce|show me)\b[\s:,]*", re.IGNORECASE)
LEADING_KIND = re.compile(r"^(an?\s+)?(image|picture|photo|illustration|drawing)\s+(of|showing)\s+", re.IGNORECASE)
NEGATIVE_RULE = re.compile(r"^(avoid|no|never|without)\b[\s:,]*(.*)$", re.IGNORECASE)


class ChatRequestError(Exception):
    def __init__(self, message: str, param: str | None = None, code: str | None = None, status: int = 400):
        super().__init__(message)
        self.message, self.param, self.code, self.status = message, param, code, status


def env_vars(url: str) -> dict[str, str]:
    return {"OPENAI_BASE_URL": f"{url}/v1"}


# ---- validation ------------------------------------------------------------------------------------

def missing(param: str) -> ChatRequestError:
    return ChatRequestError(f"Missing required parameter: '{param}'.", param, "missing_required_parameter")


def check_body(body: dict[str, Any]) -> None:
    for name in body:
        if name not in KNOWN_FIELDS:
            raise ChatRequestError(f"Unrecognized request argument supplied: {name}", None, None)
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise ChatRequestError("you must provide a model parameter")
    if not CHAT_MODEL.fullmatch(model):
        raise ChatRequestError(f"The model `{model}` does not exist or you do not have access to it.", None,
                               "model_not_found", 404)
    check_messages(body.get("messages"))
    check_tools(body.get("tools"), body.get("tool_choice"))
    if body.get("stream"):
        raise ChatRequestError("The emulator does not stream chat completions; send stream=false.", "stream",
                               "unsupported_value")


def check_messages(messages: Any) -> None:
    if messages is None:
        raise missing("messages")
    if not isinstance(messages, list):
        raise ChatRequestError("Invalid type for 'messages': expected an array, but got an object instead.",
                               "messages", "invalid_type")
    if not messages:
        raise ChatRequestError("Invalid 'messages': empty array. Expected an array with minimum length 1, but got "
                               "an empty array instead.", "messages", "empty_array")
    calls_open = False
    for index, message in enumerate(messages):
        where = f"messages[{index}]"
        if not isinstance(message, dict):
            raise ChatRequestError(f"Invalid type for '{where}': expected an object.", where, "invalid_type")
        role = message.get("role")
        if role is None:
            raise missing(f"{where}.role")
        if role not in ROLES:
            raise ChatRequestError(f"Invalid value: '{role}'. Supported values are: 'system', 'assistant', "
                                   "'user', 'function', 'tool', and 'developer'.", f"{where}.role", "invalid_value")
        if role == "tool":
            if not message.get("tool_call_id"):
                raise missing(f"{where}.tool_call_id")
            if not calls_open:
                raise ChatRequestError("Invalid parameter: messages with role 'tool' must be a response to a "
                                       "preceeding message with 'tool_calls'.", f"messages.[{index}].role")
        elif role == "assistant":
            calls_open = bool(message.get("tool_calls"))
        elif message.get("content") is None:
            raise missing(f"{where}.content")
        else:
            calls_open = False


def check_tools(tools: Any, tool_choice: Any) -> None:
    if tools is None:
        if tool_choice is not None:
            raise ChatRequestError("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are "
                                   "specified.", "tool_choice")
        return
    if not isinstance(tools, list):
        raise ChatRequestError("Invalid type for 'tools': expected an array.", "tools", "invalid_type")
    for index, tool in enumerate(tools):
        where = f"tools[{index}]"
        if not isinstance(tool, dict) or tool.get("type") is None:
            raise missing(f"{where}.type")
        if tool["type"] != "function":
            raise ChatRequestError(f"Invalid value: '{tool['type']}'. Supported values are: 'function' and "
                                   "'custom'.", f"{where}.type", "invalid_value")
        function = tool.get("function")
        if not isinstance(function, dict):
            raise missing(f"{where}.function")
        name = function.get("name")
        if name is None:
            raise missing(f"{where}.function.name")
        if not isinstance(name, str) or not FUNCTION_NAME.fullmatch(name):
            raise ChatRequestError(f"Invalid '{where}.function.name': string does not match pattern. Expected a "
                                   "string that matches the pattern '^[a-zA-Z0-9_-]+$'.", f"{where}.function.name",
                                   "invalid_value")
    if tool_choice is None or tool_choice in ("none", "auto", "required"):
        return
    names = [tool["function"]["name"] for tool in tools]
    if isinstance(tool_choice, dict) and (tool_choice.get("function") or {}).get("name") in names:
        return
    raise ChatRequestError("Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or a function "
                           "named in 'tools'.", "tool_choice", "invalid_value")


# ---- answers ---------------------------------------------------------------------------------------

def text_of(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content or "")


def image_prompt(text: str) -> str:
    """'Generate a watercolor painting of a dog.' -> 'a watercolor painting of a dog'."""
    cleaned = LEADING_KIND.sub("", LEADING_VERB.sub("", text.strip())).strip().rstrip(".!").strip()
    return cleaned or text.strip()


def rules(messages: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """('- rule' lines of the system/developer messages) split into (positive, negative)."""
    positive, negative = [], []
    for message in messages:
        if message.get("role") not in ("system", "developer"):
            continue
        for line in text_of(message).splitlines():
            if not line.startswith("- ") or not (rule := line[2:].strip()):
                continue
            if (match := NEGATIVE_RULE.match(rule)) and match[2].strip():
                negative.append(match[2].strip())
            else:
                positive.append(rule)
    return positive, negative


def tool_call(body: dict[str, Any], user_text: str) -> dict[str, Any]:
    tools = body["tools"]
    choice = body.get("tool_choice")
    wanted = choice["function"]["name"] if isinstance(choice, dict) else tools[0]["function"]["name"]
    function = next(t["function"] for t in tools if t["function"]["name"] == wanted)
    positive, negative = rules(body["messages"])
    values = {"prompt": ", ".join([image_prompt(user_text), *positive]), "negative_prompt": ", ".join(negative)}
    properties = (function.get("parameters") or {}).get("properties") or {}
    arguments = {name: value for name, value in values.items() if not properties or name in properties}
    digest = hashlib.sha256(json.dumps([wanted, arguments], sort_keys=True).encode()).hexdigest()
    return {"id": f"call_{digest[:24]}", "type": "function",
            "function": {"name": wanted, "arguments": json.dumps(arguments)}}


def reply(body: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """(assistant message, finish_reason) for a valid body."""
    messages = body["messages"]
    last_user = max((i for i, m in enumerate(messages) if m.get("role") == "user"), default=-1)
    user_text = text_of(messages[last_user]) if last_user >= 0 else ""
    answered = [text_of(m) for m in messages[last_user + 1:] if m.get("role") == "tool"]
    choice = body.get("tool_choice")
    wants_call = (choice == "required" or isinstance(choice, dict)
                  or (choice != "none" and not answered and IMAGE_WORDS.search(user_text) is not None))
    if body.get("tools") and wants_call:
        return {"role": "assistant", "content": None, "tool_calls": [tool_call(body, user_text)]}, "tool_calls"
    if answered:
        content = f"Done. The tool answered: {answered[-1]}"
    else:
        content = f"(emulated chat model) You said: {user_text}".strip()
    return {"role": "assistant", "content": content}, "stop"


def tokens(text: str) -> int:
    return max(1, len(text) // 4)


def chat_completions(emu: Any, req: Request, match: re.Match[str]) -> Response:
    if (failure := openai_auth(req)) is not None:
        return failure
    req.hold(emu.faults.delay("openai_chat"))
    if (fault := emu.faults.take("openai_chat", "rate_limit")) is not None:
        wait = format_seconds(fault.retry_after)
        return openai_error(429, f"Rate limit reached for requests. Please try again in {wait}s.", None,
                            "rate_limit_exceeded", "requests", {"retry-after": wait})
    if emu.faults.take("openai_chat", "server_error") is not None:
        return openai_error(500, SERVER_ERROR, kind="server_error")
    if not isinstance(req.json, dict):
        return body_error(req)
    try:
        check_body(req.json)
    except ChatRequestError as failure:
        return openai_error(failure.status, failure.message, failure.param, failure.code)
    message, finish = reply(req.json)
    message.update(refusal=None, annotations=[])
    count = req.json.get("n") if isinstance(req.json.get("n"), int) and req.json["n"] > 0 else 1
    prompt_tokens = tokens(json.dumps(req.json["messages"]) + json.dumps(req.json.get("tools") or []))
    completion_tokens = tokens(json.dumps(message))
    digest = hashlib.sha256(req.body).hexdigest()
    payload = {
        "id": f"chatcmpl-{digest[:29]}", "object": "chat.completion", "created": int(time.time()),
        "model": req.json["model"], "system_fingerprint": "fp_emulated", "service_tier": "default",
        "choices": [{"index": i, "message": message, "logprobs": None, "finish_reason": finish} for i in range(count)],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens * count,
                  "total_tokens": prompt_tokens + completion_tokens * count},
    }
    return json_response(200, payload)


ROUTES = [route("POST", r"/v1/chat/completions", "openai_chat", chat_completions)]
