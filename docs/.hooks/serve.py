"""The edit loop of `mkdocs serve --dirty`: editing a snippet rebuilds only the pages that show it.

MkDocs's dirty builds skip every page whose source is older than the HTML it last wrote, so a
page would never see its snippet change. Here a page also counts as modified when a snippet
module it includes (`--8<-- "module.py:section"`) is newer than that HTML. Builds that are
not dirty do none of this. MkDocs's warning that a dirty build is being made becomes a notice, so
that `strict: true` does not abort the edit loop; every other warning still does.

The search index of a dirty build is put right in search.py.

`mkdocs serve` starts the snippet workers' server (which imports torch) once its first build
is done: a warm build runs no snippet, so the first edit would otherwise wait for it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.structure.files import Files
from runner import INCLUDE, snippet_dir

DIRTY = False  # `mkdocs serve --dirty` (or `build --dirty`), from on_startup


class DirtyNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and "A 'dirty' build" in record.getMessage():
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def startup(command: str, dirty: bool) -> None:
    global DIRTY
    DIRTY = dirty
    log = logging.getLogger("mkdocs.commands.build")
    if not any(isinstance(f, DirtyNotice) for f in log.filters):  # once per process
        log.addFilter(DirtyNotice())


# A page counts as modified when a snippet module it includes is newer than its HTML.
def mark_modified(files: Files, config) -> None:
    if not DIRTY:
        return
    base = snippet_dir(config)
    for file in files.documentation_pages():
        built = Path(file.abs_dest_path)
        if not file.src_uri.endswith(".md") or not built.exists():
            continue
        text = Path(file.abs_src_path).read_text(encoding="utf-8")
        modules = {base / f"{match['module']}.py" for match in INCLUDE.finditer(text)}
        built_at = built.stat().st_mtime
        if any(m.exists() and m.stat().st_mtime > built_at for m in modules):
            file.is_modified = lambda: True
