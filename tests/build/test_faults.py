"""Faults fail loudly: plant one (in a temporary module or a copy of the project) and the build
or the runner stops with a message that names the file and the line."""

import re
import shutil

import figures
import nbformat
import pytest
import runner
import test_layout as layout
import test_notebooks as notebooks  # a module: its tests are not collected here
import test_site as site_tests
from bench import build, copy_project
from nbclient.exceptions import CellExecutionError
from notebook_runs import code_cells, executed
from test_layout import untranslated
from test_parity import differences


def module(tmp_path, body: str):
    path = tmp_path / "planted.py"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_raising_section_names_file_and_line(tmp_path):
    path = module(tmp_path, "# --8<-- [start:a]\nx = 1\ny = x / 0\n# --8<-- [end:a]\n")
    with pytest.raises(
        runner.SnippetError, match=rf"{path}:3: section 'a' raised ZeroDivisionError"
    ):
        runner.run_module(path)


def test_a_hanging_section_times_out(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "TIMEOUT", 0.5)
    body = (
        "# --8<-- [start:spin]\ntry:\n    while True:\n        pass\nexcept Exception:\n    pass\n"
    )
    path = module(tmp_path, body + "# --8<-- [end:spin]\n")
    with pytest.raises(
        runner.SnippetError, match=rf"{path}:2: section 'spin' ran longer than 0.5 s"
    ):
        runner.run_module(path)


def test_a_section_that_should_raise_but_does_not(tmp_path):
    path = module(tmp_path, "# --8<-- [start:a]\n# raises: KeyError\nx = 1\n# --8<-- [end:a]\n")
    with pytest.raises(runner.SnippetError, match=rf"{path}:2: section 'a' should raise KeyError"):
        runner.run_module(path)


def test_an_unexpected_warning_is_an_error(tmp_path):
    body = "# --8<-- [start:a]\nimport warnings\nwarnings.warn('careful')\n# --8<-- [end:a]\n"
    with pytest.raises(runner.SnippetError, match=r"section 'a' warned UserWarning: careful"):
        runner.run_module(module(tmp_path, body))


def test_code_outside_a_section(tmp_path):
    path = module(tmp_path, "x = 1\n")
    with pytest.raises(runner.SnippetError, match=rf"{path}:1: code outside any section"):
        runner.parse_sections(path)


@pytest.mark.parametrize(
    ("function", "message"),
    [
        (lambda: 1 / 0, "raised ZeroDivisionError"),
        (lambda: None, "returned NoneType, not a Figure"),
    ],
)
def test_a_figure_function_that_fails_is_named(function, message):
    with pytest.raises(RuntimeError, match=rf"snippets/x.py: figure_y\(\) {message}"):
        figures.render(function, "light", "snippets/x.py: figure_y()")


@pytest.fixture
def project(tmp_path, build_cache):
    """A copy of the project and of the benchmark's warm cache, to plant faults in."""
    shutil.copytree(build_cache, tmp_path / "cache")
    return copy_project(tmp_path / "project")


def planted_build(project, **env) -> str:
    result = build(project, project.parent / "site", project.parent / "cache", **env)
    assert result.returncode != 0, "the build should have failed"
    return result.stdout + result.stderr


def test_build_names_the_snippet_line_and_its_pages(project):
    path = project / "snippets" / "dropout.py"
    text = path.read_text(encoding="utf-8")
    marker = text.index("\n", text.index("# --8<-- [start:")) + 1
    path.write_text(text[:marker] + "1 / 0\n" + text[marker:], encoding="utf-8")
    line = text[:marker].count("\n") + 1
    log = planted_build(project)
    assert re.search(rf"snippets/dropout\.py:{line}: section '\w+' raised ZeroDivisionError", log)
    assert "included by docs/dropout.md, docs/dropout.en.md" in log


def test_build_fails_on_a_missing_section_and_names_the_page(project):
    # a zh page: the build stops before the en pages (the fault of an en page is a later test's)
    page = project / "docs" / "softmax.md"
    page.write_text(
        page.read_text(encoding="utf-8") + '\n```python\n--8<-- "softmax.py:nope"\n```\n'
    )
    log = planted_build(project)
    assert re.search(r"docs/softmax\.md:\d+: snippets/softmax\.py has no section 'nope'", log)


def test_build_fails_on_a_bad_formula_and_names_its_line(project):
    page = project / "docs" / "softmax.md"  # a zh page: the build stops before the en pages
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\nSo $\\frac{1}{$ is wrong.\n", encoding="utf-8")
    line = text.count("\n") + 2
    log = planted_build(project)
    assert f"docs/softmax.md:{line}: ParseError: KaTeX parse error" in log


def test_build_fails_on_a_broken_anchor_in_either_language(project):
    page = project / "docs" / "cnn.en.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\nSee [here](convolution.md#no-such-anchor).\n"
    )
    log = planted_build(project)
    assert "cnn.en.md" in log and "no-such-anchor" in log


