"""snippets/activation.py: the values the activation page shows, and its corrections."""

import inspect
import math
import warnings

import pytest
import torch
import torch.nn.functional as F
from conftest import DOCS, numbers
from torch import nn


@pytest.fixture(scope="module")
def act(run):
    return run("activation")


def test_step_function_has_no_gradient(act):
    ns = act.namespace
    assert ns["step"].tolist() == [0.0, 0.0, 1.0, 1.0]
    assert ns["step"].grad_fn is None and not ns["step"].requires_grad
    out = act.outputs["step_function"]
    assert "has grad_fn?  False" in out
    # not differentiable at 0 only; everywhere else the slope is 0
    assert numbers(out.splitlines()[-1]) == [0.0] * 4


def test_two_linear_layers_collapse_into_one(act):
    ns = act.namespace
    assert torch.allclose(ns["two_layers"], ns["one_layer"], atol=1e-6)
    assert ns["W"].shape == (2, 4) and ns["b"].shape == (2,)
    assert "one Linear layer: True" in act.outputs["linear_collapse"]


def test_relu_breaks_the_affine_identity(act):
    ns = act.namespace
    affine, relu = ns["affine_gap"].abs().max().item(), ns["relu_gap"].abs().max().item()
    # the page: a gap of the order of 1e-8 (rounding) against 6.8e-2, six orders larger
    assert 1e-9 < affine < 1e-7 and relu / affine > 1e6
    affine_line, relu_line = act.outputs["nonlinear_breaks_collapse"].splitlines()
    assert affine_line.endswith(f"{affine:.1e}") and relu_line.endswith("6.8e-02")


def test_correction_linspace_counts_points_not_pieces(act):
    """Note 001: '.linespace(start,end,count):从start到end划分成count个片段。'"""
    out = act.outputs["linspace"]
    assert "points: 10" in out
    assert "torch.linespace exists? False" in out
    a = torch.linspace(-100, 100, 10)
    assert a.numel() == 10 and (a[1] - a[0]).item() == pytest.approx(200 / 9, rel=1e-6)
    assert a[0].item() == -100 and a[-1].item() == 100  # both ends included


def test_sigmoid_values_match_note_002(act):
    printed_in_note_002 = [0.0, 1.6655e-34, 7.4564e-25, 3.3382e-15, 1.4945e-05, 9.9999e-01]
    shown = numbers(act.outputs["sigmoid_values"])
    assert shown == printed_in_note_002 + [1.0] * 4


def test_f_sigmoid_is_torch_sigmoid_without_a_warning():
    """Note 001 names both `torch.sigmoid` and `F.sigmoid`; in 2.13 F.sigmoid does not warn."""
    x = torch.linspace(-5, 5, 11)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert torch.equal(F.sigmoid(x), torch.sigmoid(x))


def test_sigmoid_of_minus_100_is_zero_in_float32(act):
    out = act.outputs["sigmoid_float32"].splitlines()
    assert out == [
        "σ(-100) in float64: 3.720e-44",
        "σ(-100) in float32: 0.0",
        "e^100   in float32: inf",
        "σ(-88.5) in float32: 3.672301610145117e-39",
        "σ(-88.8) in float32: 0.0",
        "σ(33.3)  in float32: 1.0",
    ]
    # the true value is representable in float32 (a subnormal number): the 0 comes from e^100
    tiny, smallest = torch.finfo(torch.float32).tiny, torch.tensor(2.0**-149).item()
    assert torch.tensor(3.72e-44).item() > 0
    assert f"{tiny:.1e}" == "1.2e-38" and f"{smallest:.1e}" == "1.4e-45"
    assert 0 < torch.sigmoid(torch.tensor(-88.5)).item() < tiny  # subnormal
    # the cut-off is where e^-z overflows: ln(largest float32) = 88.72
    assert math.log(torch.finfo(torch.float32).max) == pytest.approx(88.72, abs=0.005)
    exp = torch.exp(torch.tensor([88.5, 88.8]))
    assert torch.isfinite(exp[0]) and torch.isinf(exp[1])


def test_sigmoid_gradient_is_s_times_one_minus_s(act):
    ns = act.namespace
    assert torch.allclose(ns["z"].grad, ns["s"] * (1 - ns["s"]))
    assert ns["z"].grad[3].item() == 0.25
    assert ns["z"].grad[0].item() < 1e-4


def test_sigmoid_derivative_is_even_but_float32_breaks_the_tie(act):
    """σ'(-z) = σ'(z): saturation is at large |z| (note 002 says '当x比较大时')."""
    grad = act.namespace["z"].grad
    assert grad[0].item() != grad[-1].item()  # 4.5396e-05 vs 4.5417e-05 in float32
    z = torch.linspace(-12, 12, 25, dtype=torch.float64)
    even = torch.sigmoid(z) * torch.sigmoid(-z)  # σ'(z) = σ(z) σ(-z), even in z
    assert torch.equal(even, even.flip(0))
    s = torch.sigmoid(z)
    assert torch.allclose(s * (1 - s), even, rtol=1e-9, atol=0)
    float64_line = act.outputs["sigmoid_gradient"].split("in float64")[1]
    shown = numbers(float64_line)
    assert shown[0] == shown[-1] == 4.5396e-05


