"""User and provider text shown literally inside Streamlit's Markdown elements.

`st.markdown`, `st.caption`, `st.error` and their kin render Markdown plus Streamlit's own directives
(`:red[...]`, `:material/icon:`, emoji shortcodes, `$LaTeX$`). A prompt, a rule, a run's error or a provider's
message must appear as typed: `[x](javascript:...)` is text, not a link that hides the value. CommonMark lets
every ASCII punctuation character be escaped with a backslash, which turns each one into plain text.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def literal(text: object) -> str:
    """`text` escaped so Streamlit's Markdown shows it character for character (line breaks kept)."""
    escaped = _PUNCTUATION.sub(r"\\\1", str(text))
    return "  \n".join(escaped.splitlines()) if "\n" in escaped or "\r" in escaped else escaped
