"""Leonardo.Ai REST v2 create for partner models (providers.md, "v2 create — partner models").

`POST /api/rest/v2/generations` with `{"model": str, "public": bool, "parameters": {...}}` answers
`{"generate": {"generationId", "apiCreditCost", "cost"}}`; the job is then polled and downloaded through v1, like a
v1 job. Errors come GraphQL-style: `[{"message", "extensions": {"code": "VALIDATION_ERROR", "details": {"message"}}}]`
(shape from client code, unverified). Served models: `MODELS` (FLUX.2 Pro, `flux-pro-2.0`); any other model string
is refused, as the service refuses a model it does not have. No prompt length limit is known (none is checked).
"""

from __future__ import annotations

from typing import Any

from imagegen.emulator.wire import Response, json_response
from imagegen.providers.leonardo.emulator_rules import (
    DEFAULT_STEPS,
    STYLE_UUIDS,
    LeonardoParams,
    LeonardoValidationError,
)

MODELS = {"flux-pro-2.0": {"side": (256, 1440), "seed": 4294967295, "quantity": 8}}
TOP_FIELDS = ("model", "public", "parameters")
PARAMETERS = ("prompt", "width", "height", "quantity", "seed", "style_ids", "guidances", "prompt_enhance")
PROMPT_ENHANCE = ("AUTO", "ON", "OFF")
DEFAULT_SIDE = 1024


def v2_error(status: int, message: str, code: str = "VALIDATION_ERROR") -> Response:
    return json_response(status, [{"message": message, "extensions": {"code": code, "details": {
        "message": message, "errors": []}}}])


def validate_v2(body: Any) -> LeonardoParams:
    if not isinstance(body, dict):
        raise LeonardoValidationError("expected a JSON object as the request body")
    for name, value in body.items():
        if name not in TOP_FIELDS:
            raise LeonardoValidationError(f'unexpected field "{name}" in the request body')
        if value is None:
            raise LeonardoValidationError(f'invalid value for "{name}": null is not allowed (omit the field)')
    for name, kind in (("model", str), ("public", bool), ("parameters", dict)):
        if name not in body:
            raise LeonardoValidationError(f'missing required field "{name}"')
        if not isinstance(body[name], kind):
            raise LeonardoValidationError(f'invalid value for "{name}": expected {kind.__name__}')
    model = body["model"]
    if model not in MODELS:
        raise LeonardoValidationError(f'invalid value for "model": {model!r} is not an available model')
    limits = MODELS[model]
    params = body["parameters"]
    for name, value in params.items():
        if name not in PARAMETERS:
            raise LeonardoValidationError(f'unexpected field "parameters.{name}"')
        if value is None:
            raise LeonardoValidationError(f'invalid value for "parameters.{name}": null is not allowed')
    prompt = params.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise LeonardoValidationError('invalid value for "parameters.prompt": a non-empty string is required')
    width = _int(params, "width", *limits["side"], DEFAULT_SIDE)
    height = _int(params, "height", *limits["side"], DEFAULT_SIDE)
    quantity = _int(params, "quantity", 1, limits["quantity"], 1)
    seed = _int(params, "seed", 0, limits["seed"], None)
    styles = params.get("style_ids", [])
    if not isinstance(styles, list) or len(styles) > 1 or any(s not in STYLE_UUIDS for s in styles):
        raise LeonardoValidationError('invalid value for "parameters.style_ids": at most one known style UUID')
    if params.get("prompt_enhance", "AUTO") not in PROMPT_ENHANCE:
        raise LeonardoValidationError(f'invalid value for "parameters.prompt_enhance": one of '
                                      f'{", ".join(PROMPT_ENHANCE)}')
    if not isinstance(params.get("guidances", {}), dict):
        raise LeonardoValidationError('invalid value for "parameters.guidances": expected an object')
    return LeonardoParams(prompt, model, "", width, height, quantity, DEFAULT_STEPS, None, seed, None, False, False,
                          None, body["public"])


def _int(params: dict[str, Any], name: str, minimum: int, maximum: int, default: int | None) -> int | None:
    if name not in params:
        return default
    value = params[name]
    if type(value) is not int or not minimum <= value <= maximum:
        raise LeonardoValidationError(f'invalid value for "parameters.{name}": {value!r} is not an integer from '
                                      f"{minimum} to {maximum}")
    return value
