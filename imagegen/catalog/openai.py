"""Moved to `imagegen.providers.openai.catalog`; this import path stays an alias of that module."""

import sys

from imagegen.providers.openai import catalog

sys.modules[__name__] = catalog
