"""snippets/tensors.py: the values the tensor-operations page shows, and its corrections."""

import inspect
import math
import warnings

import pytest
import torch
from conftest import numbers
from torch import nn


@pytest.fixture(scope="module")
def ten(run):
    return run("tensors")


def test_arithmetic_functions_equal_operators(ten):
    out = ten.outputs["arithmetic"]
    assert out.count(": True") == 4 and "False" not in out
    assert numbers(out)[:6] == [3.0, 4.0, 5.0, 8.0, 9.0, 10.0]  # a + b, element by element
    assert numbers(out)[6:12] == [0.5, 1.0, 1.5, 1.0, 1.25, 1.5]  # a / b


def test_floor_division_rounds_down(ten):
    out = ten.outputs["floor_division"].splitlines()
    assert numbers(out[0]) == [3.5, -3.5]
    assert out[1] == "p // 2 = tensor([ 3, -4])"
    assert out[2] == "trunc  = tensor([ 3, -3])"
    assert out[3] == "Python: 7 // 2 = 3   -7 // 2 = -4"


def test_broadcasting_stretches_size_1_dimensions(ten):
    """The (3, 1) + (1, 2) example: both are stretched to (3, 2)."""
    out = ten.outputs["broadcasting"]
    assert out.splitlines()[1:4] == [
        "tensor([[ 0, 10],",
        "        [ 1, 11],",
        "        [ 2, 12]])",
    ]
    col = ten.namespace["col"]
    assert (col + torch.tensor([[0, 10]])).tolist() == [[0, 10], [1, 11], [2, 12]]
    assert out.endswith("(3, 1) + (1, 2) -> (3, 2)\n")


def test_broadcasting_adds_missing_dimensions_in_front_only(ten):
    lines = ten.outputs["broadcast_missing"].splitlines()
    assert numbers("".join(lines[:3])) == [1.0, 2.0, 3.0, 4.0] * 3  # v4 added to every row
    assert lines[3:] == ["(3, 4) + (4,) -> (3, 4)", "(2, 1, 4) and (3, 1) -> (2, 3, 4)"]
    assert ten.outputs["broadcast_behind"] == (
        "RuntimeError: The size of tensor a (4) must match the size of tensor b (3) "
        "at non-singleton dimension 1\n"
    )
    with pytest.raises(RuntimeError):
        torch.broadcast_shapes((3, 4), (3,))  # (3,) is never read as (3, 1)
    assert torch.broadcast_shapes((3, 4), (3, 1)) == (3, 4)
    out = ten.outputs["broadcast_unsqueeze"]
    assert out.startswith("v3.unsqueeze(1): (3, 1)\n")
    assert numbers(out.split("\n", 1)[1]) == [1.0] * 4 + [2.0] * 4 + [3.0] * 4  # per column


def test_elementwise_product_differs_from_matrix_product(ten):
    ns = ten.namespace
    assert (ns["m"] * ns["n"]).tolist() == [[0.0, 2.0], [3.0, 0.0]]
    assert (ns["m"] @ ns["n"]).tolist() == [[2.0, 1.0], [4.0, 3.0]]
    assert "mm, matmul, @ agree: True" in ten.outputs["elementwise_vs_matmul"]


def test_mm_rejects_batches(ten):
    assert ten.outputs["mm_only_2d"] == "RuntimeError: self must be a matrix\n"


def test_matmul_broadcasts_batch_dimensions(ten):
    assert ten.outputs["matmul_batch"].splitlines() == ["torch.Size([4, 3, 28, 32])"] * 3
    out = ten.outputs["matmul_batch_mismatch"]
    assert out.startswith("RuntimeError: The size of tensor a (3) must match")


def test_matmul_broadcasts_batch_dimensions_by_itself(ten):
    """Note 001, p. 22: '…则还需要使用broadcasting': matmul does it, no manual expand."""
    ns = ten.namespace
    assert ns["w1"].shape == (4, 1, 64, 32) and ns["out"].shape == (4, 3, 28, 32)
    assert torch.allclose(ns["out"], ns["x"] @ ns["w1"].expand(4, 3, 64, 32))
    assert ten.outputs["matmul_broadcast_itself"].endswith("for every i, c: True\n")


