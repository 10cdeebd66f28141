"""snippets/dropout.py: the values the dropout page shows."""

import inspect

import pytest
import torch
from conftest import ROOT, numbers
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


def test_original_and_inverted_dropout_agree_at_test_time(drop):
    """Original dropout scales the weights by 1 - p at test time; inverted divides in training."""
    lines = drop.outputs["original_vs_inverted"].splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "original, training (mean)",
        "original, test (1 - p) W h",
        "inverted, training (mean)",
        "inverted, test W h",
    ]
    original_train, original_test, inverted_train, inverted_test = map(numbers, lines)
    assert original_train == pytest.approx(original_test, abs=0.02)
    assert inverted_train == pytest.approx(inverted_test, abs=0.02)
    assert inverted_test == pytest.approx([2 * v for v in original_test], abs=1e-3)  # 1 / (1 - p)


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


def test_the_notes_run_is_unseeded_and_keeps_indices_1_3_4_5():
    """The page: the notes set no seed; the non-zero entries of their first row are 1, 3, 4, 5."""
    note = next((ROOT / "docs" / ".notes").glob("004_*.txt")).read_text("utf-8")
    section = note[note.index("#### 1.2.2") : note.index("####  1.2.3")]
    assert "manual_seed" not in section and "seed" not in section
    first_row = "tensor([[ 0.,  2.,  0.,  6.,  8., 10.,  0.,  0.],"
    assert first_row in section
    values = numbers(first_row)
    assert [i for i, v in enumerate(values) if v != 0] == [1, 3, 4, 5]


def test_the_notes_chinese_comments_are_kept(drop):
    """The notes' own comments (note 004, §§ 1.2.2-1.2.3) stay in their code, with English."""
    note = next((ROOT / "docs" / ".notes").glob("004_*.txt")).read_text("utf-8")
    code = {s.name: s.code for s in drop.sections}
    for comment in ("# 在本情况中，所有元素都被丢弃", "# 在本情况中，所有元素都被保留"):
        assert comment in code["dropout_layer"] and comment in note
    for comment in (
        "# dropout1，dropout2为概率",
        "# 在第一个全连接层之后添加一个dropout层",
        "# 在第二个全连接层之后添加一个dropout层",
        "# 权重初始化",
    ):
        assert comment in code["network"] and comment in note


def test_dropout_layer_output_is_random(drop):
    first, second = drop.outputs["dropout_layer_random"].splitlines()
    assert first.startswith("seed 1:") and second.startswith("seed 2:")
    assert numbers(first) != numbers(second)
    assert set(numbers(first + second)) <= {2.0 * i for i in range(8)}


def test_p_equals_one_would_divide_zero_by_zero(drop):
    assert "nan, nan, nan, nan, nan, nan, nan, nan" in drop.outputs["why_p_equals_one"]


def test_the_kept_fraction_is_binomial(drop):
    """The figure's right panel: two values of p, spread sqrt(p (1 - p) / 256)."""
    rows = drop.outputs["kept_fraction_spread"].splitlines()[1:]
    assert len(rows) == 2
    for row, p in zip(rows, (0.2, 0.5), strict=True):
        shown_p, mean, sd, predicted = numbers(row)
        assert shown_p == p and mean == pytest.approx(1 - p, abs=0.002)
        assert predicted == pytest.approx((p * (1 - p) / 256) ** 0.5, abs=1e-4)
        assert sd == pytest.approx(predicted, rel=0.03)
    assert [round(v, 3) for v in numbers(rows[0])[3:] + numbers(rows[1])[3:]] == [0.025, 0.031]


def test_dropout_takes_p_and_inplace(drop):
    """The notes: the probability is the 'only' argument; there is also `inplace`."""
    assert drop.outputs["dropout_signature"] == "(p: float = 0.5, inplace: bool = False) -> None\n"
    assert list(inspect.signature(nn.Dropout).parameters) == ["p", "inplace"]


def test_the_excerpt_is_completed_with_d2l_s_probabilities(drop):
    """Note 004, § 1.2.3 leaves `dropout1`, `dropout2` to the reader ("为概率"): d2l's 0.2, 0.5."""
    ns = drop.namespace
    assert (ns["dropout1"], ns["dropout2"]) == (0.2, 0.5)
    assert [m.p for m in ns["net"] if isinstance(m, nn.Dropout)] == [0.2, 0.5]
    assert "Dropout(p=0.2, inplace=False)" in drop.outputs["network"]


