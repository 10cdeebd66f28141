"""Publish notebooks as pages in every language, with no script from another host.

mkdocs-static-i18n rebuilds each file as a plain `File`, so mkdocs-jupyter's notebook files
would be copied as raw JSON (ultrabug/mkdocs-static-i18n#198). After i18n's pass, wrap them
again, keeping the localized destination and URL that i18n gave them, and give them the
alternates (other languages) that i18n only computes for Markdown pages.

mkdocs-jupyter's heading ids are ASCII slugs of the heading text: Chinese headings get empty,
repeated ids that its table of contents does not even match. Every notebook page instead takes
the slugs of the English notebook's headings, so both languages share anchors, as Markdown
pages do with `{ #anchor }`, and MkDocs validates links to them.

A code cell's prompt ("In [1]:"), its copy button ("Copied!"), the hidden copy of its code
that the button copies, and a heading's ¶ link are kept out of the search index (Material's
`data-search-exclude`): the index held every cell's code twice, after "In [n]: Copied!", and
every section title of a notebook ended in "¶".

Both languages of a notebook hold the same code cells (a test checks it), so the build executes
that code once: the second language takes the first one's outputs (`_OnceExecuted`).

Executed notebooks are cached by mkdocs-jupyter, in the project's cache folder under a key of
the pinned versions (its own key covers only the notebook and its options). It evicts every
entry its pass did not use, i.e. the other language's: both passes share one set of used entries.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from pathlib import Path
from types import SimpleNamespace

import cache
import mkdocs_jupyter.nbconvert2 as nbconvert2
import nbconvert.preprocessors
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs_jupyter.plugin import NotebookFile, _compute_cache_key, _get_cache_path
from nbconvert.preprocessors import CoalesceStreamsPreprocessor, ExecutePreprocessor
from sources import english_slugs

# nbconvert's template loads MathJax and Mermaid from CDNs; the site renders maths with KaTeX.
CDN_SCRIPTS = re.compile(
    r"<!-- Load mathjax -->.*?<!-- End of mermaid configuration -->", re.DOTALL
)
# A cell's prompt, its copy button, the text the button copies, a heading's ¶ link: not for
# the search index.
NOT_SEARCHED = re.compile(
    r'<(div|a) class="(jp-InputPrompt|jp-OutputPrompt|zeroclipboard-container'
    r"|clipboard-copy-txt|anchor-link)\b"
)
# A rendered notebook heading and its anchor link, around the two copies of its id.
HEADING = re.compile(
    r'(?P<open><h[1-6] id=")[^"]*(?P<mid>">.*?<a class="anchor-link" href="#)[^"]*"'
)


_USED: set = set()  # the cache entries this build uses, in any language


class _CoalescedSubCell(nbconvert2.SubCell):
    """mkdocs-jupyter's only preprocessor, after execution: first join each cell's consecutive
    prints. A busy kernel sends one cell's prints in several messages, which would render as
    several output areas and make two builds of the same notebook differ."""

    def preprocess(self, nb, resources):
        nb, resources = CoalesceStreamsPreprocessor().preprocess(nb, resources)
        return super().preprocess(nb, resources)


nbconvert2.SubCell = _CoalescedSubCell

log = logging.getLogger("mkdocs.hooks.notebooks")
_EXECUTED: dict[str, tuple] = {}  # code cells (source, metadata) → what executing them gave


class _OnceExecuted(ExecutePreprocessor):
    """Execute a notebook's code once per build process, whatever the language of its prose."""

    def preprocess(self, nb, resources=None, km=None):
        cells = [cell for cell in nb.cells if cell.cell_type == "code"]
        code = json.dumps([(c.source, c.metadata) for c in cells], sort_keys=True)
        if code not in _EXECUTED:
            nb, resources = super().preprocess(nb, resources, km)
            runs = [(c.outputs, c.execution_count) for c in cells]
            _EXECUTED[code] = copy.deepcopy((runs, nb.metadata.get("language_info")))
            return nb, resources
        log.info(f"Reusing the outputs of {len(cells)} code cells executed in this build")
        runs, language = copy.deepcopy(_EXECUTED[code])
        for cell, (outputs, count) in zip(cells, runs, strict=True):
            cell.outputs, cell.execution_count = outputs, count
        nb.metadata["language_info"] = language
        return nb, resources


