"""Find the Python fences of a page the way the build sees them, for pytest-markdown-docs.

pytest-markdown-docs asks a parser for fence tokens. This one
- finds fences at any indentation, so code inside admonitions and tabs is collected too;
- expands `--8<--` includes with pymdownx.snippets itself, configured as in mkdocs.yml;
- chains every Python fence of a page to the one before it (`continuation`), as the build runs
  a page's sections in order in one namespace;
- turns a section marked `# raises: SomeError` into a check that it raises exactly that, and one
  marked `# warns: SomeWarning` into a check that it warns.
"""

from __future__ import annotations

import re
import textwrap
from functools import cache
from pathlib import Path

import markdown
import yaml
from markdown_it.token import Token

ROOT = Path(__file__).resolve().parents[1]
OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
EXPECT = re.compile(r"^\s*# (raises|warns): (\w+)\s*$")
PYTHON = re.compile(r"^\s*(\{\s*\.)?(py|python|python3)\b")


class SnippetFenceParser:
    """Stands in for markdown_it.MarkdownIt: only `parse` is used by pytest-markdown-docs."""

    def parse(self, text: str) -> list[Token]:
        tokens, chained = [], False
        for first, last, info, body in find_fences(text):
            if not PYTHON.match(info):
                continue
            code = expect_wrapper(expand_includes(body))
            options = " continuation" if chained else ""
            tokens.append(
                Token(
                    "fence",
                    "code",
                    0,
                    map=[first, last],
                    info="{.python" + options + "}",
                    content=code,
                )
            )
            chained = True
        return tokens


# Yield (first line, last line, info string, dedented body) for every fence in a page.
def find_fences(text: str):
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        opening = OPEN.match(lines[number])
        if opening is None:
            number += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        close = re.compile(rf"^{re.escape(indent)}{fence[0]}{{{len(fence)},}}\s*$")
        end = next((i for i in range(number + 1, len(lines)) if close.match(lines[i])), None)
        if end is None:
            raise ValueError(f"line {number + 1}: fence is never closed")
        body = [line.removeprefix(indent) for line in lines[number + 1 : end]]
        yield number, end, opening["info"], "\n".join(body) + "\n"
        number = end + 1


# Expand --8<-- lines exactly as the build does.
def expand_includes(body: str) -> str:
    return "\n".join(snippet_preprocessor().run(body.splitlines())) + "\n"


@cache
def snippet_preprocessor():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    options = next(
        e["pymdownx.snippets"]
        for e in config["markdown_extensions"]
        if isinstance(e, dict) and "pymdownx.snippets" in e
    )
    options = {**options, "base_path": [str(ROOT / p) for p in options["base_path"]]}
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options}
    )
    return md.preprocessors["snippet"]


# Wrap a section that must raise or warn so that doing so is the test's success.
def expect_wrapper(code: str) -> str:
    first = next((line for line in code.splitlines() if line.strip()), "")
    expect = EXPECT.match(first)
    if expect is None:
        return code
    kind, name = expect.groups()
    body = textwrap.indent(code, "    ")
    if kind == "warns":
        return f"import pytest as _pytest\nwith _pytest.warns({name}):\n{body}"
    return (
        f"try:\n{body}\nexcept {name}:\n    pass\n"
        f"else:\n    raise AssertionError('expected {name}')\n"
    )
