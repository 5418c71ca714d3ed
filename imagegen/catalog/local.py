"""Moved to `imagegen.providers.local.catalog`; this import path stays an alias of that module."""

import sys

from imagegen.providers.local import catalog

sys.modules[__name__] = catalog
