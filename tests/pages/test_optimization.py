"""snippets/optimization.py: gradients, descent, minima, saddles and the optimiser's factors."""

import math
import re

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


def test_correction_convex_function_need_not_attain_a_minimum(opt):
    """Note 001, p. 27: '一个凸函数总是可以找到一个全局最优点。'"""
    ns = opt.namespace
    # exp is strictly convex (exp'' = exp > 0) but gradient descent never stops: no minimiser.
    walk = ns["walk"]
    assert (walk.diff() < 0).all()
    assert walk[-1].item() < -6.9 and walk[-1].exp().item() > 0
    assert walk[-1].item() == pytest.approx(-math.log(1000), abs=0.05)
    assert "step 1000: x =  -6.912   exp(x) = slope = 9.95e-04" in opt.outputs["convex_no_minimum"]
    # exp'' = exp > 0 everywhere (strictly convex) but it tends to 0: not strongly convex
    second = [hessian(torch.exp, torch.tensor(x)).item() for x in (0.0, -10.0, -30.0)]
    assert second[0] == 1.0 and 0 < second[2] < second[1] < 1e-4
    # strongly convex (Hessian eigenvalues 2 and 4 everywhere): one minimiser, from any start
    bowl, descend = ns["bowl"], ns["descend"]
    assert torch.linalg.eigvalsh(hessian(bowl, torch.randn(2))).tolist() == [2.0, 4.0]
    for start in ([0.0, 0.0], [-5.0, 7.0], [9.0, -4.0]):
        end = descend(bowl, start, lr=0.1, steps=200)[-1]
        assert torch.allclose(end, torch.tensor([3.0, -1.0]), atol=1e-5)


def test_a_convex_function_that_is_not_strictly_convex_has_many_minimisers(opt):
    """The note says 一个 (a) global optimum, not only one; (x - y)² has a whole line of them."""
    ns = opt.namespace
    valley, descend = ns["valley"], ns["descend"]
    eig = torch.linalg.eigvalsh(hessian(valley, torch.randn(2)))
    assert torch.allclose(eig, torch.tensor([0.0, 4.0]), atol=1e-6)
    ends = [descend(valley, s, lr=0.1, steps=100)[-1] for s in ([2.0, 0.0], [0.0, 4.0])]
    assert torch.allclose(ends[0], torch.tensor([1.0, 1.0]), atol=1e-5)
    assert torch.allclose(ends[1], torch.tensor([2.0, 2.0]), atol=1e-5)
    assert all(valley(e).item() < 1e-10 for e in ends)


def test_local_minima_figure_marks_every_end_point_with_a_star(opt):
    """The caption says ★ marks the end points (all four), not the global minimum."""
    ns = opt.namespace
    ax = ns["figure_local_minima"]().axes[0]
    stars = [line.get_xdata()[0] for line in ax.lines if line.get_marker() == "*"]
    ends = [
        ns["descend"](ns["bumpy"], s, lr=0.02, steps=150)[-1].item() for s in (-2.0, -0.5, 0.5, 2.0)
    ]
    assert stars == pytest.approx(ends)
    assert sum(x > 0 for x in stars) == 2  # two of them sit in the local minimum
    # every starting dot is inside the plot (f(2) = 6 was cut off at ylim 4.5)
    low, high = ax.get_ylim()
    dots = [line.get_ydata()[0] for line in ax.lines if line.get_marker() == "o"]
    assert len(dots) == 4 and all(low < y < high for y in dots), (dots, high)


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


