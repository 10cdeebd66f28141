"""The edit loop of `mkdocs serve --dirty`: editing a snippet rebuilds only the pages that show it.

MkDocs's dirty builds skip every page whose source is older than the HTML it last wrote, so a
page would never see its snippet change. Here a page also counts as modified when a snippet
module it includes (`--8<-- "module.py:section"`) is newer than that HTML. Builds that are
not dirty do none of this. MkDocs's warning that a dirty build is being made becomes a notice, so
that `strict: true` does not abort the edit loop; every other warning still does.

The search index of a dirty build is put right in search.py.

`mkdocs serve` imports torch at startup: a warm build runs no snippet, so the first edit would
otherwise pay for the import.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from outputs import INCLUDE
from runner import snippet_dir

DIRTY = False  # `mkdocs serve --dirty` (or `build --dirty`), from on_startup


class DirtyNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and "A 'dirty' build" in record.getMessage():
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


BUILD_LOG = logging.getLogger("mkdocs.commands.build")
if not any(type(f).__name__ == "DirtyNotice" for f in BUILD_LOG.filters):  # once per process
    BUILD_LOG.addFilter(DirtyNotice())


def on_startup(command: str, dirty: bool) -> None:
    global DIRTY
    DIRTY = dirty
    if command == "serve":
        importlib.import_module("torch")


@event_priority(-200)  # after i18n, which makes each language's files anew
def on_files(files: Files, config: MkDocsConfig) -> Files:
    if not DIRTY:
        return files
    base = snippet_dir(config)
    for file in files.documentation_pages():
        built = Path(file.abs_dest_path)
        if not file.src_uri.endswith(".md") or not built.exists():
            continue
        text = Path(file.abs_src_path).read_text(encoding="utf-8")
        modules = {base / match["module"] for match in INCLUDE.finditer(text)}
        built_at = built.stat().st_mtime
        if any(m.exists() and m.stat().st_mtime > built_at for m in modules):
            file.is_modified = lambda: True
    return files
