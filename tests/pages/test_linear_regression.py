"""snippets/linear_regression.py: timings, the data iterator, minibatches, training."""

import math
import os
import random
import subprocess
import sys
import types

import pytest
import torch
from conftest import numbers
from matplotlib.figure import Figure
from torch import nn


@pytest.fixture(scope="module")
def lr(run):
    return run("linear_regression")


def test_vectorised_addition_is_tens_of_thousands_of_times_faster(lr):
    """The page: '构建网站时测得 a + b 比循环快 10^4 到 10^5 倍'."""
    ns = lr.namespace
    # The median of interleaved CPU-time rounds: 1.8-2.5 x 10^4 on the 2-core build machine,
    # idle or beside three or four busy processes; a wall-clock min-of-3 reached 1.9 x 10^5 there.
    assert 1e4 <= ns["ratio"] < 1e5
    assert ns["magnitude"] == math.floor(math.log10(ns["ratio"])) == 4
    assert lr.outputs["vectorised_vs_loop"].splitlines() == [
        "same result: True",
        "a + b is faster than the loop by 10^4 to 10^5",
    ]


def test_correction_loop_gap_is_interpreter_overhead_not_simd(lr):
    """Note 003: '这里实际上跟CPU本身的指令集扩展有关，包括AVX和MME的矢量运算指令。'"""
    ns = lr.namespace
    # SIMD (256-bit AVX: 8 float32 lanes, AVX-512: 16) cannot explain a gap of 10^4.
    lanes = {bits: bits // torch.finfo(torch.float32).bits for bits in (256, 512)}
    assert lanes == {256: 8, 512: 16}
    assert ns["ratio"] >= 1e4 > 16 * 10
    # The same loop over plain Python floats is already far faster than over tensors:
    # most of the time is spent on per-element tensor dispatch, not on arithmetic.
    assert ns["loop_vs_floats"] >= 10
    assert ns["floats_vs_vec"] >= 10
    assert "a[0] is a Tensor of shape ()" in lr.outputs["where_the_time_goes"]
    assert lr.outputs["where_the_time_goes"].count("True") == 2


def test_synthetic_data(lr):
    ns = lr.namespace
    assert ns["features"].shape == (1000, 2) and ns["labels"].shape == (1000,)
    residual = ns["labels"] - ns["features"] @ ns["true_w"] - ns["true_b"]
    assert residual.std().item() == pytest.approx(0.01, rel=0.1)


def test_data_iter_batches_last_one_shorter(lr):
    # the notes' comment on the last batch is kept, their "# random read 10 samples" is not
    code = next(s.code for s in lr.sections if s.name == "data_iter")
    assert "# the last time may be not enough for a whole batch" in code
    assert "random read 10 samples" not in code
    assert lr.outputs["data_iter"].splitlines() == [
        "X: (4, 2)  y: (4,)",
        "X: (4, 2)  y: (4,)",
        "X: (2, 2)  y: (2,)",
    ]
    ns = lr.namespace
    seen = torch.cat([y for _, y in ns["data_iter"](3, ns["features"], ns["labels"])])
    assert sorted(seen.tolist()) == sorted(ns["labels"].tolist())  # every example once


def test_legacy_constructor_works_but_reads_an_int_as_a_shape(lr):
    """Note 003's `torch.LongTensor(indices[...])` runs in 2.13: a note, not a correction."""
    ns = lr.namespace
    batch = next(ns["data_iter"](5, ns["features"], ns["labels"]))
    assert batch[0].shape == (5, 2)
    indices = list(range(10))
    notes_line = torch.LongTensor(indices[8 : min(8 + 4, 10)])  # the notes' own line, last batch
    assert torch.equal(notes_line, torch.tensor(indices[8 : 8 + 4], dtype=torch.long))
    assert torch.equal(torch.LongTensor([7, 2, 5]), torch.tensor([7, 2, 5], dtype=torch.long))
    assert torch.LongTensor(3).shape == (3,)  # an int is read as a size
    assert torch.tensor(3, dtype=torch.long).shape == ()
    out = lr.outputs["legacy_constructor"]
    assert "LongTensor(3): (3,)" in out and "tensor(3):     tensor(3)" in out


def test_generator_is_a_single_use_iterator(lr):
    assert lr.outputs["generator"].splitlines() == [
        "generator - an iterator: True",
        "first batch: (4, 2)",
        "batches left: [(4, 2), (2, 2)]",
        "second pass:  []",
    ]


def test_correction_range_is_a_lazy_sequence_not_an_iterator(lr):
    """Note 003: '当前的range返回的也是这样一个迭代器'."""
    out = lr.outputs["range_is_a_sequence"].splitlines()
    assert out == [
        "range | len: 10 | r[3]: 3 | 7 in r: True",
        "an iterator: False | iter(r) is a range_iterator",
        "two passes: 45 45",
        "TypeError: 'range' object is not an iterator",
    ]
    with pytest.raises(TypeError):
        next(range(10))


def test_squared_loss_is_the_gaussian_negative_log_likelihood(lr):
    ns = lr.namespace
    lines = lr.outputs["model_and_loss"].splitlines()
    assert lines[0].startswith("squared losses of 3 examples: tensor([")
    assert numbers(lines[1])[-1] == numbers(lines[2])[-1]  # the two printed values agree
    # and for other w, b too: -log N(y; Xw + b, sigma^2) = const + squared loss / sigma^2
    X, y, sigma = ns["features"][:50], ns["labels"][:50], ns["sigma"]
    for w, b in [(torch.tensor([2.0, -3.4]), 4.2), (torch.tensor([0.0, 0.0]), 0.0)]:
        y_hat = ns["linreg"](X, w, b)
        nll = -torch.distributions.Normal(y_hat, sigma).log_prob(y).sum()
        const = len(y) / 2 * math.log(2 * math.pi * sigma**2)
        expected = const + ns["squared_loss"](y_hat, y).sum() / sigma**2
        assert nll.item() == pytest.approx(expected.item(), rel=1e-5, abs=1e-2)


def test_correction_minibatch_sgd_is_not_batch_normalization(lr):
    """Note 003: 'batch normalization 是两种不同方式的中和'."""
    rows = [numbers(line) for line in lr.outputs["minibatch_gradient"].splitlines()[1:]]
    errors = [row[-1] for row in rows]
    # The gradient of a minibatch estimates the full gradient; larger batches, smaller error.
    assert errors == sorted(errors, reverse=True) and errors[-1] == 0.0
    assert errors[0] > 1.0 and errors[2] < 0.25
    # ~1/sqrt(batch size): ten times the batch, about a third of the error.
    assert errors[1] / errors[0] == pytest.approx(10**-0.5, rel=0.25)
    # Batch normalisation is something else: a layer that standardises activations.
    out = lr.outputs["batch_norm_is_a_layer"]
    assert "output mean ≈ 0: True" in out
    assert numbers(out.splitlines()[-1]) == [1.0, 1.0]


def test_backprop_matches_the_hand_derived_gradient(lr):
    lines = lr.outputs["backprop_step"].splitlines()
    assert numbers(lines[0]) == numbers(lines[1])
    assert numbers(lines[2]) == numbers(lines[3])


def test_update_of_a_leaf_outside_no_grad_fails(lr):
    assert lr.outputs["update_outside_no_grad"].strip() == (
        "RuntimeError: a leaf Variable that requires grad is being used in an in-place operation."
    )
    w = torch.zeros(2, requires_grad=True)
    with torch.no_grad():
        w -= 0.03 * torch.ones(2)  # the same update under no_grad: fine, and not recorded
    assert w.grad_fn is None and w.is_leaf


def test_sgd_divides_by_the_examples_in_the_batch_not_batch_size(lr):
    ns = lr.namespace
    code = next(s.code for s in lr.sections if s.name == "training")
    assert "sgd([w, b], lr, len(y))" in code
    # a short last batch: 10 examples in batches of 4 end with 2
    *_, (X, y) = ns["data_iter"](4, ns["features"][:10], ns["labels"][:10])
    assert len(y) == 2

    def step(divisor):
        w = torch.zeros(2, requires_grad=True)
        b = torch.zeros(1, requires_grad=True)
        ns["squared_loss"](ns["linreg"](X, w, b), y).sum().backward()
        ns["sgd"]([w, b], 0.03, divisor)
        return torch.cat([w.detach(), b.detach()])

    w = torch.zeros(2, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    mean_loss = ns["squared_loss"](ns["linreg"](X, w, b), y).mean()
    mean_step = -0.03 * torch.cat(torch.autograd.grad(mean_loss, (w, b)))
    assert torch.allclose(step(len(y)), mean_step)  # the mean gradient of the batch
    assert torch.allclose(step(4), mean_step / 2)  # a fixed batch_size: half the step


def test_training_converges_to_the_true_parameters(lr):
    ns = lr.namespace
    assert torch.allclose(ns["w"].detach(), ns["true_w"], atol=2e-3)
    assert ns["b"].item() == pytest.approx(ns["true_b"], abs=2e-3)
    losses = [numbers(line)[-1] for line in lr.outputs["training"].splitlines()[:3]]
    assert losses == sorted(losses, reverse=True)
    assert losses[-1] < 1e-4  # at the noise floor sigma^2 / 2 = 5e-5
    assert len(ns["history"]) == 300  # 3 epochs of 100 minibatches of 10


def test_concise_implementation_reaches_the_same_parameters(lr):
    ns = lr.namespace
    lines = lr.outputs["concise"].splitlines()
    losses = [numbers(line)[-1] for line in lines[:3]]
    assert losses == sorted(losses, reverse=True) and losses[-1] < 2e-4  # 2 x the floor
    assert lines[-1] == "same w and b within 0.001: True"
    w_net, b_net = ns["net"].weight.detach().flatten(), ns["net"].bias.item()
    assert torch.allclose(w_net, ns["w"].detach(), atol=1e-3)
    assert b_net == pytest.approx(ns["b"].item(), abs=1e-3)
    assert torch.allclose(w_net, ns["true_w"], atol=2e-3)
    assert isinstance(ns["net"], nn.Linear) and isinstance(ns["optimizer"], torch.optim.SGD)
    assert ns["loader"].batch_size == 10 and len(ns["loader"]) == 100


def test_mse_loss_is_twice_the_mean_squared_loss_and_wants_a_column(lr):
    ns = lr.namespace
    y_hat, y = torch.randn(10, 1), torch.randn(10, 1)
    mse = nn.MSELoss()(y_hat, y)
    assert mse.item() == pytest.approx(2 * ns["squared_loss"](y_hat, y).mean().item())
    with pytest.warns(UserWarning, match="target size"):
        broadcast = nn.MSELoss()(y_hat, y.flatten())  # (10, 1) against (10,): (10, 10)
    assert broadcast.item() != pytest.approx(mse.item())


def test_mse_gradient_is_twice_that_of_the_mean_squared_loss(lr):
    """The page: '同样的参数下，它的损失和梯度都是从零实现的两倍'."""
    ns = lr.namespace
    X, y = ns["features"][:10], ns["labels"][:10]
    net = nn.Linear(2, 1)
    nn.MSELoss()(net(X), y.reshape(-1, 1)).backward()
    w = net.weight.detach().flatten().requires_grad_()
    b = net.bias.detach().clone().requires_grad_()
    ns["squared_loss"](ns["linreg"](X, w, b), y).mean().backward()
    assert torch.allclose(net.weight.grad.flatten(), 2 * w.grad)
    assert torch.allclose(net.bias.grad, 2 * b.grad)


def test_concise_losses_against_those_from_scratch(lr):
    """The page: epoch 3, 0.000093 about twice 0.000047; after epoch 1, a step twice as far."""
    ns = lr.namespace
    scratch = [numbers(line)[-1] for line in lr.outputs["training"].splitlines()[:3]]
    concise = [numbers(line)[-1] for line in lr.outputs["concise"].splitlines()[:3]]
    assert (scratch[0], scratch[2], concise[0], concise[2]) == (
        0.039062,
        0.000047,
        0.00025,
        0.000093,
    )
    assert concise[2] / scratch[2] == pytest.approx(2, rel=0.05)
    assert 2 * scratch[0] == pytest.approx(0.078, abs=5e-4)  # as a mean squared error
    # one epoch from scratch with twice the learning rate: about 0.0002, like the concise one
    random.seed(0)
    torch.manual_seed(0)
    w = torch.normal(0, 0.01, (2,), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for X, y in ns["data_iter"](10, ns["features"], ns["labels"]):
        ns["squared_loss"](ns["linreg"](X, w, b), y).sum().backward()
        ns["sgd"]([w, b], 0.06, len(y))
    with torch.no_grad():
        mse = ((ns["linreg"](ns["features"], w, b) - ns["labels"]) ** 2).mean().item()
    assert 1e-4 < mse < 4e-4 and mse / concise[0] == pytest.approx(1, abs=0.5)


def test_zero_grad_sets_grad_to_none():
    net = nn.Linear(2, 1)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.03)
    net(torch.ones(1, 2)).sum().backward()
    assert net.weight.grad is not None
    optimizer.zero_grad()
    assert net.weight.grad is None and net.bias.grad is None


def test_batch_norm_output_uses_the_documented_std_keyword(lr):
    code = next(s.code for s in lr.sections if s.name == "batch_norm_is_a_layer")
    assert "unbiased" not in code and code.count("correction=0") == 2


def test_figure_draws(lr):
    figure = lr.namespace["figure_training"]()
    assert isinstance(figure, Figure)
    left, right = figure.axes
    assert len(left.lines[0].get_xdata()) == 300
    assert [line.get_label() for line in right.lines if not line.get_label().startswith("_")] == [
        "$w_1$",
        "$w_2$",
        "$b$",
    ]


BUSY = "import time\nend = time.monotonic() + 60\nwhile time.monotonic() < end: pass"


def timed_functions(ns):
    """`looped` and `vectorised` with the `a` and `b` they were timed with: later code rebinds b."""
    env = {**ns, "a": torch.ones(ns["n"]), "b": torch.ones(ns["n"])}
    return [types.FunctionType(ns[name].__code__, env) for name in ("looped", "vectorised")]


def test_tensor_loop_costs_microseconds_per_element(lr):
    """The page: '每个元素要花上微秒量级的时间'."""
    ns = lr.namespace
    looped, _ = timed_functions(ns)
    per_element = min(ns["cpu_time"](looped, 1) for _ in range(3)) / ns["n"]
    assert 1e-6 <= per_element < 1e-4


def test_one_vectorised_addition_takes_a_few_microseconds(lr):
    """The page: 'a + b（一次只要几微秒，太短，不好单独计时）'."""
    ns = lr.namespace
    _, vectorised = timed_functions(ns)
    assert 1e-6 <= min(ns["cpu_time"](vectorised, 1000) for _ in range(3)) < 1e-5


def test_speedup_is_unmoved_by_other_processes(lr):
    """The page: CPU time and the median of interleaved rounds keep the ratio on a busy machine.

    Busy processes take the CPU away from the loop far more often than from one call of a + b, which
    inflates a wall-clock ratio (1.9 x 10^5 seen); the CPU-time median stays in its decade.
    """
    ns = lr.namespace
    looped, vectorised = timed_functions(ns)
    busy = [
        subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(2 * (os.cpu_count() or 1))
    ]
    try:
        loaded = ns["speedup"](looped, vectorised, 1000)
    finally:
        for process in busy:
            process.kill()
            process.wait()
    assert math.floor(math.log10(loaded)) == ns["magnitude"] == 4
    assert loaded / ns["ratio"] == pytest.approx(1, abs=0.5)
