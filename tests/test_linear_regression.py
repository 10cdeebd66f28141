"""snippets/linear_regression.py: timings, the data iterator, minibatches, training."""

import pytest
import torch
from conftest import numbers
from matplotlib.figure import Figure


@pytest.fixture(scope="module")
def lr(run):
    return run("linear_regression")


def test_vectorised_addition_is_thousands_of_times_faster(lr):
    ns = lr.namespace
    # Measured at about 2-4 x 10^4 on a 2-core build machine: order of magnitude 10^4.
    assert 1e3 <= ns["ratio"] < 1e6
    assert lr.outputs["vectorised_vs_loop"].splitlines() == [
        "same result: True",
        "a + b at least 100x faster than the loop: True",
    ]


def test_correction_loop_gap_is_interpreter_overhead_not_simd(lr):
    """Note 003: '这里实际上跟CPU本身的指令集扩展有关，包括AVX和MME的矢量运算指令。'"""
    ns = lr.namespace
    # SIMD (AVX2: 8 float32 lanes, AVX-512: 16) cannot explain a gap of more than 16x.
    assert ns["ratio"] > 16 * 10
    # The same loop over plain Python floats is already far faster than over tensors:
    # most of the time is spent on per-element tensor dispatch, not on arithmetic.
    assert ns["t_loop"] / ns["t_floats"] >= 10
    assert ns["t_floats"] / ns["t_vec"] >= 10
    assert "a[0] is a Tensor of shape ()" in lr.outputs["where_the_time_goes"]
    assert lr.outputs["where_the_time_goes"].count("True") == 2


def test_synthetic_data(lr):
    ns = lr.namespace
    assert ns["features"].shape == (1000, 2) and ns["labels"].shape == (1000,)
    residual = ns["labels"] - ns["features"] @ ns["true_w"] - ns["true_b"]
    assert residual.std().item() == pytest.approx(0.01, rel=0.1)


def test_data_iter_batches_last_one_shorter(lr):
    assert lr.outputs["data_iter"].splitlines() == [
        "X: (4, 2)  y: (4,)",
        "X: (4, 2)  y: (4,)",
        "X: (2, 2)  y: (2,)",
    ]
    ns = lr.namespace
    seen = torch.cat([y for _, y in ns["data_iter"](3, ns["features"], ns["labels"])])
    assert sorted(seen.tolist()) == sorted(ns["labels"].tolist())  # every example once


def test_correction_index_tensor_uses_torch_tensor(lr):
    """Note 003: 'j = torch.LongTensor(indices[i: min(i + batch_size, num_examples)])'."""
    ns = lr.namespace
    batch = next(ns["data_iter"](5, ns["features"], ns["labels"]))
    assert batch[0].shape == (5, 2)
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


def test_training_converges_to_the_true_parameters(lr):
    ns = lr.namespace
    assert torch.allclose(ns["w"].detach(), ns["true_w"], atol=2e-3)
    assert ns["b"].item() == pytest.approx(ns["true_b"], abs=2e-3)
    losses = [numbers(line)[-1] for line in lr.outputs["training"].splitlines()[:3]]
    assert losses == sorted(losses, reverse=True)
    assert losses[-1] < 1e-4  # at the noise floor sigma^2 / 2 = 5e-5
    assert len(ns["history"]) == 300  # 3 epochs of 100 minibatches of 10


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


def test_tensor_loop_costs_microseconds_per_element(lr):
    ns = lr.namespace
    per_element = ns["t_loop"] / ns["n"]
    assert 5e-7 < per_element < 1e-4