def test_deep_sigmoid_network_gradient_vanishes(act):
    lines = act.outputs["sigmoid_depth"].splitlines()
    rms = [float(line.rsplit(" ", 1)[1]) for line in lines]
    assert [int(line.split()[1]) for line in lines] == [1, 5, 10, 20]
    assert rms == sorted(rms, reverse=True)
    assert rms[-1] < 1e-15  # measured on 20 default nn.Linear + sigmoid layers
    assert f"{rms[-1]:.0e}".endswith("e-17")  # the page: 10^-17 after 20 layers
    # the page: about four orders of magnitude every 5 layers (from depth 5 on)
    per_5_layers = [math.log10(rms[1] / rms[2]), math.log10(rms[2] / rms[3]) / 2]
    assert all(3.5 < orders < 4.5 for orders in per_5_layers), per_5_layers
    assert act.namespace["input_grad_rms"](nn.Sigmoid, 20) == pytest.approx(rms[-1], rel=0.05)


def test_weights_can_make_a_sigmoid_chain_grow(act):
    """σ' <= 1/4 bounds one factor, not the gradient: z <- 8σ(z) - 4 doubles it per layer."""
    assert act.outputs["weighted_chain"] == "z after 20 layers: 0.0  dz20/dz0: 1048576.0\n"
    z = torch.tensor(0.0, requires_grad=True)
    h = z
    for _ in range(20):
        h = 8 * torch.sigmoid(h) - 4
    (grad,) = torch.autograd.grad(h, z)
    assert grad.item() == 2.0**20 > 0.25**20


def test_tanh_identities(act):
    out = act.outputs["tanh_identity"]
    first, second, third = out.splitlines()
    assert float(first.split("=")[1]) < 1e-12
    assert float(second.split("=")[1]) < 1e-12
    assert third == "float32 tanh(10.) = 1.0"
    assert act.outputs["tanh_values"].startswith("tensor([-0.7616, -0.6514, -0.5047")


def test_tanh_range_is_open_but_float32_reaches_one():
    """Note 001: tanh '值在[-1,1]内' — true; the exact range is (-1, 1)."""
    assert torch.tanh(torch.tensor(10.0, dtype=torch.float64)).item() < 1
    assert torch.tanh(torch.tensor(10.0)).item() == 1.0  # float32 rounds to 1
    # the page: from about 9 on; -tanh(-z) = tanh(z), so -1 is reached likewise
    z = torch.linspace(8.0, 10.0, 20001)
    first_one = z[torch.tanh(z) == 1][0].item()
    assert 8.9 < first_one < 9.1
    assert torch.tanh(-z[-1]).item() == -1.0


def test_relu_gradient_is_zero_for_negative_inputs_and_at_zero(act):
    """Note 001: 'z=0时梯度为0,z>0时梯度为1' — right, and z < 0 gives 0 too."""
    assert act.namespace["r"].grad.tolist() == [0.0, 0.0, 1.0]
    assert act.outputs["relu_gradient"].splitlines()[-1] == "dReLU/dz = tensor([0., 0., 1.])"


def test_correction_relu_does_not_prevent_exploding_gradients(act):
    """Note 001: ReLU '很大程度上减少梯度离散和梯度爆炸' — it helps vanishing, not exploding."""
    rows = act.outputs["relu_exploding"].splitlines()[1:]
    table = {row.split("|")[0].strip(): numbers(row.split("|", 1)[1]) for row in rows}
    (sig_default, relu_default), (sig_kaiming, relu_kaiming), (sig_big, relu_big) = (
        table["default nn.Linear"],
        table["Kaiming"],
        table["1.5 × Kaiming"],
    )
    # vanishing: sigmoid loses far more than ReLU; with Kaiming weights ReLU keeps the scale
    assert sig_default < 1e-15 and relu_default > 1e5 * sig_default
    assert sig_kaiming < 1e-8 and 0.3 < relu_kaiming < 3
    # exploding: weights 1.5 times larger blow the ReLU gradient up; sigmoid does not explode
    assert relu_big > 1e3 and sig_big < 1e-6
    # the numbers the box quotes
    quoted = [f"{v:.1e}" for v in (relu_default, sig_big, relu_big)]
    assert quoted == ["2.2e-08", "5.9e-08", "4.8e+03"]
    assert f"{sig_default:.0e}".endswith("e-17")
    grad_rms = act.namespace["input_grad_rms"]
    assert grad_rms(nn.ReLU, 20, act.namespace["kaiming"](1.5)) == pytest.approx(relu_big, rel=0.05)


def test_dying_relu_gets_no_gradient(act):
    out = act.outputs["dying_relu"].splitlines()
    assert float(out[0].split(":")[1]) < 0
    assert numbers(out[1]) == [0.0, 0.0, 0.0]
    assert all(abs(g) > 1e-3 for g in numbers(out[2]))


