"""A local HTTP server speaking the image providers' wire protocols, for tests and credential-less demos.

    from imagegen.emulator import running_emulator
    with running_emulator() as emu:
        client = openai.OpenAI(base_url=emu.openai_base_url, api_key="sk-test")
        client.images.generate(model="dall-e-3", prompt="a red fox")
        emu.last_request("openai").json  # the exact body the provider received

See `server` (routing, recording, how to add a provider), `faults` (injected failures) and the routes
modules (one per provider family). `python -m imagegen.emulator --help` runs it from a shell.
"""

from imagegen.emulator.faults import KINDS as FAULT_KINDS
from imagegen.emulator.server import Emulator, RecordedRequest, running_emulator

__all__ = ["FAULT_KINDS", "Emulator", "RecordedRequest", "running_emulator"]