def test_matmul_of_vectors_is_a_dot_product_that_sums(ten):
    """Note 000, Q10: '一维输入时候是向量的点乘操作，逐个元素相乘并得到结果。'"""
    ns = ten.namespace
    dot = ns["u"] @ ns["v"]
    assert dot.shape == () and dot.item() == 32.0
    assert (ns["u"] * ns["v"]).tolist() == [4.0, 10.0, 18.0]
    assert "shape of u @ v: ()" in ten.outputs["matmul_dot"]


def test_prepend_means_a_leading_1_that_is_removed_again(ten):
    assert ten.outputs["matmul_prepend"].splitlines() == [
        "vec: (3,)   mat: (3, 4)",
        "(1, 3) @ (3, 4) -> (1, 4)",
        "remove the 1     -> (4,)",
        "vec @ mat        -> (4,)",
        "same values: True",
        "(3,) @ (2, 3, 4) -> (2, 4)",
        "(4, 3) @ (3,)    -> (4,)",
    ]
    doc = " ".join(torch.matmul.__doc__.split())
    assert "a 1 is prepended to its dimension for the purpose of the matrix multiply" in doc
    assert "After the matrix multiply, the prepended dimension is removed." in doc


def test_correction_rand_dimensions_mean_nothing_linear_weight_is_out_by_in(ten):
    """Note 001, p. 22: 'rand函数的第一个维度表示输出的维度,第二个维度表示输入的维度'."""
    ns = ten.namespace
    assert ns["w"].shape == (512, 784)
    assert ns["layer"].weight.shape == (512, 784)  # (out_features, in_features)
    assert ns["layer"].in_features == 784 and ns["layer"].out_features == 512
    assert torch.allclose(ns["layer"](ns["images"]), ns["by_hand"])
    assert torch.rand(784, 512).shape == (784, 512)  # rand just makes the shape it is given
    assert ten.outputs["linear_weight_shape"].splitlines() == [
        "(images @ w.t()).shape: (4, 512)",
        "nn.Linear(784, 512).weight: (512, 784)",
        "layer(x) == x @ W.t() + b: True",
    ]


def test_pow_sqrt_rsqrt(ten):
    ns = ten.namespace
    assert ns["sq"].tolist() == [[1.0, 4.0], [9.0, 16.0]]
    assert ns["sq"].rsqrt().flatten().tolist() == pytest.approx([1.0, 0.5, 1 / 3, 0.25])
    assert ten.outputs["pow_sqrt"].count(": True") == 2


def test_pow_is_elementwise_not_matrix_power(ten):
    """Note 001, p. 22: '3.矩阵的乘方运算:pow(a,2/3/4...)'."""
    t = ten.namespace["t"]
    assert t.pow(2).tolist() == [[1.0, 4.0], [9.0, 16.0]]
    assert torch.linalg.matrix_power(t, 2).tolist() == [[7.0, 10.0], [15.0, 22.0]]
    assert "matrix_power(t, 2) == t @ t: True" in ten.outputs["pow_is_elementwise"]


def test_correction_log_is_base_e(ten):
    """Note 001, p. 22: 'log表示以1为底'."""
    out = ten.outputs["exp_log"]
    assert "log(e)    = 1.0000" in out
    assert numbers(out.splitlines()[2]) == [2.3026, 1.0]
    assert torch.log(torch.tensor(math.e)).item() == pytest.approx(1.0)
    assert numbers(out.splitlines()[3]) == [3.0] and numbers(out.splitlines()[4]) == [3.0]


def test_rounding_functions(ten):
    out = dict(line.split(":", 1) for line in ten.outputs["rounding"].splitlines())
    assert numbers(out["floor() "]) == [3.0, -4.0, 3.0, -4.0]
    assert numbers(out["ceil()  "]) == [4.0, -3.0, 4.0, -3.0]
    assert numbers(out["round() "]) == [3.0, -3.0, 4.0, -4.0]
    assert numbers(out["trunc() "]) == [3.0, -3.0, 3.0, -3.0]
    assert numbers(out["frac()  "]) == [0.14, -0.14, 0.5, -0.5]
    assert out["trunc() + frac() == r"] == " True"
    inf = torch.tensor([math.inf, -math.inf])  # "对有限的数": inf has no fractional part
    assert inf.frac().isnan().all() and (inf.trunc() + inf.frac()).isnan().all()


