"""snippets/convolution.py: the values the convolution page shows, and its corrections."""

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


def test_correction_star_denotes_convolution_not_cross_correlation(conv):
    """Note 004, § 2.1.1 writes the cross-correlation (eq. 2.1) as X * K = [19, 25; 37, 43]."""
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


def test_correction_comp_conv2d_is_undefined_in_the_note(conv):
    """Note 004, § 2.1.1: `comp_conv2d(conv2d, X).shape` — comp_conv2d is never defined."""
    out = conv.outputs["comp_conv2d_undefined"]
    assert out == "NameError: name 'comp_conv2d' is not defined\n"
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
    assert lines[:3] == [
        "formula        : 2",
        "ceil_mode=False: torch.Size([2, 2])",
        "ceil_mode=True : torch.Size([3, 3])",
    ]
    assert lines[3] == "ceil_mode=True differs from the formula in 74 of 261"
    assert lines[4] == "ceil_mode=True matches out_size_ceil in 261 of 261"


def test_pooling_padding_is_limited(conv):
    out = conv.outputs["pool_padding_limit"]
    assert out.startswith("RuntimeError: pad should be at most half of effective kernel size")


def test_multi_input_channels_add_up(conv):
    ns = conv.namespace
    assert ns["corr2d_multi_in"](ns["X2"], ns["K2"]).tolist() == [[56.0, 72.0], [104.0, 120.0]]
    assert numbers(conv.outputs["corr2d_multi_in"]) == [56.0, 72.0, 104.0, 120.0] * 2


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


@pytest.mark.parametrize("name", ["figure_cross_correlation", "figure_multi_in", "figure_conv_1x1"])
def test_figures_draw_grids_with_numbers(conv, name):
    figure = conv.namespace[name]()
    assert isinstance(figure, Figure)
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert figure.axes[0].patches and texts


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
