"""Downloads: each page's code as a script and as a notebook; both run, as the page does."""

import contextlib
import io
import re
from importlib.metadata import version

import nbformat
import pytest
from conftest import SNIPPETS, page_source, page_url
from notebook_runs import code_cells, executed, text_of

MODULE_PAGES = sorted(
    p.stem for p in SNIPPETS.glob("*.py") if page_source(p.stem, "zh").suffix == ".md"
)
PINS = " ".join(f"{n}=={version(n).split('+')[0]}" for n in ("torch", "numpy", "matplotlib"))


def notebook_name(name: str, lang: str) -> str:
    return f"{name}.ipynb" if lang == "zh" else f"{name}.{lang}.ipynb"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", MODULE_PAGES)
def test_page_links_to_its_downloads(site, name, lang):
    html = (site / page_url(name, lang) / "index.html").read_text(encoding="utf-8")
    for file, saved_as in (
        (f"{name}.py", f"{name}.py"),
        (notebook_name(name, lang), f"{name}.ipynb"),
    ):
        link = re.search(
            rf'<a class="md-button" download="{re.escape(saved_as)}" href="([^"]+)"', html
        )
        assert link, f"{page_url(name, lang)}: no download button for {saved_as}"
        target = (site / page_url(name, lang) / link[1]).resolve()
        assert target == (site / "downloads" / file).resolve() and target.stat().st_size > 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_notebook_page_offers_its_own_source(site, lang):
    source = "autograd.ipynb" if lang == "zh" else "autograd.en.ipynb"
    html = (site / page_url("autograd", lang) / "index.html").read_text(encoding="utf-8")
    assert f'<a class="md-button" download="{source}" href="{source}">' in html
    assert nbformat.reads((site / page_url("autograd", lang) / source).read_text(), as_version=4)


@pytest.mark.parametrize("name", MODULE_PAGES)
def test_script_prints_what_the_page_shows(site, run, name):
    """Run again, in this process, the module's code prints what its first run printed: the
    snippets are deterministic (tests/build/test_build_cache.py: and in another process)."""
    path = site / "downloads" / f"{name}.py"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), {"__name__": "__main__"})
    assert out.getvalue() == "".join(run(name).outputs.values())
    assert f"pip install {PINS}" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", MODULE_PAGES)
def test_notebooks_hold_the_page_in_cells(site, run, name):
    zh, en = (
        nbformat.read(site / "downloads" / notebook_name(name, lang), as_version=4)
        for lang in ("zh", "en")
    )
    # the same code and tags in both languages: running one of them runs both
    assert [(c.source, c.metadata) for c in code_cells(zh)] == [
        (c.source, c.metadata) for c in code_cells(en)
    ]
    assert code_cells(zh)[0].source == f"%pip install {PINS}"
    sections = run(name).sections
    shown = [c for c in code_cells(zh)[1:] if not re.fullmatch(r"figure_\w+\(\);", c.source)]
    assert len(shown) == len(sections)
    for cell, section in zip(shown, sections, strict=True):
        raises = bool(section.expect and section.expect[0] == "raises")
        assert ("raises-exception" in cell.metadata.get("tags", [])) == raises
    for notebook in (zh, en):
        prose = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
        for leftover in ("--8<--", "!!! ", "??? ", "{ #", "](figures/", ".md)", ".md#"):
            assert leftover not in prose, f"{name}: {leftover!r} left in a Markdown cell"


@pytest.mark.parametrize("name", MODULE_PAGES)
def test_notebook_runs_and_draws_its_figures(site, tmp_path, name):
    """The zh notebook; the en one holds the same code cells (test above)."""
    notebook = nbformat.read(site / "downloads" / notebook_name(name, "zh"), as_version=4)
    notebook.cells = [c for c in notebook.cells if not c.source.startswith("%pip install")]
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(notebook, path)
    cells = code_cells(executed(path))
    for cell in cells:
        raised = any(o.output_type == "error" for o in cell.outputs)
        assert raised == ("raises-exception" in cell.metadata.get("tags", [])), text_of(cell)
    figures = [c for c in cells if re.fullmatch(r"figure_\w+\(\);", c.source)]
    for cell in figures:
        assert [o.output_type for o in cell.outputs] == ["display_data"], cell.source
        assert "image/png" in cell.outputs[0].data