def test_correction_round_is_half_to_even(ten):
    """Note 001, p. 22: '(3).round():四舍五入。'"""
    lines = ten.outputs["round_half_even"].splitlines()
    assert lines[1].startswith("torch.round(x) :")
    assert numbers(lines[1]) == [0.0, 2.0, 2.0, 4.0, -0.0, -2.0]
    assert lines[2].startswith("half away from 0:")
    assert numbers(lines[2]) == [1.0, 2.0, 3.0, 4.0, -1.0, -3.0]
    assert torch.round(torch.tensor([0.5, 2.5])).tolist() == [0.0, 2.0]
    assert lines[3] == "Python round(2.5) = 2"


def test_negative_zero_equals_zero(ten):
    rounded = torch.round(ten.namespace["h"])
    assert "-0.," in ten.outputs["round_half_even"].splitlines()[1]
    assert math.copysign(1.0, rounded[4].item()) == -1.0  # the sign is kept
    assert rounded[4].item() == 0.0 and ten.outputs["round_half_even"].endswith(": True\n")


def test_clamp_shows_both_bounds(ten):
    g = ten.namespace["g"]
    assert g.min().item() < 0 and g.max().item() > 10  # both bounds have work to do
    assert g.clamp(10).min().item() == 10.0
    assert g.clamp(0, 10).min().item() == 0.0 and g.clamp(0, 10).max().item() == 10.0
    assert g.clamp(max=10).min().item() == g.min().item() < 0  # no lower bound
    assert not torch.equal(g.clamp(max=10), g.clamp(0, 10))
    shown = numbers(ten.outputs["clamp"])
    assert len(shown) == 4 * 6
    assert shown[12:18].count(0.0) == 3 and shown[12:18].count(10.0) == 1  # clamp(0, 10)


def test_grad_norm_is_l2_norm_of_the_gradient(ten):
    grad = ten.namespace["weight"].grad
    expected = math.sqrt(sum(x * x for x in grad.flatten().tolist()))
    assert grad.norm(2).item() == pytest.approx(expected, rel=1e-6)
    assert torch.linalg.vector_norm(grad).item() == pytest.approx(expected, rel=1e-6)
    assert numbers(ten.outputs["grad_norm"]) == [230.5694] * 3  # the number the prose cites


def test_correction_grad_norm_is_the_norm_of_the_gradient_not_of_w(ten):
    """Note 001, p. 22: 'w.grad.norm(2):打印矩阵w的模'."""
    weight = ten.namespace["weight"]
    assert weight.grad.shape == weight.shape
    assert weight.grad.norm(2).item() > 50 * weight.norm(2).item()  # far apart
    assert ten.outputs["grad_norm_not_w"].splitlines() == [
        "weight.norm(2)      = 3.7352",
        "weight.grad.norm(2) = 230.5694",
        "shapes: (3, 4) (3, 4)",
    ]
    w = torch.tensor([3.0, 4.0], requires_grad=True)  # |w| = 5
    (w * torch.tensor([1.0, 0.0])).sum().backward()  # gradient (1, 0)
    assert w.norm(2).item() == 5.0 and w.grad.norm(2).item() == 1.0


def test_grad_norm_follows_the_scale_of_the_inputs(ten):
    """Note 001, p. 22: '模如果等于100…属于梯度爆炸': 230 here, from inputs scaled by 10."""
    big, small = numbers(ten.outputs["grad_norm_scale"])
    assert big == 230.5694 and small == 2.3057 and big > 100 > small
    assert big / small == pytest.approx(100, rel=1e-3)  # the loss is quadratic in the inputs


def test_clip_grad_norm_scales_all_gradients_to_max_norm(ten):
    ns = ten.namespace
    assert ns["before"].item() == pytest.approx(93.4, abs=1e-4) and ns["before"].item() > 1
    assert ns["after"].item() == pytest.approx(1.0, abs=1e-4)
    assert ten.outputs["clip_grad_norm"].splitlines()[1].endswith(" 1.0000")
    # the returned total is the norm before clipping, over all parameters as one vector
    model = nn.Linear(4, 3)
    model.weight.grad = torch.full((3, 4), 3.0)
    model.bias.grad = torch.full((3,), 4.0)
    total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    assert total.item() == pytest.approx(math.sqrt(12 * 9 + 3 * 16))
    assert model.weight.grad[0, 0].item() / model.bias.grad[0].item() == pytest.approx(3 / 4)


