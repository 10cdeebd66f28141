"""The source pages as the hooks that read them see them: nav order, files, notebook anchors.

Notebook anchors are the slugs of the English notebook's headings, shared by zh and en: the
notebooks hook writes them into the page, the errata and glossary hooks link to them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs_jupyter.utils import slugify

SOURCE_HEADING = re.compile(r"^#{1,6} +(.+?) *#*$", re.MULTILINE)


# Unique slugs of the headings of the English notebook beside (or at) a notebook.
def english_slugs(path: Path) -> list[str]:
    name = path.name.removesuffix(".ipynb").removesuffix(".en")
    notebook = json.loads((path.parent / f"{name}.en.ipynb").read_text(encoding="utf-8"))
    slugs: list[str] = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            for text in SOURCE_HEADING.findall("".join(cell["source"])):
                base = slugify(re.sub(r"[`*_$\\]", "", text)) or "section"
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


# The file of a page in a language: `x.md` (zh) or `x.en.md`, for either name.
def localized(name: str, lang: str) -> str:
    stem, ext = name.rsplit(".", 1)
    return f"{stem.removesuffix('.en')}{'' if lang == 'zh' else '.' + lang}.{ext}"
