"""The project's layout rules: page = snippet module = test module, every section shown once."""

import ast
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tomllib

import matplotlib.pyplot as plt
import pytest
import yaml
from conftest import DOCS, LANGUAGES, ROOT, SNIPPETS, page_source, pages
from fences import SnippetFenceParser
from matplotlib.figure import Figure
from runner import parse_sections

INCLUDE = re.compile(r'--8<-- "(\w+)\.py:(\w+)"')
FIGURE = re.compile(r"\]\(figures/(\w+)/(\w+)\.svg\)")
MODULES = sorted(p.stem for p in SNIPPETS.glob("*.py"))


def untranslated(docs) -> list[str]:
    """Pages of `docs` that exist in one language only."""
    en = {p.name.replace(".en.", ".") for p in docs.glob("*.en.*")}
    zh = {p.name for p in docs.iterdir() if p.suffix in (".md", ".ipynb") and ".en." not in p.name}
    return sorted(zh ^ en)


def test_every_page_exists_in_both_languages():
    assert untranslated(DOCS) == [], "pages without a translation"


@pytest.mark.parametrize("name", pages())
def test_every_page_has_a_test_module(name):
    path = ROOT / "tests" / "pages" / f"test_{name}.py"
    assert path.exists(), f"tests/pages/test_{name}.py is missing"


@pytest.mark.parametrize("module", MODULES)
def test_every_snippet_module_has_its_pages(module):
    for lang in ("zh", "en"):
        assert page_source(module, lang).suffix == ".md"


@pytest.mark.parametrize("name", pages())
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_include_only_their_own_module(name, lang):
    text = page_source(name, lang).read_text(encoding="utf-8")
    others = {m for m, _ in INCLUDE.findall(text)} - {name}
    assert not others, f"{page_source(name, lang).name} includes sections of {sorted(others)}"


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_section_shown_once_in_module_order(module, lang):
    page = page_source(module, lang)
    included = [s for m, s in INCLUDE.findall(page.read_text(encoding="utf-8")) if m == module]
    defined = [s.name for s in parse_sections(SNIPPETS / f"{module}.py")]
    assert included == defined, (
        f"{page.name} must include every section of snippets/{module}.py once, in order.\n"
        f"  missing: {[s for s in defined if s not in included]}\n"
        f"  page order: {included}"
    )


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_figure_function_is_shown(module, lang):
    page = page_source(module, lang)
    shown = {(m, n) for m, n in FIGURE.findall(page.read_text(encoding="utf-8"))}
    source = (SNIPPETS / f"{module}.py").read_text(encoding="utf-8")
    defined = {(module, n) for n in re.findall(r"^def figure_(\w+)\(", source, re.MULTILINE)}
    assert shown == defined, (
        f"{page.name}: figures shown {sorted(shown)}, defined {sorted(defined)}"
    )


@pytest.mark.parametrize(
    "command", [["check", "."], ["format", "--check", "."]], ids=["lint", "format"]
)
def test_ruff(command):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff_outside_a_git_checkout_skips_what_builds_write(tmp_path, command):
    """A source tarball has no .gitignore in force: ruff's own config leaves site/ and .cache/."""
    for folder in ("docs", "snippets", "tests"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    for written in ("site/downloads", ".cache/x"):
        (tmp_path / written).mkdir(parents=True)
        (tmp_path / written / "script.py").write_text("import os,sys\nx  =  ( 1 )\n")
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_term_list_is_one_to_one():
    terms = yaml.safe_load((DOCS / ".terms.yml").read_text(encoding="utf-8"))
    keys = {"zh", "en", "notes", "see", "match", "hover"}
    assert all(set(t) <= keys and t["zh"] and t["en"] for t in terms)
    assert all(set(t.get("match", {})) <= {"zh", "en"} for t in terms)
    english = [t["en"] for t in terms]
    assert english == sorted(english, key=str.lower), "keep the term list sorted by English term"
    assert len(set(english)) == len(english)
    assert len({t["zh"] for t in terms}) == len(terms)


@pytest.mark.parametrize("name", [n for n in pages() if page_source(n, "zh").suffix == ".md"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pytest_collects_every_included_fence(name, lang):
    """Fences inside admonitions and tabs are indented; they must not be skipped."""
    page = page_source(name, lang)
    text = page.read_text(encoding="utf-8")
    assert len(SnippetFenceParser().parse(text)) == len(INCLUDE.findall(text))


@pytest.mark.parametrize("first", ["", "import torch; torch.set_num_threads(2); "])
def test_snippets_run_on_one_thread_whatever_the_environment(tmp_path, first):
    """Float sums add up in one order on every machine (docs/.hooks/runner.py), even when
    torch was loaded before the runner."""
    module = tmp_path / "threads.py"
    body = "import torch\nprint(torch.get_num_threads(), end='')\n"
    module.write_text(f"# --8<-- [start:a]\n{body}# --8<-- [end:a]\n", encoding="utf-8")
    run = f"runner.run_module(pathlib.Path({str(module)!r})).outputs['a']"
    code = f"{first}import pathlib, runner; print({run}, end='')"
    env = {**os.environ, "OMP_NUM_THREADS": "2", "PYTHONPATH": str(DOCS / ".hooks")}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.stdout == "1", result.stderr


@pytest.mark.parametrize("module", MODULES)
def test_figure_functions_draw_something_on_every_axes(run, module):
    for name, function in run(module).namespace.items():
        if name.startswith("figure_") and callable(function):
            figure = function()
            assert isinstance(figure, Figure), f"{module}.{name}() returned {type(figure)}"
            for ax in figure.axes:
                drawn = ax.lines or ax.patches or ax.images or ax.collections or ax.texts
                assert drawn, f"{module}.{name}(): an empty axes"
            plt.close(figure)


def test_the_build_declares_what_it_imports():
    """Every distribution the build code imports (at any depth of docs/.hooks/) is pinned in
    pyproject.toml, not left to arrive with another package."""
    hooks = sorted((DOCS / ".hooks").glob("*.py"))
    own = {p.stem for p in hooks}
    names = set()
    for path in hooks:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module.split(".")[0])
    third_party = names - own - set(sys.stdlib_module_names) - {"__future__"}
    owners = importlib.metadata.packages_distributions()
    wanted = {owners[name][0].lower().replace("_", "-") for name in third_party}
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pinned = {re.split(r"[=<>]", d)[0].lower() for d in config["project"]["dependencies"]}
    assert {"nbformat", "pyyaml", "cycler", "mini-racer", "jieba"} <= wanted
    assert wanted - pinned == set()


def test_the_build_names_no_language():
    """The languages are mkdocs.yml's: no step of the build spells one out."""
    codes = {each["locale"] for each in LANGUAGES}
    for path in sorted((DOCS / ".hooks").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert node.value not in codes, f"{path.name}:{node.lineno}: {node.value!r}"
