"""Maths is laid out when the site is built, by the site's own KaTeX, run in V8 (mini-racer).

A reader's browser runs no maths script: a page with maths loads KaTeX's stylesheet and the
fonts its formulas use, and shows them laid out from the first paint. A formula KaTeX cannot
parse, or warns about, fails the build with its page, its place and KaTeX's message.

- Markdown pages: pymdownx.arithmatex (generic) writes `<span class="arithmatex">\\(…\\)</span>`
  and `<div class="arithmatex">\\[…\\]</div>`; KaTeX's HTML takes the TeX's place inside.
- Notebook pages: nbconvert leaves `$…$` and `$$…$$` in the text of Markdown cells, as written;
  they are rendered where KaTeX's auto-render would find them (text outside code).

Formulas are kept out of the search index (`without_maths`, docs/.hooks/workarounds.py): their
glyphs and MathML read as noise in a result, as the TeX did. Material's `data-search-exclude`
cannot do it: its parser ends the exclusion at the first closing tag of the same name, and a
formula is spans in spans. A page's rendered formulas are cached under the hash of its
formulas, KaTeX and this hook (`.cache/maths/`): a warm build starts no V8.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
from pathlib import Path

import cache

KATEX = Path(__file__).parents[1] / "assets" / "katex" / "katex.min.js"
SOURCE = Path(__file__).read_bytes() + KATEX.read_bytes()
ARITHMATEX = re.compile(
    r'(<span class="arithmatex">)\\\((.*?)\\\)(</span>)'
    r'|(<div class="arithmatex">)\\\[(.*?)\\\](</div>)',
    re.DOTALL,
)
# In a notebook's Markdown text: $$…$$, or $…$; an escaped \$ is a dollar sign.
DOLLARS = re.compile(r"(?<![\\$])(\$\$?)(.+?)(?<![\\$])\1", re.DOTALL)
NOTEBOOK_MARKDOWN = re.compile(r'<div class="[^"]*\bjp-RenderedMarkdown\b')
IGNORED = {"code", "pre", "script", "style", "textarea"}  # as auto-render's ignoredTags
TAG = re.compile(r"(<[^>]*>)")
FORMULA = re.compile(r'<span class="katex">')
SPAN = re.compile(r"<span\b|</span>")


class MathsError(RuntimeError):
    """A formula KaTeX cannot parse, or warns about."""


def laid_out(content: str, ctx, page, config) -> str:
    notebook = ctx.notebook
    formulas = _notebook_formulas(content) if notebook else _markdown_formulas(content)
    if not formulas:
        return content
    digest = hashlib.sha256(SOURCE + json.dumps(formulas).encode()).hexdigest()[:32]
    name = page.file.dest_uri.replace("/", "_")
    rendered = cache.cached(
        config, "maths", name, digest, lambda: {"html": _render_all(formulas, page)}
    )["html"]
    laid_out = iter(rendered)
    if notebook:
        return _in_notebook_text(content, lambda _: next(laid_out))
    return ARITHMATEX.sub(lambda m: _wrapped(m, next(laid_out)), content)


def _markdown_formulas(content: str) -> list[tuple[str, bool]]:
    return [
        (html.unescape(m[2] if m[1] else m[5]), m[4] is not None)
        for m in ARITHMATEX.finditer(content)
    ]


def _wrapped(match: re.Match, laid_out: str) -> str:
    open_tag, close_tag = (match[1], match[3]) if match[1] else (match[4], match[6])
    return open_tag + laid_out + close_tag


def _notebook_formulas(content: str) -> list[tuple[str, bool]]:
    found = []
    _in_notebook_text(content, lambda m: found.append((html.unescape(m[2]), m[1] == "$$")))
    return found


def _in_notebook_text(content: str, replace) -> str:
    """The notebook page with each formula in its Markdown cells' text replaced."""
    parts = TAG.split(content)
    depth = 0  # <div> depth inside a Markdown cell's rendered Markdown
    ignored = 0
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            name = re.match(r"</?([a-zA-Z0-9]+)", part)
            name = name[1].lower() if name else ""
            closing = part.startswith("</")
            if depth == 0 and NOTEBOOK_MARKDOWN.match(part):
                depth = 1
            elif depth and name == "div":
                depth += -1 if closing else 1
            elif depth and name in IGNORED and not part.endswith("/>"):
                ignored += -1 if closing else 1
        elif depth and not ignored:
            parts[i] = DOLLARS.sub(replace, part)
    return "".join(parts)


def _render_all(formulas: list[tuple[str, bool]], page) -> list[str]:
    return [_render(tex, display, page) for tex, display in formulas]


def _render(tex: str, display: bool, page) -> str:
    try:
        laid_out, warnings = _laid_out(tex, display)
    except Exception as error:  # mini-racer's JSEvalException: KaTeX's ParseError
        message = str(error).splitlines()[0].removeprefix("<anonymous>:1: ")
        raise MathsError(f"{_where(page, tex)}: {message}: {tex!r}") from None
    if warnings:
        first = warnings.splitlines()[0]
        raise MathsError(f"{_where(page, tex)}: KaTeX warns: {first}: {tex!r}")
    return laid_out


@functools.cache  # once per build process: the other language's page holds the same formulas
def _laid_out(tex: str, display: bool) -> tuple[str, str]:
    """KaTeX's HTML for the formula, and the warnings it gave."""
    katex = _katex()
    katex.eval("warnings.length = 0")
    options = {"displayMode": display, "throwOnError": True}
    laid_out = katex.call("katex.renderToString", tex, options)
    return laid_out, katex.eval("warnings.join('\\n')")


def without_maths(content: str) -> str:
    """The page with each formula's KaTeX HTML taken out (a space in its place)."""
    parts, end = [], 0
    for start, stop in formula_spans(content):
        parts.append(content[end:start] + " ")
        end = stop
    return "".join(parts) + content[end:]


def formula_spans(content: str) -> list[tuple[int, int]]:
    """Where each formula's KaTeX HTML starts and ends in the page."""
    spans: list[tuple[int, int]] = []
    for start in (m.start() for m in FORMULA.finditer(content)):
        depth = 0
        for tag in SPAN.finditer(content, start):
            depth += -1 if tag[0] == "</span>" else 1
            if depth == 0:
                spans.append((start, tag.end()))
                break
    return spans


# Close V8 when mkdocs exits (on_shutdown, called in a `finally`, so after a failed build too):
# a MiniRacer left to the garbage collector at interpreter exit can hang the process in
# MiniRacer.__del__ → close → _make_context (a futex wait; sqreen/PyMiniRacer#137).
def close() -> None:
    if _katex.cache_info().currsize:
        _katex().close()
        _katex.cache_clear()


@functools.cache
def _katex():
    from py_mini_racer import MiniRacer

    katex = MiniRacer()
    katex.eval("var warnings = []; var console = {warn: m => warnings.push(String(m))}")
    katex.eval(KATEX.read_text(encoding="utf-8"))
    return katex


def _where(page, tex: str) -> str:
    """docs/<page>:<line> of the formula's first line, or the page alone."""
    source = Path(page.file.abs_src_path)
    first = next((line.strip() for line in tex.splitlines() if line.strip()), tex)
    text = source.read_text(encoding="utf-8")
    if source.suffix == ".ipynb":
        first = json.dumps(first, ensure_ascii=False)[1:-1]  # as the notebook's JSON writes it
    for number, line in enumerate(text.splitlines(), start=1):
        if first in line:
            return f"docs/{page.file.src_uri}:{number}"
    return f"docs/{page.file.src_uri}"
