"""Moved to `imagegen.providers.bedrock.errors`; this import path stays an alias of that module."""

import sys

from imagegen.providers.bedrock import errors

sys.modules[__name__] = errors
