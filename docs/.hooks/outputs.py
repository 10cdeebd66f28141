"""Show, under every included snippet section, what that section printed at build time."""

from __future__ import annotations

import re
from pathlib import Path

import cache
import runner
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

# A fence whose only line includes one section: --8<-- "module.py:section"
INCLUDE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,})[^\n]*\n"
    r'(?P=indent)--8<-- "(?P<module>\w+\.py):(?P<section>\w+)"\n'
    r"(?P=indent)(?P=fence)[ \t]*$",
    re.MULTILINE,
)


# Append an output block after each include fence whose section printed something.
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if cache.BASELINE:
        return markdown
    base = runner.snippet_dir(config)

    def add_output(match: re.Match) -> str:
        line = markdown.count("\n", 0, match.start()) + 2
        if not (base / match["module"]).exists():
            raise RuntimeError(f"docs/{page.file.src_uri}:{line}: no snippets/{match['module']}")
        outputs = outputs_of(base / match["module"], config)
        section = match["section"]
        if section not in outputs:
            raise RuntimeError(
                f"docs/{page.file.src_uri}:{line}: {match['module']} has no section {section!r}"
            )
        return match[0] + output_block(outputs[section], match["indent"])

    return INCLUDE.sub(add_output, markdown)


# What each section of a module printed, from the disk cache or by running the module once.
def outputs_of(module: Path, config: MkDocsConfig) -> dict[str, str]:
    key = cache.key(module, Path(runner.__file__))
    return cache.cached(
        config, "outputs", module.stem, key, lambda: runner.cached_run(module).outputs
    )


def output_block(text: str, indent: str) -> str:
    if not text.strip():
        return ""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = "\n".join(indent + line if line else "" for line in text.rstrip("\n").split("\n"))
    return f"\n\n{indent}{fence} {{ .text .output }}\n{body}\n{indent}{fence}"