def test_saddle_is_only_a_local_maximum_along_y(opt):
    """Note 002, 1.1: '鞍点是x的极小值但是是y的最大值' holds for x² − y²; in general, 极大值."""
    ns = opt.namespace
    tilted = ns["tilted"]
    assert ns["g0"].tolist() == [0.0, 0.0]  # stationary at the origin
    eig = torch.linalg.eigvalsh(hessian(tilted, torch.zeros(2)))
    assert eig.tolist() == [-2.0, 2.0]  # curvatures of both signs: a saddle point
    ys = torch.linspace(-0.5, 0.5, 101)
    along_y = tilted(torch.stack([0 * ys, ys]))
    assert along_y.argmax().item() == 50 and (along_y <= 1e-12).all()  # local maximum at 0
    far = tilted(torch.tensor([0.0, 3.0])).item()
    assert far == 11.25 > 0  # but not the maximum along y
    assert (
        "f(0, y):             tensor([11.2500, -0.2344,  0.0000, -0.2344, 11.2500])"
        in (opt.outputs["saddle_local_max"])
    )
    # on x² − y², the typical saddle surface, the origin happens to be the maximum along y
    saddle = ns["saddle"]
    on_y = saddle(torch.stack([0 * ys, ys]))
    assert on_y.argmax().item() == 50 and (on_y <= 0).all()


def test_descent_slows_near_the_saddle_then_leaves(opt):
    ns = opt.namespace
    near = ns["near"]
    gradient_norms = 2 * near.norm(dim=1)
    assert gradient_norms.min() < 0.1  # nearly stuck around step 20
    assert gradient_norms.argmin().item() == 17
    assert "smallest |∇f|: 0.063 at step 17" in opt.outputs["saddle_slowdown"]
    assert near[-1, 1].item() > 1.0  # then escapes along y
    assert ns["on_axis"][1].item() == 0.0 and ns["on_axis"][0].item() < 1e-3


def test_correction_saddle_point_need_not_follow_the_axes(opt):
    """Note 001, p. 27: '鞍点：在某个点取到一个维度的极大值，取到另一个维度的极小值'."""
    ns = opt.namespace
    twist = ns["twist"]
    s = torch.linspace(-1, 1, 11)
    # along the axes f is flat: the origin is no strict extremum there
    assert twist(torch.stack([s, 0 * s])).abs().max() == 0
    assert twist(torch.stack([0 * s, s])).abs().max() == 0
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
    weights = ns["toy_weights"](20)
    assert len(weights) == 22  # 20 hidden matrices, plus input and output
    assert "20 hidden layers: 22 weight matrices" in opt.outputs["toy_networks"]
    assert " 2 hidden layers: 4 weight matrices" in opt.outputs["toy_networks"]
    batch = [torch.stack([w, 2 * w]) for w in weights]
    for skip in (False, True):
        losses = ns["toy_loss"](batch, skip=skip)
        assert losses.shape == (2,)
        assert losses[0] == pytest.approx(ns["toy_loss"](weights, skip=skip).item(), rel=1e-5)


def minima_counts(opt) -> dict[tuple[int, bool], list[int]]:
    """The loss_slice table: local minima per seed, for each (hidden layers, skip)."""
    rows = {}
    for line in opt.outputs["loss_slice"].splitlines()[1:]:
        kind, depth, counts = re.match(
            r"\s*(\w+),\s*(\d+) hidden layers:([\d ]+)mean", line
        ).groups()
        rows[(int(depth), kind == "residual")] = [int(c) for c in counts.split()]
    return rows


def test_correction_skip_connections_not_depth_smooth_the_loss(opt):
    """Note 002, 1.1: '是因为加深之后，loss平面变得平滑（右侧），更加容易找到全局最优'."""
    rows = minima_counts(opt)
    shallow, deep, residual = rows[(2, False)], rows[(20, False)], rows[(20, True)]
    assert len(shallow) == len(deep) == len(residual) == 8
    for seed in range(8):
        assert deep[seed] > shallow[seed], seed  # depth alone makes the line rougher
        assert deep[seed] > residual[seed], seed  # skip connections smooth it again
    means = [sum(r) / 8 for r in (shallow, deep, residual)]
    assert [round(m, 1) for m in means] == [1.9, 9.2, 1.4]  # the page: 1.9, 9.3 (9.25), 1.4
    assert means[1] == 9.25
    assert (min(deep), max(deep)) == (5, 15) and max(shallow + residual) == 4
    assert min(shallow + residual) == 0
    # residual vs shallow: no fixed order across seeds
    pairs = list(zip(residual, shallow, strict=True))
    assert any(r < s for r, s in pairs) and any(r > s for r, s in pairs)
    # seed 0 is the one drawn in the figure: 6 local minima on the plain 20-layer line
    loss_slice, count_minima = opt.namespace["loss_slice"], opt.namespace["count_minima"]
    assert count_minima(loss_slice(20, False)) == deep[0] == 6


