"""Moved to `imagegen.providers.azure.driver`; this import path stays an alias of that module."""

import sys

from imagegen.providers.azure import driver

sys.modules[__name__] = driver
