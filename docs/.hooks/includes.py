"""A page's includes, as the reader sees them: each section's output under it, each figure twice.

Under every include fence whose section printed something, a `{ .text .output }` block of what
it printed at build time; every figure becomes its light and its dark variant, which Material
shows by colour scheme. Both come from the module's one result (execution.py).
"""

from __future__ import annotations

import re

import execution
from context import Context
from runner import FIGURE, INCLUDE, snippet_dir


# Append an output block after each include fence whose section printed something.
def with_outputs(markdown: str, ctx: Context, config) -> str:
    base = snippet_dir(config)

    def add_output(match: re.Match) -> str:
        line = markdown.count("\n", 0, match.start()) + 2
        module = base / f"{match['module']}.py"
        if not module.exists():
            raise RuntimeError(f"{ctx.where}:{line}: no snippets/{module.name}")
        outputs = execution.result(module, config)["outputs"]
        if match["section"] not in outputs:
            section = match["section"]
            raise RuntimeError(f"{ctx.where}:{line}: {module.name} has no section {section!r}")
        return match[0] + output_block(outputs[match["section"]], match["indent"])

    return INCLUDE.sub(add_output, markdown)


# Replace each figure image with its light and dark variants.
def with_figures(markdown: str, ctx: Context, files) -> str:
    def variants(match: re.Match) -> str:
        stem = f"figures/{match['module']}/{match['name']}"
        if files.get_file_from_path(f"{stem}.light.svg") is None:
            line = markdown.count("\n", 0, match.start()) + 1
            raise RuntimeError(
                f"{ctx.where}:{line}: no figure function "
                f"figure_{match['name']}() in snippets/{match['module']}.py"
            )
        alt = match["alt"]
        # lazy: the variant that is not shown (display: none) is then not downloaded at all
        return (
            f"![{alt}]({stem}.light.svg#only-light){{ loading=lazy }} "
            f"![{alt}]({stem}.dark.svg#only-dark){{ loading=lazy }}"
        )

    return FIGURE.sub(variants, markdown)


def output_block(text: str, indent: str) -> str:
    if not text.strip():
        return ""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = "\n".join(indent + line if line else "" for line in text.rstrip("\n").split("\n"))
    return f"\n\n{indent}{fence} {{ .text .output }}\n{body}\n{indent}{fence}"
