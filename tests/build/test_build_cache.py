"""One benchmark run (tests/bench.py): each snippet module runs once per build, not once per
language; results are cached by content; the baseline runs nothing; pages stay light."""

import re

import nbformat
from bench import EDIT, LIMIT, table, weigh
from conftest import DOCS, SNIPPETS
from notebook_runs import code_cells
from visit import Visit

MODULES = sorted(p.name for p in SNIPPETS.glob("*.py"))
RAN = re.compile(r"Running snippets/(\w+\.py)")
# The benchmark's edit where it shows: a notebook's source line, a highlighted code line, a line
# of the search index's text (with its JSON-escaped newline)
_EDIT = re.escape(EDIT.encode())
EDIT_SHOWN = re.compile(rb' *"%s\\n",\n|(<span class="c1">)?%s(</span>)?(\n|\\n)' % (_EDIT, _EDIT))


def files_of(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_cold_build_runs_every_module_exactly_once(bench_run):
    _, logs, _ = bench_run
    assert sorted(RAN.findall(logs["cold"])) == MODULES
    assert logs["cold"].count("Cache miss, writing") == 2  # the notebook, in two languages
    # its code is executed once: the second language takes the first one's outputs
    cells = code_cells(nbformat.read(DOCS / "autograd.ipynb", as_version=4))
    reused = f"Reusing the outputs of {len(cells)} code cells executed in this build"
    assert logs["cold"].count(reused) == 1
    assert logs["cold"].count("Kernel is running over TCP") == 1  # one kernel started


def test_warm_build_runs_nothing_and_writes_the_same_site(bench_run):
    times, logs, work = bench_run
    assert RAN.findall(logs["warm"]) == []
    assert "Cache miss" not in logs["warm"] and "Evicted" not in logs["warm"]
    # every page's search entries come from the cache: jieba's dictionary is never loaded
    assert "Prefix dict has been built" in logs["cold"]
    assert "Prefix dict has been built" not in logs["warm"]
    cold, warm = files_of(work / "cold"), files_of(work / "warm")
    assert cold.keys() == warm.keys()
    assert [p for p in cold if cold[p] != warm[p]] == []
    assert times["warm"] < times["cold"]


def test_an_edited_module_runs_again_alone(bench_run):
    _, logs, _ = bench_run
    assert RAN.findall(logs["edit"]) == ["activation.py"]


def test_a_build_elsewhere_differs_only_by_the_edit(bench_run):
    """Reproducible: the edit build is of another checkout path, on a copy of the cache, into
    another site folder, a while after the cold one. Every file is the cold build's, byte for
    byte, once the edited line is taken out where it shows (page, download, search index):
    the module it ran again printed and drew what the cold build's run did.
    """
    work = bench_run[2]
    cold, edit = files_of(work / "cold"), files_of(work / "edit")
    assert cold.keys() == edit.keys()
    changed = [p for p in cold if cold[p] != edit[p]]
    assert len(changed) == 7, changed  # 2 pages, 3 downloads, 2 search indexes
    assert [p for p in changed if EDIT_SHOWN.sub(b"", edit[p]) != cold[p]] == []


def test_baseline_runs_no_code(bench_run):
    _, logs, work = bench_run
    assert RAN.findall(logs["baseline"]) == []
    assert "Converting notebook (execute=False)" in logs["baseline"]
    html = (work / "baseline" / "activation" / "index.html").read_text(encoding="utf-8")
    assert 'class="output' not in html
    assert 'class="katex"' not in html and '<span class="arithmatex">\\(' in html
    notebook = (work / "baseline" / "autograd" / "index.html").read_text(encoding="utf-8")
    assert "['pre {" in notebook  # mkdocs-jupyter's page as it wrote it
    assert not (work / "baseline" / "downloads").exists()  # none of the build's steps ran


def test_benchmark_weighs_first_views(browser, tab, base_url, site):
    """The benchmark's page weights, a fresh browser context per page; the browser tests' one
    tab, its cache off, downloads the same on each visit (they check every page against LIMIT)."""
    weights = weigh(browser, base_url, site, ["autograd/"])
    assert list(weights) == ["autograd/"]
    for raw, sent in weights.values():
        assert 0 < sent < raw and sent <= LIMIT  # gzip shrinks what it is given
    for path in ("autograd/", "autograd/"):  # the second visit of a page is a first view too
        visit = Visit(tab, base_url, path)
        shared = visit.weight()
        visit.close()
        assert shared == weights[path][1], path


def test_benchmark_table_reports_every_measure(bench_run):
    times = bench_run[0]
    rows = table([times, times]).splitlines()[2:]
    measures = ["cold", "warm", "baseline", "edit", "warm / baseline", "cold / baseline"]
    assert [row.split(" | ")[0].lstrip("| ") for row in rows] == measures
    assert rows[4].endswith(f"| {times['warm / baseline']:.2f}× | 0.00× | 2 |")
