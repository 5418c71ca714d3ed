"""Moved to `imagegen.providers.openai.emulator_routes`; this import path stays an alias of that module."""

import sys

from imagegen.providers.openai import emulator_routes

sys.modules[__name__] = emulator_routes
