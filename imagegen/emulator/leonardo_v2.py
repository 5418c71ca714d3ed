"""Moved to `imagegen.providers.leonardo.emulator_v2`; this import path stays an alias of that module."""

import sys

from imagegen.providers.leonardo import emulator_v2

sys.modules[__name__] = emulator_v2
