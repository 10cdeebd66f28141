"""Offer every page's code for download: as a Python script and as a Jupyter notebook.

For a Markdown page `x.md` / `x.en.md` with a snippet module `snippets/x.py`, the build adds
generated files (never written into docs/):
- `downloads/x.py`: the module's sections in order, as `# %%` cells. A section marked
  `# raises: E` or `# warns: W` is wrapped so the script runs to the end and prints what the
  page shows under it.
- `downloads/x.ipynb` (default language) and `downloads/x.<lang>.ipynb`: the page's prose as
  Markdown cells and its included sections as code cells, after a first cell that installs the
  pinned versions.
Notebook pages offer their own source, which mkdocs-jupyter copies next to them. The theme shows
the buttons, in the page's language (partials/content.html, `extra.words` in mkdocs.yml).
"""

from __future__ import annotations

import re
import textwrap
from importlib.metadata import version
from pathlib import Path

import nbformat
from context import Context, languages
from mkdocs.structure.files import File, Files
from runner import DEFINES_FIGURE, FIGURE, INCLUDE_LINE, Section, parse_sections, snippet_dir

PINNED = ("torch", "numpy", "matplotlib")
INCLUDE = re.compile(rf"^{INCLUDE_LINE}$")
FENCE = re.compile(r"^(`{3,})")
BLOCK = re.compile(
    r'^(?:!!!|\?\?\?\+?) (?P<kind>\w+)(?: "(?P<title>[^"]*)")?\s*$|^=== "(?P<tab>[^"]*)"'
)
LINK = re.compile(r"\]\((?P<page>\w+)\.(?:md|ipynb)(?P<anchor>#[\w-]+)?\)")
ANCHOR = re.compile(r"\s*\{ #[\w-]+ \}\s*$")
_MADE: dict[tuple, tuple[str, str]] = {}  # `mkdocs serve` keeps them from one build to the next


# Add the script and this language's notebook of every page that has a snippet module.
def add(files: Files, config) -> None:
    lang, default = languages(config)
    install, url = config.extra["words"]["install"], config.site_url or "/"
    for page in list(files.documentation_pages()):
        name = Path(page.src_uri).name.split(".")[0]
        module = snippet_dir(config) / f"{name}.py"
        if not page.src_uri.endswith(".md") or not module.exists():
            continue
        source = Path(page.abs_src_path).read_text(encoding="utf-8")
        where, prefix = f"docs/{page.src_uri}", url.rstrip("/") + f"/{lang}/"
        prefix = prefix.removesuffix(f"{default}/")  # the default language is at the root
        inputs = (where, module.read_text(encoding="utf-8"), source, prefix, install)
        if inputs not in _MADE:
            _MADE[inputs] = (script(module), to_notebook(source, module, prefix, install, where))
        made = _MADE[inputs]
        files.append(File.generated(config, f"downloads/{name}.py", content=made[0]))
        files.append(File.generated(config, notebook_uri(name, lang, default), content=made[1]))


# The page's downloads, for the theme to show under its title (partials/content.html).
def offer(page, ctx: Context, files: Files) -> None:
    if ctx.notebook:  # its own source, which mkdocs-jupyter copies next to it
        source = Path(ctx.src_uri).name
        page.downloads = [("download_notebook", source, source)]
        return
    script = files.get_file_from_path(f"downloads/{ctx.name}.py")
    if script is not None:
        notebook = files.get_file_from_path(notebook_uri(ctx.name, ctx.lang, ctx.default))
        page.downloads = [
            ("download_script", script.url_relative_to(page.file), f"{ctx.name}.py"),
            ("download_notebook", notebook.url_relative_to(page.file), f"{ctx.name}.ipynb"),
        ]


# The snippet module as a script that runs from top to bottom.
def script(module: Path) -> str:
    sections = parse_sections(module)
    head = [
        f'"""The code of snippets/{module.name}, PyTorch 学习笔记 · PyTorch Study Notes.',
        "",
        "Run it with `python " + module.name + "`; it prints what the page shows. Pinned versions:",
        f"pip install {_pins()}",
        '"""',
    ]
    if any(s.expect and s.expect[0] == "warns" for s in sections):
        head.append("import warnings")
    cells = [_script_cell(s) for s in sections]
    return "\n".join(head) + "\n\n" + "\n\n".join(cells) + "\n"


