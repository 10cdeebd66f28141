"""Build the errata page from the corrections on the other pages, so the two cannot drift.

A correction is a `!!! warning "勘误 / Correction"` box on a Markdown page, or a notebook
Markdown cell that starts with `**勘误 / Correction**`. Its first paragraph quotes the notes
(`**原文**（出处）：“…”` / `**Original** (source): “…” ("…")`), its second is a one-sentence
summary of what is true, written for the errata table (`**更正**：…` / `**Correction**: …`);
the explanation follows. The errata page holds the line `[[errata]]`, which becomes a table with
one row per correction, in nav order, linking to the section it is in. A clarification of the
notes (`!!! info "补充 / Note"`, or a cell starting `**补充 / Note**`) is no correction and has
no row.

A notebook's correction and clarification cells are shown in the boxes a Markdown page has
(in Jupyter they stay a bold first line: Jupyter has no such boxes).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from sources import english_slugs, localized, nav_pages

MARKER = "[[errata]]"
BOX = '!!! warning "勘误 / Correction"'
CELL = "**勘误 / Correction**"
# The boxes a notebook cell can open with its bold first line: title → admonition kind.
KINDS = {"勘误 / Correction": "warning", "补充 / Note": "info"}
# Such a cell as nbconvert renders it: its rendered Markdown, the bold title first.
CELL_HTML = re.compile(
    r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown[^>]*>)\s*'
    rf"<p><strong>({'|'.join(KINDS)})</strong></p>(.*?)(</div>)",
    re.DOTALL,
)
TITLE = '<div class="admonition {kind}">\n<p class="admonition-title">{title}</p>'
HEADING = re.compile(r"^(#{1,6}) +(?P<title>.+?)(?: +\{ #(?P<anchor>[\w-]+) \})?\s*$")
WORDS = {
    "zh": {
        "original": re.compile(r"^\*\*原文\*\*（(?P<source>.+?)）：(?P<quote>.+)$"),
        "correction": re.compile(r"^\*\*更正\*\*：(?P<text>.+)$"),
        "header": ("出处", "原文", "更正", "详见"),
    },
    "en": {
        "original": re.compile(r"^\*\*Original\*\* \((?P<source>.+?)\): (?P<quote>.+)$"),
        "correction": re.compile(r"^\*\*Correction\*\*: (?P<text>.+)$"),
        "header": ("Source", "Original", "Correction", "Explained in"),
    },
}


@dataclass(frozen=True)
class Correction:
    source: str
    quote: str
    truth: str
    page: str  # the page file, relative to docs/
    title: str  # "page title › section title"
    anchor: str


# Replace the marker line of the errata page with the table of all corrections.
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri.split(".")[0] != "errata":
        return markdown
    if markdown.count(MARKER) != 1:
        raise RuntimeError(f"docs/{page.file.src_uri}: needs the line {MARKER} exactly once")
    lang = "en" if ".en." in page.file.src_uri else "zh"
    docs = Path(config.docs_dir)
    corrections = [c for name in nav_pages(config.nav) for c in collect(docs, name, lang)]
    return markdown.replace(MARKER, table(corrections, lang))


# A notebook page's correction and clarification cells, boxed as a Markdown page's are.
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return html

    def boxed(cell: re.Match) -> str:
        if "<div" in cell[3]:
            raise RuntimeError(f"docs/{page.file.src_uri}: a {cell[2]} cell holds a <div>")
        title = TITLE.format(kind=KINDS[cell[2]], title=cell[2])
        return f"{cell[1]}\n{title}{cell[3]}</div>\n{cell[4]}"

    html, count = CELL_HTML.subn(boxed, html)
    expected = len(boxed_cells(Path(page.file.abs_src_path)))
    if count != expected:
        raise RuntimeError(
            f"docs/{page.file.src_uri}: {expected} correction and clarification cells, "
            f"{count} boxed as rendered"
        )
    return html


# The Markdown cells of a notebook that open with a box's bold title.
def boxed_cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    titles = tuple(f"**{title}**" for title in KINDS)
    return [
        c for c in cells if c["cell_type"] == "markdown" and "".join(c["source"]).startswith(titles)
    ]


# Every correction of one page in one language, in page order.
def collect(docs: Path, name: str, lang: str) -> list[Correction]:
    file = localized(name, lang)
    path = docs / file
    if file.endswith(".ipynb"):
        return notebook_corrections(path, file, lang)
    return markdown_corrections(path, file, lang)


def markdown_corrections(path: Path, file: str, lang: str) -> list[Correction]:
    lines = path.read_text(encoding="utf-8").splitlines()
    page_title, section, found = "", ("", ""), []
    for number, line in enumerate(lines, start=1):
        heading = HEADING.match(line)
        if heading and len(heading[1]) == 1:
            page_title = heading["title"]
        elif heading:
            section = (heading["title"], heading["anchor"] or "")
        elif line.strip() == BOX:
            body = _indented_block(lines, number)
            found.append(_parse(body, lang, f"docs/{file}:{number}", file, page_title, section))
    return found


def notebook_corrections(path: Path, file: str, lang: str) -> list[Correction]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    slugs, found = iter(english_slugs(path)), []
    page_title, section = "", ("", "")
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        for line in source.splitlines():
            heading = HEADING.match(line)
            if heading:
                slug = next(slugs)
                if len(heading[1]) == 1:
                    page_title = heading["title"]
                else:
                    section = (heading["title"], slug)
        if source.startswith(CELL):
            body = source.removeprefix(CELL).strip()
            where = f"docs/{file}: cell {cell.get('id')}"
            found.append(_parse(body, lang, where, file, page_title, section))
    return found


def table(corrections: list[Correction], lang: str) -> str:
    rows = [WORDS[lang]["header"], ("---",) * 4]
    for c in corrections:
        # a summary follows "Correction: " in its box; in its own cell it starts a sentence
        truth = c.truth[:1].upper() + c.truth[1:]
        cells = (c.source, c.quote, truth, f"[{c.title}]({c.page}#{c.anchor})")
        rows.append(tuple(_cell(cell) for cell in cells))
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def _indented_block(lines: list[str], number: int) -> str:
    body = []
    for line in lines[number:]:
        if line.strip() and not line.startswith("    "):
            break
        body.append(line[4:])
    return "\n".join(body).strip()


def _parse(body: str, lang: str, where: str, file: str, page_title: str, section) -> Correction:
    words = WORDS[lang]
    paragraphs = [_join(p.splitlines()) for p in re.split(r"\n\s*\n", body)]
    original = words["original"].match(paragraphs[0]) if paragraphs else None
    truth = words["correction"].match(paragraphs[1]) if len(paragraphs) > 1 else None
    if original is None or truth is None:
        raise RuntimeError(
            f"{where}: a correction must open with the quoted original and then the "
            f"correction paragraph ({words['original'].pattern} / {words['correction'].pattern})"
        )
    if not section[1]:
        raise RuntimeError(f"{where}: the correction is not under a heading with an anchor")
    return Correction(
        source=original["source"],
        quote=original["quote"],
        truth=truth["text"],
        page=file,
        title=f"{page_title} › {section[0]}",
        anchor=section[1],
    )


# Join wrapped lines: with a space between Latin words, with nothing next to Chinese.
def _join(lines: list[str]) -> str:
    text = ""
    for line in filter(None, (line.strip() for line in lines)):
        wide = text and (ord(text[-1]) > 0x2E80 or ord(line[0]) > 0x2E80)
        text += line if not text or wide else " " + line
    return text


# Text for a table cell: a `|` would end the cell, so maths says \vert and text &#124;.
def _cell(text: str) -> str:
    parts = re.split(r"(\$[^$]*\$|`[^`]*`)", text)
    for i, part in enumerate(parts):
        if part.startswith("$"):
            parts[i] = part.replace("|", r"\vert ")
        elif not part.startswith("`"):
            parts[i] = part.replace("|", "&#124;")
        elif "|" in part:
            raise RuntimeError(f"a code span in the errata table holds '|': {part}")
    return "".join(parts)
