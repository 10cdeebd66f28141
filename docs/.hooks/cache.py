"""A disk cache for what the build computes: snippet runs, executed notebooks, maths, search.

An entry's key is the SHA-256 of everything its result depends on: the source it is made from,
the build code that makes it, and the versions of the packages that run it. A changed module,
step or pinned version misses; an entry is never stale, only unused. The cache lives in
`.cache/` beside mkdocs.yml, or in $NOTES_CACHE_DIR.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from importlib.metadata import version
from pathlib import Path

PACKAGES = ("torch", "numpy", "matplotlib")
_MEMORY: dict[str, dict] = {}


# The key of a result computed from these files with the pinned packages.
def key(*files: Path) -> str:
    digest = hashlib.sha256(_versions())
    for file in files:
        digest.update(file.read_bytes())
    return digest.hexdigest()[:32]


# The cached result, or compute() stored under the key (in memory and on disk).
def cached(config, kind: str, name: str, key: str, compute) -> dict:
    found = lookup(config, kind, name, key)
    return store(config, kind, name, key, compute()) if found is None else found


def lookup(config, kind: str, name: str, key: str) -> dict | None:
    path = _path(config, kind, name, key)
    if path.as_posix() not in _MEMORY and path.exists():
        _MEMORY[path.as_posix()] = json.loads(path.read_text(encoding="utf-8"))
    return _MEMORY.get(path.as_posix())


# Keep a result, in memory and on disk, in place of the name's older entries.
def store(config, kind: str, name: str, key: str, result: dict) -> dict:
    path = _path(config, kind, name, key)
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


def _path(config, kind: str, name: str, key: str) -> Path:
    return folder(config) / kind / f"{name}-{key}.json"


@functools.cache
def _versions() -> bytes:
    return "".join(f"{name}=={version(name)}\n" for name in PACKAGES).encode()