# The page as a notebook: prose in Markdown cells, each included section a code cell.
def to_notebook(markdown: str, module: Path, prefix: str, install: str, where: str) -> str:
    sections = {s.name: s for s in parse_sections(module)}
    cells, prose, defined, pending = [], [], set(), []

    def flush():
        text = "\n".join(prose).strip()
        if text:
            cells.append(nbformat.v4.new_markdown_cell(text))
        prose.clear()

    def code(source: str, tags: list[str] | None = None):
        flush()
        cell = nbformat.v4.new_code_cell(source)
        if tags:
            cell.metadata["tags"] = tags
        cells.append(cell)

    lines, number = _unblocked(markdown.splitlines()), 0
    while number < len(lines):
        line = lines[number]
        fence = FENCE.match(line)
        include = INCLUDE.match(lines[number + 1]) if fence and number + 1 < len(lines) else None
        if include:
            if include["module"] != module.stem:
                exists = (module.parent / f"{include['module']}.py").exists()
                raise RuntimeError(
                    f"{where}:{number + 2}: "
                    + (
                        f"includes snippets/{include['module']}.py, not the page's own module"
                        if exists
                        else f"no snippets/{include['module']}.py"
                    )
                )
            section = sections.get(include["section"])
            if section is None:
                raise RuntimeError(
                    f"{where}:{number + 2}: snippets/{module.name} has no section "
                    f"{include['section']!r}"
                )
            raises = section.expect and section.expect[0] == "raises"
            code(
                textwrap.dedent(section.code).strip("\n"), ["raises-exception"] if raises else None
            )
            defined.update(f"figure_{n}" for n in DEFINES_FIGURE.findall(section.code))
            for name in [n for n in pending if n in defined]:
                code(f"{name}();")
                pending.remove(name)
            number += 3
            continue
        for figure in FIGURE.finditer(line):
            name = f"figure_{figure['name']}"
            if name in defined:
                code(f"{name}();")
            else:
                pending.append(name)
            prose.append(f"*{figure['alt']}*")
            line = ""
        line = ANCHOR.sub("", line) if line.startswith("#") else line
        prose.append(
            LINK.sub(lambda m: f"]({prefix}{_page_url(m['page'])}{m['anchor'] or ''})", line)
        )
        number += 1
    flush()
    install = [
        nbformat.v4.new_markdown_cell(install),
        nbformat.v4.new_code_cell(f"%pip install {_pins()}"),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells[:1] + install + cells[1:])
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index}"
    return nbformat.writes(notebook) + "\n"


def _script_cell(section: Section) -> str:
    code = textwrap.dedent(section.code).strip("\n")
    kind, name = section.expect or (None, None)
    if kind == "raises":
        body = textwrap.indent(code, "    ")
        return (
            f"# %% {section.name} (raises {name} on purpose)\ntry:\n{body}\n"
            f'except {name} as error:\n    print(f"{{type(error).__name__}}: {{error}}")'
        )
    if kind == "warns":
        body = textwrap.indent(code, "    ")
        return (
            f"# %% {section.name} (warns {name} on purpose)\n"
            "with warnings.catch_warnings(record=True) as caught:\n"
            f'    warnings.simplefilter("always")\n{body}\n'
            'for warning in caught:\n    print(f"{warning.category.__name__}: {warning.message}")'
        )
    return f"# %% {section.name}\n{code}"


# Turn admonitions and tabs into a bold title and their dedented body.
def _unblocked(lines: list[str]) -> list[str]:
    out, open_blocks = [], []  # body indents of the open blocks, in source columns
    for line in lines:
        indent = len(line) - len(line.lstrip())
        while line.strip() and open_blocks and indent < open_blocks[-1]:
            open_blocks.pop()
        shifted = line[4 * len(open_blocks) :] if line.strip() else ""
        block = BLOCK.match(shifted.strip())
        if block:
            title = block["title"] or block["tab"] or block["kind"].capitalize()
            out.append(f"{shifted[: len(shifted) - len(shifted.lstrip())]}**{title}**")
            open_blocks.append(indent + 4)
        else:
            out.append(shifted)
    return out


def _pins() -> str:
    return " ".join(f"{name}=={version(name).split('+')[0]}" for name in PINNED)


def notebook_uri(name: str, lang: str, default: str) -> str:
    return f"downloads/{name}.ipynb" if lang == default else f"downloads/{name}.{lang}.ipynb"


def _page_url(name: str) -> str:
    return "" if name == "index" else f"{name}/"
