"""snippets/softmax.py: softmax, cross-entropy, float32 limits and the stable forms."""

import math

import pytest
import torch
import torch.nn.functional as F
from conftest import numbers
from matplotlib.figure import Figure

# d2l-zh 1.0, §3.4.5, the sentence note 003's "交叉熵" subsection rewords.
OTHER_QUOTES = {"交叉熵只关心对正确类别的预测概率": "d2l-zh 1.0 §3.4.5 (交叉熵损失函数)"}


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
    o = ns["o"]
    assert torch.equal(torch.softmax(o - 100, 1), torch.softmax(o, 1))  # exactly, not nearly


def test_correction_softmax_is_a_differentiable_distribution_not_a_numerical_aid(sm):
    """Note 003: 'softmax的提出，很大程度上是为了数值计算的方便'."""
    ns = sm.namespace
    scores = ns["scores"].detach()
    assert (scores / scores.sum() < 0).any()  # dividing by the sum is no distribution
    hard = F.one_hot(ns["scores"].argmax(), 3)  # argmax: a distribution, but no gradient
    assert not hard.requires_grad and hard.grad_fn is None
    # piecewise constant: a small change of the scores leaves it unchanged (derivative 0) ...
    assert torch.equal(F.one_hot((scores + torch.tensor([-0.1, 0.1, 0.1])).argmax(), 3), hard)
    # ... until the maximum changes hands, where it jumps
    assert not torch.equal(F.one_hot((scores + torch.tensor([0.0, 0.0, 1.6])).argmax(), 3), hard)
    soft = torch.softmax(ns["scores"], 0)
    assert (soft > 0).all() and soft.sum().item() == pytest.approx(1.0)
    assert soft.grad_fn is not None
    grad = ns["scores"].grad  # d softmax[0] / d scores = p_0 (delta_0j - p_j): none zero
    p0 = soft.detach()
    assert torch.allclose(grad, p0[0] * (torch.eye(3)[0] - p0))
    assert (grad != 0).all()
    assert torch.isinf(torch.exp(torch.tensor(89.0)))  # the exp is what overflows
    lines = sm.outputs["softmax_purpose"].splitlines()
    assert numbers(lines[0]) == [1.3333, -0.6667, 0.3333]
    assert lines[1].endswith("carries a gradient: False")
    assert numbers(lines[3]) == [0.1684, -0.0307, -0.1377]
    assert lines[4] == "float32 exp(89.0): tensor(inf)"


def test_correction_cross_entropy_reads_the_true_class_not_the_predicted_one(sm):
    """Note 003: '只关心分类出来的那个结果的概率比的大小，而不在意其它的结果'."""
    lines = sm.outputs["cross_entropy_one_hot"].splitlines()[1:]
    values = [numbers(line)[-2:] for line in lines]
    assert all(h == t for h, t in values)  # H equals -log y_hat[true class]
    assert values[0] == values[1] == [0.5108, 0.5108]  # other classes do not matter
    # nor does the ratio of y_hat_c to another class's probability: 3 vs about 1.54, same loss
    assert 0.6 / 0.2 == pytest.approx(3.0) and 0.6 / 0.39 == pytest.approx(1.54, abs=0.005)
    first = F.nll_loss(torch.log(torch.tensor([[0.2, 0.2, 0.6]])), torch.tensor([2]))
    second = F.nll_loss(torch.log(torch.tensor([[0.39, 0.01, 0.6]])), torch.tensor([2]))
    assert first.item() == pytest.approx(second.item())
    assert lines[2].endswith("predicted class 0")  # the model classifies it as class 0 ...
    assert values[2][0] == pytest.approx(-math.log(0.2), abs=1e-4)  # ... the loss reads class 2
    y_hat = torch.tensor([[0.7, 0.1, 0.2]])
    loss = F.nll_loss(torch.log(y_hat), torch.tensor([2]))
    assert loss.item() == pytest.approx(-math.log(0.2))
    assert loss.item() != pytest.approx(-math.log(y_hat.max().item()))
    # the same with logits: F.cross_entropy reads the label's class, whatever the argmax
    assert F.cross_entropy(torch.log(y_hat), torch.tensor([2])).item() == pytest.approx(
        -math.log(0.2)
    )


