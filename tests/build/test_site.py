"""The built site: every page in both languages as HTML, outputs, figures, search, no other host."""

import json
import re
import sys
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urljoin

import cjk
import figures
import material
import pytest
import runner
import workarounds
from conftest import ROOT, SNIPPETS, page_url, pages

LANGS = ("zh", "en")


def html_of(site, name, lang) -> str:
    return (site / page_url(name, lang) / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", pages())
@pytest.mark.parametrize("lang", LANGS)
def test_every_page_is_html_in_its_language(site, name, lang):
    html = html_of(site, name, lang)
    assert html.lstrip().lower().startswith("<!doctype html>"), (
        f"{page_url(name, lang)} is not HTML"
    )
    assert f'<html lang="{lang}"' in html
    assert '<article class="md-content__inner md-typeset">' in html


@pytest.mark.parametrize("name", pages())
@pytest.mark.parametrize("lang", LANGS)
def test_language_selector_links_to_the_same_page(site, name, lang):
    """Every page's selector (tests/build/test_browser.py clicks it on a few)."""
    html, root = html_of(site, name, lang), "https://example.org/"
    links = re.findall(r'<a href="([^"]*)" hreflang="(\w+)" class="md-select__link">', html)
    assert [other for _, other in links] == list(LANGS)
    for href, other in links:
        assert urljoin(root + page_url(name, lang), href) == root + page_url(name, other), href


@pytest.mark.parametrize("name", pages())
def test_code_blocks_are_the_same_in_both_languages(site, name):
    """Code and outputs come from the same sections (the browser's colour check relies on it)."""
    code = [
        [re.sub(r' (id|href)="[^"]*"', "", pre) for pre in re.findall(r"<pre.*?</pre>", html, re.S)]
        for html in (html_of(site, name, lang) for lang in LANGS)
    ]
    assert code[0] == code[1]


@pytest.mark.parametrize("lang", LANGS)
def test_notebook_pages_are_rendered_cells(site, lang):
    html = html_of(site, "autograd", lang)
    assert html.count('class="jp-Cell ') >= 7
    assert "Trying to backward through the graph a second time" in html
    assert "mathjax" not in html.lower() and "cdnjs" not in html


@pytest.mark.parametrize("lang", LANGS)
def test_outputs_follow_their_code(site, run, lang):
    html = html_of(site, "activation", lang)
    outputs = [o for o in run("activation").outputs.values() if o.strip()]
    assert html.count('<div class="output highlight">') == len(outputs)
    assert "dReLU/dz = tensor([0., 0., 1.])" in html


@pytest.mark.parametrize("module", sorted(p.stem for p in SNIPPETS.glob("*.py")))
def test_figures_exist_in_both_schemes(site, module):
    """Each figure function drew a light and a dark SVG with no date in it (that a second build
    draws the same bytes: tests/build/test_build_cache.py compares two clean builds)."""
    source = (SNIPPETS / f"{module}.py").read_text(encoding="utf-8")
    for name in runner.DEFINES_FIGURE.findall(source):
        light, dark = (
            (site / "figures" / module / f"{name}.{scheme}.svg").read_bytes()
            for scheme in ("light", "dark")
        )
        for svg in (light, dark):
            assert svg.startswith(b"<?xml") and b"<svg" in svg and b"Date" not in svg
        assert light != dark, f"{module}.figure_{name}(): the dark variant is the light one"


def with_numbered_ids(svg: bytes) -> bytes:
    """The SVG with its ids numbered in order (matplotlib hashes a marker's colour into its id)."""
    ids = list(dict.fromkeys(re.findall(rb'id="([^"]+)"', svg)))  # in order of definition
    if not ids:
        return svg
    number = {old: b"id%d" % i for i, old in enumerate(ids)}
    longest_first = sorted(ids, key=len, reverse=True)
    pattern = rb"(?<![\w-])(" + b"|".join(map(re.escape, longest_first)) + rb")(?![\w-])"
    return re.sub(pattern, lambda m: number[m[1]], svg)


def dark_drawn(function) -> bytes:
    """What the dark style itself draws, ids numbered."""
    return with_numbered_ids(figures.render(function, "dark", function.__name__))


DRAWING = sorted(
    p.stem for p in SNIPPETS.glob("*.py") if runner.DEFINES_FIGURE.search(p.read_text("utf-8"))
)


@pytest.mark.parametrize("module", DRAWING)
def test_dark_figures_are_what_the_dark_style_draws(site, run, module):
    """The build draws a figure once, in light, and recolours it (figures.py): every colour
    comes out as the dark style draws it (markers, fills, arrows, 3-D axes, legends)."""
    source = (SNIPPETS / f"{module}.py").read_text(encoding="utf-8")
    for name in runner.DEFINES_FIGURE.findall(source):
        built = (site / "figures" / module / f"{name}.dark.svg").read_bytes()
        drawn = dark_drawn(run(module).namespace[f"figure_{name}"])
        assert with_numbered_ids(built) == drawn, f"{module}.figure_{name}(): colours differ"


@pytest.mark.parametrize("lang", LANGS)
def test_pages_show_both_figure_variants(site, lang):
    html = html_of(site, "activation", lang)
    for name in ("softplus_beta", "sigmoid_saturation"):
        assert f"figures/activation/{name}.light.svg#only-light" in html
        assert f"figures/activation/{name}.dark.svg#only-dark" in html


def search_index(site, lang) -> dict:
    root = site if lang == "zh" else site / lang
    return json.loads((root / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_the_sites_short_terms_are_one_word_in_the_chinese_index(site):
    """jieba alone cuts 交叉熵 into 交叉 熵 and 学习率 into 学习 率 (docs/.hooks/workarounds.py)."""
    words = set()
    for doc in search_index(site, "zh")["docs"]:
        words.update(re.split(r"[\s\u200b]+", doc["text"]))
    assert {"交叉熵", "学习率", "卷积核", "感受野"} <= words
    assert {"学习率", "衰减"} <= words and "学习率衰减" not in words  # a longer term, cut
    assert "非叶子张量" not in words  # found by 叶子张量 too


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_searches_its_own_pages(site, lang):
    index = search_index(site, lang)
    listed = [doc["location"] for doc in index["docs"]]
    assert len(set(listed)) == len(listed), "a section is listed twice"
    assert {"", "activation/", "autograd/", "glossary/"} <= set(listed)
    assert not any(location.startswith("en/") for location in listed)
    assert index["config"]["pipeline"] == ["stopWordFilter"]
    assert r"\u200b" in index["config"]["separator"]  # a regex escape, read by lunr in JS
    text = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("activation/"))
    assert ("激活函数" in text.replace("\u200b", "")) == (lang == "zh")
    assert ("activation function" in text) == (lang == "en")
    if lang == "zh":
        assert "\u200b" in text, "Chinese text is not segmented: is jieba installed?"


@pytest.mark.parametrize("lang", LANGS)
def test_a_notebook_is_indexed_as_a_reader_reads_it(site, lang):
    """Its code once, with no prompt, copy button or hidden copy of the code; titles with no ¶."""
    docs = [d for d in search_index(site, lang)["docs"] if d["location"].startswith("autograd/")]
    text = " ".join(d["text"] for d in docs)
    prompt = re.compile(r"(In|Out)(\xa0|&nbsp;| )?\[\d+\]:")  # the prose names "In [39]"
    assert not prompt.search(text) and "Copied!" not in text
    assert text.count("y_hat = torch.tensor") == 1
    assert docs and not any("¶" in d["title"] for d in docs)
    html = html_of(site, "autograd", lang)
    assert prompt.search(html) and "Copied!" in html  # the page still shows them
    assert "data-search-exclude" not in html  # Material takes the marks off


@pytest.mark.parametrize("name", pages())
@pytest.mark.parametrize("lang", LANGS)
def test_a_page_searches_the_index_of_its_language(site, name, lang):
    """Material fetches search/search_index.json from its config's `base`, and its results
    link from there; the palette a reader chose is kept for the whole site (`__md_scope`)."""
    html = html_of(site, name, lang)
    config = json.loads(re.search(r'<script id="__config" [^>]*>(.*?)</script>', html)[1])
    page = f"https://example.org/{page_url(name, lang)}"
    root = "https://example.org/" if lang == "zh" else f"https://example.org/{lang}/"
    assert urljoin(page, config["base"] + "/") == root
    scope = re.search(r'__md_scope=new URL\("([^"]*)",location\)', html)[1]
    assert urljoin(page, scope + "/") == "https://example.org/"


class Assets(HTMLParser):
    """Collect the URLs a browser would fetch on its own: scripts, images, stylesheets, icons."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "video", "audio") and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon", "preload", "preconnect"):
            self.urls.append(attrs.get("href", ""))


def test_no_asset_from_another_host(site):
    offenders = []
    for path in site.rglob("*.html"):
        parser = Assets()
        parser.feed(path.read_text(encoding="utf-8"))
        offenders += [
            f"{path.relative_to(site)}: {u}" for u in parser.urls if re.match(r"(https?:)?//", u)
        ]
    for path in site.rglob("*.css"):
        text = path.read_text(encoding="utf-8")
        urls = re.findall(r"url\(\s*['\"]?((?:https?:)?//[^'\")]+)", text)
        urls += re.findall(r"@import\s+['\"]((?:https?:)?//[^'\"]+)", text)
        offenders += [f"{path.relative_to(site)}: {u}" for u in urls]
    assert not offenders, "assets from other hosts:\n" + "\n".join(offenders)


def test_head_has_no_per_page_alternates(site):
    assert 'hreflang="en">' not in html_of(site, "activation", "zh").split("</head>")[0]
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count('hreflang="en"') == sitemap.count('hreflang="zh"') == 2 * len(pages())


@pytest.mark.parametrize("name", pages())
def test_chinese_lines_are_joined_without_a_space(site, name):
    html = html_of(site, name, "zh").split('<article class="md-content__inner md-typeset">')[1]
    prose = re.sub(r"<pre\b.*?</pre>", "", html, flags=re.DOTALL)
    breaks = re.findall(rf"[{cjk.WIDE}]\s*\n\s*[{cjk.WIDE}]", prose)
    assert not breaks, f"{name}: line breaks between Chinese characters: {breaks[:5]}"
    assert cjk.join_lines("<p>数值\n计算</p><pre>数值\n计算</pre>") == (
        "<p>数值计算</p><pre>数值\n计算</pre>"
    )


def test_svg_precision_trims_coordinates_but_not_small_factors():
    svg = b'<use transform="scale(0.015625)" x="123.456789"/><path d="M 7.12345 0.5"/>'
    assert figures.PRECISION.sub(rb"\1", svg) == (
        b'<use transform="scale(0.015625)" x="123.45"/><path d="M 7.12 0.5"/>'
    )


def test_no_build_machine_path_is_published(site):
    """Nothing names the checkout, the venv, a temporary folder or a home (tracebacks included)."""
    machine = [str(ROOT), sys.prefix, "/tmp/", "/root/", str(Path.home()) + "/", "site-packages"]
    leaks = []
    for path in site.rglob("*"):
        if path.suffix in (".html", ".js", ".json", ".xml", ".py", ".ipynb", ".svg", ".css"):
            text = path.read_text(encoding="utf-8")
            leaks += [f"{path.relative_to(site)}: {m}" for m in machine if m in text]
    assert not leaks, leaks


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", pages())
def test_every_figure_has_alt_text_in_the_page_language(site, name, lang):
    alts = re.findall(r'<img alt="([^"]*)"[^>]*src="[^"]*figures/', html_of(site, name, lang))
    chinese = [bool(re.search(rf"[{cjk.WIDE}]", alt)) for alt in alts]
    assert all(alt.strip() for alt in alts)
    assert chinese == [lang == "zh"] * len(alts), alts


def test_the_search_worker_is_materials_with_segment_fixed(site):
    """The published worker is Material's own, changed only where workarounds.py says; checked
    again by hand when Material changes (its version is pinned here)."""
    assert version("mkdocs-material") == "9.8.1"
    [published] = (site / "assets" / "javascripts" / "workers").glob("search.*.min.js")
    theirs = Path(material.__file__).parent / "templates" / published.relative_to(site)
    expected = theirs.read_text(encoding="utf-8")
    for wrong, right in workarounds.SEGMENT_FIXES:
        assert expected.count(wrong) == 1
        expected = expected.replace(wrong, right)
    assert published.read_text(encoding="utf-8") == expected != theirs.read_text(encoding="utf-8")