def test_skip_connections_figure_says_what_the_number_is(opt):
    ax = opt.namespace["figure_skip_connections"]().axes[0]
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert all(re.search(r"\$n = (2|20)\$$", label) for label in labels), labels


def test_kaiming_normal_has_variance_two_over_fan_in(opt):
    ns = opt.namespace
    assert ns["kaiming"].std().item() == pytest.approx(math.sqrt(2 / 256), rel=0.03)
    default = ns["default"]
    assert default.abs().max().item() <= 1 / 16
    assert default.var().item() == pytest.approx(1 / (3 * 256), rel=0.03)
    assert "std of w = 0.0360,  √(1/(3·256)) = 0.0361" in opt.outputs["kaiming_std"]


def test_kaiming_keeps_the_activations_of_a_deep_relu_stack(opt):
    rows, factors = {}, {}
    for line in opt.outputs["init_variance"].splitlines()[1:]:
        name = line[:18].strip()
        rms, factor = line[18:].split("×")
        rows[name] = [float(v) for v in rms.split()]
        factors[name] = float(factor)
    # RMS × √(n σ² / 2) per layer: 0.11 (σ = 0.01), 0.41 (default), 1 (Kaiming), 1.13 (σ = 0.1)
    expected = {
        "N(0, 0.01²)": math.sqrt(256 * 0.01**2 / 2),
        "nn.Linear default": math.sqrt(1 / 6),
        "Kaiming normal": 1.0,
        "N(0, 0.1²)": math.sqrt(256 * 0.1**2 / 2),
    }
    for name, value in expected.items():
        assert factors[name] == pytest.approx(value, rel=0.03), name
    assert [round(factors[n], 2) for n in expected] == [0.11, 0.41, 0.99, 1.13]
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
    assert round(lr_01[3] / decayed[300]) == 3  # the page: 3 times more precise
    assert decayed[300] < lr_001[3] / 3


def test_sgd_momentum_follows_the_documented_rule(opt):
    for line in opt.outputs["momentum_rule"].splitlines():
        by_torch, by_hand = numbers(line)
        assert by_torch == pytest.approx(by_hand, abs=1e-6)


def ravine_table(opt) -> dict[float, list[int | None]]:
    rows = {}
    for line in opt.outputs["momentum_ravine"].splitlines()[2:]:
        lr, *counts = line.split("=")[1].split()
        rows[float(lr)] = [None if c == "never" else int(c) for c in counts]
    return rows


def test_momentum_speeds_up_in_a_ravine_when_tuned(opt):
    rows = ravine_table(opt)
    assert rows == {0.02: [428, 204, 129], 0.075: [111, 42, 152], 0.085: [None, 33, 153]}
    steps_needed = opt.namespace["steps_needed"]
    assert steps_needed(0.075, 0.5) == 42
    # past the limit 2/25 plain gradient descent diverges; momentum 0.5 still converges
    assert 0.085 > 2 / 25 and steps_needed(0.085, 0.0) is None
    # μ = 0.9 is best at the small lr, too much inertia at the large ones
    assert min(rows[0.02]) == rows[0.02][2]
    for lr in (0.075, 0.085):
        assert rows[lr][2] > 150 and rows[lr][2] > 3 * rows[lr][1]


