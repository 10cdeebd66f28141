"""snippets/activation.py: the values the activation page shows, and its corrections."""

import math

import pytest
import torch
import torch.nn.functional as F
from conftest import numbers


@pytest.fixture(scope="module")
def act(run):
    return run("activation")


def test_step_function_has_no_gradient(act):
    ns = act.namespace
    assert ns["step"].tolist() == [0.0, 0.0, 1.0, 1.0]
    assert ns["step"].grad_fn is None and not ns["step"].requires_grad
    assert "has grad_fn?  False" in act.outputs["step_function"]


def test_two_linear_layers_collapse_into_one(act):
    ns = act.namespace
    assert torch.allclose(ns["two_layers"], ns["one_layer"], atol=1e-6)
    assert ns["W"].shape == (2, 4) and ns["b"].shape == (2,)
    assert "one Linear layer: True" in act.outputs["linear_collapse"]


def test_relu_breaks_the_affine_identity(act):
    ns = act.namespace
    assert torch.allclose(ns["affine_gap"], torch.zeros(1, 2), atol=1e-6)
    assert ns["relu_gap"].abs().max() > 1e-3


def test_correction_linspace_counts_points_not_pieces(act):
    """Note 001: '.linespace(start,end,count): divides into count pieces'."""
    out = act.outputs["linspace"]
    assert "points: 10" in out
    assert "torch.linespace exists? False" in out
    a = torch.linspace(-100, 100, 10)
    assert a.numel() == 10 and (a[1] - a[0]).item() == pytest.approx(200 / 9, rel=1e-6)


def test_sigmoid_values_match_note_002(act):
    printed_in_note_002 = [0.0, 1.6655e-34, 7.4564e-25, 3.3382e-15, 1.4945e-05, 9.9999e-01]
    shown = numbers(act.outputs["sigmoid_values"])
    assert shown == printed_in_note_002 + [1.0] * 4


def test_sigmoid_gradient_is_s_times_one_minus_s(act):
    ns = act.namespace
    assert torch.allclose(ns["z"].grad, ns["s"] * (1 - ns["s"]))
    assert ns["z"].grad[3].item() == 0.25
    assert ns["z"].grad[0].item() < 1e-4
    assert "20 sigmoid layers: gradient times at most 9.09e-13" in act.outputs["sigmoid_depth"]


def test_tanh_identities(act):
    out = act.outputs["tanh_identity"]
    first, second, third = out.splitlines()
    assert float(first.split("=")[1]) < 1e-12
    assert float(second.split("=")[1]) < 1e-12
    assert third == "float32 tanh(10.) = 1.0"
    assert act.outputs["tanh_values"].startswith("tensor([-0.7616, -0.6514, -0.5047")


def test_correction_relu_gradient_is_zero_for_negative_inputs(act):
    """Note 001: 'z=0 时梯度为0' — the gradient is 0 for all z < 0, and PyTorch uses 0 at 0."""
    assert act.namespace["r"].grad.tolist() == [0.0, 0.0, 1.0]


def test_correction_softplus_slope_at_origin_is_half_for_every_beta():
    """GPT quoted in note 000: a larger beta gives a steeper slope at the origin."""
    x = torch.tensor([0.0, -1.0], requires_grad=True)
    slopes_at_zero, values_at_minus_one = [], []
    for beta in (0.5, 1.0, 2.0, 20.0):
        y = F.softplus(x, beta=beta)
        (g,) = torch.autograd.grad(y.sum(), x)
        slopes_at_zero.append(g[0].item())
        values_at_minus_one.append(y[1].item())
    assert slopes_at_zero == [0.5] * 4
    assert values_at_minus_one == sorted(values_at_minus_one, reverse=True)  # less response
    assert F.softplus(torch.tensor(0.0), beta=20).item() == pytest.approx(math.log(2) / 20)


def test_softplus_threshold_avoids_overflow(act):
    ns = act.namespace
    assert torch.isinf(ns["naive"][2])
    assert F.softplus(ns["q"], beta=20).tolist() == [1.0, 4.0, 5.0]


def test_correction_softplus_arguments_are_floats(act):
    """Note 000 quotes `beta: int = 1, threshold: int = 20` from an old release."""
    assert act.outputs["softplus_signature"].splitlines() == [
        "(self, beta: float = 1.0, threshold: float = 20.0) -> None",
        "Softplus(beta=0.5, threshold=20.0)",
    ]


def test_sigmoid_saturation_marks_both_tails(act):
    ax = act.namespace["figure_sigmoid_saturation"]().axes[0]
    spans = [p for p in ax.patches if p.get_width() > 0]
    assert len(spans) == 2
    left, right = sorted(spans, key=lambda p: p.get_x())
    edge = right.get_x()
    assert 4.5 < edge < 4.7  # σ'(x) < 0.01 beyond |x| ≈ 4.6
    assert left.get_x() + left.get_width() == pytest.approx(-edge)
