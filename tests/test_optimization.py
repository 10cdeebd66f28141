"""snippets/optimization.py: gradients, descent, minima, saddles and the optimiser's factors."""

import math

import pytest
import torch
from conftest import numbers
from torch.autograd.functional import hessian


@pytest.fixture(scope="module")
def opt(run):
    return run("optimization")


def test_gradient_is_the_vector_of_partial_derivatives(opt):
    ns = opt.namespace
    assert (ns["df_dx"].item(), ns["df_dy"].item()) == (4.0, 5.0)  # 2xy, x² + 2y at (1, 2)
    assert ns["grad"].tolist() == [4.0, 5.0]
    assert "|∇f| = 6.4031" in opt.outputs["gradient_partials"]


def test_directional_derivative_is_largest_along_the_gradient(opt):
    ns = opt.namespace
    slopes, units, grad = ns["slopes"], ns["units"], ns["grad"]
    assert torch.allclose(slopes, units @ grad, atol=1e-5)
    best = slopes.argmax().item()
    assert best == round(math.degrees(math.atan2(5, 4)))  # 51°, the gradient's direction
    assert slopes.max().item() == pytest.approx(math.sqrt(41), rel=1e-4)
    assert slopes.max().item() <= math.sqrt(41) + 1e-5
    assert slopes.min().item() == pytest.approx(-math.sqrt(41), rel=1e-4)
    assert slopes.argmin().item() == best + 180  # steepest descent: the opposite direction
    assert "at 51 degrees" in opt.outputs["directional_derivative"]


def test_gradient_descent_reaches_the_minimum_and_sgd_does_the_same(opt):
    ns = opt.namespace
    assert torch.allclose(ns["p"].detach(), torch.tensor([3.0, -1.0]), atol=1e-4)
    assert torch.equal(ns["path"][-1], ns["p"].detach())
    assert "same as the loop above: True" in opt.outputs["sgd_optimizer"]
    assert opt.outputs["gradient_descent_loop"].splitlines()[0].startswith("step  1: f = 11.0000")


def test_correction_convex_function_need_not_have_a_unique_minimum(opt):
    """Note 001, p. 27: '一个凸函数总是可以找到一个全局最优点。'"""
    ns = opt.namespace
    # exp is strictly convex (exp'' = exp > 0) but gradient descent never stops: no minimiser.
    walk = ns["walk"]
    assert (walk.diff() < 0).all()
    assert walk[-1].item() < -6.9 and walk[-1].exp().item() > 0
    assert walk[-1].item() == pytest.approx(-math.log(1000), abs=0.05)
    # (x - y)² is convex but not strictly: a zero eigenvalue, and many minimisers.
    valley, descend = ns["valley"], ns["descend"]
    eig = torch.linalg.eigvalsh(hessian(valley, torch.randn(2)))
    assert torch.allclose(eig, torch.tensor([0.0, 4.0]), atol=1e-6)
    ends = [descend(valley, s, lr=0.1, steps=100)[-1] for s in ([2.0, 0.0], [0.0, 4.0])]
    assert torch.allclose(ends[0], torch.tensor([1.0, 1.0]), atol=1e-5)
    assert torch.allclose(ends[1], torch.tensor([2.0, 2.0]), atol=1e-5)
    assert all(valley(e).item() < 1e-10 for e in ends)


def test_local_minimum_depends_on_the_start(opt):
    lines = opt.outputs["local_minima"].splitlines()
    ends = [numbers(line)[1] for line in lines]
    assert ends == [-1.3008, -1.3008, 1.1309, 1.1309]
    bumpy = opt.namespace["bumpy"]
    assert bumpy(torch.tensor(-1.3008)) < bumpy(torch.tensor(1.1309))  # the right one is local


def test_saddle_point_has_zero_gradient_and_mixed_curvature(opt):
    ns = opt.namespace
    assert ns["g0"].tolist() == [0.0, 0.0]
    assert ns["H"].tolist() == [[2.0, 0.0], [0.0, -2.0]]
    assert "eigenvalues: tensor([-2.,  2.])" in opt.outputs["saddle_point"]