def test_cross_entropy_gradient_is_softmax_minus_one_hot(sm):
    lines = sm.outputs["cross_entropy_gradient"].splitlines()
    assert numbers(lines[0]) == numbers(lines[1]) == [0.09, 0.2447, -0.3348]
    o = torch.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    F.cross_entropy(o, torch.tensor([2])).backward()
    assert torch.allclose(o.grad, torch.softmax(o.detach(), 1) - sm.namespace["onehot"])


def test_cross_entropy_is_entropy_plus_kl_divergence(sm):
    ns = sm.namespace
    y, q = ns["y_true"], ns["q_hat"]
    entropy = -(y * y.log()).sum()
    kl = F.kl_div(q.log(), y, reduction="sum")
    cross = F.cross_entropy(ns["o3"][None], y[None])  # probabilities as the target
    assert torch.allclose(entropy + kl, cross)
    assert kl > 0 and entropy > 0
    lines = sm.outputs["entropy_kl"].splitlines()
    assert numbers(lines[0]) == [2.4076, 1.4076, 0.4076]
    assert numbers(lines[1]) == [0.8018, 0.0058, 0.8076]
    assert numbers(lines[2]) == [0.8076]
    assert numbers(lines[3]) == [0.0058] and numbers(lines[4]) == [0.8076]
    # a one-hot label has entropy 0: cross-entropy and KL divergence are then equal
    onehot = F.one_hot(torch.tensor(2), 3).float()
    assert torch.allclose(
        F.kl_div(F.log_softmax(ns["o3"], 0), onehot, reduction="sum"),
        F.cross_entropy(ns["o3"][None], torch.tensor([2])),
    )


def test_cross_entropy_is_the_negative_log_likelihood_of_the_categorical_model(sm):
    ns = sm.namespace
    nll = -torch.distributions.Categorical(logits=ns["logits4"]).log_prob(ns["labels4"]).sum()
    total = F.cross_entropy(ns["logits4"], ns["labels4"], reduction="sum")
    assert torch.allclose(nll, total)
    lines = sm.outputs["likelihood"].splitlines()
    assert numbers(lines[0]) == numbers(lines[1]) == [round(total.item(), 4)]


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


def test_the_formula_is_fine_and_float32_is_the_trouble(sm):
    """Note 004's '这在数学上时完全合理的': the maths is right, the number format is not."""
    low = sm.namespace["low"]
    naive = sm.namespace["softmax"]
    assert torch.isnan(naive(low)).all()  # float32: every exp underflows, 0 / 0
    exact = torch.softmax(low.double(), 1)
    assert torch.allclose(naive(low.double()), exact)  # float64: same formula, right answer
    assert sm.outputs["float64_range"].splitlines() == [
        "float32: tensor([[nan, nan]])",
        "float64: tensor([[0.7311, 0.2689]], dtype=torch.float64)",
    ]


