"""snippets/softmax.py: softmax, cross-entropy, float32 limits and the stable forms."""

import math

import pytest
import torch
import torch.nn.functional as F
from conftest import numbers
from matplotlib.figure import Figure


@pytest.fixture(scope="module")
def sm(run):
    return run("softmax")


def test_softmax_is_a_distribution_that_keeps_the_order(sm):
    ns = sm.namespace
    assert torch.allclose(ns["p"].sum(1), torch.ones(2))
    assert (ns["p"] > 0).all()
    out = sm.outputs["softmax_basics"]
    assert "same argmax as o: True" in out
    assert out.rstrip().endswith("softmax(o - 100) == softmax(o): True")


def test_cross_entropy_with_one_hot_reads_only_the_true_class(sm):
    lines = sm.outputs["cross_entropy_one_hot"].splitlines()[1:]
    values = [numbers(line)[-2:] for line in lines]
    assert all(h == t for h, t in values)  # H equals -log y_hat[true class]
    assert values[0] == values[1] == [0.5108, 0.5108]  # other classes do not matter
    assert values[2][0] == pytest.approx(-math.log(0.2), abs=1e-4)  # not the argmax class


def test_cross_entropy_gradient_is_softmax_minus_one_hot(sm):
    lines = sm.outputs["cross_entropy_gradient"].splitlines()
    assert numbers(lines[0]) == numbers(lines[1]) == [0.09, 0.2447, -0.3348]
    o = torch.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    F.cross_entropy(o, torch.tensor([2])).backward()
    assert torch.allclose(o.grad, torch.softmax(o.detach(), 1) - sm.namespace["onehot"])


def test_naive_softmax_is_right_on_moderate_inputs(sm):
    ns = sm.namespace
    assert torch.allclose(ns["softmax"](ns["o"]), torch.softmax(ns["o"], 1))


def test_sum_accepts_numpy_keepdims_alias(sm):
    assert sm.outputs["keepdims_alias"].splitlines() == [
        "keepdims=True: (2, 1)",
        "keepdim=True:  (2, 1)",
        "axis=1:        (2,)",
        "'keepdims' in torch.sum's docs: False",
    ]


def test_correction_float32_exp_overflows_above_88_72(sm):
    """Note 004: '如果$o$的最大项位于区间$[-90,90]$外，那么计算结果将变得数值不稳定'."""
    exp = torch.exp
    assert torch.isfinite(exp(torch.tensor(88.72))) and torch.isinf(exp(torch.tensor(88.73)))
    assert torch.isinf(exp(torch.tensor(89.0))) and torch.isinf(exp(torch.tensor(90.0)))
    tiny = torch.finfo(torch.float32).tiny
    assert 0 < exp(torch.tensor(-87.34)).item() < tiny  # subnormal: precision starts to go
    assert exp(torch.tensor(-103.9)).item() == 2.0**-149  # the smallest subnormal
    assert exp(torch.tensor(-104.0)).item() == 0.0
    assert math.log(torch.finfo(torch.float32).max) == pytest.approx(88.7228, abs=1e-4)
    assert math.log(2.0**-150) == pytest.approx(-103.9721, abs=1e-4)
    out = sm.outputs["float32_limits"]
    assert "exp(  88.73) = inf" in out and "exp(-104.00) = 0.0000e+00" in out
    naive = sm.namespace["softmax"](sm.namespace["extreme"])
    assert torch.isnan(naive[0, 0]) and torch.isnan(naive[1]).all()
    # between -103.97 and -87.34: no nan, but subnormal exps lose precision
    assert naive[2, 0].item() == pytest.approx(0.7297, abs=1e-4)
    assert torch.softmax(torch.tensor([-100.0, -101.0]), 0)[0].item() == pytest.approx(
        0.7311, abs=1e-4
    )
    assert torch.allclose(naive[3], torch.softmax(torch.tensor([1.0, 2.0]), 0))


def test_stable_softmax_matches_torch(sm):
    ns = sm.namespace
    stable = ns["stable_softmax"](ns["extreme"])
    assert torch.isfinite(stable).all()
    assert torch.equal(stable, torch.softmax(ns["extreme"], 1))
    assert "same as torch.softmax: True" in sm.outputs["stable_softmax"]