def test_a_figure_colour_the_style_does_not_set_is_found():
    """A colour chosen by hand for each scheme is not in the recolouring: the comparison of
    tests/build/test_site.py sees the dark figure come out in the light colour."""

    def figure_hand_coloured():
        import matplotlib.pyplot as plt

        figure, ax = plt.subplots(figsize=(2, 1))
        light = plt.rcParams["text.color"] == figures.SCHEMES["light"]["text.color"]
        ax.plot([0, 1], color="black" if light else "white")
        return figure

    recoloured = figures.recolour(figures.render(figure_hand_coloured, "light", "hand"))
    assert site_tests.with_numbered_ids(recoloured) != site_tests.dark_drawn(figure_hand_coloured)


def test_a_page_in_one_language_only(tmp_path):
    (tmp_path / "a.md").write_text("# A\n")
    (tmp_path / "b.md").write_text("# B\n")
    (tmp_path / "b.en.md").write_text("# B\n")
    assert untranslated(tmp_path) == ["a.md"]


def test_languages_that_differ_are_named():
    zh = "## 饱和 { #saturation }\n\n![x](figures/a/b.svg)\n\n$$\nx\n$$\n"
    en = "## Saturation { #saturated }\n\n$$\nx\n$$\n"
    found = differences(zh, en)
    assert [line.split(" differ")[0] for line in found] == ["anchors", "figures"]


def test_a_notebook_stored_with_outputs_fails(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    notebook.cells[0].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"})]
    nbformat.write(notebook, tmp_path / "x.ipynb")
    with pytest.raises(AssertionError, match="x.ipynb: cell .* is stored with outputs"):
        notebooks.test_stored_without_outputs(tmp_path / "x.ipynb")


def test_a_notebook_cell_that_raises_untagged_fails(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")])
    nbformat.write(notebook, tmp_path / "y.ipynb")
    # nbclient, as the build runs it, stops at the untagged cell and shows it
    with pytest.raises(CellExecutionError, match=r"(?s)1 / 0.*ZeroDivisionError"):
        notebooks.test_executes_and_only_tagged_cells_raise(tmp_path / "y.ipynb")


def test_a_notebook_that_leans_on_an_earlier_one_fails(tmp_path):
    """The test kernel serves every notebook, but each starts with no names defined."""
    for name, code in (("first", "x = 1"), ("second", "print(x)")):
        cells = [nbformat.v4.new_code_cell(code)]
        nbformat.write(nbformat.v4.new_notebook(cells=cells), tmp_path / f"{name}.ipynb")
    assert code_cells(executed(tmp_path / "first.ipynb"))[0].outputs == []
    with pytest.raises(CellExecutionError, match=r"(?s)print\(x\).*name 'x' is not defined"):
        executed(tmp_path / "second.ipynb")


def test_a_section_no_page_shows_fails(monkeypatch, tmp_path):
    (tmp_path / "m.py").write_text("# --8<-- [start:a]\nx = 1\n# --8<-- [end:a]\n")
    (tmp_path / "m.md").write_text("# M\n")
    monkeypatch.setattr(layout, "SNIPPETS", tmp_path)
    monkeypatch.setattr(layout, "page_source", lambda name, lang: tmp_path / "m.md")
    with pytest.raises(AssertionError, match=r"missing: \['a'\]"):
        layout.test_every_section_shown_once_in_module_order("m", "zh")


def test_build_stops_a_hanging_snippet_and_names_it(project):
    path = project / "snippets" / "rnn.py"
    text = path.read_text(encoding="utf-8")
    marker = text.index("\n", text.index("# --8<-- [start:")) + 1
    path.write_text(text[:marker] + "while True:\n    pass\n" + text[marker:], encoding="utf-8")
    # the planted loop starts the first section; only rnn.py runs (the cache holds the rest)
    log = planted_build(project, NOTES_SNIPPET_TIMEOUT="1")
    assert re.search(r"snippets/rnn\.py:\d+: section '\w+' ran longer than 1 s", log)
    assert "included by docs/rnn.md, docs/rnn.en.md" in log


def test_build_fails_on_a_missing_snippet_file_and_names_the_page(project):
    page = project / "docs" / "rnn.md"
    page.write_text(page.read_text(encoding="utf-8") + '\n```python\n--8<-- "gone.py:x"\n```\n')
    log = planted_build(project)
    assert re.search(r"docs/rnn\.md:\d+: no snippets/gone\.py", log)
