"""The source pages as the steps that read them see them: nav order, sections, boxes, anchors.

Each page file is read once per build (`forget()` at the start of each): the errata and the
glossary take their sections from here. A section is a heading with its `{ #anchor }`, or the
introduction (anchor ""), titled by the page. A box is an admonition of mkdocs.yml's
`extra.boxes` on a Markdown page, or a notebook Markdown cell that opens with its bold title.

A notebook's anchors are the slugs of the headings of its notebook in the site's other language
(ASCII; slugs of Chinese headings would be empty), shared by both languages as a Markdown
page's `{ #anchor }` is: the notebook step writes them into the page.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs_jupyter.utils import slugify

HEADING = re.compile(r"^(?P<level>#{1,6}) +(?P<title>.+?)(?: +\{ #(?P<anchor>[\w-]+) \})?\s*$")
ADMONITION = re.compile(r'^ *(?:!!!|\?\?\?\+?) \w+ "(?P<title>[^"]*)"\s*$')


@dataclass
class Section:
    title: str
    anchor: str
    text: list[str] = field(default_factory=list)  # its prose lines, include lines left out
    boxes: list[tuple[str, str, str]] = field(default_factory=list)  # (title, body, where)


@dataclass
class Source:
    file: str  # relative to docs/
    title: str
    sections: list[Section]


def forget() -> None:
    read.cache_clear()


# The title, sections and boxes of a page file (relative to docs/).
def source(config, file: str) -> Source:
    return read(Path(config.docs_dir), file, tuple(config.extra["boxes"]), _other(config))


# The anchors of a notebook page's headings, in order.
def notebook_anchors(config, file: str) -> list[str]:
    return anchors(Path(config.docs_dir) / file, _other(config))


def _other(config) -> str:
    i18n = config.plugins["i18n"]
    return next(lang for lang in i18n.build_languages if lang != i18n.default_language)


@functools.cache
def read(docs: Path, file: str, boxes: tuple[str, ...], other: str) -> Source:
    path = docs / file
    if file.endswith(".ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts = [(c.get("id"), "".join(c["source"])) for c in cells if c["cell_type"] == "markdown"]
        return _notebook(file, texts, iter(anchors(path, other)), boxes)
    return _markdown(file, path.read_text(encoding="utf-8").splitlines(), boxes)


def _markdown(file: str, lines: list[str], boxes: tuple[str, ...]) -> Source:
    title = lines[0].removeprefix("# ").strip()
    sections = [Section(title, "")]
    for number, line in enumerate(lines[1:], start=2):
        heading, box = HEADING.match(line), ADMONITION.match(line)
        if heading and len(heading["level"]) > 1:
            sections.append(Section(heading["title"], heading["anchor"] or ""))
        elif "--8<--" not in line:
            sections[-1].text.append(line)
        if box and box["title"] in boxes:
            body = _indented_block(lines, number, len(line) - len(line.lstrip()))
            sections[-1].boxes.append((box["title"], body, f"docs/{file}:{number}"))
    return Source(file, title, sections)


def _notebook(file: str, texts: list[tuple[str, str]], slugs, boxes: tuple[str, ...]) -> Source:
    title, sections = "", []
    for cell, text in texts:
        for line in text.splitlines():
            heading = HEADING.match(line)
            if heading and len(heading["level"]) == 1:
                title, _ = heading["title"], next(slugs)  # the title's anchor is the page's
                sections.append(Section(title, ""))
            elif heading:
                sections.append(Section(heading["title"], next(slugs)))
            else:
                sections[-1].text.append(line)
        opening = next((b for b in boxes if text.startswith(f"**{b}**")), None)
        if opening:
            body = text.removeprefix(f"**{opening}**").strip()
            sections[-1].boxes.append((opening, body, f"docs/{file}: cell {cell}"))
    return Source(file, title, sections)


# Unique slugs of the headings of the notebook in the language `other`, beside (or at) `path`.
def anchors(path: Path, other: str) -> list[str]:
    name = path.name.split(".")[0]
    notebook = json.loads((path.parent / f"{name}.{other}.ipynb").read_text(encoding="utf-8"))
    slugs: list[str] = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                heading = HEADING.match(line)
                if heading:
                    base = slugify(re.sub(r"[`*_$\\]", "", heading["title"])) or "section"
                    slug, n = base, 1
                    while slug in slugs:
                        slug, n = f"{base}-{n}", n + 1
                    slugs.append(slug)
    return slugs


# The page files of the configured nav, in order (sections flattened).
def nav_pages(nav) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return nav_pages(list(nav.values()))
    return [name for item in nav for name in nav_pages(item)]


def _indented_block(lines: list[str], number: int, indent: int) -> str:
    body = []
    for line in lines[number:]:
        if line.strip() and not line.startswith(" " * (indent + 4)):
            break
        body.append(line[indent + 4 :])
    return "\n".join(body).strip()
