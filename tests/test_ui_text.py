"""User and provider text escaped for Streamlit's Markdown (issue 11, item 12)."""

import re

from hypothesis import given
from hypothesis import strategies as st

from imagegen.ui.text import literal


def test_links_emphasis_directives_and_html_are_escaped():
    assert literal("[x](javascript:alert(1))") == r"\[x\]\(javascript\:alert\(1\)\)"
    assert literal("**b** _i_ `c` # h") == r"\*\*b\*\* \_i\_ \`c\` \# h"
    assert literal(":red[r] :material/home: $x$") == r"\:red\[r\] \:material\/home\: \$x\$"
    assert literal("<script>") == r"\<script\>"
    assert literal("plain words, 42") == r"plain words\, 42"


def test_line_breaks_are_kept():
    assert literal("one\ntwo") == "one  \ntwo"


@given(st.text())
def test_unescaping_gives_back_the_text(text):
    """Every punctuation character is preceded by a backslash; removing them restores the text."""
    escaped = literal(text.replace("\r", "").replace("\n", " "))
    assert re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", escaped) == text.replace("\r", "").replace("\n", " ")
    assert not re.search(r"(?<!\\)[\[\]()*_`:$<>]", escaped.replace("\\\\", ""))
