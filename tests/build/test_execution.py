"""The snippet step (docs/.hooks/execution.py): each module runs once, in a worker process of its
own, side by side with the others, into one cached result of outputs and figures."""

import re
from types import SimpleNamespace

import cache
import execution
import pytest
import runner


def project(tmp_path, modules: dict[str, str]) -> SimpleNamespace:
    """A project with these snippet modules (name: the body of its one section) and a page each."""
    (tmp_path / "snippets").mkdir(exist_ok=True)
    (tmp_path / "docs").mkdir(exist_ok=True)
    for name, body in modules.items():
        code = f"# --8<-- [start:main]\n{body}\n# --8<-- [end:main]\n"
        (tmp_path / "snippets" / f"{name}.py").write_text(code, encoding="utf-8")
        page = f'# {name}\n\n```python\n--8<-- "{name}.py:main"\n```\n'
        (tmp_path / "docs" / f"{name}.md").write_text(page, encoding="utf-8")
    return SimpleNamespace(
        docs_dir=str(tmp_path / "docs"),
        config_file_path=str(tmp_path / "mkdocs.yml"),
        mdx_configs={"pymdownx.snippets": {"base_path": ["snippets"]}},
    )


@pytest.fixture
def build(tmp_path, monkeypatch):
    """Run the step as a build would: start every module, then ask for each result."""
    monkeypatch.setenv("NOTES_CACHE_DIR", str(tmp_path / "cache"))

    def results(modules: dict[str, str]) -> dict[str, dict]:
        config = project(tmp_path, modules)
        execution.start(config)
        base = runner.snippet_dir(config)
        return {name: execution.result(base / f"{name}.py", config) for name in modules}

    yield results
    execution.stop()
    cache._MEMORY.clear()


NUMBERS = re.compile(r"[\d.]+")
OWN = (
    "import os, time\nstart = time.time()\ntime.sleep(1.5)\nprint(os.getpid(), start, time.time())"
)


def test_each_module_runs_in_a_process_of_its_own_side_by_side(build):
    found = build({"a": OWN, "b": OWN})
    (pid_a, start_a, end_a), (pid_b, start_b, end_b) = (
        [float(n) for n in NUMBERS.findall(found[m]["outputs"]["main"])] for m in "ab"
    )
    assert len({pid_a, pid_b, execution.os.getpid()}) == 3
    assert start_a < end_b and start_b < end_a, "the two runs overlap in time"


def test_nothing_carries_over_from_one_module_to_the_next(build):
    leak = "import builtins, sys\nbuiltins.leaked = 1\nsys.modules['planted'] = sys"
    look = "import builtins, sys\nprint(hasattr(builtins, 'leaked'), 'planted' in sys.modules)"
    found = build({"a": leak, "b": "import time\ntime.sleep(0.5)\n" + look})
    assert found["b"]["outputs"]["main"] == "False False\n"


def test_a_module_runs_once_and_is_then_read_from_the_cache(build, tmp_path):
    body = "import pathlib\nwith open(pathlib.Path(__file__).with_suffix('.ran'), 'a') as f:\n"
    body += "    f.write('x')\nprint('hello')"
    first = build({"a": body})
    cache._MEMORY.clear()  # another build, in another process: only the disk cache is left
    again = build({"a": body})
    assert first == again and first["a"]["outputs"] == {"main": "hello\n"}
    assert (tmp_path / "snippets" / "a.ran").read_text() == "x"
    [entry] = (tmp_path / "cache" / "runs").glob("a-*.json")  # one entry, under one key


def test_a_failing_section_is_named_with_the_pages_that_include_it(build):
    with pytest.raises(runner.SnippetError, match=r"a\.py:2: section 'main' raised KeyError"):
        build({"a": "{}['x']"})
    try:
        build({"a": "{}['x']"})
    except runner.SnippetError as error:
        assert str(error).endswith("included by docs/a.md")


def test_a_figure_its_source_does_not_define_by_name_fails(build, tmp_path):
    body = "import matplotlib.pyplot as plt\nfigure_hidden = lambda: plt.figure()"
    config = vars(project(tmp_path, {"a": body}))
    config.update(site_dir=str(tmp_path / "site"), use_directory_urls=True)
    execution.add_figures([], SimpleNamespace(**config))  # finds no figure function by name
    with pytest.raises(runner.SnippetError, match=r"defined the figure functions \['hidden'\]"):
        build({"a": body})