def test_correction_naive_softmax_overflows_when_log_sum_exp_exceeds_88_72(sm):
    """Note 004: '如果$o$的最大项位于区间$[-90,90]$外，那么计算结果将变得数值不稳定'."""
    naive = sm.namespace["softmax"]
    limit = math.log(torch.finfo(torch.float32).max)
    assert limit == pytest.approx(88.7228, abs=1e-4)
    # the largest entry inside [-90, 90], every exp finite, the sum infinite: all zeros
    for row in ([88.5, 88.5], [86.5] * 10, [88.0] * 3):
        o = torch.tensor([row])
        assert max(row) < limit < torch.logsumexp(o.double(), 1).item()
        assert torch.isfinite(torch.exp(o)).all() and torch.isinf(torch.exp(o).sum())
        assert (naive(o) == 0).all()  # no nan at all: silently zeros
        assert math.isinf(-torch.log(naive(o)[0, 0]).item())  # and the loss is inf
        assert torch.allclose(torch.softmax(o, 1), torch.full_like(o, 1 / len(row)))
    # just below log-sum-exp = 88.72 the naive form still works
    assert torch.allclose(naive(torch.tensor([[88.0, 88.0]])), torch.tensor([[0.5, 0.5]]))
    # q equal logits overflow from 88.72 - ln q on, not from 88.72
    for line, q in zip(sm.outputs["overflow_threshold"].splitlines(), (2, 10, 1000), strict=True):
        below, p_below, above, p_above = numbers(line)
        assert below < limit - math.log(q) < above
        assert p_below == pytest.approx(1 / q, abs=1e-4) and p_above == 0.0
    # the thresholds the box quotes: 88.72 - ln q for 2, 10 and 1000 classes
    edges = [round(limit - math.log(q), 2) for q in (2, 10, 1000)]
    assert edges == [88.03, 86.42, 81.82]
    out = sm.outputs["naive_overflow"].splitlines()
    assert out[2] == "  88.50          89.19  tensor([0., 0.])"
    assert out[3].startswith("  86.50          88.80  tensor([0., 0., 0.,")
    assert out[-1] == "naive loss on [88.5, 88.5], class 0: tensor(inf)"
    # the low end: subnormal from -87.34, zero (and 0 / 0 = nan) below -103.97
    exp = torch.exp
    assert torch.isfinite(exp(torch.tensor(88.72))) and torch.isinf(exp(torch.tensor(88.73)))
    tiny = torch.finfo(torch.float32).tiny
    assert 0 < exp(torch.tensor(-87.34)).item() < tiny  # subnormal: precision starts to go
    assert exp(torch.tensor(-103.9)).item() == 2.0**-149  # the smallest subnormal
    assert exp(torch.tensor(-104.0)).item() == 0.0
    assert math.log(torch.finfo(torch.float32).max) == pytest.approx(88.7228, abs=1e-4)
    assert math.log(2.0**-150) == pytest.approx(-103.9721, abs=1e-4)
    out = sm.outputs["float32_limits"]
    assert "exp(  88.73) = inf" in out and "exp(-104.00) = 0.0000e+00" in out
    assert torch.isnan(naive(torch.tensor([[90.0, 0.0]]))[0, 0])  # inf / inf
    assert torch.isnan(naive(torch.tensor([[-110.0, -111.0]]))).all()  # 0 / 0
    # between -103.97 and -87.34: no nan, but subnormal exps lose precision
    assert naive(torch.tensor([[-100.0, -101.0]]))[0, 0].item() == pytest.approx(0.7297, abs=1e-4)
    assert torch.softmax(torch.tensor([-100.0, -101.0]), 0)[0].item() == pytest.approx(
        0.7311, abs=1e-4
    )


def test_stable_softmax_matches_torch(sm):
    ns = sm.namespace
    for row in ns["extreme"]:
        o = torch.tensor([row])
        stable = ns["stable_softmax"](o)
        assert torch.isfinite(stable).all()
        assert torch.equal(stable, torch.softmax(o, 1))
    assert sm.outputs["stable_softmax"].rstrip().endswith("all the same as torch.softmax: True")


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
    lines = sm.outputs["cross_entropy_from_scratch"].splitlines()
    assert lines[0].endswith("tensor([inf, nan, inf])")
    # gradients: both stable forms finite, the naive one nan everywhere
    assert lines[3].endswith("gradient entries finite: 0/9, nan: 9/9")
    assert lines[4].endswith("gradient entries finite: 9/9, nan: 0/9")
    assert lines[5].endswith("gradient entries finite: 9/9, nan: 0/9")
    for loss_fn, finite in [
        (ns["naive_cross_entropy"], False),
        (ns["cross_entropy"], True),
        (F.cross_entropy, True),
    ]:
        w = ns["logits"].clone().requires_grad_()
        loss_fn(w, ns["labels"]).sum().backward()
        assert torch.isfinite(w.grad).all().item() is finite
        assert torch.isnan(w.grad).all().item() is not finite


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
    assert ax.get_xlabel() == r"$o_1 - o_2$"
    assert ax.get_ylabel() == r"$-\log \hat y_2$"  # the loss: the y-axis is labelled
