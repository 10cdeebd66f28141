"""Each language searches its own pages: one search index per language.

mkdocs-static-i18n builds the languages one after the other into one search/search_index.json
that holds the pages of all of them, so every page downloaded and indexed both languages, and a
Chinese reader's search listed English pages. Once the last language is built, that index is
split: the default language keeps search/search_index.json; another language gets
<lang>/search/search_index.json, its locations relative to <lang>/, and its pages point
Material's search there (the `base` of their `__config`). Material keeps a reader's choices
(the palette) under `__md_scope`, a separate value that stays the site root.

A dirty build (`mkdocs serve --dirty`) writes the previous index with the rebuilt pages' entries
swapped (Material does that), but i18n stacks the index of each language's build, so every
page would be listed twice: each page keeps its latest entries, once. Material keeps that index
for the next dirty build to start from (`search_index_prev`): it gets the deduplicated entries
too, or each build would stack the stacked index again, doubling it (453, 884, 1,735 … entries;
with an undo after each edit, the fourth edit took 47 s to reload, the fifth over a minute).
"""

from __future__ import annotations

import json
import logging
import posixpath
import re
from pathlib import Path

INDEX = Path("search") / "search_index.json"
log = logging.getLogger("mkdocs.hooks.search")
CONFIG = '<script id="__config" type="application/json">'
CONFIG_BASE = re.compile(rf'({re.escape(CONFIG)}\{{[^<]*?"base": ")([^"]*)"')


# Point the search of a page in another language than the default at that language's index.
def point_at_language_index(html: str, page, config) -> str:
    i18n = config.plugins["i18n"]
    lang = i18n.current_language
    if lang == i18n.default_language:
        return html
    base = posixpath.relpath(lang, page.url.rstrip("/") or ".")
    html, found = CONFIG_BASE.subn(lambda m: f'{m[1]}{base}"', html, count=1)
    if not found:
        raise RuntimeError(f"{page.file.src_uri}: no search base in Material's __config")
    return html


# Split the index, once i18n has written it (after the last language's build).
def split_index(config) -> None:
    i18n = config.plugins["i18n"]
    if i18n.building:  # one language's build inside i18n's: the index is not whole yet
        return
    site = Path(config.site_dir)
    index = json.loads((site / INDEX).read_text(encoding="utf-8"))
    others = [lang for lang in i18n.build_languages if lang != i18n.default_language]
    docs = {lang: [] for lang in [i18n.default_language, *others]}
    entries = latest_entries(index["docs"])
    log.debug(f"Search index: {len(index['docs'])} entries written, {len(entries)} kept")
    search = config.plugins["material/search"]
    if search.search_index_prev is not None:  # a dirty build: the next one starts from this
        search.search_index_prev.entries = entries
    for entry in entries:
        lang = next((o for o in others if entry["location"].startswith(f"{o}/")), None)
        if lang:
            entry = {**entry, "location": entry["location"].removeprefix(f"{lang}/")}
        docs[lang or i18n.default_language].append(entry)
    for lang, entries in docs.items():
        path = site / INDEX if lang == i18n.default_language else site / lang / INDEX
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {**index, "docs": entries}
        # as Material writes it, but in UTF-8: \uXXXX escapes made the zh index 46 % bigger
        path.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False), "utf-8")


def latest_entries(entries: list[dict]) -> list[dict]:
    """Each page's entries once: where a page's run of entries comes again, the later run."""
    runs = []  # (page, its entries) for each run of entries of one page
    for entry in entries:
        page = entry["location"].split("#")[0]
        if runs and runs[-1][0] == page:
            runs[-1][1].append(entry)
        else:
            runs.append((page, [entry]))
    return [entry for entries in dict(runs).values() for entry in entries]
