"""Find the Python fences of a page the way the build sees them, for pytest-markdown-docs.

pytest-markdown-docs asks a parser for fence tokens. This one
- finds fences at any indentation, so code inside admonitions and tabs is collected too;
- expands `--8<--` includes with pymdownx.snippets itself, configured as in mkdocs.yml;
- chains every Python fence of a page to the one before it (`continuation`), as the build runs
  a page's sections in order in one namespace, and runs each fence once (`ChainedRunner`);
- turns a section marked `# raises: SomeError` into a check that it raises exactly that, and one
  marked `# warns: SomeWarning` into a check that it warns.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
import textwrap
from functools import cache
from pathlib import Path

import markdown
import yaml
from markdown_it.token import Token
from pytest_markdown_docs._runners import DefaultRunner

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


class ChainedRunner(DefaultRunner):
    """Runs a page's chained fences as the build runs its sections: each once, in one namespace.

    pytest-markdown-docs hands a `continuation` fence all the page's code up to it, so a page of
    n fences would run n²/2 of them. When that code starts with exactly what the previous test
    ran without error, only the rest runs, in that test's namespace (line numbers kept).
    Otherwise (the first fence, a test run alone, a failure before) everything runs afresh.
    What fences print is kept, not shown.
    """

    def __init__(self):
        self.passed = None  # (page, source, namespace) of the last fence that ran without error

    def runtest(self, test, args, **kwargs):
        page, source = test.source_path, test.source
        passed, self.passed = self.passed, None
        if passed and passed[0] == page and source.startswith(passed[1]):
            done = passed[1]
            rest = "\n" * done.count("\n") + source[len(done) :]
            test, args = dataclasses.replace(test, source=rest), passed[2]
        with contextlib.redirect_stdout(io.StringIO()):
            super().runtest(test, args, **kwargs)
        self.passed = (page, source, args)
