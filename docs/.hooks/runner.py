"""The runner's contract: sections, their markers, and how a page names them; and a module's run.

Shared by the build and the tests, so the page shows what the tests ran.
A section is the code between `# --8<-- [start:name]` and `# --8<-- [end:name]`.
A section whose first line is `# raises: SomeError` must raise that error; its
output ends with the error line. `# warns: SomeWarning` allows (and requires)
that warning, which is shown in the output; any other warning is an error.
A section that runs longer than $NOTES_SNIPPET_TIMEOUT seconds (default 120) is an error too.
A page includes a section as a fence holding one line, `--8<-- "module.py:section"`, and shows
a figure function `figure_name()` of a module as `![alt](figures/module/name.svg)`.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import sys
import threading
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")  # snippets draw figures; never open a window
# One thread for torch (read when torch loads, here and in the kernels the build starts): a
# float sum then adds up in one order on every machine, so the digits a page prints do not
# depend on the core count (cnn.py's 5.8e-08 was 1.2e-07 on two threads), and the build does
# not pay OpenMP's waiting threads (cold build 26.2 s → 23.1 s on two cores).
os.environ["OMP_NUM_THREADS"] = "1"

MARKER = re.compile(r"^\s*# --8<-- \[(start|end):(\w+)\]\s*$")
EXPECT = re.compile(r"^\s*# (raises|warns): (\w+)\s*$")
INCLUDE_LINE = r'--8<-- "(?P<module>\w+)\.py:(?P<section>\w+)"'
# A fence whose only line includes one section.
INCLUDE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,})[^\n]*\n"
    rf"(?P=indent){INCLUDE_LINE}\n"
    r"(?P=indent)(?P=fence)[ \t]*$",
    re.MULTILINE,
)
FIGURE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(figures/(?P<module>\w+)/(?P<name>\w+)\.svg\)")
DEFINES_FIGURE = re.compile(r"^def figure_(\w+)\(", re.MULTILINE)
TIMEOUT = float(os.environ.get("NOTES_SNIPPET_TIMEOUT", "120"))


class SnippetError(RuntimeError):
    """A snippet module is malformed or one of its sections failed (`section`, where known)."""

    def __init__(self, message: str, section: str | None = None):
        super().__init__(message, section)  # both survive the trip from a worker process
        self.section = section

    def __str__(self) -> str:
        return self.args[0]


class _Timeout(BaseException):
    """Raised into a section that ran too long; not an Exception, so the section can't catch it."""


@dataclass(frozen=True)
class Section:
    name: str
    first_line: int  # 1-based line number of the section's first code line
    code: str
    expect: tuple[str, str] | None  # ("raises" | "warns", class name)


@dataclass
class Run:
    path: Path
    sections: list[Section]
    outputs: dict[str, str] = field(default_factory=dict)
    namespace: dict = field(default_factory=dict)


# Parse the section markers of a snippet module; anything outside a section is an error.
def parse_sections(path: Path) -> list[Section]:
    lines = path.read_text(encoding="utf-8").splitlines()
    sections: list[Section] = []
    open_name, open_at, body = None, 0, []
    for number, line in enumerate(lines, start=1):
        marker = MARKER.match(line)
        if marker is None:
            if open_name is not None:
                body.append(line)
            elif line.strip() and not line.lstrip().startswith("#"):
                raise SnippetError(f"{path}:{number}: code outside any section: {line.strip()!r}")
            continue
        kind, name = marker.groups()
        if kind == "start":
            if open_name is not None:
                raise SnippetError(f"{path}:{number}: section {name!r} starts inside {open_name!r}")
            if any(s.name == name for s in sections):
                raise SnippetError(f"{path}:{number}: section {name!r} is defined twice")
            open_name, open_at, body = name, number + 1, []
        else:
            if name != open_name:
                raise SnippetError(f"{path}:{number}: end of {name!r} but {open_name!r} is open")
            sections.append(_section(name, open_at, body))
            open_name = None
    if open_name is not None:
        raise SnippetError(f"{path}:{open_at - 1}: section {open_name!r} is never closed")
    return sections


# Execute every section in order in one namespace, capturing stdout per section.
def run_module(path: Path) -> Run:
    run = Run(path, parse_sections(path))
    run.namespace.update(__name__=f"snippets.{path.stem}", __file__=str(path))
    if "torch" in sys.modules:  # imported before this module set OMP_NUM_THREADS
        sys.modules["torch"].set_num_threads(1)
    for section in run.sections:
        run.outputs[section.name] = _run_section(path, section, run.namespace)
    return run


# The snippets folder, as configured for pymdownx.snippets in mkdocs.yml.
def snippet_dir(config) -> Path:
    base = config.mdx_configs["pymdownx.snippets"]["base_path"][0]
    return Path(config.config_file_path).parent / base


# The figure functions a module defines (at the top level of a section), by name.
def figure_names(module: Path) -> list[str]:
    return sorted(DEFINES_FIGURE.findall(module.read_text(encoding="utf-8")))


def _section(name: str, first_line: int, body: list[str]) -> Section:
    first_code = next((line for line in body if line.strip()), "")
    expect = EXPECT.match(first_code)
    return Section(name, first_line, "\n".join(body), expect.groups() if expect else None)


def _run_section(path: Path, section: Section, namespace: dict) -> str:
    code = compile("\n" * (section.first_line - 1) + section.code, str(path), "exec")
    kind, expected = section.expect or (None, None)
    out = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        try:
            with _deadline(TIMEOUT):
                exec(code, namespace)
        except _Timeout:
            where = section.first_line
            raise SnippetError(
                f"{path}:{where}: section {section.name!r} ran longer than {TIMEOUT:g} s "
                "(NOTES_SNIPPET_TIMEOUT)",
                section.name,
            ) from None
        except Exception as error:
            if kind == "raises" and type(error).__name__ == expected:
                out.write("".join(traceback.format_exception_only(error)))
            else:
                where = _line_in(path, error.__traceback__) or section.first_line
                raise SnippetError(
                    f"{path}:{where}: section {section.name!r} raised "
                    f"{type(error).__name__}: {error}",
                    section.name,
                ) from error
        else:
            if kind == "raises":
                raise SnippetError(
                    f"{path}:{section.first_line}: section {section.name!r} "
                    f"should raise {expected} but did not",
                    section.name,
                )
    unexpected = [w for w in caught if w.category.__name__ != expected or kind != "warns"]
    if unexpected:
        w = unexpected[0]
        raise SnippetError(
            f"{path}:{section.first_line}: section {section.name!r} warned "
            f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})",
            section.name,
        )
    if kind == "warns":
        if not caught:
            raise SnippetError(
                f"{path}:{section.first_line}: section {section.name!r} "
                f"should warn {expected} but did not",
                section.name,
            )
        out.write("".join(f"{w.category.__name__}: {w.message}\n" for w in caught))
    return out.getvalue()


# Interrupt the code run inside after `seconds` (where signals work: the main thread).
@contextlib.contextmanager
def _deadline(seconds: float):
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _line_in(path: Path, tb) -> int | None:
    frames = [f for f in traceback.extract_tb(tb) if f.filename == str(path)]
    return frames[-1].lineno if frames else None
