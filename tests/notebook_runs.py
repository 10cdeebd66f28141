"""Execute a notebook as a reader's Jupyter does: nbclient, a Python kernel, only tagged cells
may raise.

One kernel per test process runs every notebook: starting a kernel and importing torch in it
cost about 3 s of the 5 s a notebook took. Each notebook starts with the kernel's names
deleted (`%reset -f`) and its figures closed, so a notebook that misses an import still fails;
what stays is what stays in the build's process too, which runs every snippet module in turn.
The kernel draws inline (no MPLBACKEND from the test process), as for a reader.
"""

from __future__ import annotations

import copy
import json
import os
from functools import cache
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

FRESH = "%reset -f\nimport matplotlib.pyplot\nmatplotlib.pyplot.close('all')\ndel matplotlib"


@cache
def kernel() -> KernelManager:
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(env={k: v for k, v in os.environ.items() if k != "MPLBACKEND"})
    return manager  # nbclient shuts it down when the tests end


def executed(path: Path) -> nbformat.NotebookNode:
    """The notebook at `path` with its code cells run. Notebooks whose code cells are the same
    (a page's zh and en notebooks) are run once, as the build does."""
    notebook = nbformat.read(path, as_version=4)
    cells = code_cells(notebook)
    code = tuple((cell.source, json.dumps(cell.metadata, sort_keys=True)) for cell in cells)
    for cell, (outputs, count) in zip(cells, copy.deepcopy(_run(code)), strict=True):
        cell.outputs, cell.execution_count = outputs, count
    return notebook


@cache
def _run(code: tuple[tuple[str, str], ...]) -> list:
    """Outputs and execution count of each code cell (source, metadata as JSON), run in turn."""
    cells = [nbformat.v4.new_code_cell(FRESH)]
    cells += [nbformat.v4.new_code_cell(source, metadata=json.loads(meta)) for source, meta in code]
    notebook = nbformat.v4.new_notebook(cells=cells)
    client = NotebookClient(notebook, km=kernel(), timeout=120, allow_errors=False)
    try:
        client.execute()
    finally:
        if client.kc is not None:  # the kernel outlives this client; its channels do not
            client.kc.stop_channels()
    return [(cell.outputs, cell.execution_count) for cell in notebook.cells[1:]]


def code_cells(notebook) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def text_of(cell) -> str:
    """Plain text of a cell's outputs: results, prints and error lines."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    return "\n".join(parts)
