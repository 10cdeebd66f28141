"""A notebook page keeps only the styles it can use.

mkdocs-jupyter inlines the whole of JupyterLab's stylesheet in every notebook page: 575 KB of
rules for widgets, menus and editors the page does not have, and custom properties (Material's
colour palette, again) nothing reads. It also appends a copy of the code colours as a Python
list's repr, which is not CSS at all. So, in each notebook page as written:

- the repr block goes (the build fails if it is not there: the plugin changed);
- a rule goes when every selector in it names a class, an id or an attribute that the page
  holds nowhere (selectors of tags alone stay: scripts make elements at run time);
- a custom property goes when no `var()` left in the page's styles, in its elements' style
  attributes or in the site's own stylesheets (`extra_css`) reads it, directly or through
  another property.

What is left styles the page as the whole sheet did: a test compares the computed styles of
the page's elements, in both colour schemes, with and without. The result is cached by the
hash of the page as written (`.cache/styles/`).
"""

from __future__ import annotations

import functools
import hashlib
import re
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path

import cache
import tinycss2
from tinycss2.ast import Declaration, QualifiedRule

STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.DOTALL)
# mkdocs-jupyter's nbconvert2.nb2html appends `<style>{resources["inlining"]["css"]}</style>`:
# a Python list of strings. The template has already inlined that CSS properly.
REPR = re.compile(r"\s*<style>\s*\['.*?'\]\s*</style>", re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')  # an element's own declarations
GROUPS = ("media", "supports")  # at-rules whose rules are purged like the top level's
SOURCE = Path(__file__).read_bytes() + version("tinycss2").encode()


def purge(output: str, ctx, config) -> str:
    output, count = REPR.subn("", output)
    if count != 1:
        raise RuntimeError(
            f"{ctx.where}: expected mkdocs-jupyter's one list-repr <style>, found {count}"
        )
    docs = Path(config.docs_dir)
    other_css = [(docs / css).read_text(encoding="utf-8") for css in config.extra_css]
    digest = hashlib.sha256(SOURCE + "\0".join([output, *other_css]).encode())
    name = ctx.src_uri.replace("/", "_") + ctx.lang
    # 0.3 s a page: a warm build takes the result from the cache
    return cache.cached(
        config, "styles", name, digest.hexdigest()[:32], lambda: {"html": purged(output, other_css)}
    )["html"]


def purged(html: str, other_css: list[str] = ()) -> str:
    """The page with the rules and custom properties it cannot use taken out of its styles."""
    names = Names()
    names.feed(html)
    sheets = tuple(m[2] for m in STYLE.finditer(html))
    other = (*other_css, *STYLE_ATTRIBUTE.findall(STYLE.sub("", html)))
    kept = iter(_purged(sheets, names.key(), other))
    return STYLE.sub(lambda m: m[1] + next(kept) + m[3], html)


# The styles purged for a page holding these names: the same for both languages of a notebook.
@functools.lru_cache(maxsize=4)
def _purged(sheets: tuple[str, ...], key: tuple, other_css: tuple[str, ...]) -> list[str]:
    names = Names()
    names.classes, names.ids, names.attributes = key
    rules_of = [_rules(sheet, names) for sheet in sheets]
    rules = [rule for sheet in rules_of for rule in _flat(sheet)]
    declared = {id(r): _declarations(r) for r in rules if r.type == "qualified-rule"}
    read = _read_properties(rules, declared, list(other_css))
    return [_serialize(sheet, declared, read) for sheet in rules_of]


class Names(HTMLParser):
    """The class names, ids and attribute names a page's elements hold."""

    def __init__(self):
        super().__init__()
        self.classes, self.ids, self.attributes = set(), set(), set()

    def key(self) -> tuple[frozenset, ...]:
        return frozenset(self.classes), frozenset(self.ids), frozenset(self.attributes)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            self.attributes.add(name)
            if name == "class" and value:
                self.classes.update(value.split())
            elif name == "id" and value:
                self.ids.add(value)

    def can_match(self, selector: list) -> bool:
        """Whether the page holds every class, id and attribute the selector names (outside
        functional pseudo-classes such as :not(), whose insides are not required)."""
        previous = None
        for token in selector:
            if token.type == "ident" and _is(previous, "."):
                if token.value not in self.classes:
                    return False
            elif token.type == "hash" and token.value not in self.ids:
                return False
            elif token.type == "[] block":
                name = next((t.value for t in token.content if t.type == "ident"), None)
                if name is not None and name.lower() not in self.attributes:
                    return False
            previous = token
        return True


def _rules(css: str, names: Names) -> list:
    """The stylesheet's rules that can match, with @media and @supports purged inside."""
    kept = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            if any(names.can_match(s) for s in _selectors(rule.prelude)):
                kept.append(rule)
        elif rule.type == "at-rule" and rule.lower_at_keyword in GROUPS and rule.content:
            inner = _rules(tinycss2.serialize(rule.content), names)
            if inner:
                kept.append((rule, inner))
        elif rule.type == "at-rule":
            kept.append(rule)
        # a parse error is dropped here as the browser drops it
    return kept


def _selectors(prelude: list) -> list[list]:
    """A selector list split at its top-level commas."""
    selectors = [[]]
    for token in prelude:
        if _is(token, ","):
            selectors.append([])
        else:
            selectors[-1].append(token)
    return selectors


def _declarations(rule: QualifiedRule) -> list[Declaration]:
    parsed = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
    return [d for d in parsed if d.type == "declaration"]


def _read_properties(rules: list, declared: dict, other_css: list[str]) -> set[str]:
    """The custom properties that a declaration other than a custom property's own reads,
    directly or through other custom properties."""
    defined: dict[str, list] = {}
    read: set[str] = set()
    for other in other_css:
        read |= _var_reads(tinycss2.parse_component_value_list(other))
    for rule in rules:
        if rule.type != "qualified-rule":
            read |= _var_reads(rule.content or [])
            continue
        for declaration in declared[id(rule)]:
            if declaration.name.startswith("--"):
                defined.setdefault(declaration.name, []).extend(declaration.value)
            else:
                read |= _var_reads(declaration.value)
    pending = list(read)
    while pending:
        for name in _var_reads(defined.get(pending.pop(), [])) - read:
            read.add(name)
            pending.append(name)
    return read


def _var_reads(tokens) -> set[str]:
    """The custom properties `var()` reads in these tokens, at any depth."""
    names = set()
    for token in tokens:
        if token.type == "function" and token.lower_name == "var":
            first = next((t for t in token.arguments if t.type == "ident"), None)
            if first is not None:
                names.add(first.value)
        if getattr(token, "content", None) is not None and token.type != "function":
            names |= _var_reads(token.content)
        if token.type == "function":
            names |= _var_reads(token.arguments)
    return names


def _flat(rules: list):
    for rule in rules:
        if isinstance(rule, tuple):
            yield from _flat(rule[1])
        else:
            yield rule


def _serialize(rules: list, declared: dict, read: set[str]) -> str:
    parts = []
    for rule in rules:
        if isinstance(rule, tuple):
            group, inner = rule
            prelude = tinycss2.serialize(group.prelude)
            parts.append(f"@{group.at_keyword}{prelude}{{{_serialize(inner, declared, read)}}}")
        elif rule.type == "qualified-rule":
            kept = [
                d.serialize()
                for d in declared[id(rule)]
                if not d.name.startswith("--") or d.name in read
            ]
            if kept:
                parts.append(f"{tinycss2.serialize(rule.prelude).strip()}{{{';'.join(kept)}}}")
        else:
            parts.append(rule.serialize())
    return "".join(parts)


def _is(token, literal: str) -> bool:
    return token is not None and token.type == "literal" and token.value == literal
