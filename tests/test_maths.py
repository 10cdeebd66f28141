"""Every formula on the site parses with the site's KaTeX: checked here, not only in a browser."""

import html
import json
import re
import shutil
import subprocess

import pytest
from conftest import ROOT, page_source, page_url, pages

ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.DOTALL)
DOLLARS = re.compile(r"(?<![\\$])(\$\$?)(.+?)(?<!\\)\1", re.DOTALL)


def katex_errors(formulas: list[tuple[str, str, bool]]) -> list[list[str]]:
    node = shutil.which("node")
    assert node, "node is missing: apt-get install nodejs"
    result = subprocess.run(
        [node, str(ROOT / "tests" / "katex_check.js")],
        input=json.dumps(formulas),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def formulas_of_page(site, name: str, lang: str) -> list[tuple[str, str, bool]]:
    source = page_source(name, lang)
    if source.suffix == ".ipynb":
        cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
        found = []
        for cell in (c for c in cells if c["cell_type"] == "markdown"):
            text = re.sub(r"`[^`]*`", "", "".join(cell["source"]))
            for fence, tex in DOLLARS.findall(text):
                found.append((f"docs/{source.name}: cell {cell['id']}", tex, fence == "$$"))
        return found
    text = source.read_text(encoding="utf-8")
    page_html = (site / page_url(name, lang) / "index.html").read_text(encoding="utf-8")
    found = []
    for tag, body in ARITHMATEX.findall(page_html):
        tex = html.unescape(body).strip()
        tex = tex[2:-2] if tex[:2] in ("\\(", "\\[") else tex
        first = tex.strip().splitlines()[0].strip() if tex.strip() else tex
        line = next((i for i, s in enumerate(text.splitlines(), 1) if first in s), "?")
        found.append((f"docs/{source.name}:{line}", tex, tag == "div"))
    return found


@pytest.fixture(scope="module")
def formulas(site):
    return [
        f for name in pages() for lang in ("zh", "en") for f in formulas_of_page(site, name, lang)
    ]


def test_every_formula_renders(formulas):
    assert len(formulas) > 300
    errors = katex_errors(formulas)
    assert not errors, "\n".join(f"{where}: {message}" for where, _, message in errors)


def test_a_bad_formula_is_reported_with_its_place():
    errors = katex_errors([("docs/x.md:3", r"\frac{1}{", False), ("docs/x.md:4", r"x^2", False)])
    assert [(where, tex) for where, tex, _ in errors] == [("docs/x.md:3", r"\frac{1}{")]
    assert "KaTeX parse error" in errors[0][2]