def test_descent_slows_near_the_saddle_then_leaves(opt):
    ns = opt.namespace
    near = ns["near"]
    gradient_norms = 2 * near.norm(dim=1)
    assert gradient_norms.min() < 0.1  # nearly stuck around step 20
    assert near[-1, 1].item() > 1.0  # then escapes along y
    assert ns["on_axis"][1].item() == 0.0 and ns["on_axis"][0].item() < 1e-3


def test_correction_saddle_point_need_not_follow_the_axes(opt):
    """Note 001, p. 27: '鞍点：在某个点取到一个维度的极大值，取到另一个维度的极小值'."""
    ns = opt.namespace
    twist = ns["twist"]
    s = torch.linspace(-1, 1, 11)
    assert twist(torch.stack([s, 0 * s])).abs().max() == 0  # no max or min along x
    assert twist(torch.stack([0 * s, s])).abs().max() == 0  # nor along y
    assert torch.allclose(twist(torch.stack([s, s])), s**2)  # minimum along y = x
    assert torch.allclose(twist(torch.stack([s, -s])), -(s**2))  # maximum along y = -x
    assert ns["eigenvalues"].tolist() == [-1.0, 1.0]
    diagonal = torch.tensor([1.0, 1.0]) / math.sqrt(2)
    anti = torch.tensor([1.0, -1.0]) / math.sqrt(2)
    v_down, v_up = ns["eigenvectors"].T
    assert abs(v_down @ anti) == pytest.approx(1.0) and abs(v_up @ diagonal) == pytest.approx(1.0)


def test_saddles_dominate_random_hessians_in_high_dimensions(opt):
    rows = [numbers(line) for line in opt.outputs["saddles_common"].splitlines()]
    saddle_share = [row[-1] for row in rows]
    assert saddle_share[0] == 0.0  # in 1-D every stationary point is a minimum or maximum
    assert saddle_share == sorted(saddle_share)
    assert saddle_share[-1] == 1.0
    assert rows[0][0] + rows[0][1] == pytest.approx(1.0, abs=2e-4)


def test_toy_networks_take_batched_weights(opt):
    ns = opt.namespace
    plain = ns["toy_loss"](ns["batch"], skip=False)
    residual = ns["toy_loss"](ns["batch"], skip=True)
    assert plain.shape == residual.shape == (2,)
    assert plain[1] / plain[0] > 1e12  # output × 2^22: positively homogeneous
    assert residual[1] / residual[0] < 1e4


def test_correction_skip_connections_not_depth_smooth_the_loss(opt):
    """Note 002, 1.1: '是因为加深之后，loss平面变得平滑（右侧），更加容易找到全局最优'."""
    ns = opt.namespace
    loss_slice, count_minima = ns["loss_slice"], ns["count_minima"]
    for seed in range(4):
        shallow = count_minima(loss_slice(2, False, seed=seed))
        deep = count_minima(loss_slice(20, False, seed=seed))
        residual = count_minima(loss_slice(20, True, seed=seed))
        assert deep > shallow, seed  # depth alone makes the line rougher
        assert deep > residual, seed  # skip connections smooth it again
    shown = [line.split(":")[-1].strip() for line in opt.outputs["loss_slice"].splitlines()]
    assert shown == ["1", "6", "2"]  # plain 2 layers, plain 20, residual 20


def test_kaiming_normal_has_variance_two_over_fan_in(opt):
    ns = opt.namespace
    assert ns["kaiming"].std().item() == pytest.approx(math.sqrt(2 / 256), rel=0.03)
    default = ns["default"]
    assert default.abs().max().item() <= 1 / 16
    assert default.var().item() == pytest.approx(1 / (3 * 256), rel=0.03)


def test_kaiming_keeps_the_activations_of_a_deep_relu_stack(opt):
    rows = {}
    for line in opt.outputs["init_variance"].splitlines()[1:]:
        name = line[:18].strip()
        rows[name] = [float(v) for v in line[18:].split()]
    too_small, default, kaiming, too_large = (
        rows["N(0, 0.01²)"],
        rows["nn.Linear default"],
        rows["Kaiming normal"],
        rows["N(0, 0.1²)"],
    )
    assert too_small[-1] < 1e-15 and default[-1] < 1e-6 and too_large[-1] > 5
    assert all(0.3 < v < 3 for v in kaiming)
    assert default[0] == pytest.approx(math.sqrt(1 / 6), rel=0.05)  # E[h²] × 1/6 per layer


