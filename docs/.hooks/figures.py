"""Draw every `figure_<name>()` of the snippet modules as SVG, in a light and a dark variant.

The SVGs are generated files (never written into docs/). A page shows a figure with
`![alt](figures/<module>/<name>.svg)`; this hook turns that into the two variants,
which Material shows by colour scheme (`#only-light`, `#only-dark`).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import cache
import matplotlib
import matplotlib.pyplot as plt
from cycler import cycler
from matplotlib.figure import Figure
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from runner import SnippetError, cached_run, snippet_dir
from runner import __file__ as RUNNER

matplotlib.use("Agg")

COMMON = {
    "svg.hashsalt": "pytorch-study-notes",
    "svg.fonttype": "path",
    "figure.dpi": 100,
    "figure.facecolor": "none",
    "axes.facecolor": "none",
    "savefig.transparent": True,
    "font.size": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
# Colour-blind-safe palettes (Okabe–Ito), a darker and a brighter set.
SCHEMES = {
    "light": {
        "text.color": "#1f2328",
        "axes.labelcolor": "#1f2328",
        "axes.edgecolor": "#57606a",
        "xtick.color": "#57606a",
        "ytick.color": "#57606a",
        "grid.color": "#d0d7de",
        "legend.facecolor": "white",
        "legend.edgecolor": "#d0d7de",
        "axes.prop_cycle": cycler(
            color=["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"]
        ),
    },
    "dark": {
        "text.color": "#e2e4e9",
        "axes.labelcolor": "#e2e4e9",
        "axes.edgecolor": "#9aa0ab",
        "xtick.color": "#9aa0ab",
        "ytick.color": "#9aa0ab",
        "grid.color": "#3d4250",
        "legend.facecolor": "#1e2129",
        "legend.edgecolor": "#3d4250",
        "axes.prop_cycle": cycler(
            color=["#56b4e9", "#ff8c42", "#3ddc97", "#f0a3d0", "#f0e442", "#a0c4ff"]
        ),
    },
}
IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(figures/(?P<module>\w+)/(?P<name>\w+)\.svg\)")
DEFINITION = re.compile(r"^def figure_(\w+)\(", re.MULTILINE)
# Coordinates to 1/100 px: matplotlib writes six decimals, which only make the file bigger.
# Numbers below 1 (scale factors of glyphs, opacities) keep every digit.
PRECISION = re.compile(rb"(?<![\d.])([1-9]\d*\.\d\d)\d+")
PLACEHOLDER = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'


# Add one generated SVG per figure function and scheme (after i18n, which crashes on them).
@event_priority(-200)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    for module in sorted(snippet_dir(config).glob("*.py")):
        try:
            rendered = render_module(module, config)
        except SnippetError as error:
            pages = f"docs/{module.stem}.md, docs/{module.stem}.en.md"
            raise SnippetError(f"{error}\n  included by {pages}") from error
        for uri, svg in rendered.items():
            files.append(File.generated(config, uri, content=svg))
    return files


# Replace each figure image with its light and dark variants.
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    def variants(match: re.Match) -> str:
        stem = f"figures/{match['module']}/{match['name']}"
        if files.get_file_from_path(f"{stem}.light.svg") is None:
            line = markdown.count("\n", 0, match.start()) + 1
            raise RuntimeError(
                f"docs/{page.file.src_uri}:{line}: no figure function "
                f"figure_{match['name']}() in snippets/{match['module']}.py"
            )
        alt = match["alt"]
        # lazy: the variant that is not shown (display: none) is then not downloaded at all
        return (
            f"![{alt}]({stem}.light.svg#only-light){{ loading=lazy }} "
            f"![{alt}]({stem}.dark.svg#only-dark){{ loading=lazy }}"
        )

    return IMAGE.sub(variants, markdown)


# Every figure of one snippet module in both schemes: from the disk cache when building.
def render_module(module: Path, config: MkDocsConfig | None = None) -> dict[str, bytes]:
    if cache.BASELINE:
        names = DEFINITION.findall(module.read_text(encoding="utf-8"))
        return {_uri(module, n, s): PLACEHOLDER for n in names for s in SCHEMES}
    if config is None:
        return draw_module(module)
    key = cache.key(module, Path(RUNNER), Path(__file__))
    svgs = cache.cached(
        config,
        "figures",
        module.stem,
        key,
        lambda: {uri: svg.decode() for uri, svg in draw_module(module).items()},
    )
    return {uri: svg.encode() for uri, svg in svgs.items()}


# Run the module (once per process) and draw each of its figure functions in both schemes.
def draw_module(module: Path) -> dict[str, bytes]:
    run = cached_run(module)
    rendered = {}
    for name, function in sorted(run.namespace.items()):
        if not (name.startswith("figure_") and callable(function)):
            continue
        for scheme in SCHEMES:
            where = f"{module}: {name}()"
            rendered[_uri(module, name.removeprefix("figure_"), scheme)] = render(
                function, scheme, where
            )
    return rendered


def _uri(module: Path, name: str, scheme: str) -> str:
    return f"figures/{module.stem}/{name}.{scheme}.svg"


# Call a figure function under a scheme's style and return byte-stable SVG.
def render(function, scheme: str, where: str) -> bytes:
    with plt.rc_context({**COMMON, **SCHEMES[scheme]}):
        try:
            figure = function()
        except Exception as error:
            raise RuntimeError(f"{where} raised {type(error).__name__}: {error}") from error
        if not isinstance(figure, Figure):
            raise RuntimeError(f"{where} returned {type(figure).__name__}, not a Figure")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
        plt.close(figure)
    return PRECISION.sub(rb"\1", buffer.getvalue())
