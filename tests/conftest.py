"""Shared fixtures: snippet runs, the built site, a local server for it."""

from __future__ import annotations

import fcntl
import functools
import http.server
import json
import os
import re
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import context
import pytest
import yaml
from bench import CHROMIUM, cold_run, one_run
from fences import ChainedRunner, SnippetFenceParser
from pytest_markdown_docs._runners import register_runner
from runner import Run, run_module

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"
MKDOCS = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
LANGUAGES = MKDOCS["plugins"]["i18n"]["languages"]
# the box title of a correction (mkdocs.yml: extra.boxes)
CORRECTION = next(title for title, kind in MKDOCS["extra"]["boxes"].items() if kind == "warning")


def build_config(lang: str) -> SimpleNamespace:
    """What the build's steps read of the config, as mkdocs-static-i18n sets it for a language."""
    words = next(each["extra"]["words"] for each in LANGUAGES if each["locale"] == lang)
    i18n = SimpleNamespace(
        current_language=lang,
        default_language=next(each["locale"] for each in LANGUAGES if each.get("default")),
        build_languages=[each["locale"] for each in LANGUAGES],
        building=False,
    )
    extra = {**MKDOCS["extra"], "words": words}
    return SimpleNamespace(
        docs_dir=str(DOCS), nav=MKDOCS["nav"], extra=extra, plugins={"i18n": i18n}
    )


def page_context(name: str, lang: str) -> context.Context:
    """The context the build gives the page `name` (its source file) in a language."""
    config = build_config(lang)
    page = SimpleNamespace(file=SimpleNamespace(src_uri=name))
    return context.of(page, config)


# pytest-markdown-docs: read pages as the build does (includes expanded, indented fences found).
def pytest_markdown_docs_markdown_it():
    return SnippetFenceParser()


register_runner(default=True)(ChainedRunner)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """Order the tests for two workers (pytest-xdist, `--dist loadgroup`), which take them in turn.

    A page's fences stay together on one worker, in order. One worker starts with the cold
    build every site test reads, while the other runs what needs no site. Then the rest of the
    benchmark's builds start, with the tests that build on its cache beside them.
    """
    for item in items:
        if item.path.suffix == ".md":
            item.add_marker(pytest.mark.xdist_group(item.path.name))
    needs = {item: set(item.fixturenames) for item in items}
    cold = next(
        (i for i in items if "cold_build" in needs[i] and "bench_run" not in needs[i]), None
    )
    bench = next((i for i in items if "bench_run" in needs[i]), None)

    def stage(item) -> int:
        if item is cold:
            return 0
        if "cold_build" not in needs[item]:
            return 1
        if item is bench:
            return 2
        if "build_cache" in needs[item]:
            return 3
        return 4 if "bench_run" in needs[item] else 5

    items.sort(key=stage)


@pytest.fixture(scope="session")
def run():
    """Run a snippet module by name, once per session, with the build's own runner."""
    return lambda name: _run(name)


@functools.cache
def _run(name: str) -> Run:
    return run_module(SNIPPETS / f"{name}.py")


def shared_folder(tmp_path_factory) -> Path:
    """The temporary folder of the whole test run, the same for every pytest-xdist worker."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


def shared(tmp_path_factory, name: str, make):
    """`make()` once per test run, by whichever worker asks first: its JSON result.

    The others wait for it; a RuntimeError it raised fails every test that asked.
    """
    root = shared_folder(tmp_path_factory)
    result = root / f"{name}.json"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not result.exists():
            try:
                value = {"made": make()}
            except RuntimeError as error:
                value = {"error": str(error)}
            result.write_text(json.dumps(value), encoding="utf-8")
    value = json.loads(result.read_text(encoding="utf-8"))
    if "error" in value:
        pytest.fail(value["error"])
    return value["made"]


@pytest.fixture(scope="session")
def bench_folder(tmp_path_factory) -> Path:
    """Where the benchmark's builds go, one site folder per build."""
    folder = shared_folder(tmp_path_factory) / "bench"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def cold_build(tmp_path_factory, bench_folder):
    """The benchmark's cold build (--strict, empty cache): seconds and log."""
    return shared(tmp_path_factory, "cold", lambda: cold_run(bench_folder))


@pytest.fixture(scope="session")
def site(cold_build, bench_folder) -> Path:
    """The built site every test reads: the cold build."""
    return bench_folder / "cold"


@pytest.fixture(scope="session")
def build_cache(cold_build, bench_folder) -> Path:
    """The cache the cold build filled; copy it before building with it."""
    return bench_folder / "cache"


@pytest.fixture(scope="session")
def bench_run(tmp_path_factory, cold_build, bench_folder):
    """One run of the benchmark: (seconds and ratios, build logs, folder with a site per build)."""
    times, logs = shared(tmp_path_factory, "bench", lambda: one_run(bench_folder, cold_build))
    return times, logs, bench_folder


ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright; skipped without it, except under CI=true."""
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium fonts-noto-cjk"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def tab(browser):
    """One browser tab for every visit, its HTTP cache off, so each visit is a first view.

    A context per visit would cost a renderer process and its fonts each time: 28 first views
    took 27 s of wall time and 52 s of CPU that way, 11 s and 18 s in one tab.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    devtools = context.new_cdp_session(page)
    devtools.send("Network.enable")
    devtools.send("Network.setCacheDisabled", {"cacheDisabled": True})
    yield page, devtools
    context.close()


@pytest.fixture(scope="session")
def base_url(site):
    """Serve the built site on a free loopback port."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


class QuietServer(http.server.ThreadingHTTPServer):
    """A browser that has what it needs may drop a connection (downloads do); that is no error."""

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass


def pages() -> list[str]:
    """Page names (file stems) of the Chinese pages: `index`, `activation`, `autograd` …"""
    return sorted(
        p.name.split(".")[0]
        for p in DOCS.iterdir()
        if p.suffix in (".md", ".ipynb") and ".en." not in p.name
    )


def page_source(name: str, lang: str) -> Path:
    """The source file of a page in one language (`zh` or `en`)."""
    suffix = "" if lang == "zh" else ".en"
    for ext in (".md", ".ipynb"):
        path = DOCS / f"{name}{suffix}{ext}"
        if path.exists():
            return path
    raise FileNotFoundError(
        f"docs/{name}{suffix}.md or .ipynb: page {name!r} has no {lang} version"
    )


def page_url(name: str, lang: str) -> str:
    """The URL path of a page relative to the site root."""
    prefix = "" if lang == "zh" else f"{lang}/"
    return prefix if name == "index" else f"{prefix}{name}/"


def numbers(text: str) -> list[float]:
    """The decimal numbers printed in a text, in order (tensor reprs, tables)."""
    return [float(x) for x in re.findall(r"-?\d+\.\d*(?:e[-+]\d+)?", text)]
