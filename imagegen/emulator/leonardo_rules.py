"""Moved to `imagegen.providers.leonardo.emulator_rules`; this import path stays an alias of that module."""

import sys

from imagegen.providers.leonardo import emulator_rules

sys.modules[__name__] = emulator_rules
