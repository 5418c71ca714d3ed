"""Moved to `imagegen.providers.openai.emulator_rules`; this import path stays an alias of that module."""

import sys

from imagegen.providers.openai import emulator_rules

sys.modules[__name__] = emulator_rules
