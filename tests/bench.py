"""Benchmark the build: cold, warm, baseline, edit loop, and what a first view of a page weighs.

    .venv/bin/python tests/bench.py            # 3 runs: median and spread (max - min)
    .venv/bin/python tests/bench.py --runs 1   # the quick version the test suite runs

Every build is `mkdocs build` (strict, as mkdocs.yml says) of this checkout in a fresh process,
into a temporary folder, with its own cache folder:
- cold: empty cache; warm: the same again with the cache kept;
- baseline: tests/baseline.yml, mkdocs.yml without the build's hook: no code, figures or
  notebooks executed, no maths laid out, no tables, hovers or downloads made (plain Material);
- edit: a copy of the project with one snippet section changed, built on the warm cache.
Page weight is what Chromium downloads on the first view of each page (`first_view`: the page,
its scripts and styles, the search index and lunr, the fonts its text is laid out in), from
its network log: as the local server sends it (no compression) and as a gzip-serving host such
as GitHub Pages would (text types gzipped at level 6).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDITED = "snippets/activation.py"
EDIT = "# edited by the benchmark"  # a comment: the page's output stays
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LIMIT = 700_000  # bytes a first view of a page may download from a gzip host (issue 6)


def build(
    root: Path, site_dir: Path, cache_dir: Path, config: str = "mkdocs.yml", **env: str
) -> subprocess.CompletedProcess:
    """`mkdocs build` of the project at `root` (strict, as mkdocs.yml says), in its own process."""
    command = ["build", "-f", config, "--site-dir", str(site_dir)]
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *command],
        cwd=root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "NOTES_CACHE_DIR": str(cache_dir), **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def timed(root: Path, site_dir: Path, cache_dir: Path, **options: str) -> tuple[float, str]:
    """Seconds a build took, and its log."""
    start = time.perf_counter()
    result = build(root, site_dir, cache_dir, **options)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"build of {root} failed:\n{result.stdout}\n{result.stderr}")
    return seconds, result.stderr


def copy_project(target: Path) -> Path:
    ignore = shutil.ignore_patterns(".venv", ".cache", "site", ".screenshots", "__pycache__")
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def edit_section(project: Path) -> None:
    """Change one section of one snippet module: EDIT as its first line."""
    path = project / EDITED
    text = path.read_text(encoding="utf-8")
    marker = text.index("# --8<-- [start:")
    line_end = text.index("\n", marker) + 1
    path.write_text(text[:line_end] + EDIT + "\n" + text[line_end:], "utf-8")


def cold_run(work: Path) -> tuple[float, str]:
    """The cold build, into work/cold, filling the cache work/cache."""
    return timed(ROOT, work / "cold", work / "cache")


def one_run(work: Path, cold=None) -> tuple[dict[str, float], dict[str, str]]:
    """Seconds of each build and the ratios, and each build's log; sites in work/<build>.

    `cold` is the result of `cold_run(work)` when that has been run already.
    """
    cache, results = work / "cache", {"cold": cold or cold_run(work)}
    results["warm"] = timed(ROOT, work / "warm", cache)
    results["baseline"] = timed(
        ROOT, work / "baseline", work / "cache-0", config="tests/baseline.yml"
    )
    project = copy_project(work / "project")
    edit_section(project)
    edit_cache = shutil.copytree(cache, work / "cache-edit")  # keep `cache` as the warm one
    results["edit"] = timed(project, work / "edit", edit_cache)
    times = {name: seconds for name, (seconds, _) in results.items()}
    times["warm / baseline"] = times["warm"] / times["baseline"]
    times["cold / baseline"] = times["cold"] / times["baseline"]
    return times, {name: log for name, (_, log) in results.items()}


def page_weights(site: Path) -> dict[str, tuple[int, int]]:
    """Bytes Chromium downloads on a first view of each page, by page path."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
            weights = weigh(browser, f"http://127.0.0.1:{server.server_port}/", site)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return weights


def weigh(browser, base_url: str, site: Path, paths=None) -> dict[str, tuple[int, int]]:
    """First-view bytes (as sent here, as a gzip host sends them) of pages of `site` (all)."""
    if paths is None:
        paths = [""] + sorted(
            str(p.parent.relative_to(site)) + "/"
            for p in site.rglob("index.html")
            if p.parent != site
        )
    weights = {}
    for path in paths:
        context = browser.new_context()  # empty cache: a first view
        page = context.new_page()
        bodies = []
        page.on("response", lambda r, bodies=bodies: bodies.append((r.headers, r.body())))
        first_view(page, base_url + path)
        weights[path or "/"] = (
            sum(len(body) for _, body in bodies),
            sum(transferred(headers, body) for headers, body in bodies),
        )
        context.close()
    return weights


# Material's search is ready once its worker has the index and the lunr scripts it asked for:
# the results line then reads the placeholder ("Type to start searching").
SEARCH_READY = """() => {
    const {translations} = JSON.parse(document.getElementById("__config").textContent)
    const meta = document.querySelector(".md-search-result__meta")
    return meta.textContent.trim() === translations["search.result.placeholder"]
}"""


def first_view(page, url: str, quiet: bool = True) -> None:
    """Open `url` and wait for all a first view downloads: waits that name what they wait for.

    The search worker fetches its lunr scripts after the load event, and its requests reach
    this process on a channel of their own; a wait for 500 ms of quiet alone could end before
    them under load, and the view then weighed less. KaTeX's fonts come once the page is laid
    out (its maths is KaTeX's HTML from the build). The quiet wait last lets the last
    responses' events arrive; a caller that routes every request through this process
    (tests/visit.py) knows when each has finished, and skips it.
    """
    page.goto(url, wait_until="load")
    page.wait_for_function(SEARCH_READY, polling=50)
    page.evaluate("() => { document.body.offsetHeight; return document.fonts.ready.then(() => 0) }")
    if quiet:
        page.wait_for_load_state("networkidle")


def transferred(headers: dict, body: bytes) -> int:
    """Bytes a gzip-serving host (GitHub Pages) sends: text types compressed, the rest as is."""
    kind = headers.get("content-type", "")
    text = kind.startswith("text/") or any(t in kind for t in ("javascript", "json", "svg", "xml"))
    return len(gzip.compress(body, compresslevel=6, mtime=0)) if text else len(body)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass


def table(runs: list[dict[str, float]]) -> str:
    rows = ["| measure | median | spread (max − min) | runs |", "| --- | --- | --- | --- |"]
    for name in runs[0]:
        values = [run[name] for run in runs]
        unit = "×" if "/" in name else " s"
        rows.append(
            f"| {name} | {statistics.median(values):.2f}{unit} | "
            f"{max(values) - min(values):.2f}{unit} | {len(values)} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> tuple[list[dict[str, float]], dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args(argv)
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        for number in range(options.runs):
            work = Path(folder) / f"run{number}"
            work.mkdir()
            runs.append(one_run(work)[0])
            if number == 0:
                weights = page_weights(work / "cold")
    print(table(runs))
    print()
    print("| page (first view) | bytes sent here | bytes from a gzip host |")
    print("| --- | --- | --- |")
    for page, (raw, sent) in sorted(weights.items(), key=lambda item: -item[1][1]):
        print(f"| {page} | {raw:,} | {sent:,} |")
    return runs, weights


if __name__ == "__main__":
    main()
