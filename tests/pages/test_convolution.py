"""snippets/convolution.py: the values the convolution page shows, and its correction."""

import ast
import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import numbers
from matplotlib.figure import Figure
from torch import nn


@pytest.fixture(scope="module")
def conv(run):
    return run("convolution")


def test_a_convolution_needs_far_fewer_parameters_than_a_linear_layer(conv):
    lines = conv.outputs["parameter_counts"].splitlines()
    counts = [int(line.rsplit(":", 1)[1].replace(",", "")) for line in lines[:4]]
    assert counts == [10, 28 * 28 * 26 * 26 + 26 * 26, 64 * 3 * 9 + 64, 483_388_358_656]
    assert counts[3] == (3 * 224 * 224) * (64 * 224 * 224) + 64 * 224 * 224
    assert lines[4] == "that Linear layer in float32: 1.9 TB"
    assert sum(p.numel() for p in nn.Conv2d(3, 64, 3, padding=1).parameters()) == 1792


def test_a_convolution_is_a_sparse_linear_layer_with_shared_weights(conv):
    assert conv.outputs["conv_as_matrix"].splitlines() == [
        "W: (676, 784)  conv(x) == W @ x: True",
        "inputs each output depends on: [9]",
        "every row holds the kernel's 9 weights: True",
    ]
    W = conv.namespace["W"]
    assert (W != 0).sum().item() == 676 * 9  # locality: 9 of 784 inputs per output


def test_convolution_is_translation_equivariant_and_a_linear_layer_is_not(conv):
    assert conv.outputs["translation_equivariance"].splitlines() == [
        "Conv2d: True",
        "Linear: False",
    ]
    layer = nn.Conv2d(2, 3, kernel_size=5, padding=2)
    x = torch.randn(1, 2, 20, 20)
    with torch.no_grad():  # shift down by 3 rows: the output shifts too, away from the border
        y, y_shift = layer(x), layer(x.roll(3, dims=2))
    assert torch.allclose(y_shift[:, :, 5:-2], y[:, :, 2:-5], atol=1e-5)


def test_corr2d_gives_the_note_s_example(conv):
    corr2d = conv.namespace["corr2d"]
    X, K = torch.arange(9.0).reshape(3, 3), torch.arange(4.0).reshape(2, 2)
    assert corr2d(X, K).tolist() == [[19.0, 25.0], [37.0, 43.0]]
    assert numbers(conv.outputs["corr2d_example"]) == [19.0, 25.0, 37.0, 43.0, 19.0]


def test_conv2d_layers_compute_cross_correlation(conv):
    out = conv.outputs["conv_layer_is_cross_correlation"]
    assert numbers(out) == [19.0, 25.0, 37.0, 43.0]
    assert out.endswith("F.conv2d == corr2d: True\n")
    corr2d = conv.namespace["corr2d"]
    X, K = torch.randn(6, 7, dtype=torch.float64), torch.randn(3, 2, dtype=torch.float64)
    assert torch.allclose(F.conv2d(X[None, None], K[None, None])[0, 0], corr2d(X, K).double())


def test_true_convolution_is_cross_correlation_with_the_flipped_kernel(conv):
    """Note 004, § 2.1.1 (eq. 2.1) calls cross-correlation convolution, as it says it will."""
    ns = conv.namespace
    X, K = torch.arange(9.0).reshape(3, 3), torch.arange(4.0).reshape(2, 2)
    true_conv = ns["conv2d_true"](X, K)
    assert true_conv.tolist() == [[5.0, 11.0], [23.0, 29.0]]
    assert torch.equal(true_conv, ns["corr2d"](X, K.flip(0, 1)))
    assert not torch.equal(true_conv, ns["corr2d"](X, K))
    # an independent 2-D check: the valid part of numpy's full 2-D convolution via 1-D rows
    full = np.zeros((4, 4))
    for a, b in itertools.product(range(2), range(2)):
        full[a : a + 3, b : b + 3] += K[a, b].item() * X.numpy()
    assert full[1:3, 1:3].tolist() == true_conv.tolist()
    shown = numbers(conv.outputs["true_convolution"])
    assert shown[:8] == [5.0, 11.0, 23.0, 29.0] * 2
    assert shown[8:] == [3.0, 6.0, 3.0, 6.0]  # np.convolve == conv1d with flipped kernel


