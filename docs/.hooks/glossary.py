"""The glossary page and the hover translations, both from the term list `docs/.terms.yml`.

- The glossary page holds the line `[[glossary]]`, which becomes a table of every term in both
  languages, each linking to the first section (in nav order) whose heading names it, or else
  whose text does, in the default language's pages. A term no page of a language uses fails
  the build.
- On every Markdown page but the home page, the first use of each term in the prose becomes
  `<abbr title="…">`, showing the term in the other language on hover. (Python-Markdown's
  `abbr` cannot do this for Chinese: it needs word boundaries, which Chinese text lacks.)
  Code, maths, headings and links are left alone; so are notebook pages.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pages
import yaml
from context import Context, localized
from pypinyin import lazy_pinyin

MARKER = "[[glossary]]"
TAG = re.compile(r"(<[^>]+>)")
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
SKIP = {"a", "abbr", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style", "svg"}
CHINESE = re.compile(r"[\u2e80-\u9fff]")  # a word with these has no word boundaries
NOT_PROSE = ("glossary", "errata", "index")  # pages whose words do not explain terms


@dataclass(frozen=True)
class Term:
    words: tuple[tuple[str, str], ...]  # (language, the term in it)
    see: str | None = None  # page[#anchor] that explains it, where a search would mislead
    # per language, a regular expression for the uses that mean this term, where the bare word
    # also means something else ("code block" is no VGG block)
    match: tuple[tuple[str, str], ...] = ()
    hover: bool = True  # False: too common a word for a hover to help (output)

    def text(self, lang: str) -> str:
        return dict(self.words)[lang]

    def word(self, lang: str) -> str:
        """The term as it is written in running text: without a parenthesised gloss."""
        return re.split(r" \(|（", self.text(lang))[0]

    def other(self, lang: str) -> str:
        return next(text for code, text in self.words if code != lang)

    def pattern(self, lang: str) -> re.Pattern:
        """What a use of the term looks like in running text of the language."""
        own = dict(self.match).get(lang)
        return re.compile(own) if own else _pattern(self.word(lang))


# Fill the glossary page.
def table(markdown: str, ctx: Context, config) -> str:
    if ctx.name != "glossary":
        return markdown
    if markdown.count(MARKER) != 1:
        raise RuntimeError(f"{ctx.where}: needs the line {MARKER} exactly once")
    header = ctx.words["glossary"]
    rows, unused = [header, ("---",) * len(header)], []
    # Both tables link a term to the same section: the one the default language explains it in.
    sections = {code: _sections(config, code, ctx.default) for code in {ctx.default, ctx.lang}}
    for term in sorted(terms(config.docs_dir), key=lambda term: sort_key(term, ctx.lang)):
        place = where_explained(term, ctx.default, sections[ctx.default], ctx.default)
        pattern = term.pattern(ctx.lang)
        used = any(pattern.search(f"{s[1]}\n{s[3]}") for s in sections[ctx.lang])
        link = _link(config, ctx, place, sections[ctx.lang]) if place and used else None
        unused += [] if link else [term.word(ctx.lang)]
        rows.append((term.text(ctx.lang), term.other(ctx.lang), link))
    if unused:
        raise RuntimeError(f"docs/.terms.yml: no {ctx.lang} page uses these terms: {unused}")
    return markdown.replace(MARKER, "\n".join("| " + " | ".join(r) + " |" for r in rows))


# Give the first use of each term on a page its translation on hover.
def hovers(html: str, ctx: Context, config) -> str:
    # the home page's learning path names a term on every line: a hover on each would be noise
    if ctx.name in ("glossary", "index") or ctx.notebook:
        return html
    return hover(html, terms(config.docs_dir), ctx.lang)


# A reader scans a table by its first column, by pinyin (which leaves Latin letters as they are).
def sort_key(term: Term, lang: str) -> str:
    return " ".join(lazy_pinyin(term.text(lang))).lower()


@functools.cache
def terms(docs_dir: str) -> tuple[Term, ...]:
    entries = yaml.safe_load((Path(docs_dir) / ".terms.yml").read_text(encoding="utf-8"))
    keys = ("see", "match", "hover", "notes")
    return tuple(
        Term(
            tuple((k, v) for k, v in e.items() if k not in keys),
            e.get("see"),
            tuple(e.get("match", {}).items()),
            e.get("hover", True),
        )
        for e in entries
    )


# The first section that names the term in its heading, or else its text: (page, anchor).
def where_explained(term: Term, lang: str, sections: list, default: str):
    """`sections`: (page, title, anchor, text) of every page in the language, in nav order."""
    pattern = term.pattern(lang)
    if term.see:
        page, _, anchor = term.see.partition("#")
        return localized(page, lang, default), anchor
    for in_heading in (True, False):
        for page, title, anchor, text in sections:
            if pattern.search(title if in_heading else text):
                return page, anchor
    return None


# A Markdown link to that section of the page in the language, named by its title there.
def _link(config, ctx: Context, place: tuple[str, str], sections: list) -> str:
    page, anchor = localized(place[0], ctx.lang, ctx.default), place[1]
    title = next((t for p, t, a, _ in sections if (p, a) == (page, anchor)), None)
    if title is None:
        raise RuntimeError(f"docs/.terms.yml: no section {page}#{anchor}")
    name = pages.source(config, page).title
    return f"[{name} › {title}]({page}#{anchor})" if anchor else f"[{name}]({page})"


# (page file, section title, anchor, section text) of every explaining page in a language.
def _sections(config, lang: str, default: str) -> list[tuple[str, str, str, str]]:
    found = []
    for name in pages.nav_pages(config.nav):
        if name.split(".")[0] not in NOT_PROSE:
            source = pages.source(config, localized(name, lang, default))
            found += [(source.file, s.title, s.anchor, "\n".join(s.text)) for s in source.sections]
    return found


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


def _pattern(word: str) -> re.Pattern:
    if CHINESE.search(word):
        return re.compile(re.escape(word))
    plural = "(?:e?s)?" if word[-1].isalpha() else ""
    return re.compile(rf"(?<![\w-]){re.escape(word)}{plural}(?![\w-])", re.IGNORECASE)
