"""Moved to `imagegen.providers.leonardo.driver`; this import path stays an alias of that module."""

import sys

from imagegen.providers.leonardo import driver

sys.modules[__name__] = driver
