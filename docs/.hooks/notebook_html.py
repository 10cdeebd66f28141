"""A notebook page as mkdocs-jupyter renders it, made to behave like the site's Markdown pages.

- nbconvert's template loads MathJax and Mermaid from CDNs; the site lays out maths at build
  time, and a reader's browser contacts no other host: the block goes.
- mkdocs-jupyter's heading ids are ASCII slugs of the heading text: Chinese headings get empty,
  repeated ids that its table of contents does not even match. The headings and the contents
  take the anchors of pages.py instead (the other language's notebook's slugs), so both
  languages share anchors, and MkDocs validates links to them.
- A code cell's prompt ("In [1]:"), its copy button, the hidden copy of its code that the
  button copies, and a heading's ¶ link are kept out of the search index (Material's
  `data-search-exclude`): the index held every cell's code twice, after "In [n]: Copied!".
"""

from __future__ import annotations

import re

CDN_SCRIPTS = re.compile(
    r"<!-- Load mathjax -->.*?<!-- End of mermaid configuration -->", re.DOTALL
)
NOT_SEARCHED = re.compile(
    r'<(div|a) class="(jp-InputPrompt|jp-OutputPrompt|zeroclipboard-container'
    r"|clipboard-copy-txt|anchor-link)\b"
)
# A rendered notebook heading and its anchor link, around the two copies of its id.
HEADING = re.compile(
    r'(?P<open><h[1-6] id=")[^"]*(?P<mid>">.*?<a class="anchor-link" href="#)[^"]*"'
)


# Drop the CDN script block; fail if the template changed.
def without_cdn_scripts(html: str, where: str) -> str:
    html, count = CDN_SCRIPTS.subn("", html)
    if count != 1:
        raise RuntimeError(f"{where}: expected one MathJax/Mermaid block, found {count}")
    return html


# Give the headings and the table of contents the shared anchors, in order.
def with_anchors(html: str, page, slugs: list[str], where: str) -> str:
    entries = list(_flatten(page.toc))
    found = len(HEADING.findall(html))
    if not found == len(entries) == len(slugs):
        raise RuntimeError(
            f"{where}: {found} headings, {len(entries)} contents entries, "
            f"{len(slugs)} headings in the other language's notebook: they must match"
        )
    ids = iter(slugs)

    def renamed(match: re.Match) -> str:
        slug = next(ids)
        return f'{match["open"]}{slug}{match["mid"]}{slug}"'

    html = HEADING.sub(renamed, html)
    for entry, slug in zip(entries, slugs, strict=True):
        entry.id = slug
    page.present_anchor_ids = set(slugs)
    return html


def kept_out_of_search(html: str, where: str) -> str:
    html, count = NOT_SEARCHED.subn(r'<\1 data-search-exclude="notebook" class="\2', html)
    if count == 0:
        raise RuntimeError(f"{where}: no cell prompt to keep out of search")
    return html


def _flatten(toc):
    for entry in toc:
        yield entry
        yield from _flatten(entry.children)
