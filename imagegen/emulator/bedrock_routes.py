"""Moved to `imagegen.providers.bedrock.emulator_routes`; this import path stays an alias of that module."""

import sys

from imagegen.providers.bedrock import emulator_routes

sys.modules[__name__] = emulator_routes
