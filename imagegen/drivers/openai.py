"""Moved to `imagegen.providers.openai.driver`; this import path stays an alias of that module."""

import sys

from imagegen.providers.openai import driver

sys.modules[__name__] = driver