def test_a_learned_kernel_is_flipped_under_true_convolution(conv):
    lines = conv.outputs["learn_kernel"].splitlines()
    assert numbers(lines[0]) == [0.0, 1.0, 0.0, 0.0, 0.0, -1.0, 0.0]
    assert lines[1].startswith("cross-correlation learns the kernel")
    assert lines[2].startswith("      convolution learns the kernel")
    by_corr, by_conv = numbers(lines[1]), numbers(lines[2])
    assert by_corr == pytest.approx([1.0, -1.0], abs=0.01)
    assert by_conv == pytest.approx([-1.0, 1.0], abs=0.01)


def test_the_excerpt_runs_once_d2l_s_comp_conv2d_is_defined(conv):
    """Note 004, § 2.1.1 calls d2l's `comp_conv2d`; defined, it gives the note's Size([2, 2])."""
    lines = conv.outputs["comp_conv2d"].splitlines()
    assert lines[0] == "torch.Size([2, 2])"  # what the note printed
    assert lines[1] == "formula: 2 2"
    assert lines[2] == "Conv2d(1, 1, kernel_size=(3, 5), stride=(3, 4), padding=(0, 1))"
    assert type(conv.namespace["conv2d"]) is nn.Conv2d


def test_output_size_formula_matches_conv_and_pooling(conv):
    lines = conv.outputs["size_formula_check"].splitlines()
    assert lines == [
        "configurations: 261",
        "   Conv2d matches the formula in 261 of 261",
        "MaxPool2d matches the formula in 261 of 261",
        "AvgPool2d matches the formula in 261 of 261",
    ]
    out_size = conv.namespace["out_size"]
    # larger padding than pooling allows, for convolution alone
    for n, k, p, s in itertools.product(range(3, 10), range(1, 5), range(4), range(1, 4)):
        if n + 2 * p >= k:
            y = F.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k), stride=s, padding=p)
            assert y.shape[-1] == out_size(n, k, p, s)


