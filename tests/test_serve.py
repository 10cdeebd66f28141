"""`mkdocs serve`: a snippet edit rebuilds the site; the open page reloads with the new output."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from bench import copy_project

EDIT = 'print("edited while serving")\n'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} was not served within {seconds} s")


@pytest.fixture
def served(tmp_path, build_cache):
    """A copy of the project served by `mkdocs serve`, on the benchmark's warm cache."""
    project = copy_project(tmp_path / "project")
    cache = shutil.copytree(build_cache, tmp_path / "cache")
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NOTES_CACHE_DIR": str(cache)}
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield project, f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_editing_a_snippet_reloads_the_page(served, browser):
    project, url = served
    html = wait_for(url + "activation/", 120)
    assert "livereload" in html, "mkdocs serve injected no live-reload script"
    page = browser.new_page()
    try:
        page.goto(url + "activation/", wait_until="load")
        module = project / "snippets" / "activation.py"
        text = module.read_text(encoding="utf-8")
        end = text.index("# --8<-- [end:step_function]")
        started = time.monotonic()
        module.write_text(text[:end] + EDIT + text[end:], encoding="utf-8")
        page.wait_for_function(
            "document.body.innerText.includes('edited while serving')", timeout=60_000
        )
        seconds = time.monotonic() - started
        print(f"edit to reloaded page: {seconds:.1f} s")
        assert seconds < 30
    finally:
        page.close()
