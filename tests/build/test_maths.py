"""Maths is laid out at build time (docs/.hooks/maths.py): every formula of every page is KaTeX's
HTML in the built site, no page loads a maths script, and a formula KaTeX cannot parse or warns
about fails with its place (a whole build with a bad formula: tests/build/test_faults.py)."""

import json
import re
from html import unescape
from types import SimpleNamespace

import maths
import pytest
from conftest import page_source, page_url, pages

SCRIPT = re.compile(r'<script src="[^"]*(?:katex|auto-render)[^"]*"')
STYLESHEET = 'assets/katex/katex.min.css"'
GLYPHS = '<span class="katex-html"'  # what a formula shows; before it, its MathML


def built(site, name: str, lang: str) -> str:
    return (site / page_url(name, lang) / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_formula_is_laid_out_in_the_built_page(site, lang):
    counts = {}
    for name in pages():
        html = built(site, name, lang)
        assert maths._markdown_formulas(html) == [], f"{name}: TeX left in an arithmatex element"
        if page_source(name, lang).suffix == ".ipynb":
            assert maths._notebook_formulas(html) == [], f"{name}: $…$ left in a Markdown cell"
        assert "katex-error" not in html
        assert SCRIPT.search(html) is None, f"{name} loads a maths script"
        counts[name] = html.count('<span class="katex">')
        # KaTeX's stylesheet and fonts only where there is maths
        assert (STYLESHEET in html) == (counts[name] > 0), name
    assert sum(counts.values()) > 300 and counts["index"] == counts["glossary"] == 0, counts
    assert counts["autograd"] > 40  # a notebook: its Markdown cells' $…$ and $$…$$


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_maths_is_kept_out_of_the_search_index(site, lang):
    """Neither a formula's TeX nor the text of its KaTeX HTML (glyphs, MathML) is searched."""
    index = site / ("" if lang == "zh" else "en/") / "search" / "search_index.json"
    docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
    text = "".join(entry["text"] for entry in docs).replace("\u200b", "")
    assert "\\frac" not in text and "\\(" not in text
    html = built(site, "softmax", lang)
    formulas = [html[a:b] for a, b in maths.formula_spans(html)]
    glyphs = [unescape(re.sub(r"<[^>]+>|\s", "", f[f.index(GLYPHS) :])) for f in formulas]
    assert len(glyphs) > 30 and all(glyphs)
    assert [g for g in glyphs if len(g) > 6 and g in unescape(text)] == []
    assert '<span class="katex">' not in maths.without_maths(html)


@pytest.fixture
def page(tmp_path):
    """A page whose source holds a formula on its third line."""
    source = tmp_path / "x.md"
    source.write_text("# X\n\nText $\\frac{1}{$ and $x^2$.\n", encoding="utf-8")
    return SimpleNamespace(file=SimpleNamespace(src_uri="x.md", abs_src_path=str(source)))


def test_a_formula_katex_cannot_parse_names_its_place(page):
    assert 'class="katex"' in maths._render("x^2", False, page)
    with pytest.raises(maths.MathsError, match=r"^docs/x\.md:3: ParseError: KaTeX parse error"):
        maths._render("\\frac{1}{", False, page)


def test_a_bad_formula_in_a_notebook_names_its_line_of_the_json(tmp_path):
    source = tmp_path / "x.ipynb"
    cell = '{"cell_type": "markdown", "source": ["设 $\\\\frac{温度}{$。"]}'
    source.write_text(f'{{\n "cells": [\n  {cell}\n ]\n}}\n', encoding="utf-8")
    page = SimpleNamespace(file=SimpleNamespace(src_uri="x.ipynb", abs_src_path=str(source)))
    with pytest.raises(maths.MathsError, match=r"^docs/x\.ipynb:3: ParseError"):
        maths._render("\\frac{温度}{", False, page)


def test_a_formula_katex_warns_about_fails(page):
    with pytest.raises(maths.MathsError, match=r"^docs/x\.md: KaTeX warns: .*strict mode"):
        maths._render("x = 中", False, page)
    assert 'class="katex"' in maths._render("x = \\text{中}", False, page)


def test_notebook_maths_is_found_where_auto_render_would():
    text = (
        '<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown"><p>$a$ and <code>$b$</code>'
        "<div>\n$$\nc &lt; d\n$$</div> \\$5</p></div><p>$e$</p>"
    )
    assert maths._notebook_formulas(text) == [("a", False), ("\nc < d\n", True)]


def test_v8_is_closed_when_mkdocs_exits():
    """mkdocs calls on_shutdown in a `finally`: no MiniRacer is left for interpreter exit."""
    laid_out, _ = maths._laid_out.__wrapped__("x^2", False)
    assert 'class="katex"' in laid_out and maths._katex.cache_info().currsize == 1
    context = maths._katex()
    maths.close()
    assert maths._katex.cache_info().currsize == 0
    with pytest.raises(AssertionError):  # mini-racer 0.14 (pinned): a closed context has none
        context.eval("1")
    assert 'class="katex"' in maths._laid_out.__wrapped__("y", False)[0]  # a new one on demand
    maths.close()
