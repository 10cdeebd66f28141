"""The errata page, built from the corrections on the other pages, so the two cannot drift.

A correction is a `warning` box of mkdocs.yml's `extra.boxes` (`!!! warning "勘误 / Correction"`,
or a notebook Markdown cell that opens with `**勘误 / Correction**`). Its first paragraph quotes
the notes (the language's `words.original`), its second is a one-sentence summary of what is
true, written for the table (`words.correction`); the explanation follows. The errata page
holds the line `[[errata]]`, which becomes a table with one row per correction, in nav order,
linking to the section it is in. A clarification (an `info` box) is no correction and has no row.

A box of either kind whose paragraph has the language's `words.changed` form
(`**PyTorch {version} 起**：{now}；此前{before}（{source}）`) records a change in PyTorch since the
notes; the page holding the line `[[changes]]` lists them, by version, in a table of their own.

A notebook's box cells are shown in the boxes a Markdown page has (in Jupyter they stay a bold
first line: Jupyter has no such boxes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pages
from context import Context, localized

MARKER = "[[errata]]"
CHANGES = "[[changes]]"
TITLE = '<div class="admonition {kind}">\n<p class="admonition-title">{title}</p>'


@dataclass(frozen=True)
class Correction:
    source: str
    quote: str
    truth: str
    page: str  # the page file, relative to docs/
    title: str  # "page title › section title"
    anchor: str


# Replace the marker line of the errata page with the table of all corrections.
def table(markdown: str, ctx: Context, config) -> str:
    if ctx.name != "errata":
        return markdown
    rows = []
    for c in (c for name in pages.nav_pages(config.nav) for c in collect(config, name, ctx)):
        # a summary follows "Correction: " in its box; in its own cell it starts a sentence
        truth = c.truth[:1].upper() + c.truth[1:]
        rows.append((c.source, c.quote, truth, f"[{c.title}]({c.page}#{c.anchor})"))
    return _with_table(markdown, MARKER, ctx, ctx.words["errata"], rows)


# Replace the marker line of the changes page with the table of PyTorch's changes, by version
# (then in nav order).
def changes(markdown: str, ctx: Context, config) -> str:
    if ctx.name != "changes":
        return markdown
    form, found = _pattern(ctx.words["changed"]), []
    for name in pages.nav_pages(config.nav):
        for source, section, _, body, where in _boxes(config, name, ctx):
            for change in filter(None, map(form.match, _paragraphs(body))):
                if not section.anchor:
                    raise RuntimeError(f"{where}: the change is under no heading with an anchor")
                if not re.fullmatch(r"\d+(\.\d+)+", change["version"]):
                    raise RuntimeError(f"{where}: {change['version']!r} is no version")
                link = f"[{source.title} › {section.title}]({source.file}#{section.anchor})"
                cells = ("version", "now", "before", "source")
                found.append((*(change[cell] for cell in cells), link))
    if not found:
        raise RuntimeError(f"{ctx.where}: no box records a change ({ctx.words['changed']})")
    found.sort(key=lambda row: tuple(map(int, row[0].split("."))))
    return _with_table(markdown, CHANGES, ctx, ctx.words["changes"], found)


def _with_table(markdown: str, marker: str, ctx: Context, header, rows) -> str:
    if markdown.count(marker) != 1:
        raise RuntimeError(f"{ctx.where}: needs the line {marker} exactly once")
    lines = [header, ("---",) * len(header)]
    lines += [tuple(_cell(cell) for cell in row) for row in rows]
    return markdown.replace(marker, "\n".join("| " + " | ".join(row) + " |" for row in lines))


# A notebook page's box cells, boxed as a Markdown page's are.
def boxed(html: str, ctx: Context, config) -> str:
    kinds = config.extra["boxes"]
    cell_html = re.compile(  # such a cell as nbconvert renders it, the bold title first
        r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown[^>]*>)\s*'
        rf"<p><strong>({'|'.join(map(re.escape, kinds))})</strong></p>(.*?)(</div>)",
        re.DOTALL,
    )

    def box(cell: re.Match) -> str:
        if "<div" in cell[3]:
            raise RuntimeError(f"{ctx.where}: a {cell[2]} cell holds a <div>")
        title = TITLE.format(kind=kinds[cell[2]], title=cell[2])
        return f"{cell[1]}\n{title}{cell[3]}</div>\n{cell[4]}"

    html, count = cell_html.subn(box, html)
    source = pages.source(config, ctx.src_uri)
    expected = sum(len(s.boxes) for s in source.sections)
    if count != expected:
        raise RuntimeError(f"{ctx.where}: {expected} box cells, {count} boxed as rendered")
    return html


# Every correction of one page in one language, in page order.
def collect(config, name: str, ctx: Context) -> list[Correction]:
    kinds = config.extra["boxes"]
    return [
        parse(body, ctx.words, where, source, section)
        for source, section, title, body, where in _boxes(config, name, ctx)
        if kinds[title] == "warning"
    ]


# Every box of one page in one language, in page order, with the page and section it is in.
def _boxes(config, name: str, ctx: Context):
    source = pages.source(config, localized(name, ctx.lang, ctx.default))
    for section in source.sections:
        for title, body, where in section.boxes:
            yield source, section, title, body, where


def parse(body: str, words: dict, where: str, source: pages.Source, section) -> Correction:
    paragraphs = _paragraphs(body)
    original, truth = _pattern(words["original"]), _pattern(words["correction"])
    opening = original.match(paragraphs[0]) if paragraphs else None
    summary = truth.match(paragraphs[1]) if len(paragraphs) > 1 else None
    if opening is None or summary is None:
        raise RuntimeError(
            f"{where}: a correction must open with the quoted original and then the "
            f"correction paragraph ({words['original']} / {words['correction']})"
        )
    if not section.anchor:
        raise RuntimeError(f"{where}: the correction is not under a heading with an anchor")
    title = f"{source.title} › {section.title}"
    return Correction(
        opening["source"], opening["quote"], summary["text"], source.file, title, section.anchor
    )


def _paragraphs(body: str) -> list[str]:
    return [_join(p.splitlines()) for p in re.split(r"\n\s*\n", body)]


# A paragraph's form in mkdocs.yml, `**原文**（{source}）：{quote}`, as a regular expression.
def _pattern(form: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", form)
    return re.compile(
        "^" + "".join(f"(?P<{p}>.+?)" if i % 2 else re.escape(p) for i, p in enumerate(parts)) + "$"
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
