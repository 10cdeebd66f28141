"""docs/glossary.md and the hover translations: one row per term, each used and linked."""

import re

import glossary
import pytest
import yaml
from conftest import DOCS, page_url, pages
from pypinyin import lazy_pinyin

TERMS = yaml.safe_load((DOCS / ".terms.yml").read_text(encoding="utf-8"))
ROW = re.compile(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td><a href=\"([^\"]+)\">")
ABBR = re.compile(r'<abbr title="([^"]*)">([^<]*)</abbr>')


def html_of(site, name, lang):
    return (site / page_url(name, lang) / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_term_has_a_row_that_links_to_a_section(site, lang):
    rows = ROW.findall(html_of(site, "glossary", lang).split("<tbody>", 1)[1])
    mine, other = ("zh", "en") if lang == "zh" else ("en", "zh")
    assert sorted((r[0], r[1]) for r in rows) == sorted((t[mine], t[other]) for t in TERMS)
    # sorted by the first column as its readers read it: pinyin for Chinese
    keys = [" ".join(lazy_pinyin(r[0])).lower() if lang == "zh" else r[0].lower() for r in rows]
    assert keys == sorted(keys)
    for *_, href in rows:
        target, _, anchor = href.partition("#")
        page = (site / page_url("glossary", lang) / target / "index.html").resolve()
        assert not anchor or f'id="{anchor}"' in page.read_text(encoding="utf-8"), href


def test_first_use_of_a_term_shows_its_translation(site):
    zh = ABBR.findall(html_of(site, "optimization", "zh"))
    en = ABBR.findall(html_of(site, "optimization", "en"))
    assert ("saddle point", "鞍点") in zh and ("鞍点", "saddle point") in en
    for found in (zh, en):
        titles = [title for title, _ in found]
        assert len(titles) == len(set(titles)), "a term is marked only once per page"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", pages())
def test_hovers_stay_out_of_code_maths_headings_and_links(site, name, lang):
    html = html_of(site, name, lang).split('<article class="md-content__inner md-typeset">')[1]
    for tag in ("code", "pre", "a", "h1", "h2", "h3", "h4"):
        for inner in re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.DOTALL):
            assert "<abbr" not in inner, f"{name} ({lang}): a term marked inside <{tag}>"
    for maths in re.findall(r'class="arithmatex">(.*?)</(?:span|div)>', html, re.DOTALL):
        assert "<abbr" not in maths


def term(zh: str, en: str) -> glossary.Term:
    return glossary.Term((("zh", zh), ("en", en)))


def test_hover_wraps_the_earliest_longest_match_once():
    terms = (term("梯度", "gradient"), term("梯度下降", "gradient descent"))
    html = "<p>梯度下降沿着梯度走</p><code>梯度</code>"
    assert glossary.hover(html, terms, "zh") == (
        '<p><abbr title="gradient descent">梯度下降</abbr>沿着'
        '<abbr title="gradient">梯度</abbr>走</p><code>梯度</code>'
    )


def test_english_terms_match_whole_words_and_plurals():
    pattern = glossary._pattern("saddle point")
    assert pattern.search("two saddle points here")
    assert not pattern.search("saddle pointer")


def test_a_longer_term_hides_the_shorter_one_inside_it_once_marked():
    terms = (
        term("激活值", "activation"),
        term("激活函数", "activation function"),
    )
    html = "<p>An activation function, then activation functions, then an activation.</p>"
    assert glossary.hover(html, terms, "en") == (
        '<p>An <abbr title="激活函数">activation function</abbr>, then activation functions, '
        'then an <abbr title="激活值">activation</abbr>.</p>'
    )


# Where a term's word also means something else, only the uses that mean the term get a hover.
SENSES = [
    ("en", "Every code block on this page runs", None),
    ("en", "A VGG block is a few convolutions", "块"),
    ("en", "each call has to dispatch to a kernel", None),
    ("en", "slide the kernel over the input", "卷积核"),
    ("en", "you can see that today's range also returns", None),
    ("en", "whose numbers range roughly from", None),
    ("en", "the range of tanh is open", "值域"),
    ("en", "In the author's view it is", None),
    ("en", "each network has a view of their own", None),
    ("en", "it returns a view of the same storage", "视图"),
    ("en", "the shaded cells give the output", None),
    ("en", "introduces no bias into the mean", None),
    ("en", "the bias of the last layer", "偏置"),
    ("zh", "即确定的时间步长，不应该再向前", None),
    ("zh", "步长为 2 时输出减半", "step size"),
    ("zh", "它的 Python 参数解析兼容 NumPy", None),
    ("zh", "NumPy 的参数名是 axis", None),
    ("zh", "梯度下降更新参数", "parameter"),
    ("zh", "代码下方的输出就是那次运行打印的", None),
]


@pytest.mark.parametrize(("lang", "sentence", "title"), SENSES)
def test_a_hover_only_where_the_term_is_meant(lang, sentence, title):
    html = glossary.hover(f"<p>{sentence}</p>", glossary.terms(str(DOCS)), lang)
    titles = [t for t, _ in ABBR.findall(html)]
    if title is None:
        assert all(
            t not in ("块", "卷积核", "值域", "视图", "单元格", "格", "偏置") for t in titles
        )
        assert all(t not in ("step size", "parameter", "output") for t in titles), titles
    else:
        assert title in titles


def test_both_tables_link_each_term_to_the_same_section(site):
    zh, en = (
        ROW.findall(html_of(site, "glossary", lang).split("<tbody>", 1)[1]) for lang in ("zh", "en")
    )
    # zh rows are (中文, English, link), en rows (English, 中文, link): key both by the English
    assert {english: link for _, english, link in zh} == {english: link for english, _, link in en}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_home_page_has_no_hovers(site, lang):
    assert "<abbr" not in html_of(site, "index", lang)
