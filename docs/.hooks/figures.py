"""Draw every `figure_<name>()` of the snippet modules as SVG, in a light and a dark variant.

The SVGs are generated files (never written into docs/). A page shows a figure with
`![alt](figures/<module>/<name>.svg)`; this hook turns that into the two variants,
which Material shows by colour scheme (`#only-light`, `#only-dark`).

A figure is drawn once, in the light style; its dark variant is that SVG with each colour of
the light style replaced by the dark style's colour for the same role. That is what the dark
style draws, but for the ids of markers (tests/test_site.py compares every figure), at half
the cost: drawing was 8.5 s of a cold build. A figure function may use the style's colours
(`C0`…, the text and axes colours) and colours that stay the same in both, such as grey.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import cache
from cycler import cycler
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from runner import SnippetError, cached_run, snippet_dir
from runner import __file__ as RUNNER

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
        "legend.facecolor": "#ffffff",
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


def _colours(scheme: str) -> list[str]:
    style = SCHEMES[scheme]
    cycle = style["axes.prop_cycle"].by_key()["color"]
    return [v for k, v in style.items() if k != "axes.prop_cycle"] + cycle


_PAIRS = list(zip(_colours("light"), _colours("dark"), strict=True))
TO_DARK = dict(_PAIRS)
if len(TO_DARK) != len(set(_PAIRS)):
    raise RuntimeError("figures.SCHEMES: one light colour has two dark ones")
# A colour as matplotlib writes it (lowercase #rrggbb); ids are a letter and hex digits.
LIGHT_COLOUR = re.compile("|".join(TO_DARK).encode() + rb"(?![0-9a-f])")
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
        light = render(function, "light", f"{module}: {name}()")
        stem = name.removeprefix("figure_")
        rendered[_uri(module, stem, "light")] = light
        rendered[_uri(module, stem, "dark")] = recolour(light)
    return rendered


def recolour(light: bytes) -> bytes:
    """The light SVG in the dark style's colours."""
    return LIGHT_COLOUR.sub(lambda m: TO_DARK[m[0].decode()].encode(), light)


def _uri(module: Path, name: str, scheme: str) -> str:
    return f"figures/{module.stem}/{name}.{scheme}.svg"


# Call a figure function under a scheme's style and return byte-stable SVG.
def render(function, scheme: str, where: str) -> bytes:
    import matplotlib.pyplot as plt  # here: a build that draws nothing does not load it
    from matplotlib.figure import Figure

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
