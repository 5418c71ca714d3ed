from imagegen import errors


def test_hierarchy():
    assert issubclass(errors.InvalidOptionsError, ValueError)
    for cls in (errors.MissingCredentialsError, errors.InvalidOptionsError, errors.ContentPolicyError,
                errors.RateLimitError, errors.ProviderError, errors.GenerationTimeoutError):
        assert issubclass(cls, errors.ImageGenerationError)
    error = errors.ProviderError("boom", provider="openai", status=503, code="x", retryable=True)
    assert (error.provider, error.status, error.code, error.retryable) == ("openai", 503, "x", True)


def test_redact_removes_secrets_and_their_prefixes():
    key = "sk-proj-abcdefghijklmnop"
    text = f"Incorrect API key provided: {key} (also {key[:8]}...)"
    clean = errors.redact(text, [key, None, ""])
    assert key not in clean and key[:8] not in clean
    assert clean.startswith("Incorrect API key provided: ***")