def test_clip_grad_value_clamps_each_element_and_turns_the_gradient(ten):
    ns = ten.namespace
    raw, clipped = ns["weight"].grad, ns["w_c"].grad
    assert torch.equal(clipped, raw.clamp(-10, 10))
    out = ten.outputs["clip_grad_value"]
    assert out.endswith("== weight.grad.clamp(-10, 10): True\n")
    # the numbers the prose cites: -100.27 and -14.72 both become -10, -3.79 and -8.55 stay
    assert round(raw[0, 1].item(), 2) == -100.27 and round(raw[1, 1].item(), 2) == -14.72
    assert clipped[0, 1].item() == clipped[1, 1].item() == -10.0
    assert round(raw[0, 0].item(), 2) == -3.79 and round(raw[2, 0].item(), 2) == -8.55
    assert clipped[0, 0] == raw[0, 0] and clipped[2, 0] == raw[2, 0]
    cos = torch.nn.functional.cosine_similarity(raw.flatten(), clipped.flatten(), dim=0)
    assert cos.item() < 0.9  # the direction changes; clip_grad_norm_ would keep it (cos = 1)
    p = nn.Parameter(torch.zeros(2))
    p.grad = raw[0, :2].clone()
    nn.utils.clip_grad_norm_([p], max_norm=1.0)
    cos = torch.nn.functional.cosine_similarity(raw[0, :2], p.grad, dim=0)
    assert cos.item() == pytest.approx(1.0)


def test_norms_l1_l2_and_dim(ten):
    lines = ten.outputs["norms"].splitlines()[2:]
    assert [numbers(line) for line in lines] == [
        [16.0],
        [6.6332],
        [6.0, 10.0],
        [3.7417, 5.4772],
        [4.0, 4.0, 4.0, 4.0],
    ]


def test_normalize_keeps_shape_and_gives_unit_rows(ten):
    unit = ten.namespace["unit_rows"]
    assert unit.shape == ten.namespace["q"].shape
    assert torch.allclose(unit.norm(2, dim=1), torch.ones(2))


