"""Moved to `imagegen.providers.bedrock.catalog`; this import path stays an alias of that module."""

import sys

from imagegen.providers.bedrock import catalog

sys.modules[__name__] = catalog
