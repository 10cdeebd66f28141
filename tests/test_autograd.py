"""docs/autograd.ipynb: the values the notebook page shows, checked against the formulas."""

import pytest
import torch
from conftest import DOCS, numbers
from notebooks import code_cells, executed, text_of


@pytest.fixture(scope="module", params=["autograd.ipynb", "autograd.en.ipynb"])
def cells(request):
    return [text_of(cell) for cell in code_cells(executed(DOCS / request.param))]


@pytest.fixture(scope="module")
def p():
    torch.manual_seed(0)
    return torch.softmax(torch.randn(3), dim=0)


def test_softmax_of_seeded_input(cells, p):
    assert numbers(cells[1]) == pytest.approx(p.tolist(), abs=5e-5)
    assert "grad_fn=<SoftmaxBackward0>" in cells[1]


def test_gradient_of_one_component_is_a_jacobian_row(cells, p):
    row = p[1] * (torch.eye(3)[1] - p)  # ∂p_1/∂a_j = p_1 (δ_1j − p_j)
    assert numbers(cells[2]) == pytest.approx(row.tolist(), abs=5e-5)
    assert numbers(cells[3]) == numbers(cells[2])
    signs = [x > 0 for x in numbers(cells[2])]
    assert signs == [False, True, False]  # positive only where i = j


def test_gradient_of_the_sum_of_a_softmax_is_zero(cells):
    assert numbers(cells[4]) == [0.0, 0.0, 0.0]


def test_second_backward_raises(cells):
    assert cells[5].startswith("RuntimeError: Trying to backward through the graph a second time")


def test_retain_graph_allows_a_second_backward(cells):
    assert numbers(cells[6]) == [0.0, 0.0, 0.0]