def test_correction_softplus_slope_at_origin_is_half_for_every_beta():
    """GPT quoted in note 000: a larger beta gives a steeper slope at the origin."""
    x = torch.tensor([0.0, -1.0], requires_grad=True)
    slopes_at_zero, values_at_minus_one, slopes_at_minus_one = [], [], []
    for beta in (0.5, 1.0, 2.0, 20.0):
        y = F.softplus(x, beta=beta)
        (g,) = torch.autograd.grad(y.sum(), x)
        slopes_at_zero.append(g[0].item())
        values_at_minus_one.append(y[1].item())
        slopes_at_minus_one.append(g[1].item())
    assert slopes_at_zero == [0.5] * 4
    assert values_at_minus_one == sorted(values_at_minus_one, reverse=True)  # less response
    assert slopes_at_minus_one == sorted(slopes_at_minus_one, reverse=True)
    assert values_at_minus_one[-1] < 1e-9
    assert F.softplus(torch.tensor(0.0), beta=20).item() == pytest.approx(math.log(2) / 20)


def test_softplus_second_derivative_at_zero_is_beta_over_4():
    for beta in (0.5, 1.0, 20.0):
        x = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
        (d1,) = torch.autograd.grad(F.softplus(x, beta=beta), x, create_graph=True)
        (d2,) = torch.autograd.grad(d1, x)
        assert d2.item() == pytest.approx(beta / 4)


def test_softplus_threshold_avoids_overflow(act):
    ns = act.namespace
    assert torch.isinf(ns["naive"][2])
    assert F.softplus(ns["q"], beta=20).tolist() == [1.0, 4.0, 5.0]


def test_softplus_source_is_nn_modules_activation_with_float_annotations(act):
    """Note 000 quotes `beta: int = 1, threshold: int = 20` from an older release."""
    assert act.outputs["softplus_signature"].splitlines() == [
        "defined in: torch/nn/modules/activation.py",
        "(self, beta: float = 1.0, threshold: float = 20.0) -> None",
        "Softplus(beta=1.0, threshold=20.0) Softplus(beta=2, threshold=20.0)",
    ]
    assert inspect.getsourcefile(nn.Softplus).endswith("torch/nn/modules/activation.py")
    # an annotation is not a check: a float beta works and computes with that value
    assert nn.Softplus(beta=0.5)(torch.tensor([0.0])).item() == pytest.approx(2 * math.log(2))


def test_sigmoid_saturation_marks_both_tails(act):
    ax = act.namespace["figure_sigmoid_saturation"]().axes[0]
    spans = [p for p in ax.patches if p.get_width() > 0]
    assert len(spans) == 2
    left, right = sorted(spans, key=lambda p: p.get_x())
    edge = right.get_x()
    assert 4.5 < edge < 4.7  # σ'(x) < 0.01 beyond |x| ≈ 4.6
    assert left.get_x() + left.get_width() == pytest.approx(-edge)


def test_tanh_figure_plots_the_derivative_and_keeps_the_legend_off_the_line_at_1(act):
    fig = act.namespace["figure_tanh"]()
    ax = fig.axes[0]
    assert max(ax.lines[1].get_ydata()) == pytest.approx(1.0)
    fig.canvas.draw()
    box = ax.get_legend().get_window_extent().transformed(ax.transData.inverted())
    assert box.y1 < 1.0  # the dotted line at 1 does not cross the legend


def test_relu_figure_draws_the_derivative_without_a_jump_and_pytorchs_value_at_0(act):
    ax = act.namespace["figure_relu"]().axes[0]
    relu, negative, positive, open_dot, filled_dot = ax.lines
    assert relu.get_label() == r"$\mathrm{ReLU}(x)$"
    assert max(negative.get_xdata()) < 0 and set(negative.get_ydata().tolist()) == {0.0}
    assert min(positive.get_xdata()) > 0 and set(positive.get_ydata().tolist()) == {1.0}
    assert open_dot.get_markerfacecolor() == "none" and list(open_dot.get_ydata()) == [1]
    # the filled dot is what autograd gives at 0 (the caption: 'the value PyTorch uses, 0')
    assert filled_dot.get_ydata()[0].item() == 0.0 and filled_dot.get_label().startswith("PyTorch")


def test_softplus_figure_draws_relu_on_top(act):
    left = act.namespace["figure_softplus_beta"]().axes[0]
    relu = next(line for line in left.lines if line.get_label() == "ReLU")
    assert relu.get_zorder() > max(line.get_zorder() for line in left.lines if line is not relu)


def test_page_keeps_the_notes_wording_visible():
    """No silent fixes: the notes' words the page departs from are quoted on both pages."""
    for page in ("activation.md", "activation.en.md"):
        text = (DOCS / page).read_text(encoding="utf-8")
        for quote in ("当x比较大时，梯度很小", "nn.Modules.activation.py", "阶梯函数"):
            assert quote in text, (page, quote)
