"""A small error hierarchy users can act on.

Every message says what to do next (which variable to set, which values are allowed). No message
ever contains an API key: drivers build these messages themselves instead of echoing a provider's
text when that text may quote the key, and `redact` scrubs any secret that could slip through.
"""

from __future__ import annotations

from collections.abc import Iterable


class ImageGenerationError(Exception):
    """Base class: generation did not produce an image."""

    kind = "error"

    def __init__(self, message: str, *, provider: str | None = None):
        super().__init__(message)
        self.provider = provider

    @property
    def message(self) -> str:
        return str(self)


class MissingCredentialsError(ImageGenerationError):
    """No credentials were found; the message names the variable or secrets entry to set."""

    kind = "missing_credentials"

    def __init__(self, message: str, *, provider: str | None = None, variables: Iterable[str] = ()):
        super().__init__(message, provider=provider)
        self.variables = tuple(variables)


class InvalidOptionsError(ImageGenerationError, ValueError):
    """An option or prompt is not allowed; raised before any request is sent."""

    kind = "invalid_options"

    def __init__(self, message: str, *, provider: str | None = None, field: str | None = None,
                 allowed: str | None = None):
        super().__init__(message, provider=provider)
        self.field = field
        self.allowed = allowed


class ContentPolicyError(ImageGenerationError):
    """The provider's safety system rejected the prompt or the image."""

    kind = "content_policy"

    def __init__(self, message: str, *, provider: str | None = None, categories: Iterable[str] = ()):
        super().__init__(message, provider=provider)
        self.categories = tuple(categories)


class RateLimitError(ImageGenerationError):
    """The provider kept answering 'too many requests' after the bounded retries."""

    kind = "rate_limit"

    def __init__(self, message: str, *, provider: str | None = None, retry_after: float | None = None):
        super().__init__(message, provider=provider)
        self.retry_after = retry_after


class ProviderError(ImageGenerationError):
    """Any other failure reported by the provider (auth, not found, server error, bad response)."""

    kind = "provider"

    def __init__(self, message: str, *, provider: str | None = None, status: int | None = None,
                 code: str | None = None, retryable: bool = False):
        super().__init__(message, provider=provider)
        self.status = status
        self.code = code
        self.retryable = retryable


class GenerationTimeoutError(ImageGenerationError):
    """The provider did not answer within the configured time."""

    kind = "timeout"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every occurrence of each secret (and of its first 8 characters) with '***'."""
    for secret in secrets:
        if not secret or len(secret) < 4:
            continue
        text = text.replace(secret, "***")
        if len(secret) >= 12:
            text = text.replace(secret[:8], "***")
    return text
