"""zh and en pages carry the same sections, anchors, includes, figures, maths and corrections."""

import re

import nbformat
import pytest
from conftest import page_source, pages

ANCHOR = re.compile(r"^#{2,6} .*\{ #([\w-]+) \}\s*$", re.MULTILINE)
HEADING = re.compile(r"^(#{1,6}) ", re.MULTILINE)
INCLUDE = re.compile(r'--8<-- "[\w.]+:\w+"')
FIGURE = re.compile(r"\]\((figures/[\w/]+\.svg)\)")
DISPLAY_MATHS = re.compile(r"^\s*\$\$\s*$", re.MULTILINE)
ADMONITION = re.compile(r"^\s*(!!!|\?\?\?\+?) (\w+)", re.MULTILINE)


def features(text: str) -> dict:
    return {
        "heading levels": HEADING.findall(text),
        "anchors": ANCHOR.findall(text),
        "includes": INCLUDE.findall(text),
        "figures": FIGURE.findall(text),
        "display maths blocks": len(DISPLAY_MATHS.findall(text)) // 2,
        "admonitions": ADMONITION.findall(text),
    }


MARKDOWN_PAGES = [n for n in pages() if page_source(n, "zh").suffix == ".md"]
NOTEBOOK_PAGES = [n for n in pages() if page_source(n, "zh").suffix == ".ipynb"]


def differences(zh_text: str, en_text: str) -> list[str]:
    """What differs in structure between the zh and the en source of a page, one line each."""
    zh, en = features(zh_text), features(en_text)
    return [f"{key} differ:\n  zh {zh[key]}\n  en {en[key]}" for key in zh if zh[key] != en[key]]


@pytest.mark.parametrize("name", MARKDOWN_PAGES)
def test_markdown_pages_match(name):
    zh, en = (page_source(name, lang).read_text(encoding="utf-8") for lang in ("zh", "en"))
    found = differences(zh, en)
    assert not found, f"{name}: " + "\n".join(found)


@pytest.mark.parametrize("name", MARKDOWN_PAGES)
def test_every_section_heading_has_an_anchor(name):
    for lang in ("zh", "en"):
        text = page_source(name, lang).read_text(encoding="utf-8")
        bare = [
            line for line in re.findall(r"^#{2,6} .*$", text, re.MULTILINE) if "{ #" not in line
        ]
        assert not bare, f"{page_source(name, lang).name}: headings without {{ #anchor }}: {bare}"


@pytest.mark.parametrize("name", NOTEBOOK_PAGES)
def test_notebooks_match(name):
    zh, en = (nbformat.read(page_source(name, lang), as_version=4) for lang in ("zh", "en"))
    assert [c.cell_type for c in zh.cells] == [c.cell_type for c in en.cells]
    for a, b in zip(zh.cells, en.cells, strict=True):
        if a.cell_type == "code":
            assert a.source == b.source, f"{name}: code cell {a.id} differs between zh and en"
            assert a.metadata.get("tags") == b.metadata.get("tags"), (
                f"{name}: tags of {a.id} differ"
            )
        else:
            assert features(a.source) | {"anchors": None} == features(b.source) | {
                "anchors": None
            }, f"{name}: markdown cell {a.id} differs in structure between zh and en"
