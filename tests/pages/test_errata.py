"""docs/errata.md: one row per correction on the site, each linking to where it is explained."""

import json
import re
from pathlib import Path

import errata
import pytest
from conftest import CORRECTION, DOCS, build_config, page_context, page_source, page_url, pages
from pages import Section, Source

BOX = f'!!! warning "{CORRECTION}"'
CELL = f"**{CORRECTION}**"

ROW = re.compile(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>")
LINK = re.compile(r'<a href="([^"#]*)#([\w-]+)">')


def corrections_in_sources(lang: str) -> int:
    count = 0
    for path in DOCS.iterdir():
        if (".en." in path.name) != (lang == "en"):
            continue
        if path.suffix == ".md":
            count += path.read_text(encoding="utf-8").count(BOX)
        elif path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            count += sum("".join(c["source"]).startswith(CELL) for c in cells)
    return count


def rows(site: Path, lang: str) -> list[tuple[str, ...]]:
    html = (site / page_url("errata", lang) / "index.html").read_text(encoding="utf-8")
    return ROW.findall(html.split("<tbody>", 1)[1])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_correction_has_a_row(site, lang):
    found = rows(site, lang)
    assert len(found) == corrections_in_sources(lang) >= 30
    assert all(all(cell.strip() for cell in row) for row in found)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_row_links_to_an_existing_section(site, lang):
    errata_dir = site / page_url("errata", lang)
    for *_, link in rows(site, lang):
        target, anchor = LINK.search(link).groups()
        html = (errata_dir / target / "index.html").resolve().read_text(encoding="utf-8")
        assert f'id="{anchor}"' in html, f"{target}#{anchor} does not exist"


def test_both_languages_link_to_the_same_sections(site):
    zh, en = ([LINK.search(row[3]).groups() for row in rows(site, lang)] for lang in ("zh", "en"))
    assert zh == [(target.replace("../en/", "../"), anchor) for target, anchor in en]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_notebook_shows_its_boxes_as_a_markdown_page_does(site, lang):
    notebook = (site / page_url("autograd", lang) / "index.html").read_text(encoding="utf-8")
    markdown = (site / page_url("activation", lang) / "index.html").read_text(encoding="utf-8")
    correction = errata.TITLE.format(kind="warning", title="勘误 / Correction")
    note = errata.TITLE.format(kind="info", title="补充 / Note")
    assert correction in markdown  # the box Material makes of `!!! warning "勘误 / Correction"`
    cells = [
        "".join(c["source"])
        for c in json.loads(page_source("autograd", lang).read_text(encoding="utf-8"))["cells"]
    ]
    assert notebook.count(correction) == sum(c.startswith(CELL) for c in cells) >= 5
    assert notebook.count(note) == sum(c.startswith("**补充 / Note**") for c in cells) >= 1
    assert "<strong>勘误 / Correction</strong>" not in notebook
    assert "<strong>补充 / Note</strong>" not in notebook


def test_a_correction_cell_rendered_otherwise_fails():
    ctx, config = page_context("autograd.ipynb", "zh"), build_config("zh")
    with pytest.raises(RuntimeError, match=r"docs/autograd\.ipynb: \d+ box cells, 0 boxed"):
        errata.boxed("<p>nothing rendered</p>", ctx, config)


def test_rows_hold_source_and_the_whole_summary(site):
    first = rows(site, "zh")[0]
    box = errata.collect(build_config("zh"), "tensors.md", page_context("errata.md", "zh"))[0]
    assert first[0] == box.source
    assert first[2].endswith("。") and "。" not in first[2][:-1]
    assert "， 不" not in first[2], "wrapped Chinese lines are joined without a space"
    starts = [row[2].lstrip()[:1] for row in rows(site, "en")]  # "<" opens code or maths
    assert all(s.isupper() or not s.isalpha() for s in starts), "an English summary starts a cell"


# Code and maths, which may hold full stops of their own.
MARKUP = re.compile(r"`[^`]*`|\$[^$]*\$")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_summary_is_one_sentence_that_stands_alone(lang):
    """The table shows the **更正** / **Correction** paragraph whole: it is written for it."""
    ctx = page_context(page_source("errata", lang).name, lang)
    found = [
        c
        for name in pages()
        if name not in ("errata", "glossary", "index")
        for c in errata.collect(build_config(lang), page_source(name, "zh").name, ctx)
    ]
    assert len(found) >= 30
    for c in found:
        where, text = f"docs/{c.page}#{c.anchor}", MARKUP.sub("x", c.truth)
        if lang == "zh":
            assert text.endswith("。") and "。" not in text[:-1], f"{where}: one sentence"
            assert len(text) <= 100, f"{where}: {len(text)} characters, at most 100"
        else:
            assert text.endswith(".") and not re.search(r"[.!?]\s+[A-Z]", text), where
            assert len(text) <= 220, f"{where}: {len(text)} characters, at most 220"
        assert not re.search(r"[：:]$", text[:-1]), f"{where}: ends in a colon"


def test_a_malformed_correction_fails_with_its_place():
    words = build_config("zh").extra["words"]
    with pytest.raises(RuntimeError, match=r"docs/x\.md:7: a correction must open"):
        errata.parse(
            "**原文**：no source\n\n**更正**：x",
            words,
            "docs/x.md:7",
            Source("x.md", "X", []),
            Section("s", "s"),
        )


def test_a_correction_outside_an_anchored_section_fails():
    body = '**Original** (note 1): "x"\n\n**Correction**: y.'
    words = build_config("en").extra["words"]
    with pytest.raises(RuntimeError, match="not under a heading with an anchor"):
        errata.parse(body, words, "docs/x.en.md:3", Source("x.en.md", "X", []), Section("", ""))


def test_a_correction_parses_into_its_row():
    body = '**Original** (note 1, Q2): “原文” ("the original")\n\n**Correction**: it is y.\n\nWhy.'
    words = build_config("en").extra["words"]
    found = errata.parse(
        body, words, "docs/x.en.md:3", Source("x.en.md", "X", []), Section("S", "s")
    )
    assert (found.source, found.quote, found.truth) == (
        "note 1, Q2",
        '“原文” ("the original")',
        "it is y.",
    )
    assert (found.page, found.title, found.anchor) == ("x.en.md", "X › S", "s")


@pytest.mark.parametrize("page", [p for p in pages() if p not in ("errata", "glossary")])
def test_every_correction_is_proved_by_its_own_test(page):
    """As many `test_correction_…` functions in its test module as corrections on the page."""
    text = page_source(page, "zh").read_text(encoding="utf-8")
    boxes = text.count(BOX) + text.count(json.dumps(CELL, ensure_ascii=False)[:-1])
    tests = (DOCS.parent / "tests" / "pages" / f"test_{page}.py").read_text(encoding="utf-8")
    assert len(re.findall(r"^def test_correction_", tests, re.MULTILINE)) == boxes