def test_dropout_sits_after_each_hidden_activation_not_after_the_output(drop):
    net = drop.namespace["net"]
    kinds = [type(m).__name__ for m in net]
    assert [kinds[i - 1] for i, k in enumerate(kinds) if k == "Dropout"] == ["ReLU", "ReLU"]
    assert kinds[-1] == "Linear"
    assert drop.outputs["dropout_after_relu"] == "the same either way: True\n"
    for p in (0.2, 0.5, 0.9):  # ReLU commutes with multiplying by 0 or 1 / (1 - p)
        z = torch.randn(50, 50)
        torch.manual_seed(3)
        after = nn.Dropout(p)(torch.relu(z))
        torch.manual_seed(3)
        assert torch.equal(after, torch.relu(nn.Dropout(p)(z)))


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
        "type(m) is nn.Linear    : False",
        "isinstance(m, nn.Linear): True",
    ]


def test_dropout_passes_data_only_in_eval_mode(drop):
    """Note 004, § 1.2.3: '在测试时，Dropout层仅传递数据' — right, once net.eval() is called."""
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


def test_dropout_narrows_the_train_test_gap(drop):
    """With p = 0.5 the gap between test and training loss is smaller than with p = 0."""
    lines = drop.outputs["generalisation_gap"].splitlines()
    assert lines[:2] == ["parameters: 4609", "   p | train loss | test loss | gap"]
    (p0, train0, test0, gap0), (p5, train5, test5, gap5) = map(numbers, lines[2:])
    assert (p0, p5) == (0.0, 0.5)
    assert gap0 == pytest.approx(test0 - train0, abs=2e-3)
    assert gap5 == pytest.approx(test5 - train5, abs=2e-3)
    assert train0 < 0.05  # without dropout the 100 noisy points are memorised
    assert gap5 < gap0 - 0.15  # the point of dropout, with a wide margin (0.29 here)
    assert test5 < test0 and train5 > train0
    assert min(test0, test5) > 0.25  # the noise variance is a floor
    # the numbers the page's prose states
    assert train0 == 0.016 and round(gap0, 2) == 0.65 and round(gap5, 2) == 0.35
    assert sum(q.numel() for q in drop.namespace["make_mlp"](0.5).parameters()) == 4609


def test_the_gap_narrows_for_every_seed_the_test_loss_not_always(drop):
    """Five more seeds: the gap shrinks to 0.3-0.6 of itself each time; seed 4's test loss rises."""
    lines = drop.outputs["generalisation_gap_seeds"].splitlines()
    assert lines[0] == "seed | gap, p = 0 | gap, p = 0.5 | test, p = 0 | test, p = 0.5"
    seeds = [int(line.split("|")[0]) for line in lines[1:]]
    assert seeds == [1, 2, 3, 4, 5]
    rows = [numbers(line) for line in lines[1:]]  # gap0, gap5, test0, test5
    ratios = [gap5 / gap0 for gap0, gap5, _, _ in rows]
    assert all(0.25 < r < 0.65 for r in ratios)
    assert (round(min(ratios), 1), round(max(ratios), 1)) == (0.3, 0.6)  # "0.3 到 0.6 倍"
    rising = [s for s, (_, _, test0, test5) in zip(seeds, rows, strict=True) if test5 >= test0]
    assert rising == [4]
    assert min(min(row[2:]) for row in rows) > 0.25  # the noise variance is a floor
    assert all(gap0 > 0.5 for gap0, *_ in rows)  # memorised every time without dropout


def test_figure_dropout_mask(drop):
    figure = drop.namespace["figure_dropout_mask"]()
    assert isinstance(figure, Figure)
    left, middle, right = figure.axes
    assert len(left.collections[0].get_offsets()) == 256
    kept = len(middle.collections[0].get_offsets())
    assert kept + len(middle.collections[1].get_offsets()) == 256
    assert 100 < kept < 156  # about half of 256 for p = 0.5
    assert [line.get_xdata()[0] for line in right.lines] == [0.8, 0.5]