# nbconvert's exporters find their preprocessors by this name (config applies to subclasses).
nbconvert.preprocessors.ExecutePreprocessor = _OnceExecuted


# Cache executed notebooks per pinned versions; the baseline does not execute them.
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    plugin = config.plugins["mkdocs-jupyter"]
    # It parses every Markdown page with jupytext before looking at `include`: only notebooks.
    plugin.should_include = lambda file: file.src_uri.endswith(".ipynb")
    jupyter = plugin.config
    jupyter["cache_dir"] = str(cache.folder(config) / "notebooks" / cache.key())
    if cache.BASELINE:
        jupyter["execute"] = False
    return config


# Count the cache entries of every notebook in every language as used by this build.
@event_priority(-100)
def on_pre_build(config: MkDocsConfig) -> None:
    jupyter = config.plugins["mkdocs-jupyter"]
    if not config.plugins["i18n"].building:
        _USED.clear()
        for path in sorted(Path(config.docs_dir).glob("*.ipynb")):
            key = _compute_cache_key(str(path), jupyter.config, jupyter.config["execute"])
            _USED.add(_get_cache_path(jupyter.config["cache_dir"], key))
    jupyter._used_cache_paths = _USED


# Turn every notebook that i18n demoted to a static file back into a documentation page.
@event_priority(-200)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    i18n = config.plugins["i18n"]
    for file in list(files):
        if (
            file.src_uri.endswith(".ipynb")
            and not file.is_documentation_page()
            and file.generated_by is None  # downloads are notebooks too, but not pages
        ):
            files.remove(file)
            page = as_page(file, config, i18n)
            files.append(page)
            i18n.i18n_files_per_language[i18n.current_language].append(page)
    return files


# Drop the CDN script blocks from a rendered notebook; fail if the template changed.
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    html, count = CDN_SCRIPTS.subn("", html)
    if count != 1:
        raise RuntimeError(
            f"docs/{page.file.src_uri}: expected one MathJax/Mermaid block, found {count}"
        )
    html = set_heading_ids(html, page, english_slugs(Path(page.file.abs_src_path)))
    html, count = NOT_SEARCHED.subn(r'<\1 data-search-exclude="notebook" class="\2', html)
    if count == 0:
        raise RuntimeError(f"docs/{page.file.src_uri}: no cell prompt to keep out of search")
    return html


# Give the headings and the table of contents the English notebook's slugs, in order.
def set_heading_ids(html: str, page: Page, slugs: list[str]) -> str:
    entries = list(_flatten(page.toc))
    found = len(HEADING.findall(html))
    if not found == len(entries) == len(slugs):
        raise RuntimeError(
            f"docs/{page.file.src_uri}: {found} headings, {len(entries)} contents entries, "
            f"{len(slugs)} headings in the English notebook: they must match"
        )
    ids = iter(slugs)

    def renamed(match: re.Match) -> str:
        slug = next(ids)
        return f'{match["open"]}{slug}{match["mid"]}{slug}"'

    html = HEADING.sub(renamed, html)
    for entry, slug in zip(entries, slugs, strict=True):
        entry.id = slug
    page.present_anchor_ids = set(slugs)
    return html


def _flatten(toc):
    for entry in toc:
        yield entry
        yield from _flatten(entry.children)


def as_page(file: File, config: MkDocsConfig, i18n) -> NotebookFile:
    page = NotebookFile(
        file, use_directory_urls=config.use_directory_urls, site_dir=config.site_dir
    )
    page.dest_path, page.abs_dest_path, page.url = file.dest_path, file.abs_dest_path, file.url
    name = file.norm_src_uri.removesuffix(".ipynb")
    page.alternates = {
        lang: SimpleNamespace(
            url=f"{name}/" if lang == i18n.default_language else f"{lang}/{name}/", page=None
        )
        for lang in i18n.build_languages
    }
    return page
