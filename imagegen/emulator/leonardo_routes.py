"""Moved to `imagegen.providers.leonardo.emulator_routes`; this import path stays an alias of that module."""

import sys

from imagegen.providers.leonardo import emulator_routes

sys.modules[__name__] = emulator_routes
