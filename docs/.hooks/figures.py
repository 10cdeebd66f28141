"""Draw every `figure_<name>()` of a snippet module's run as SVG, in a light and a dark variant.

The SVGs are generated files (never written into docs/); a page shows both variants, which
Material shows by colour scheme (`#only-light`, `#only-dark`).

A figure is drawn once, in the light style; its dark variant is that SVG with each colour of
the light style replaced by the dark style's colour for the same role. That is what the dark
style draws, but for the ids of markers (tests/build/test_site.py compares every figure), at half
the cost: drawing was 8.5 s of a cold build. A figure function may use the style's colours
(`C0`…, the text and axes colours) and colours that stay the same in both, such as grey.
"""

from __future__ import annotations

import io
import re

from cycler import cycler
from runner import Run

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
# Coordinates to 1/100 px: matplotlib writes six decimals, which only make the file bigger.
# Numbers below 1 (scale factors of glyphs, opacities) keep every digit.
PRECISION = re.compile(rb"(?<![\d.])([1-9]\d*\.\d\d)\d+")


# Draw each figure function a module's run defined, in both schemes: {uri: SVG}.
def draw(run: Run) -> dict[str, str]:
    rendered = {}
    for name, function in sorted(run.namespace.items()):
        if not (name.startswith("figure_") and callable(function)):
            continue
        light = render(function, "light", f"{run.path}: {name}()")
        stem = name.removeprefix("figure_")
        rendered[uri(run.path.stem, stem, "light")] = light.decode()
        rendered[uri(run.path.stem, stem, "dark")] = recolour(light).decode()
    return rendered


def recolour(light: bytes) -> bytes:
    """The light SVG in the dark style's colours."""
    return LIGHT_COLOUR.sub(lambda m: TO_DARK[m[0].decode()].encode(), light)


def uri(module: str, name: str, scheme: str) -> str:
    return f"figures/{module}/{name}.{scheme}.svg"


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
