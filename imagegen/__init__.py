"""imagegen: compare text-to-image providers side by side.

Drivers talk to one provider each, the engine turns prompts and rule sets into the lists a driver
encodes, and every result is an `ImageArtifact` whose format and size are measured from its bytes.
"""

from imagegen import logsafe

__version__ = "0.1.0"

logsafe.install()  # keys never reach logs, whoever logs them (see logsafe)
