"""A disk cache for what the build computes from snippet modules: outputs and figures.

An entry's key is the SHA-256 of everything its result depends on: the module's source, the
build code that turns it into the result, and the versions of the packages that run it. A
changed module, hook or pinned version misses; an entry is never stale, only unused. The cache
lives in `.cache/` beside mkdocs.yml, or in $NOTES_CACHE_DIR.

NOTES_BASELINE=1 switches code execution, figure drawing, notebook execution, build-time maths
and the notebook style purge off (the benchmark's baseline: what plain Material costs for the
same Markdown).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from importlib.metadata import version
from pathlib import Path

PACKAGES = ("torch", "numpy", "matplotlib")
BASELINE = os.environ.get("NOTES_BASELINE") == "1"
_MEMORY: dict[str, dict] = {}


# The key of a result computed from these files with the pinned packages.
def key(*files: Path) -> str:
    digest = hashlib.sha256(_versions())
    for file in files:
        digest.update(file.read_bytes())
    return digest.hexdigest()[:32]


# The cached result, or compute() stored under the key (in memory and on disk).
def cached(config, kind: str, name: str, key: str, compute) -> dict:
    path = folder(config) / kind / f"{name}-{key}.json"
    if path.as_posix() in _MEMORY:
        return _MEMORY[path.as_posix()]
    if path.exists():
        result = json.loads(path.read_text(encoding="utf-8"))
    else:
        result = compute()
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(f"{name}-*.json"):
            stale.unlink()
        path.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    _MEMORY[path.as_posix()] = result
    return result


def folder(config) -> Path:
    return Path(
        os.environ.get("NOTES_CACHE_DIR") or Path(config.config_file_path).parent / ".cache"
    )


@functools.cache
def _versions() -> bytes:
    return "".join(f"{name}=={version(name)}\n" for name in PACKAGES).encode()
