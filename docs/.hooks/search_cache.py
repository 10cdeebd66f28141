"""A page's search entries are cached by the hash of everything Material makes them from.

Material's search parses each rendered page and segments its Chinese text with jieba, whose
dictionary takes about 0.8 s to load in every build process. A page's entries depend only on
its HTML (without its formulas: docs/.hooks/maths.py), URL, table of contents, title and
metadata, the search plugin's settings and the versions of Material and jieba: a warm build
takes them from the cache (`.cache/search/`) and, when no page changed, never loads jieba.
`mkdocs serve` loads it once the first build is done, so that an edit's rebuild does not wait
for it (5.0 s from edit to reloaded page, 3.4 s without the wait).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from importlib.metadata import version
from pathlib import Path

import cache
import maths
from material.plugins.search.plugin import SearchIndex
from mkdocs.config.defaults import MkDocsConfig

# Material's own method, kept on the class: `mkdocs serve` loads the hooks again on each rebuild
_MAKE = SearchIndex.__dict__.get("_uncached_add_entry", SearchIndex.add_entry_from_context)
SearchIndex._uncached_add_entry = _MAKE
SOURCE = Path(__file__).read_bytes() + Path(maths.__file__).read_bytes()


def on_config(config: MkDocsConfig) -> None:
    def add_entry_from_context(index: SearchIndex, shown) -> None:
        page = copy.copy(shown)
        page.content = maths.without_maths(shown.content)  # formulas are not searched
        made = json.dumps(
            [page.content, page.url, page.title, page.meta, _toc(page.toc), index.config],
            sort_keys=True,
            default=str,
        )
        digest = hashlib.sha256(SOURCE + _versions() + made.encode("utf-8")).hexdigest()[:32]

        def compute() -> dict:
            alone = SearchIndex(**index.config)  # Material's entries for this page only
            _MAKE(alone, page)
            return {"entries": alone.entries}

        name = page.url.strip("/").replace("/", "_") or "index"
        index.entries.extend(cache.cached(config, "search", name, digest, compute)["entries"])

    SearchIndex.add_entry_from_context = add_entry_from_context


def on_serve(server, config: MkDocsConfig, builder):
    import jieba

    jieba.initialize()
    return server


def _toc(toc) -> list:
    return [[item.id, item.url, item.title, _toc(item.children)] for item in toc]


@functools.cache
def _versions() -> bytes:
    return f"mkdocs-material=={version('mkdocs-material')} jieba=={version('jieba')}".encode()
