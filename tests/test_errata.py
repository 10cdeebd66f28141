"""docs/errata.md: one row per correction on the site, each linking to where it is explained."""

import json
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import DOCS, page_source, page_url, pages

sys.path.insert(0, str(DOCS / ".hooks"))
import errata  # noqa: E402

ROW = re.compile(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>")
LINK = re.compile(r'<a href="([^"#]*)#([\w-]+)">')


def corrections_in_sources(lang: str) -> int:
    count = 0
    for path in DOCS.iterdir():
        if (".en." in path.name) != (lang == "en"):
            continue
        if path.suffix == ".md":
            count += path.read_text(encoding="utf-8").count(errata.BOX)
        elif path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            count += sum("".join(c["source"]).startswith(errata.CELL) for c in cells)
    return count


def rows(site: Path, lang: str) -> list[tuple[str, ...]]:
    html = (site / page_url("errata", lang) / "index.html").read_text(encoding="utf-8")
    return ROW.findall(html.split("<tbody>", 1)[1])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_correction_has_a_row(site, lang):
    found = rows(site, lang)
    assert len(found) == corrections_in_sources(lang) >= 45
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
def test_a_notebook_shows_its_corrections_in_the_box_a_markdown_page_has(site, lang):
    notebook = (site / page_url("autograd", lang) / "index.html").read_text(encoding="utf-8")
    markdown = (site / page_url("activation", lang) / "index.html").read_text(encoding="utf-8")
    assert errata.TITLE in markdown  # the box Material makes of `!!! warning "勘误 / Correction"`
    cells = json.loads(page_source("autograd", lang).read_text(encoding="utf-8"))["cells"]
    expected = sum("".join(c["source"]).startswith(errata.CELL) for c in cells)
    assert notebook.count(errata.TITLE) == expected >= 5
    assert "<strong>勘误 / Correction</strong>" not in notebook


def test_a_correction_cell_rendered_otherwise_fails():
    page = SimpleNamespace(
        file=SimpleNamespace(src_uri="autograd.ipynb", abs_src_path=str(DOCS / "autograd.ipynb"))
    )
    with pytest.raises(RuntimeError, match=r"docs/autograd\.ipynb: \d+ correction cells, 0 boxed"):
        errata.on_page_content("<p>nothing rendered</p>", page, None, None)


def test_rows_quote_source_and_first_sentence(site):
    first = rows(site, "zh")[0]
    assert first[0] == "笔记 000，Question 10"
    assert first[2].startswith("点积在逐个元素相乘之后还要<strong>求和</strong>")
    assert first[2].endswith("。")
    assert "， 不" not in first[2], "wrapped Chinese lines are joined without a space"


def test_a_malformed_correction_fails_with_its_place():
    with pytest.raises(RuntimeError, match=r"docs/x\.md:7: a correction must open"):
        errata._parse(
            "**原文**：no source\n\n**更正**：x", "zh", "docs/x.md:7", "x.md", "X", ("s", "s")
        )


def test_a_correction_outside_an_anchored_section_fails():
    body = '**Original** (note 1): "x"\n\n**Correction**: y.'
    with pytest.raises(RuntimeError, match="not under a heading with an anchor"):
        errata._parse(body, "en", "docs/x.en.md:3", "x.en.md", "X", ("", ""))


def test_first_sentence_never_splits_code_or_maths():
    sentence = errata.WORDS["en"]["sentence"]
    assert errata._first_sentence("One. Two.", sentence) == "One."
    assert errata._first_sentence("Use `a. B` here. Then.", sentence) == "Use `a. B` here. Then."


@pytest.mark.parametrize("page", [p for p in pages() if p not in ("errata", "glossary")])
def test_every_correction_is_proved_by_its_own_test(page):
    """As many `test_correction_…` functions in tests/test_<page>.py as corrections on the page."""
    text = page_source(page, "zh").read_text(encoding="utf-8")
    boxes = text.count(errata.BOX) + text.count(json.dumps(errata.CELL, ensure_ascii=False)[:-1])
    tests = (DOCS.parent / "tests" / f"test_{page}.py").read_text(encoding="utf-8")
    assert len(re.findall(r"^def test_correction_", tests, re.MULTILINE)) == boxes
