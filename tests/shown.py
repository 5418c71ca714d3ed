"""What a person reads in a Markdown element whose user text was escaped (imagegen.ui.text.literal)."""

import re


def shown(markdown: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("  \n", "\n")
