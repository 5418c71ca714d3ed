"""Moved to `imagegen.providers.openai.errors`; this import path stays an alias of that module."""

import sys

from imagegen.providers.openai import errors

sys.modules[__name__] = errors