def test_torch_norm_is_deprecated_but_still_right(ten):
    """Note 001, p. 23: 'norm(1/2:表示做L1范数还是L2范数[,dim=0/1/...])' (the torch.norm API)."""
    out = ten.outputs["linalg_norms"].splitlines()
    assert out[0] == "torch.norm is deprecated and may be removed in a future PyTorch release."
    assert "torch.norm(self" in inspect.getsource(torch.Tensor.norm)
    q = ten.namespace["q"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # deprecated in the docs only: no warning yet
        assert q.norm(1).item() == torch.linalg.vector_norm(q, 1).item() == 16.0
    assert torch.equal(q.norm(2, dim=1), torch.linalg.vector_norm(q, 2, dim=1))
    spectral = torch.linalg.norm(q, 2).item()
    assert spectral == pytest.approx(5.8997, abs=1e-4) and q.norm(2).item() != spectral
    assert [numbers(line) for line in out[4:]] == [[6.6332], [5.8997], [5.8997]]


def test_reductions(ten):
    out = ten.outputs["reductions"].splitlines()
    assert numbers(out[2]) == [1.0, 8.0]
    assert numbers(out[3]) == [36.0, 40320.0]
    assert numbers(out[4]) == [4.5, 4.5]
    assert out[5] == "numel = 2 x 4 = 8"


def test_mean_needs_a_floating_point_tensor(ten):
    assert ten.outputs["mean_needs_float"].startswith(
        "RuntimeError: mean(): could not infer output dtype."
    )
    ints = torch.arange(1, 9)
    assert ints.sum().item() == 36 and ints.float().mean().item() == 4.5


def test_argmax_without_dim_indexes_the_flattened_tensor(ten):
    ns = ten.namespace
    logits, flat = ns["logits"], ns["flat"]
    assert flat.item() == 22 and logits.flatten()[flat] == logits.max()
    assert logits[2, 2] == logits.max()  # 22 = 2 * 10 + 2
    assert logits.argmax(dim=1).tolist() == [9, 4, 2, 4]
    assert "as (row, col) : (tensor(2), tensor(2))" in ten.outputs["argmax"]


def test_dim_and_keepdim_shapes(ten):
    out = ten.outputs["dim_keepdim"]
    assert "shape          : (4,)" in out
    assert "keepdim=True   : (4, 1)" in out
    assert "keepdim lets it broadcast: (4, 10)" in out
    assert ten.namespace["best"].indices.tolist() == [9, 4, 2, 4]


def test_topk_defaults_to_the_last_dimension(ten):
    assert "If :attr:`dim` is not given, the last dimension" in torch.topk.__doc__
    assert "If :attr:`dim` is not given, the last dimension" in torch.kthvalue.__doc__
    assert "same as dim=1: True" in ten.outputs["topk"]
    assert ten.namespace["top3"].indices[:, 0].tolist() == [9, 4, 2, 4]
    low = ten.namespace["low3"].values
    assert torch.equal(low, low.sort(dim=1).values)  # smallest first


def test_kthvalue_is_kth_smallest(ten):
    out = ten.outputs["kthvalue"]
    assert "values=tensor(2.)" in out and "indices=tensor(3)" in out
    assert "2nd largest: tensor(4.)" in out
    assert "8th smallest == 3rd largest: True" in out


def test_correction_comparisons_return_bool(ten):
    """Note 001, p. 24: 'pytorch中没有True和False,因此用0表示False,用1表示True。'"""
    assert ten.outputs["comparison"].splitlines() == [
        "c > 0    : tensor([False, False,  True])",
        "dtype    : torch.bool",
        "as 0 / 1 : tensor([0, 0, 1], dtype=torch.int32)",
        "count > 0: tensor(1)",
    ]
    assert torch.eq(torch.tensor([1, 2]), torch.tensor([1, 0])).dtype == torch.bool


def test_comparisons_broadcast(ten):
    assert ten.outputs["comparison_shape"].splitlines() == [
        "tensor([[False,  True],",
        "        [ True, False]])",
        "shape of (2, 1) > (2,): (2, 2)",
    ]
    assert (torch.zeros(3, 1) < torch.ones(4)).shape == (3, 4)  # not the shape of either side


def test_eq_versus_equal(ten):
    ns = ten.namespace
    assert torch.eq(ns["x1"], ns["x2"]).tolist() == [True, False, True]
    assert torch.equal(ns["x1"], ns["x2"]) is False and torch.equal(ns["x1"], ns["x1"]) is True
    assert "types: Tensor <class 'bool'>" in ten.outputs["eq_vs_equal"]


def test_where_picks_from_x_or_y(ten):
    cond = ten.namespace["cond"]
    shown = numbers(ten.outputs["where"])
    expected = torch.where(cond > 0.5, 0.0, 1.0).flatten().tolist()
    assert shown[4:] == expected and 0.0 in expected and 1.0 in expected


def test_correction_where_arguments_broadcast(ten):
    """Note 001, p. 25: 'condition、A、B的shape是一样的。'"""
    ns = ten.namespace
    shapes = [tuple(ns[k].shape) for k in ("mask", "ones", "minus")]
    assert shapes == [(2, 3), (3,), (2, 1)]
    assert ns["picked"].tolist() == [[1, -1, 3], [-2, 2, -2]]
    assert torch.where(ns["mask"], 1, 0).tolist() == [[1, 0, 1], [0, 1, 0]]  # Python numbers
    assert torch.where(torch.rand(4, 1) > 2, torch.zeros(3), 1.0).shape == (4, 3)
    with pytest.raises(RuntimeError):  # broadcastable shapes are needed, not any shapes
        torch.where(ns["mask"], torch.zeros(2), 1.0)


def test_gather_looks_up_the_table(ten):
    ns = ten.namespace
    assert torch.equal(ns["names"], ns["top3"].indices + 100)
    assert ns["names"].shape == (4, 3)


def test_question_expand_is_a_broadcast_view_without_copy(ten):
    """Note 001, p. 25 asks whether label.expand(4,10) adding a dimension is broadcasting."""
    ns = ten.namespace
    assert ns["table"].stride() == (0, 1) and ns["same_view"].stride() == (0, 1)
    assert ns["table"].data_ptr() == ns["label"].data_ptr()
    assert ten.outputs["expand_rule"].startswith(
        "RuntimeError: The expanded size of the tensor (4) must match"
    )
    assert ten.outputs["gather_no_broadcast"] == (
        "RuntimeError: Index tensor must have the same number of dimensions as input tensor\n"
    )
    assert torch.equal(ns["label"][ns["top3"].indices], ns["names"])
    assert ns["shifted"].shape == (4, 10) and ns["shifted"].stride() == (10, 1)
