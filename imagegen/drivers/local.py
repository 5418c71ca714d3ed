"""Moved to `imagegen.providers.local.driver`; this import path stays an alias of that module."""

import sys

from imagegen.providers.local import driver

sys.modules[__name__] = driver
