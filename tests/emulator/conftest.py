"""One emulator for the whole emulator suite, reset before every test (helpers live in helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from imagegen.emulator import Emulator, running_emulator


@pytest.fixture(scope="session")
def _session_emulator():
    with running_emulator(port=0) as emu:
        yield emu


@pytest.fixture
def emu(_session_emulator: Emulator) -> Iterator[Emulator]:
    _session_emulator.reset()
    _session_emulator.azure_deployments.clear()
    yield _session_emulator
    _session_emulator.reset()
