"""Moved to `imagegen.providers.bedrock.emulator_rules`; this import path stays an alias of that module."""

import sys

from imagegen.providers.bedrock import emulator_rules

sys.modules[__name__] = emulator_rules
