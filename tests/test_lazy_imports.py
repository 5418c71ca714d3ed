"""`import imagegen` and what the app's pages import load no provider SDK: a provider's SDK (openai, boto3) is
imported when that provider is used (issue 12, part 6). Each check runs in a fresh interpreter."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SDKS = ("openai", "boto3", "botocore")


@pytest.mark.parametrize("module", ["imagegen", "imagegen.catalog", "imagegen.drivers", "imagegen.slots",
                                    "imagegen.compare", "imagegen.history", "imagegen.provider_status",
                                    "imagegen.engines", "imagegen.emulator"])
def test_importing_loads_no_provider_sdk(module):
    code = f"import sys, {module}; print(','.join(m for m in {SDKS!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "", f"import {module} loaded {loaded.stdout.strip()}"


def test_a_driver_name_loads_its_module_on_first_use():
    code = ("import sys; from imagegen.drivers import LocalImageGenerationDriver, OpenAiImageGenerationDriver; "
            "print('openai' in sys.modules, 'boto3' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]