def test_correction_denominator_reaches_q(sm):
    """Note 004: '对于一个$q$分类问题，上式分母的数值必然被限定在区间$[1,q)$'."""
    d = sm.namespace["denominator"](sm.namespace["cases"])
    assert d[0].item() == 1.0  # others far below the max: rounds to exactly 1
    assert 1.0 < d[1].item() < 4.0
    assert d[2].item() == 4.0  # all logits equal: exactly q, so the interval is closed at q
    assert "denominator == q: True" in sm.outputs["denominator_range"]
    # the numerator exp(o_j - max) is at most 1, as the note says
    cases = sm.namespace["cases"]
    assert (torch.exp(cases - cases.max(1, keepdim=True).values) <= 1).all()


def test_underflow_gives_log_zero_and_nan_gradients(sm):
    ns = sm.namespace
    assert ns["p_z"][0, 1].item() == 0.0
    assert math.isinf(ns["loss"].item())
    assert torch.isnan(ns["z"].grad).all()


def test_log_of_exp_underflows_but_the_identity_is_exact(sm):
    ns = sm.namespace
    roundtrip = torch.log(torch.exp(ns["x"]))
    assert roundtrip[0].item() == -10.0
    assert roundtrip[1].item() == pytest.approx(-99.9831, abs=1e-4)  # subnormal: inexact
    assert torch.isinf(roundtrip[2:]).all()
    assert numbers(sm.outputs["log_exp_roundtrip"].splitlines()[1]) == [
        -10.0,
        -100.0,
        -104.0,
        -200.0,
    ]


def test_stable_log_softmax_and_logsumexp(sm):
    ns = sm.namespace
    logits = ns["logits"]
    assert torch.allclose(ns["log_softmax"](logits), F.log_softmax(logits, 1))
    assert torch.allclose(ns["lse"], torch.logsumexp(logits, 1))
    lines = sm.outputs["stable_log_softmax"].splitlines()
    assert numbers(lines[-1]) == numbers(lines[-2]) == [100.0, -109.5924, 0.6931]


def test_cross_entropy_from_scratch_matches_pytorch_on_extreme_logits(sm):
    ns = sm.namespace
    ours = ns["cross_entropy"](ns["logits"], ns["labels"])
    theirs = F.cross_entropy(ns["logits"], ns["labels"], reduction="none")
    assert torch.allclose(ours, theirs)
    assert numbers(sm.outputs["cross_entropy_from_scratch"].splitlines()[1]) == [
        200.0,
        0.4076,
        200.6931,
    ]
    naive_line = sm.outputs["cross_entropy_from_scratch"].splitlines()[0]
    assert naive_line.endswith("tensor([inf, nan, inf])")
    assert torch.isfinite(ns["w"].grad).all()


def test_cross_entropy_takes_logits_not_probabilities(sm):
    ns = sm.namespace
    assert torch.allclose(
        ns["fused"], F.cross_entropy(ns["logits"], ns["labels"], reduction="none")
    )
    assert not torch.allclose(ns["twice"], ns["fused"])
    assert (ns["twice"] < math.log(3) + 1).all()  # softmax of probabilities is nearly flat


def test_figure_draws(sm):
    figure = sm.namespace["figure_loss_breakdown"]()
    assert isinstance(figure, Figure)
    (ax,) = figure.axes
    naive, shifted, fused = (line.get_ydata() for line in ax.lines[:3])
    t = ax.lines[0].get_xdata()
    # the naive form breaks above 88.72, the max-shifted one above 103.97, the fused one never
    assert torch.isinf(torch.as_tensor(naive[t > 88.75])).all()
    assert torch.isfinite(torch.as_tensor(naive[t < 88.7])).all()
    assert torch.isinf(torch.as_tensor(shifted[t > 104.0])).all()
    assert torch.isfinite(torch.as_tensor(shifted[t < 103.9])).all()
    assert torch.isfinite(torch.as_tensor(fused)).all()
