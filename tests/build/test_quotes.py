"""Every quote of the notes on the site is the notes' own text, character for character.

On both languages' pages, a span in Chinese curly quotes “…” is a quote of the notes (docs/.notes/).
It is compared with the notes with whitespace and backticks removed on both sides (line
wraps and code marks are layout, not text); `……` or `…` inside a quote marks an omission, and
each fragment must occur in one note, in order. English translations of the notes stand in
straight quotes "…" and are not checked here. A page quoting some other Chinese source in curly
quotes names it in its test module: `OTHER_QUOTES = {"the quoted text": "its source"}`.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import errata
import pytest
from conftest import DOCS, build_config, page_context, page_source, pages

NOTES = {
    path.name[:3]: path.read_text(encoding="utf-8") for path in (DOCS / ".notes").glob("0*.txt")
}
QUOTE = re.compile(r"“([^“”]*)”")
CJK = re.compile(r"[\u3400-\u9fff]")
OMISSION = re.compile(r"…+")


def squeeze(text: str) -> str:
    return re.sub(r"[\s`]", "", text)


SQUEEZED = {name: squeeze(text) for name, text in NOTES.items()}


def texts(path: Path) -> list[tuple[int, str]]:
    """(first line, text) of a page: a Markdown file whole, a notebook's Markdown cells."""
    if path.suffix == ".md":
        return [(1, path.read_text(encoding="utf-8"))]
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [(i, "".join(c["source"])) for i, c in enumerate(cells) if c["cell_type"] == "markdown"]


def quotes(path: Path) -> list[tuple[str, str]]:
    """(place, quoted text) of every curly-quoted span with Chinese in it."""
    found = []
    for start, text in texts(path):
        unit = "line" if path.suffix == ".md" else "cell"
        if text.count("“") != text.count("”"):
            raise AssertionError(f"{path.name} {unit} {start}: unbalanced curly quotes")
        for match in QUOTE.finditer(text):
            if CJK.search(match[1]):
                where = start + text[: match.start()].count("\n") if unit == "line" else start
                found.append((f"docs/{path.name}:{unit} {where}", match[1]))
    return found


def in_notes(quote: str) -> str | None:
    """The note that holds every fragment of the quote, in order; None if none does."""
    fragments = [squeeze(f) for f in OMISSION.split(quote) if squeeze(f)]
    for name, text in SQUEEZED.items():
        at = 0
        for fragment in fragments:
            at = text.find(fragment, at)
            if at < 0:
                break
            at += len(fragment)
        else:
            return name
    return None


def nearest(quote: str) -> str:
    """The longest start of the quote that some note holds: where the misquote begins."""
    text = squeeze(OMISSION.split(quote)[0])
    for end in range(len(text), 0, -1):
        for name, note in SQUEEZED.items():
            at = note.find(text[:end])
            if at >= 0:
                return f"note {name} has “{text[:end]}” then “{note[at + end : at + end + 20]}”"
    return "no note has even its first character"


def other_quotes(page: str) -> dict[str, str]:
    """The page's OTHER_QUOTES, read from tests/pages/test_<page>.py without importing it."""
    path = DOCS.parent / "tests" / "pages" / f"test_{page}.py"
    if not path.exists():
        return {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", None) == "OTHER_QUOTES" for t in node.targets
        ):
            return ast.literal_eval(node.value)
    return {}


CASES = [(page, lang) for page in pages() for lang in ("zh", "en")]


@pytest.mark.parametrize(("page", "lang"), CASES)
def test_every_curly_quote_is_the_notes_text(page, lang):
    others = other_quotes(page)
    found = quotes(page_source(page, lang))
    wrong = [
        f"{where}: “{quote}” — {nearest(quote)}"
        for where, quote in found
        if quote not in others and in_notes(quote) is None
    ]
    assert not wrong, "not the notes' text:\n" + "\n".join(wrong)
    quoted = {quote for _, quote in found}
    if lang == "zh":
        stale = [q for q in others if q not in quoted]
        assert not stale, f"OTHER_QUOTES of tests/pages/test_{page}.py not on the page: {stale}"
        fakes = [q for q in others if in_notes(q)]
        assert not fakes, f"these OTHER_QUOTES are the notes' own text: {fakes}"


@pytest.mark.parametrize("page", [p for p in pages() if p not in ("errata", "glossary", "index")])
def test_an_english_correction_quotes_the_chinese_original(page):
    """The en box's Original carries each quote of the zh box, verbatim, beside its translation."""
    name = page_source(page, "zh").name
    zh, en = (
        errata.collect(build_config(lang), name, page_context("errata.md", lang))
        for lang in ("zh", "en")
    )
    zh, en = list(zh), list(en)
    assert len(zh) == len(en)
    for mine, theirs in zip(zh, en, strict=True):
        where = f"docs/{mine.page}#{mine.anchor}"
        assert QUOTE.findall(mine.quote), f"{where}: the original is not in curly quotes"
        for quote in QUOTE.findall(mine.quote):
            assert f"“{quote}”" in theirs.quote, f"docs/{theirs.page}#{theirs.anchor}: “{quote}”"


def test_a_misquote_is_found_and_located(monkeypatch):
    monkeypatch.setitem(globals(), "SQUEEZED", {"999": squeeze("甲乙丙丁，戊己庚辛。")})
    assert in_notes("甲乙\n    丙丁") == "999"  # a line wrap in the page is layout
    assert in_notes("甲乙……庚辛") == "999"
    assert in_notes("庚辛……甲乙") is None  # fragments in the note's order only
    assert in_notes("甲乙丙丁,戊") is None  # a half-width comma is another character
    assert nearest("甲乙丙丁,戊") == "note 999 has “甲乙丙丁” then “，戊己庚辛。”"
