"""Where this build changes what mkdocs-static-i18n, mkdocs-jupyter, nbconvert and Material do.

Each fix names the upstream behaviour it works around. `install()` applies the patches when the
configuration is loaded (never at import), once per process: `mkdocs serve` loads the config
again for every rebuild.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import re
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace

import cache
import glossary
import maths
import mkdocs_jupyter.nbconvert2 as nbconvert2
import nbconvert.preprocessors
from material.plugins.search.plugin import SearchIndex
from mkdocs.structure.files import File, Files
from mkdocs_jupyter.plugin import NotebookFile, _compute_cache_key, _get_cache_path
from nbconvert.preprocessors import CoalesceStreamsPreprocessor, ExecutePreprocessor

log = logging.getLogger("mkdocs.hooks.workarounds")
_EXECUTED: dict[str, tuple] = {}  # code cells (source, metadata) → what executing them gave
_USED: set = set()  # the notebook cache entries this build uses, in any language
WORKER = r"assets/javascripts/workers/search\.\w+\.min\.js"
MATERIAL_ENTRY = SearchIndex.add_entry_from_context  # Material's own, before install()


class _CoalescedSubCell(nbconvert2.SubCell):
    """mkdocs-jupyter's only preprocessor after execution: first join each cell's consecutive
    prints. A busy kernel sends one cell's prints in several messages, which would render as
    several output areas and make two builds of the same notebook differ."""

    def preprocess(self, nb, resources):
        nb, resources = CoalesceStreamsPreprocessor().preprocess(nb, resources)
        return super().preprocess(nb, resources)


class _OnceExecuted(ExecutePreprocessor):
    """nbconvert executes a notebook each time it converts one: here a notebook's code runs once
    per build process, whatever the language of its prose (both hold the same code cells)."""

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


def install(config) -> None:
    nbconvert2.SubCell = _CoalescedSubCell
    # nbconvert's exporters find their preprocessors by this name (config applies to subclasses)
    nbconvert.preprocessors.ExecutePreprocessor = _OnceExecuted
    plugin = config.plugins["mkdocs-jupyter"]
    # mkdocs-jupyter parses every Markdown page with jupytext before it looks at `include`
    plugin.should_include = lambda file: file.src_uri.endswith(".ipynb")
    # its cache key covers only the notebook and its options: here, the pinned versions too
    plugin.config["cache_dir"] = str(cache.folder(config) / "notebooks" / cache.key())
    SearchIndex.add_entry_from_context = _cached_entries(config)


# mkdocs-jupyter evicts every cache entry its pass did not use, i.e. the other language's:
# both languages' passes share one set of used entries.
def share_notebook_cache(config) -> None:
    jupyter = config.plugins["mkdocs-jupyter"]
    if not config.plugins["i18n"].building:
        _USED.clear()
        for path in sorted(Path(config.docs_dir).glob("*.ipynb")):
            key = _compute_cache_key(str(path), jupyter.config, jupyter.config["execute"])
            _USED.add(_get_cache_path(jupyter.config["cache_dir"], key))
    jupyter._used_cache_paths = _USED


# mkdocs-static-i18n rebuilds each file as a plain `File`, so mkdocs-jupyter's notebook files
# would be copied as raw JSON (ultrabug/mkdocs-static-i18n#198): wrap them again, keeping the
# localized destination and URL, with the alternates i18n computes only for Markdown pages. A
# notebook keeps its place among the files: pages are built in that order, and the notebook's
# execution then overlaps the snippet runs instead of coming after every page has waited.
def notebooks_as_pages(files: Files, config) -> Files:
    i18n, kept = config.plugins["i18n"], []
    for file in list(files):
        files.remove(file)  # all of them, to append them again in order (i18n's own Files class)
        if (
            file.src_uri.endswith(".ipynb")
            and not file.is_documentation_page()
            and file.generated_by is None  # downloads are notebooks too, but not pages
        ):
            file = _as_page(file, config, i18n)
            i18n.i18n_files_per_language[i18n.current_language].append(file)
        kept.append(file)
    for file in kept:
        files.append(file)
    return files


# Material's search worker segments a Chinese query by the words its index holds (`segment()`,
# src/templates/assets/javascripts/integrations/search/query/segment/index.ts), but its loops
# never try a word that ends at the query's last character, so 学习率 is searched as 学习 and
# 梯度消失 as 梯度. The worker the site publishes has those two comparisons corrected.
SEGMENT_FIXES = (
    ("for(let o=s+1;o<t.length;o++)", "for(let o=s+1;o<=t.length;o++)"),  # j <= query.length
    ("n[a]&&a<t.length-1&&", "n[a]&&a<t.length&&"),  # continue at q < query.length
)


def fixed_search_worker(files: Files) -> None:
    [worker] = [f for f in files if re.fullmatch(WORKER, f.src_uri)]
    text = worker.content_string
    for wrong, right in SEGMENT_FIXES:
        if text.count(wrong) != 1:
            raise RuntimeError(f"{worker.src_uri}: no `{wrong}` (Material's segment() changed?)")
        text = text.replace(wrong, right)
    worker.content_string = text


def _as_page(file: File, config, i18n) -> NotebookFile:
    urls, site = config.use_directory_urls, config.site_dir
    page = NotebookFile(file, use_directory_urls=urls, site_dir=site)
    page.dest_path, page.abs_dest_path, page.url = file.dest_path, file.abs_dest_path, file.url
    name = file.norm_src_uri.removesuffix(".ipynb")
    page.alternates = {
        lang: SimpleNamespace(
            url=f"{name}/" if lang == i18n.default_language else f"{lang}/{name}/", page=None
        )
        for lang in i18n.build_languages
    }
    return page


# Material's search parses each page and segments its Chinese with jieba, whose dictionary
# takes 0.8 s to load in every build: a page's entries are cached by the hash of all they are
# made from (its HTML without formulas, URL, title, metadata, contents, the plugin's settings,
# the versions of Material and jieba), so a warm build never loads jieba. Formulas are not
# searched: their glyphs and MathML read as noise in a result. jieba's own dictionary splits
# some of the site's terms (交叉 熵, 学习 率), so a query for the whole term matched nothing
# whole: the term list's short Chinese terms are added to it before a page is segmented.
def _cached_entries(config):
    versions = f"mkdocs-material=={version('mkdocs-material')} jieba=={version('jieba')}"
    source = (Path(__file__).read_bytes() + Path(maths.__file__).read_bytes()).decode()
    lang = config.plugins["i18n"].default_language
    terms = {t.word(lang) for t in glossary.terms(config.docs_dir)}
    # two or three characters: made one word, 非叶子张量 would no longer be found by 叶子张量
    short = (w for w in terms if re.fullmatch(r"[\u4e00-\u9fff]{2,3}", w))
    words = sorted(short, key=lambda w: (len(w), w))  # shortest first: see _teach_jieba
    source += "\n".join(words)

    def add_entry_from_context(index: SearchIndex, shown) -> None:
        page = copy.copy(shown)
        page.content = maths.without_maths(shown.content)
        made = json.dumps(
            [page.content, page.url, page.title, page.meta, _toc(page.toc), index.config],
            sort_keys=True,
            default=str,
        )
        digest = hashlib.sha256(f"{source}{versions}{made}".encode()).hexdigest()[:32]

        def compute() -> dict:
            _teach_jieba(words)
            alone = SearchIndex(**index.config)  # Material's entries for this page only
            MATERIAL_ENTRY(alone, page)
            return {"entries": alone.entries}

        name = page.url.strip("/").replace("/", "_") or "index"
        index.entries.extend(cache.cached(config, "search", name, digest, compute)["entries"])

    return add_entry_from_context


# A term jieba cuts into a single character and the rest (交叉 熵, 学习 率) becomes one word,
# shortest first, so that 学习率衰减 is then cut 学习率 衰减. A term already a word is cut
# into itself, so a second call changes nothing.
def _teach_jieba(words: list[str]) -> None:
    import jieba  # here: a warm build never loads its dictionary

    for word in words:
        if any(len(piece) == 1 for piece in jieba.lcut(word)):
            jieba.add_word(word)


def _toc(toc) -> list:
    return [[item.id, item.url, item.title, _toc(item.children)] for item in toc]
