"""snippets/dropout.py: the values the dropout page shows, and its corrections."""

import pytest
import torch
from conftest import numbers
from matplotlib.figure import Figure
from torch import nn


@pytest.fixture(scope="module")
def drop(run):
    return run("dropout")


def test_input_noise_adds_a_tikhonov_penalty(drop):
    ns = drop.namespace
    expected = ns["clean"] + ns["penalty"]
    assert ns["penalty"].item() == pytest.approx(0.09 * (1.5**2 + 2**2 + 0.5**2))
    assert ns["noisy"].item() == pytest.approx(expected.item(), rel=5e-3)
    assert ns["noisy"] - ns["clean"] > 0.5  # the noise costs something
    clean, noisy, predicted = numbers(drop.outputs["input_noise_penalty"])
    assert abs(noisy - predicted) < 0.01 < abs(noisy - clean)


def test_expectation_is_h_and_variance_is_p_over_1_minus_p(drop):
    rows = drop.outputs["expectation_and_variance"].splitlines()[1:]
    assert len(rows) == 4
    for row in rows:
        p, mean, var, predicted = numbers(row)
        assert predicted == pytest.approx(4 * p / (1 - p), abs=1e-4)
        assert mean == pytest.approx(2.0, abs=0.02)
        assert var == pytest.approx(predicted, rel=0.01)


def test_dropout_layer_run(drop):
    ns, out = drop.namespace, drop.outputs["dropout_layer_run"]
    X = ns["X"]
    assert X.tolist() == [list(range(8)), list(range(8, 16))]
    shown = numbers(out)
    assert shown[:32] == list(range(16)) * 2  # X, then dropout_layer(X, 0.)
    middle, last = shown[32:48], shown[48:]
    assert last == [0.0] * 16  # p = 1
    assert all(m in (0.0, 2 * x) for m, x in zip(middle, range(16), strict=True))
    assert middle == [0, 2, 0, 0, 0, 10, 0, 14, 0, 18, 0, 0, 0, 0, 0, 30]  # seed 0
    assert ns["dropout_layer"](X, 0.0) is X  # p = 0 returns the input itself


def test_dropout_layer_output_is_random(drop):
    first, second = drop.outputs["dropout_layer_random"].splitlines()
    assert first.startswith("seed 1:") and second.startswith("seed 2:")
    assert numbers(first) != numbers(second)
    assert set(numbers(first + second)) <= {2.0 * i for i in range(8)}


def test_p_equals_one_would_divide_zero_by_zero(drop):
    assert "nan, nan, nan, nan, nan, nan, nan, nan" in drop.outputs["why_p_equals_one"]


def test_correction_dropout1_and_dropout2_are_undefined_in_the_note(drop):
    """Note 004, § 1.2.3: `nn.Dropout(dropout1)` ... `nn.Dropout(dropout2)`, never defined."""
    out = drop.outputs["undefined_probabilities"]
    assert out == "NameError: name 'dropout1' is not defined\n"
    ns = drop.namespace
    assert (ns["dropout1"], ns["dropout2"]) == (0.2, 0.5)
    assert [m.p for m in ns["net"] if isinstance(m, nn.Dropout)] == [0.2, 0.5]


def test_network_shape_and_initialisation(drop):
    net = drop.namespace["net"]
    assert [type(m).__name__ for m in net] == [
        "Flatten", "Linear", "ReLU", "Dropout", "Linear", "ReLU", "Dropout", "Linear",
    ]  # fmt: skip
    weights = torch.cat([m.weight.flatten() for m in net if isinstance(m, nn.Linear)])
    assert weights.std().item() == pytest.approx(0.01, rel=0.02)
    assert net(torch.zeros(3, 1, 28, 28)).shape == (3, 10)


def test_isinstance_also_catches_subclasses_of_linear(drop):
    assert drop.outputs["type_vs_isinstance"].splitlines() == [
        "NonDynamicallyQuantizableLinear",
        "type(m) == nn.Linear    : False",
        "isinstance(m, nn.Linear): True",
    ]


def test_correction_dropout_passes_data_only_in_eval_mode(drop):
    """Note 004, § 1.2.3: '在测试时，Dropout层仅传递数据' — only after net.eval()."""
    assert drop.outputs["train_vs_eval"].splitlines() == [
        "fresh net in training mode? True",
        "train: two calls equal? False",
        "eval:  two calls equal? True",
        "eval == net without Dropout? True",
    ]
    fresh = nn.Dropout(0.5)
    assert fresh.training
    torch.manual_seed(1)
    assert not torch.equal(fresh(torch.ones(100)), torch.ones(100))
    assert torch.equal(fresh.eval()(torch.ones(100)), torch.ones(100))
    assert drop.namespace["net"].training  # the snippet switched back to training mode


def test_nn_dropout_scales_kept_units_at_training_time(drop):
    train, evaluation = drop.outputs["dropout_scales"].split("eval:")
    kept = numbers(train)
    assert len(kept) == 16 and set(kept) == {0.0, 2.0}
    assert numbers(evaluation) == [1.0] * 16
    torch.manual_seed(0)
    big = nn.Dropout(0.2)(torch.ones(100_000))
    assert set(big.unique().tolist()) == {0.0, 1.25}
    assert big.mean().item() == pytest.approx(1.0, abs=0.01)


def test_figure_dropout_mask(drop):
    figure = drop.namespace["figure_dropout_mask"]()
    assert isinstance(figure, Figure)
    left, middle, right = figure.axes
    assert len(left.collections[0].get_offsets()) == 256
    kept = len(middle.collections[0].get_offsets())
    assert kept + len(middle.collections[1].get_offsets()) == 256
    assert 100 < kept < 156  # about half of 256 for p = 0.5
    assert [line.get_xdata()[0] for line in right.lines] == [0.8, 0.5]
