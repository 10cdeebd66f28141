"""The glossary page and the hover translations, both from the term list `docs/.terms.yml`.

- The glossary page holds the line `[[glossary]]`, which becomes a table of every term in both
  languages, each linking to the first section (in nav order) whose heading names it, or else
  whose text does. A term that no page of a language uses fails the build.
- On every Markdown page, the first use of each term in the prose becomes
  `<abbr title="…">`, showing the term in the other language on hover. (Python-Markdown's
  `abbr` cannot do this for Chinese: it needs word boundaries, which Chinese text lacks.)
  Code, maths, headings, links and notebook pages (whose maths is still raw TeX) are left alone.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from pypinyin import lazy_pinyin
from sources import english_slugs, localized, nav_pages

MARKER = "[[glossary]]"
HEADING = re.compile(r"^#{2,6} +(?P<title>.+?)(?: +\{ #(?P<anchor>[\w-]+) \})?\s*$")
TAG = re.compile(r"(<[^>]+>)")
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
SKIP = {"a", "abbr", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style", "svg"}
HEADER = {"zh": ("中文", "English", "详见"), "en": ("English", "中文", "Explained in")}


@dataclass(frozen=True)
class Term:
    zh: str
    en: str
    see: str | None = None  # page[#anchor] that explains it, where a search would mislead
    # per language, a regular expression for the uses that mean this term, where the bare word
    # also means something else ("code block" is no VGG block)
    match: tuple[tuple[str, str], ...] = ()
    hover: bool = True  # False: too common a word for a hover to help (output)

    def word(self, lang: str) -> str:
        """The term as it is written in running text: without a parenthesised gloss."""
        text = self.zh if lang == "zh" else self.en
        return re.split(r" \(|（", text)[0]

    def other(self, lang: str) -> str:
        return self.en if lang == "zh" else self.zh

    def pattern(self, lang: str) -> re.Pattern:
        """What a use of the term looks like in running text of the language."""
        own = dict(self.match).get(lang)
        return re.compile(own) if own else _pattern(self.word(lang), lang)


# Fill the glossary page.
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri.split(".")[0] != "glossary":
        return markdown
    if markdown.count(MARKER) != 1:
        raise RuntimeError(f"docs/{page.file.src_uri}: needs the line {MARKER} exactly once")
    lang = _lang(config)
    rows, unused = [HEADER[lang], ("---",) * 3], []
    # Both tables link a term to the same section: the one the Chinese pages explain it in.
    sections = {
        code: [s for name in _pages(config) for s in _sections(config, name, code)]
        for code in {"zh", lang}  # a set: the zh pass reads the zh pages once
    }
    for term in sorted(terms(config.docs_dir), key=lambda term: sort_key(term, lang)):
        place = where_explained(term, "zh", sections["zh"])
        pattern = term.pattern(lang)
        used = any(pattern.search(f"{s[1]}\n{s[3]}") for s in sections[lang])
        link = _link(config, lang, place, sections[lang]) if place and used else None
        unused += [] if link else [term.word(lang)]
        mine, other = (term.zh, term.en) if lang == "zh" else (term.en, term.zh)
        rows.append((mine, other, link))
    if unused:
        raise RuntimeError(f"docs/.terms.yml: no {lang} page uses these terms: {unused}")
    return markdown.replace(MARKER, "\n".join("| " + " | ".join(r) + " |" for r in rows))


# Give the first use of each term on a page its translation on hover.
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    # the home page's learning path names a term on every line: a hover on each would be noise
    name, kind = page.file.src_uri.split(".")[0], page.file.src_uri.rsplit(".", 1)[1]
    if name in ("glossary", "index") or kind == "ipynb":
        return html
    return hover(html, terms(config.docs_dir), _lang(config))


# A reader scans a table by its first column: Chinese by pinyin, English alphabetically.
def sort_key(term: Term, lang: str) -> str:
    return " ".join(lazy_pinyin(term.zh)).lower() if lang == "zh" else term.en.lower()


@functools.cache
def terms(docs_dir: str) -> tuple[Term, ...]:
    entries = yaml.safe_load((Path(docs_dir) / ".terms.yml").read_text(encoding="utf-8"))
    return tuple(
        Term(
            e["zh"], e["en"], e.get("see"), tuple(e.get("match", {}).items()), e.get("hover", True)
        )
        for e in entries
    )


# The first section that names the term in its heading, or else its text: (page, anchor).
def where_explained(term: Term, lang: str, sections: list) -> tuple[str, str] | None:
    """`sections`: (page, title, anchor, text) of every page in the language, in nav order."""
    pattern = term.pattern(lang)
    if term.see:
        page, _, anchor = term.see.partition("#")
        return localized(page, lang), anchor
    for in_heading in (True, False):
        for page, title, anchor, text in sections:
            if pattern.search(title if in_heading else text):
                return page, anchor
    return None


# A Markdown link to that section of the page in the language, named by its title there.
def _link(config: MkDocsConfig, lang: str, place: tuple[str, str], sections: list) -> str:
    page, anchor = localized(place[0], lang), place[1]
    title = next((t for p, t, a, _ in sections if (p, a) == (page, anchor)), None)
    if title is None:
        raise RuntimeError(f"docs/.terms.yml: no section {page}#{anchor}")
    name = page_title(config, page)
    return f"[{name} › {title}]({page}#{anchor})" if anchor else f"[{name}]({page})"


def hover(html: str, all_terms: tuple[Term, ...], lang: str) -> str:
    candidates = sorted(
        (t for t in all_terms if t.hover and len(t.word(lang)) > 1),
        key=lambda t: -len(t.word(lang)),
    )
    # the word lowercased: a chunk without it cannot match, and `in` costs far less than a search
    patterns = [(t.pattern(lang), t.other(lang), t.word(lang).lower()) for t in candidates]
    used: set[str] = set()
    out, stack = [], []  # stack: (tag, skipped?) of the open elements
    for chunk in TAG.split(html):
        if chunk.startswith("<"):
            _track(chunk, stack)
            out.append(chunk)
        elif chunk and not any(skipped for _, skipped in stack):
            out.append(_wrap(chunk, patterns, used))
        else:
            out.append(chunk)
    return "".join(out)


def page_title(config: MkDocsConfig, page: str) -> str:
    """The page's `# ` title, from its first line or first notebook cell."""
    path = Path(config.docs_dir) / page
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "".join(cells[0]["source"])
    else:
        text = path.read_text(encoding="utf-8")
    return text.split("\n", 1)[0].removeprefix("# ").strip()


