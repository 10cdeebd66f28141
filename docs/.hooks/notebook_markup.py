"""A notebook page's markup made valid HTML, as the W3C checker (vnu) reads it.

mkdocs-jupyter's template (`mkdocs_html/notebook.html.j2`, on nbconvert's lab template) writes:

- each cell's copy button as `<clipboard-copy for="cell-N", aria-label="Copy to Clipboard">`: the
  stray comma parses as an attribute named `,`, and `aria-label` is not allowed on a custom element
  with no role. The element's script sets `role="button"` (and `tabindex="0"`) when it connects;
  the comma goes and the role is written in the markup, so the name is valid before any script;
- its `<style>` elements in the middle of the article, where a style element is not allowed: they
  move, in order, to the end of `<head>`. They came after all the head's stylesheets, so the
  cascade is the same;
- JupyterLab's stylesheet as mkdocs-jupyter bundles it, with `cursor: normal` (no such value) and
  the unprefixed `box-orient`, `box-align` and `box-pack` (no such properties): a browser drops
  these declarations, and so does this module; the rest of their rules stays.

`valid()` raises a RuntimeError when any of these is not there at all: the template changed.
"""

from __future__ import annotations

import re

COPY = re.compile(r'<clipboard-copy ,="" ')
STYLE = re.compile(r"<style\b[^>]*>.*?</style>\s*", re.DOTALL | re.IGNORECASE)
# a declaration of one of them, from just after the `{` or `;` before it to its own `;`, if any
INVALID = re.compile(
    r"(?<=[{;])\s*(?:cursor\s*:\s*normal\b|box-(?:orient|align|pack)\s*:)[^;}]*;?", re.IGNORECASE
)


def valid(html: str) -> str:
    """The page with its copy buttons, body styles and invalid CSS declarations made valid."""
    html, buttons = COPY.subn('<clipboard-copy role="button" ', html)
    head, end_of_head, body = html.partition("</head>")
    styles = STYLE.findall(body)
    css = [INVALID.subn("", style) for style in styles]
    dropped = sum(count for _, count in css)
    for found, what in [
        (buttons, '<clipboard-copy ,="" …> copy buttons'),
        (styles, "<style> elements in <body>"),
        (dropped, "cursor: normal, box-orient, box-align or box-pack declarations"),
    ]:
        if not found:
            raise RuntimeError(f"notebook markup: found no {what} (mkdocs-jupyter changed?)")
    moved = "".join(style.rstrip() + "\n" for style, _ in css)
    return head + moved + end_of_head + STYLE.sub("", body)
