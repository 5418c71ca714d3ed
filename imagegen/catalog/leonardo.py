"""Moved to `imagegen.providers.leonardo.catalog`; this import path stays an alias of that module."""

import sys

from imagegen.providers.leonardo import catalog

sys.modules[__name__] = catalog
