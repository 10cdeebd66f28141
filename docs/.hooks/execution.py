"""The snippet step: each snippet module runs once per build into one result, in a worker.

A module's result is what each of its sections printed and the SVGs of its figures in both
schemes, stored under one cache key (`.cache/runs/`): the module's source, the build code that
runs and draws it, and the pinned versions. Every page, language and step takes it from here.

The modules that miss the cache start as soon as the build knows its files, each in a worker
process of its own (a clean namespace: nothing carried from one module to the next), as many at
once as there are cores. The workers are forked from a server that imported torch and
matplotlib once (multiprocessing's forkserver), so each starts in milliseconds, not seconds.
The build goes on meanwhile: a page waits only for the module it shows.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import cache
import figures
import runner
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.execution")
BUILD_CODE = tuple(Path(m.__file__) for m in (runner, figures))
HOOKS = str(Path(__file__).parent)
_FUTURES: dict[tuple[Path, str], Future] = {}  # (module, key) → its run, while it runs
_WAITING: dict[Path, list[File]] = {}  # module → this build's figure files, not yet drawn
_POOL: list[ProcessPoolExecutor] = []
_SUBMITTED = threading.Event()  # set once every run of this build is submitted
_SUBMITTED.set()


# In a worker: run the module and draw its figures.
def run(module: str) -> dict:
    done = runner.run_module(Path(module))
    return {"outputs": done.outputs, "figures": figures.draw(done)}


# Start every module that misses the cache, in the order the pages will ask for them (MkDocs's:
# the home page first, then by name). The first run waits for the workers' server to import
# torch (3 s), so the runs are started from a thread: the build goes on meanwhile.
def start(config) -> None:
    docs = sorted(Path(config.docs_dir).glob("*.md"), key=lambda p: (p.stem != "index", p.name))
    names = list(dict.fromkeys(p.name.split(".")[0] for p in docs))
    modules = sorted(runner.snippet_dir(config).glob("*.py"), key=lambda m: _rank(m.stem, names))
    missing = []
    for module in modules:
        key = _key(module)
        if cache.lookup(config, "runs", module.stem, key) is None and (module, key) not in _FUTURES:
            log.info(f"Running snippets/{module.name}")
            missing.append((module, key))
    _SUBMITTED.clear()
    threading.Thread(target=_submit, args=(missing,), daemon=True).start()


def _submit(missing: list[tuple[Path, str]]) -> None:
    try:
        for module, key in missing:
            _FUTURES[(module, key)] = _pool().submit(run, str(module))
    finally:
        _SUBMITTED.set()


def _rank(name: str, names: list[str]) -> int:
    return names.index(name) if name in names else len(names)


# One generated file per figure function and scheme, drawn as soon as its module's run is done.
def add_figures(files: Files, config) -> None:
    _WAITING.clear()
    for module in sorted(runner.snippet_dir(config).glob("*.py")):
        _WAITING[module] = []
        for name in runner.figure_names(module):
            for scheme in figures.SCHEMES:
                file = File.generated(config, figures.uri(module.stem, name, scheme), content=b"")
                files.append(file)
                _WAITING[module].append(file)
        if cache.lookup(config, "runs", module.stem, _key(module)) is not None:
            result(module, config)


# What each section of the module printed and its figures, waiting for its run if need be.
def result(module: Path, config) -> dict:
    key = _key(module)
    found = cache.lookup(config, "runs", module.stem, key)
    if found is None:
        _SUBMITTED.wait()
        future = _FUTURES.pop((module, key), None) or _pool().submit(run, str(module))
        try:
            found = cache.store(config, "runs", module.stem, key, future.result())
        except runner.SnippetError as error:
            pages = _including(Path(config.docs_dir), module, error.section)
            raise runner.SnippetError(f"{error}\n  included by {', '.join(pages)}") from None
    _draw(module, found["figures"])
    return found


# Every run done and every figure drawn, before MkDocs writes the files.
def finish(config) -> None:
    for module in list(_WAITING):
        result(module, config)


def stop() -> None:
    while _POOL:
        _POOL.pop().shutdown(cancel_futures=True)
    _FUTURES.clear()
    _WAITING.clear()


def _draw(module: Path, svgs: dict[str, str]) -> None:
    waiting = _WAITING.pop(module, None)
    if waiting is None:  # drawn already in this build
        return
    if sorted(f.src_uri for f in waiting) != sorted(svgs):
        found = sorted({uri.split("/")[2].split(".")[0] for uri in svgs})
        raise runner.SnippetError(
            f"snippets/{module.name}: its run defined the figure functions {found}, not those "
            f"its source defines at the top level: {runner.figure_names(module)}"
        )
    for file in waiting:
        file.content_bytes = svgs[file.src_uri].encode()


def _key(module: Path) -> str:
    return cache.key(module, *BUILD_CODE)


def _including(docs: Path, module: Path, section: str | None) -> list[str]:
    name = f"{module.name}:{section}" if section else f"{module.name}:"
    pages = [p for p in docs.glob("*.md") if f'"{name}' in p.read_text(encoding="utf-8")]
    # by name, the default language's page (no language suffix) first
    pages.sort(key=lambda p: (p.name.split(".")[0], p.name.count("."), p.name))
    return [f"docs/{p.name}" for p in pages] or ["no page"]


def _pool() -> ProcessPoolExecutor:
    if not _POOL:
        # MkDocs imports hooks with their folder on sys.path only while it loads them; a worker
        # imports this module by name (last on the path: the build's own imports come first)
        if HOOKS not in sys.path:
            sys.path.append(HOOKS)
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["__main__", "torch", "matplotlib.pyplot"])
        workers, build = os.cpu_count() or 1, os.getpid()
        _POOL.append(ProcessPoolExecutor(workers, context, _watch, (build,), max_tasks_per_child=1))
    return _POOL[0]


# In a worker: exit once the build has gone. A build killed before it could stop its workers
# (`mkdocs serve` ended by a signal) would otherwise leave them waiting for work, and with them
# the server, forever.
def _watch(build: int) -> None:
    def watch():
        while True:
            time.sleep(1)
            try:
                os.kill(build, 0)
            except ProcessLookupError:
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


# Start the workers' server now (`mkdocs serve`), so that the first edit does not wait for it.
def warm_up() -> None:
    from multiprocessing import forkserver

    _pool()
    forkserver.ensure_running()
