"""Every notebook page: stored clean, executes, and raises only where a cell is tagged to."""

import nbformat
import pytest
from conftest import DOCS
from notebook_runs import code_cells, executed

NOTEBOOKS = sorted(DOCS.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    for cell in code_cells(nbformat.read(path, as_version=4)):
        assert cell.outputs == [] and cell.execution_count is None, (
            f"{path.name}: cell {cell.id} is stored with outputs; clear them"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executes_and_only_tagged_cells_raise(path):
    for cell in code_cells(executed(path)):
        raised = any(o.output_type == "error" for o in cell.outputs)
        tagged = "raises-exception" in cell.metadata.get("tags", [])
        assert raised == tagged, f"{path.name}: cell {cell.id} " + (
            "raised without the raises-exception tag" if raised else "is tagged but did not raise"
        )