def test_momentum_damps_y_only_where_plain_descent_oscillates(opt):
    descend, ravine = opt.namespace["descend"], opt.namespace["ravine"]

    def y_path(lr, momentum):
        return descend(ravine, [-8.0, 1.0], lr, momentum, steps=20)[:, 1]

    def flips(y):
        return int((y[1:].sign() != y[:-1].sign()).sum())

    # η = 0.02: y × 0.5 per step, never flips; momentum makes it flip and decay more slowly
    plain, heavy = y_path(0.02, 0.0), y_path(0.02, 0.5)
    assert flips(plain) == 0 and flips(heavy) > 0
    assert heavy[20].abs() > 100 * plain[20].abs()
    # η = 0.075: y × (−0.875) per step, flips at every step; momentum damps it
    plain, heavy = y_path(0.075, 0.0), y_path(0.075, 0.5)
    assert flips(plain) == 20
    assert plain[20].abs().item() == pytest.approx(0.875**20, rel=1e-4)
    assert heavy[20].abs() < plain[20].abs() / 10
    out = opt.outputs["momentum_y"]
    assert "lr = 0.075 momentum 0.0: y signs -+-+-+-+-+-+   |y| at step 20: 6.9e-02" in out
    assert "lr = 0.075 momentum 0.5: y signs --+--++-++--   |y| at step 20: 1.4e-03" in out
    assert "lr = 0.02  momentum 0.0: y signs ++++++++++++   |y| at step 20: 9.5e-07" in out
    assert "lr = 0.02  momentum 0.5: y signs ++----++++--   |y| at step 20: 9.8e-04" in out


def test_at_lr_0075_the_step_count_is_set_by_x(opt):
    """111 → 42 steps is x speeding up: x alone needs the same counts, y alone far fewer."""
    steps_needed = opt.namespace["steps_needed"]
    for momentum, both in ((0.0, 111), (0.5, 42)):
        assert steps_needed(0.075, momentum) == both
        assert steps_needed(0.075, momentum, start=(-8.0, 0.0)) == both  # x alone
        assert steps_needed(0.075, momentum, start=(0.0, 1.0)) < both  # y alone
    assert abs(1 - 0.075) > abs(1 - 25 * 0.075)  # 0.925 > 0.875: x is the slower one
    out = opt.outputs["momentum_y"]
    assert "lr = 0.075 momentum 0.0: x alone needs 111 steps" in out
    assert "lr = 0.075 momentum 0.5: x alone needs 42 steps" in out


def test_momentum_figure_shows_the_damped_oscillation(opt):
    top = opt.namespace["figure_momentum"]().axes[0]
    assert top.get_title() == r"$\eta = 0.075$"
    plain, heavy = (torch.tensor(line.get_ydata()) for line in top.lines[:2])
    assert (plain[1:].sign() != plain[:-1].sign()).all()  # μ = 0: y flips at every step
    assert heavy[15:].abs().max() < plain[15:].abs().max() / 10  # μ = 0.5: damped


def test_momentum_can_escape_a_shallow_local_minimum_but_no_guarantee(opt):
    ends = [numbers(line)[-1] for line in opt.outputs["momentum_escape"].splitlines()]
    assert ends[0] == ends[1] == pytest.approx(1.1309)
    assert ends[2] == pytest.approx(-1.3008)
    assert ends[3] == pytest.approx(1.1309, abs=1e-3)
    path = opt.namespace["descend"](opt.namespace["bumpy"], 2.0, lr=0.02, momentum=0.95)
    assert path.min() < -1.3  # it did reach the global valley, and came back


def test_saddle_figure_marks_the_saddle_point(opt):
    contour = opt.namespace["figure_saddle"]().axes[1]
    marked = [line for line in contour.lines if len(line.get_xdata()) == 1]
    assert [(line.get_xdata()[0], line.get_ydata()[0]) for line in marked] == [(0, 0)]
