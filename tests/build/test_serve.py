"""`mkdocs serve --dirty`: a snippet edit rebuilds the pages that show it, and only those; the
open page reloads with the new output, and each language's search index still holds its pages."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from bench import copy_project

EDIT = 'print("edited while serving")\n'
EDITS = 3  # one after another: each dirty build must cost what the first did
WRITTEN = re.compile(r"Search index: (\d+) entries written")


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
    """A copy of the project served by `mkdocs serve --dirty -v`, on the benchmark's warm cache."""
    project = copy_project(tmp_path / "project")
    cache = shutil.copytree(build_cache, tmp_path / "cache")
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NOTES_CACHE_DIR": str(cache)}
    env["PYTHONUNBUFFERED"] = "1"  # the log is read while the server runs
    log = tmp_path / "serve.log"
    with open(log, "w", encoding="utf-8") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-v"]
            + ["--dev-addr", f"127.0.0.1:{port}"],
            cwd=project,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield project, f"http://127.0.0.1:{port}/", log
    finally:
        server.terminate()
        server.wait(timeout=30)
    # the snippet workers and their server go with it, though it was stopped by a signal
    deadline = time.monotonic() + 10
    while workers_of(project) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert workers_of(project) == []


def workers_of(project: Path) -> list[int]:
    """The processes whose command line names the project (the workers' server passes its path)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if proc.name.isdigit() and str(project).encode() in command:
            found.append(int(proc.name))
    return found


def locations(index: str) -> list[str]:
    return [entry["location"] for entry in json.loads(index)["docs"]]


def test_editing_a_snippet_reloads_the_page(served, browser):
    project, url, log = served
    html = wait_for(url + "activation/", 120)
    assert "livereload" in html, "mkdocs serve injected no live-reload script"
    indexes = ("search/search_index.json", "en/search/search_index.json")
    before = [wait_for(url + index, 5) for index in indexes]
    site = Path(re.search(r"Config value 'site_dir' = '([^']+)'", log.read_text("utf-8"))[1])
    written = {p: p.stat().st_mtime_ns for p in site.rglob("index.html")}
    page = browser.new_page()
    try:
        page.goto(url + "activation/", wait_until="load")
        module = project / "snippets" / "activation.py"
        text = module.read_text(encoding="utf-8")
        end = text.index("# --8<-- [end:step_function]")
        built = len(log.read_text(encoding="utf-8"))
        seconds = []
        for n in range(1, EDITS + 1):
            started = time.monotonic()
            edit = EDIT.replace("serving", f"serving {n}")
            module.write_text(text[:end] + edit + text[end:], encoding="utf-8")
            page.wait_for_function(  # mid-reload, the new document may have no body yet
                f"document.body?.innerText.includes('edited while serving {n}')", timeout=60_000
            )
            seconds.append(time.monotonic() - started)
        print("edit to reloaded page:", ", ".join(f"{s:.1f} s" for s in seconds))
    finally:
        page.close()
    rebuild = log.read_text(encoding="utf-8")[built:]
    assert "WARNING" not in rebuild and "Error" not in rebuild, rebuild
    rebuilt = sorted(
        str(p.relative_to(site)) for p in written if p.stat().st_mtime_ns != written[p]
    )
    assert rebuilt == ["activation/index.html", "en/activation/index.html"]
    assert rebuild.count("Running snippets/") == EDITS
    for index, old in zip(indexes, before, strict=True):
        new = wait_for(url + index, 5)
        assert sorted(locations(new)) == sorted(locations(old)), index  # every section, once
        assert len(set(locations(old))) == len(locations(old)), index
        assert f"edited while serving {EDITS}" in new and "edited while" not in old, index
    # each dirty build handles as many search entries as the one before: they doubled with every
    # dirty build (docs/.hooks/search.py), and an edit's reload took 2, 2, 5, then 47 s
    written = [int(n) for n in WRITTEN.findall(rebuild)]
    assert len(written) == EDITS and len(set(written)) == 1, written
    assert max(seconds) < 15, seconds
