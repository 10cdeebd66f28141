"""Shared fixtures: snippet runs, the built site, a local server for it."""

from __future__ import annotations

import functools
import http.server
import os
import re
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"
sys.path.insert(0, str(DOCS / ".hooks"))

from bench import CHROMIUM, one_run  # noqa: E402
from fences import ChainedRunner, SnippetFenceParser  # noqa: E402
from pytest_markdown_docs._runners import register_runner  # noqa: E402
from runner import cached_run  # noqa: E402


# pytest-markdown-docs: read pages as the build does (includes expanded, indented fences found).
def pytest_markdown_docs_markdown_it():
    return SnippetFenceParser()


register_runner(default=True)(ChainedRunner)


@pytest.fixture(scope="session")
def run():
    """Run a snippet module by name, once per session, with the build's own runner."""
    return lambda name: cached_run(SNIPPETS / f"{name}.py")


@pytest.fixture(scope="session")
def bench_run(tmp_path_factory):
    """One run of the benchmark: (seconds and ratios, build logs, folder with a site per build).

    Its cold build (--strict, empty cache) is the site every other test reads.
    """
    work = tmp_path_factory.mktemp("bench")
    try:
        times, logs = one_run(work)
    except RuntimeError as error:
        pytest.fail(str(error))
    return times, logs, work


@pytest.fixture(scope="session")
def site(bench_run) -> Path:
    return bench_run[2] / "cold"


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