def test_ceil_mode_is_the_exception(conv):
    lines = conv.outputs["ceil_mode"].splitlines()
    # a last window may hang over the end of the input, but may not start in the right padding
    assert lines == [
        "p = 0: input at 0..4, windows start at [0, 2, 4] (formula: 2 windows)",
        "p = 1: input at 1..5, windows start at [0, 2, 4] (formula: 3 windows)",
        "ceil_mode=True differs from the formula in 74 of 261",
        "ceil_mode=True matches out_size_ceil in 261 of 261",
    ]
    x = torch.zeros(1, 1, 5, 5)
    assert nn.MaxPool2d(2, stride=2)(x).shape[2:] == (2, 2)
    assert nn.MaxPool2d(2, stride=2, ceil_mode=True)(x).shape[2:] == (3, 3)
    # PyTorch itself: rounding up would give 3 and 4 windows; the 4th would start at 6 >= n + p
    for p, rounded_up, kept in ((0, 3, 3), (1, 4, 3)):
        assert -(-(5 + 2 * p - 2) // 2) + 1 == rounded_up
        pool = nn.MaxPool2d(2, stride=2, padding=p, ceil_mode=True)
        assert pool(torch.zeros(1, 1, 5, 5)).shape[-1] == kept
    # and a window that starts on the last input is kept, though it covers only that one
    assert nn.MaxPool1d(3, stride=3, ceil_mode=True)(torch.arange(7.0)[None]).tolist() == [
        [2.0, 5.0, 6.0]
    ]


def test_pooling_padding_is_limited(conv):
    out = conv.outputs["pool_padding_limit"]
    assert out.startswith("RuntimeError: pad should be at most half of effective kernel size")


def test_multi_input_channels_add_up(conv):
    ns = conv.namespace
    assert ns["corr2d_multi_in"](ns["X2"], ns["K2"]).tolist() == [[56.0, 72.0], [104.0, 120.0]]
    out = conv.outputs["corr2d_multi_in"]
    assert numbers(out) == [56.0, 72.0, 104.0, 120.0] * 2
    assert out.endswith("ValueError: zip() argument 2 is shorter than argument 1\n")


def test_multi_output_channels_stack(conv):
    ns = conv.namespace
    assert ns["K3"].shape == (3, 2, 2, 2) and ns["Y3"].shape == (3, 2, 2)
    assert torch.equal(ns["Y3"], F.conv2d(ns["X2"][None], ns["K3"])[0])
    assert ns["Y3"][0].tolist() == [[56.0, 72.0], [104.0, 120.0]]
    assert "nn.Conv2d(2, 3, 2).weight: (3, 2, 2, 2)" in conv.outputs["corr2d_multi_in_out"]


def test_1x1_convolution_is_a_matrix_product_per_pixel(conv):
    ns = conv.namespace
    assert torch.allclose(ns["Y_mm"], ns["Y_corr"], atol=1e-6)
    X1, K1 = ns["X1"], ns["K1"]
    per_pixel = torch.einsum("oc,chw->ohw", K1[:, :, 0, 0], X1)
    assert torch.allclose(ns["Y_mm"], per_pixel, atol=1e-6)
    assert torch.allclose(ns["by_conv"], ns["by_linear"], atol=1e-6)
    assert conv.outputs["conv_1x1_is_linear"].endswith("True\n")


def test_pooling_values(conv):
    assert numbers(conv.outputs["pool2d"]) == [4.0, 5.0, 7.0, 8.0, 2.0, 3.0, 5.0, 6.0] * 2
    out = conv.outputs["pool_padding_stride"]
    assert "MaxPool2d(3): tensor([[[[10.]]]])" in out
    assert "two channels in, two out: (1, 2, 2, 2)" in out
    assert numbers(out)[-8:] == [5.0, 7.0, 13.0, 15.0, 6.0, 8.0, 14.0, 16.0]


def test_average_pooling_is_a_convolution_and_max_pooling_is_not(conv):
    assert conv.outputs["pooling_vs_convolution"].splitlines() == [
        "AvgPool2d == conv with 1/4 kernel: True",
        "max(a + b) == max(a) + max(b): False",
    ]


def test_correction_pooling_downsamples_and_reduces_position_sensitivity(conv):
    """Note 004, § 2.1.3: '同时降低对空间降采样表示的敏感性' — pooling *downsamples*."""
    lines = conv.outputs["pooling_and_position"].splitlines()
    raw = [ast.literal_eval(line.split(":", 1)[1]) for line in lines[0::2]]
    pooled = [ast.literal_eval(line.split(":", 1)[1]) for line in lines[1::2]]
    assert not any(a and b for a, b in zip(*raw, strict=True))  # shifted: no overlap
    assert [a and b for a, b in zip(*pooled, strict=True)].count(1) == 1  # overlap at 3
    assert pooled[0][3] == pooled[1][3] == 1
    assert conv.outputs["pooling_downsamples"].splitlines() == ["(1, 6, 14, 14)"] * 2


def test_receptive_fields(conv):
    lines = conv.outputs["receptive_field"].splitlines()
    assert [line.split(": ")[1] for line in lines] == ["3 x 3", "5 x 5", "8 x 8", "7 x 7"]
    assert "avg pool" in lines[2] and "max pool" in lines[3]
    rf = conv.namespace["receptive_field"]
    conv3 = conv.namespace["conv3"]
    assert rf(conv3(), conv3(), conv3()) == 7  # each stride-1 3 x 3 layer adds 2
    # max pooling: the gradient reaches one input per window, so autograd counts too few
    assert rf(conv3(), nn.MaxPool2d(2, stride=2), conv3()) < 8
    assert rf(conv3(), nn.AvgPool2d(2, stride=2), conv3(), nn.AvgPool2d(2, stride=2), conv3()) == 18


@pytest.mark.parametrize("name", ["figure_cross_correlation", "figure_multi_in", "figure_conv_1x1"])
def test_figures_draw_grids_with_numbers(conv, name):
    figure = conv.namespace[name]()
    assert isinstance(figure, Figure)
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert figure.axes[0].patches and texts
    assert not any(text.startswith("-") for text in texts)  # a minus sign, not a hyphen


def test_cross_correlation_figure_shows_both_results(conv):
    texts = [t.get_text() for t in conv.namespace["figure_cross_correlation"]().axes[0].texts]
    for number in ("19", "25", "37", "43", "5", "11", "23", "29"):
        assert number in texts


def test_conv_1x1_figure_matches_its_caption(conv):
    texts = [t.get_text() for t in conv.namespace["figure_conv_1x1"]().axes[0].texts]
    # 3 input grids (27 cells), 6 weights, 2 output grids (18 cells), 2 symbols
    assert len(texts) == 27 + 6 + 18 + 2
    outputs = texts[-18:]
    assert outputs[4] == "6" and outputs[9 + 4] == "4"  # middle pixels of the two outputs
