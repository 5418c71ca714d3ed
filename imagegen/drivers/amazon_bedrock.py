"""Moved to `imagegen.providers.bedrock.driver`; this import path stays an alias of that module."""

import sys

from imagegen.providers.bedrock import driver

sys.modules[__name__] = driver