def test_learning_rate_on_a_quadratic(opt):
    lines = opt.outputs["lr_quadratic"].splitlines()
    after = {numbers(line)[0]: numbers(line)[-1] for line in lines}
    for lr, x20 in after.items():
        assert x20 == pytest.approx((1 - 2 * lr) ** 20, rel=1e-3, abs=1e-12)
    assert after[0.5] == 0.0 and after[1.0] == 1.0
    assert after[1.1] > 30  # diverges
    assert after[0.01] > 0.5  # converges, slowly


def test_noisy_gradients_make_the_learning_rate_set_the_precision(opt):
    rows = [numbers(line) for line in opt.outputs["lr_noise"].splitlines()[1:]]
    for lr, (*_, at_300, floor) in zip((0.5, 0.1, 0.01), rows, strict=True):
        assert floor == pytest.approx(math.sqrt(lr / (2 - lr)), abs=1e-3)
        if lr >= 0.1:
            assert at_300 == pytest.approx(floor, rel=0.05)
    assert rows[2][-2] > 3 * rows[2][-1]  # lr = 0.01: not there yet after 300 steps


def test_learning_rate_schedules(opt):
    ns = opt.namespace
    step_lr, exp_lr = ns["step_lr"], ns["exp_lr"]
    assert step_lr[99] == 0.5 and step_lr[100] == pytest.approx(0.05)
    assert step_lr[200] == pytest.approx(0.005)
    assert exp_lr[100] == pytest.approx(0.5 * 0.98**100)


def test_learning_rate_decay_gets_speed_and_precision(opt):
    decayed = opt.namespace["decayed"]
    constant = [numbers(line) for line in opt.outputs["lr_noise"].splitlines()[1:]]
    lr_01, lr_001 = constant[1], constant[2]
    assert decayed[100] < lr_001[2] / 5  # faster than the small fixed lr
    assert decayed[300] < lr_01[3] / 2.5  # more precise than the medium fixed lr
    assert decayed[300] < lr_001[3] / 3


def test_sgd_momentum_follows_the_documented_rule(opt):
    for line in opt.outputs["momentum_rule"].splitlines():
        by_torch, by_hand = numbers(line)
        assert by_torch == pytest.approx(by_hand, abs=1e-6)


def test_momentum_speeds_up_in_a_ravine_when_tuned(opt):
    steps_needed = opt.namespace["steps_needed"]
    assert steps_needed(0.02, 0.9) < steps_needed(0.02, 0.0) / 3
    assert steps_needed(0.06, 0.5) < steps_needed(0.06, 0.0) / 2
    assert steps_needed(0.06, 0.9) > steps_needed(0.06, 0.0)  # too much inertia


def test_momentum_can_escape_a_shallow_local_minimum_but_no_guarantee(opt):
    ends = [numbers(line)[-1] for line in opt.outputs["momentum_escape"].splitlines()]
    assert ends[0] == ends[1] == pytest.approx(1.1309)
    assert ends[2] == pytest.approx(-1.3008)
    assert ends[3] == pytest.approx(1.1309, abs=1e-3)
    path = opt.namespace["descend"](opt.namespace["bumpy"], 2.0, lr=0.02, momentum=0.95)
    assert path.min() < -1.3  # it did reach the global valley, and came back


def test_log_is_the_natural_logarithm(opt):
    out = opt.outputs["log_base"]
    assert numbers(out) == [1.0, 4.6052, 2.0, 3.0, 2.0]
    assert numbers(out)[1] == pytest.approx(math.log(100), abs=5e-5)


def test_saddle_figure_marks_the_saddle_point(opt):
    contour = opt.namespace["figure_saddle"]().axes[1]
    marked = [line for line in contour.lines if len(line.get_xdata()) == 1]
    assert [(line.get_xdata()[0], line.get_ydata()[0]) for line in marked] == [(0, 0)]
