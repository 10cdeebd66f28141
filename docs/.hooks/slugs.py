"""Anchors of notebook pages: the slugs of the English notebook's headings, shared by zh and en.

Used by the notebooks hook (which writes them into the page) and the errata hook (which links
to them).
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
