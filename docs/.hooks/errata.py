"""Build the errata page from the corrections on the other pages, so the two cannot drift.

A correction is a `!!! warning "勘误 / Correction"` box on a Markdown page, or a notebook
Markdown cell that starts with `**勘误 / Correction**`. Its first paragraph quotes the notes
(`**原文**（出处）：“…”` / `**Original** (source): "…"`), its second says what is true
(`**更正**：…` / `**Correction**: …`). The errata page holds the line `[[errata]]`, which
becomes a table with one row per correction, in nav order, linking to the section it is in.

A notebook's correction cell is shown in the warning box a Markdown page's correction has (in
Jupyter it stays a bold first line: Jupyter has no such boxes).
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
# A correction cell as nbconvert renders it: its rendered Markdown, the bold title first.
CELL_HTML = re.compile(
    r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown[^>]*>)\s*'
    r"<p><strong>勘误 / Correction</strong></p>(.*?)(</div>)",
    re.DOTALL,
)
TITLE = '<div class="admonition warning">\n<p class="admonition-title">勘误 / Correction</p>'
HEADING = re.compile(r"^(#{1,6}) +(?P<title>.+?)(?: +\{ #(?P<anchor>[\w-]+) \})?\s*$")
WORDS = {
    "zh": {
        "original": re.compile(r"^\*\*原文\*\*（(?P<source>.+?)）：(?P<quote>.+)$"),
        "correction": re.compile(r"^\*\*更正\*\*：(?P<text>.+)$"),
        "sentence": re.compile(r"^.+?。"),
        "header": ("出处", "原文", "更正", "详见"),
    },
    "en": {
        "original": re.compile(r"^\*\*Original\*\* \((?P<source>.+?)\): (?P<quote>.+)$"),
        "correction": re.compile(r"^\*\*Correction\*\*: (?P<text>.+)$"),
        "sentence": re.compile(r"^.+?[.!?](?=\s+[A-Z`$*(])"),
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


# A notebook page's correction cells, boxed as a Markdown page's corrections are.
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return html

    def boxed(cell: re.Match) -> str:
        if "<div" in cell[2]:
            raise RuntimeError(f"docs/{page.file.src_uri}: a correction cell holds a <div>")
        return f"{cell[1]}\n{TITLE}{cell[2]}</div>\n{cell[3]}"

    html, count = CELL_HTML.subn(boxed, html)
    lang = "en" if ".en." in page.file.src_uri else "zh"
    expected = len(notebook_corrections(Path(page.file.abs_src_path), page.file.src_uri, lang))
    if count != expected:
        raise RuntimeError(
            f"docs/{page.file.src_uri}: {expected} correction cells, {count} boxed as rendered"
        )
    return html


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
        cells = (c.source, c.quote, c.truth, f"[{c.title}]({c.page}#{c.anchor})")
        if any("|" in cell for cell in cells):
            raise RuntimeError(
                f"docs/{c.page}#{c.anchor}: a correction quoted in the errata table holds '|'; "
                "write \\vert in maths or &#124; in text"
            )
        rows.append(cells)
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
        truth=_first_sentence(truth["text"], words["sentence"]),
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


# The first sentence, unless cutting there would split code or maths.
def _first_sentence(text: str, sentence: re.Pattern) -> str:
    match = sentence.match(text)
    if match is None:
        return text
    first = match[0]
    if first.count("`") % 2 or first.count("$") % 2:
        return text
    return first