# Wrap the first use of each term; a longer term's use, marked or not, hides the shorter
# terms inside it (a second "activation functions" is no "activation").
def _wrap(text: str, patterns, used: set[str]) -> str:
    best, lowered = None, text.lower()
    for pattern, title, word in patterns:
        if word not in lowered:
            continue
        match = pattern.search(text)
        if match and (best is None or match.start() < best[0].start()):
            best = (match, title)
    if best is None:
        return text
    match, title = best
    before, after = text[: match.start()], text[match.end() :]
    abbr = match[0] if title in used else f'<abbr title="{title}">{match[0]}</abbr>'
    used.add(title)
    return _wrap(before, patterns, used) + abbr + _wrap(after, patterns, used)


def _track(tag: str, stack: list) -> None:
    name = re.match(r"</?([a-zA-Z0-9]+)", tag)
    if name is None or tag.endswith("/>"):
        return
    name = name[1].lower()
    if tag.startswith("</"):
        while stack:
            if stack.pop()[0] == name:
                break
    elif name not in VOID:
        stack.append((name, name in SKIP or "arithmatex" in tag))


def _pattern(word: str, lang: str) -> re.Pattern:
    if lang == "zh" and not word.isascii():
        return re.compile(re.escape(word))
    plural = "(?:e?s)?" if word[-1].isalpha() else ""
    return re.compile(rf"(?<![\w-]){re.escape(word)}{plural}(?![\w-])", re.IGNORECASE)


# (page file, section title, anchor, section text) of one page in one language.
def _sections(config: MkDocsConfig, name: str, lang: str):
    page = localized(name, lang)
    path = Path(config.docs_dir) / page
    if page.endswith(".ipynb"):
        yield from _notebook_sections(path, page, page_title(config, page))
        return
    lines = path.read_text(encoding="utf-8").splitlines()
    title, anchor, text = page_title(config, page), "", []  # the introduction
    for line in lines[1:] + ["## end { #end }"]:
        heading = HEADING.match(line)
        if heading and heading["anchor"]:
            yield page, title, anchor, "\n".join(text)
            title, anchor, text = heading["title"], heading["anchor"], []
        elif "--8<--" not in line:
            text.append(line)


def _notebook_sections(path: Path, page: str, title: str):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    slugs, anchor, text = iter(english_slugs(path)), "", []
    for cell in (c for c in cells if c["cell_type"] == "markdown"):
        for line in "".join(cell["source"]).splitlines():
            if not line.startswith("#"):
                text.append(line)
            elif line.startswith("##"):
                yield page, title, anchor, "\n".join(text)
                title, anchor, text = line.lstrip("# ").strip(), next(slugs), []
            else:
                next(slugs)  # the page title's own anchor
    yield page, title, anchor, "\n".join(text)


def _pages(config: MkDocsConfig) -> list[str]:
    skip = ("glossary", "errata", "index")
    return [p for p in nav_pages(config.nav) if p.split(".")[0] not in skip]


def _lang(config: MkDocsConfig) -> str:
    return config.plugins["i18n"].current_language
