from imagegen import provider_status


def test_rows_show_sources_and_what_to_set_never_values(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-do-not-show-0000000000")
    rows = {row.id: row for row in provider_status.rows(emulate=True)}
    assert rows["openai"].credentials_ok and rows["openai"].source == "environment"
    assert "sk-do-not-show" not in repr(rows)
    assert rows["leonardo"].emulated and "LEONARDO_API_KEY" in rows["leonardo"].what_to_set
    assert "openai" in rows["openai"].sdk and "boto3" in rows["bedrock"].sdk
    assert not rows["local"].emulated


def test_check_emulated_provider_runs_a_small_generation(emulator):
    result = provider_status.check("bedrock", emulator.url)
    assert result.ok and "emulator answered" in result.message.lower()
    assert emulator.last_request("bedrock") is not None


def test_check_local_and_missing_credentials():
    assert provider_status.check("local").ok
    result = provider_status.check("openai")
    assert not result.ok and "OPENAI_API_KEY" in result.message


def test_check_with_real_credentials_sends_nothing(emulator, monkeypatch):
    monkeypatch.setenv("LEONARDO_API_KEY", "leo-key-123")
    monkeypatch.setenv("LEONARDO_API_BASE", emulator.leonardo_api_base)
    result = provider_status.check("leonardo")
    assert result.ok and "no paid request" in result.message
    assert emulator.requests == []
