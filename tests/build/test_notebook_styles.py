"""A notebook page keeps only the styles it can use (docs/.hooks/notebook_styles.py), and looks
as it did with the whole of JupyterLab's stylesheet that mkdocs-jupyter inlines."""

import json
import re
from types import SimpleNamespace

import pytest
import yaml
from conftest import DOCS, ROOT, page_context
from notebook_markup import INVALID
from notebook_styles import REPR, STYLE, purge, purged
from visit import Visit

PAGE = "autograd/"
# The computed style of one element of each kind (its tag and classes, its parent's, whether it
# is a first or a last child), with its ::before and ::after, in either colour scheme: a hash.
LOOKS = """() => {
    const own = e => e.tagName + [...e.classList].sort().map(c => "." + c).join("")
    const kind = e => own(e.parentElement) + ">" + own(e) +
        (e.previousElementSibling ? "" : ":first") + (e.nextElementSibling ? "" : ":last")
    const style = (e, pseudo) => {
        const s = getComputedStyle(e, pseudo)
        if (pseudo && s.content === "none") return ""
        let text = ""
        for (let i = 0; i < s.length; i++) {
            if (!s[i].startsWith("--")) text += s.getPropertyValue(s[i]) + ";"
        }
        return text
    }
    const hash = text => {
        let h = 7
        for (let i = 0; i < text.length; i++) h = Math.imul(h, 31) + text.charCodeAt(i) | 0
        return h
    }
    const looks = {}
    const scheme = document.body.dataset.mdColorScheme
    for (const each of ["default", "slate"]) {
        document.body.dataset.mdColorScheme = each
        for (const e of document.body.querySelectorAll(":not(style, script)")) {
            const key = `${each} ${kind(e)}`
            if (!(key in looks)) {
                looks[key] = hash(style(e) + style(e, "::before") + style(e, "::after"))
            }
        }
    }
    document.body.dataset.mdColorScheme = scheme
    return looks
}"""
SET_STYLES = """(texts) => {
    const styles = [...document.querySelectorAll("style")]
    while (styles.length < texts.length) {
        const added = document.createElement("style")
        styles.at(-1).after(added)
        styles.push(added)
    }
    styles.forEach((style, i) => { style.textContent = texts[i] })
}"""


@pytest.fixture(scope="module")
def whole(site, build_cache):
    """The built zh notebook page, and the page as mkdocs-jupyter wrote it: its styles whole."""
    built = (site / PAGE / "index.html").read_text(encoding="utf-8")
    contents = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in (build_cache / "notebooks").glob("*/*.json")
    ]
    [content] = [c["content"] for c in contents if c["toc_tokens"][0]["name"] in built]
    # the Mermaid block's style goes with it (docs/.hooks/notebook_html.py: CDN_SCRIPTS)
    originals = [m[2] for m in STYLE.finditer(content) if ".jp-Mermaid" not in m[2]]
    assert REPR.fullmatch(f"<style>{originals[-1]}</style>")  # the list repr comes last
    texts = iter(originals)
    return built, STYLE.sub(lambda m: m[1] + next(texts) + m[3], built), originals


def extra_css() -> list[str]:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    return [(DOCS / css).read_text(encoding="utf-8") for css in config["extra_css"]]


def test_the_page_is_the_whole_one_with_its_styles_purged(whole):
    built, page, originals = whole
    # then the markup step drops the declarations no browser reads (docs/.hooks/notebook_markup.py)
    assert INVALID.sub("", purged(page, extra_css())) == built
    kept = sum(len(m[2]) for m in STYLE.finditer(built))
    # measured: 588,780 characters of styles, and the list repr's 4,866 → 20,502
    assert kept < 0.05 * sum(map(len, originals)), kept


def test_a_notebook_page_without_the_list_repr_fails():
    ctx, config = page_context("autograd.ipynb", "zh"), SimpleNamespace(extra_css=[])
    with pytest.raises(RuntimeError, match="docs/autograd.ipynb: expected mkdocs-jupyter's one"):
        purge("<style>p{color:red}</style>", ctx, config)


@pytest.mark.browser
def test_a_notebook_page_looks_as_with_the_whole_stylesheet(tab, base_url, whole):
    """Every kind of element, in both schemes: the built page's styles, then mkdocs-jupyter's,
    then styles purged for a page without a class the real page holds (a planted fault)."""
    _, page, originals = whole
    wrong = purged(page.replace('class="jp-InputPrompt ', 'class="jp-Renamed '), extra_css())
    visit = Visit(tab, base_url, PAGE)
    try:
        built = visit.page.evaluate(LOOKS)
        assert len(built) > 600, len(built)  # kinds in two schemes
        visit.page.evaluate(SET_STYLES, originals)
        assert {k for k, v in visit.page.evaluate(LOOKS).items() if built.get(k) != v} == set()
        visit.page.evaluate(SET_STYLES, [m[2] for m in STYLE.finditer(wrong)] + [""])
        changed = {k for k, v in visit.page.evaluate(LOOKS).items() if built.get(k) != v}
        assert any(re.search(r"\.jp-InputPrompt\b", k) for k in changed), changed
    finally:
        visit.close()
