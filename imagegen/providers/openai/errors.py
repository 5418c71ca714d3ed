"""Map `openai` SDK exceptions to imagegen errors whose messages name the fix and never the key."""

from __future__ import annotations

import openai

from imagegen.errors import (
    ContentPolicyError,
    GenerationTimeoutError,
    ImageGenerationError,
    ProviderError,
    RateLimitError,
    redact,
)

SAFETY_CODES = {"content_policy_violation", "moderation_blocked", "contentFilter", "content_filter"}


def error_body(exc: openai.APIStatusError) -> dict:
    body = exc.body if isinstance(exc.body, dict) else {}
    inner = body.get("error") if isinstance(body.get("error"), dict) else body
    return inner or {}


def filtered_categories(error: dict) -> list[str]:
    inner = error.get("inner_error") or error.get("innererror") or {}
    results = inner.get("content_filter_results") or {}
    return sorted(name for name, verdict in results.items() if isinstance(verdict, dict) and verdict.get("filtered"))


def retry_after(exc: openai.APIStatusError) -> float | None:
    value = exc.response.headers.get("retry-after") if exc.response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def translate(exc: Exception, *, label: str, provider: str, key_hint: str, endpoint_hint: str,
              secrets: list[str | None]) -> ImageGenerationError:
    """Turn an SDK exception into an ImageGenerationError. `key_hint` says where to set the key."""

    def clean(text: str) -> str:
        return redact(text, secrets)

    if isinstance(exc, openai.APITimeoutError):
        return GenerationTimeoutError(
            f"{label} did not answer in time. Try again, or raise the driver's timeout.", provider=provider
        )
    if isinstance(exc, openai.APIConnectionError):
        return ProviderError(
            f"Could not reach {label} ({clean(str(exc))}). Check the network and {endpoint_hint}.",
            provider=provider, retryable=True,
        )
    if not isinstance(exc, openai.APIStatusError):
        return ProviderError(f"{label} failed: {clean(str(exc))}", provider=provider)
    error = error_body(exc)
    code = str(error.get("code") or "") or None
    message = clean(str(error.get("message") or exc.message or ""))
    status = exc.status_code
    if status == 401:
        return ProviderError(
            f"{label} rejected the credentials (HTTP 401). {key_hint}", provider=provider, status=401, code=code
        )
    if status == 403:
        return ProviderError(
            f"{label} refused access (HTTP 403): the key has no access to this model or project. "
            f"Check the model id and your account's access. {message}".strip(),
            provider=provider, status=403, code=code,
        )
    if code in SAFETY_CODES or filtered_categories(error):
        categories = filtered_categories(error)
        which = f" ({', '.join(categories)})" if categories else ""
        return ContentPolicyError(
            f"{label}'s safety system rejected the request{which}: {message} Rephrase the prompt and try again.",
            provider=provider, categories=categories,
        )
    if status == 429 and code == "insufficient_quota":
        return ProviderError(
            f"{label} says the account has no quota left (HTTP 429 insufficient_quota). Add credit or "
            f"use another key.", provider=provider, status=429, code=code,
        )
    if status == 429:
        wait = retry_after(exc)
        hint = f" The provider asks to wait {wait:g} s." if wait is not None else ""
        return RateLimitError(
            f"{label} is rate limiting requests (HTTP 429) and the retries ran out.{hint} Wait and try "
            f"again, or run fewer slots at once.", provider=provider, retry_after=wait,
        )
    if status == 404:
        return ProviderError(
            f"{label} answered 404 ({message or 'not found'}). Check the model id / deployment name and "
            f"{endpoint_hint}.", provider=provider, status=404, code=code,
        )
    retryable = status >= 500 or status in (408, 409)
    what = "had a server error" if status >= 500 else "rejected the request"
    param = f" (parameter '{error['param']}')" if error.get("param") else ""
    return ProviderError(
        f"{label} {what} (HTTP {status}){param}: {message}".rstrip(": ")
        + (" Try again in a moment." if retryable else ""),
        provider=provider, status=status, code=code, retryable=retryable,
    )
