"""Join hard-wrapped Chinese lines: a line break between two Chinese characters is no space.

Page sources wrap long Chinese paragraphs like English ones (and the English pages' quotes of
the notes). A browser renders each such line break as a space (Chromium does not implement
CSS's rule that drops it between CJK characters), which Chinese text must not have. Code
blocks keep their line breaks.
"""

from __future__ import annotations

import re

# CJK characters, CJK and full-width punctuation, and the curly quotes Chinese text uses.
WIDE = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u3000-\u303f\u2018\u2019\u201c\u201d"
BREAK = re.compile(rf"(?<=[{WIDE}])[ \t]*\n[ \t]*(?=[{WIDE}])")
PRE = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL)


# Remove the line breaks between Chinese characters, outside <pre>.
def join_lines(html: str) -> str:
    parts = PRE.split(html)
    return "".join(part if i % 2 else BREAK.sub("", part) for i, part in enumerate(parts))
