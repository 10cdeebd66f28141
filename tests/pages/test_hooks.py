"""snippets/hooks.py: the values the hooks page shows, and its corrections."""

import re
import warnings

import pytest
import torch
from conftest import DOCS, numbers
from torch import nn
from torch.nn.utils import parametrizations

ONES = [[1.0, 1.0, 1.0]]


@pytest.fixture(scope="module")
def hooks(run):
    return run("hooks")


def test_intermediate_gradient_is_not_kept(hooks):
    out = hooks.outputs["intermediate_grad"]
    assert "y.is_leaf = False  y.grad = None" in out
    assert "UserWarning: The .grad attribute of a Tensor that is not a leaf" in out
    assert numbers(out.splitlines()[0]) == [0.6667, 1.3333, 2.0]


def test_tensor_hook_saves_the_intermediate_gradient(hooks):
    saved = hooks.namespace["saved"]
    assert len(saved) == 1
    assert torch.allclose(saved[0], torch.full((3,), 1 / 3))
    assert numbers(hooks.outputs["retain_grad"]) == [0.3333] * 3


def test_tensor_hook_return_value_replaces_the_gradient(hooks):
    with_hook, removed = hooks.outputs["tensor_hook_changes_grad"].splitlines()
    assert numbers(with_hook) == [6.6667, 13.3333, 20.0]
    assert numbers(removed) == [0.6667, 1.3333, 2.0]
    # the second backward goes through the same y: it is remove() that restores the gradient
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    z = y.mean()
    y.register_hook(lambda grad: grad * 10)
    z.backward(retain_graph=True)
    x.grad = None
    z.backward()  # hook still there: 10 times again
    assert torch.allclose(x.grad, 10 * 2 * x.detach() / 3)


def test_weights_are_copied_under_no_grad():
    layer = nn.Linear(3, 1)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad .* in-place"):
        layer.weight.copy_(torch.ones(1, 3))
    with torch.no_grad():
        layer.weight.copy_(torch.ones(1, 3))
    assert layer.weight.grad_fn is None and layer.weight.is_leaf


def test_model_repr_is_the_notes(hooks):
    assert hooks.outputs["model"].splitlines() == [
        "Model(",
        "  (fc1): Linear(in_features=3, out_features=4, bias=True)",
        "  (relu1): ReLU()",
        "  (fc2): Linear(in_features=4, out_features=1, bias=True)",
        ")",
    ]


def test_forward_hooks_see_every_layer(hooks):
    features = hooks.namespace["features"]
    assert list(features) == ["fc1", "relu1", "fc2"]
    assert features["fc1"][1].tolist() == [[7.0, -13.0, 27.0, -29.0]]
    assert features["relu1"][1].tolist() == [[7.0, 0.0, 27.0, 0.0]]
    assert features["fc2"][1].tolist() == [[89.0]]
    assert hooks.outputs["forward_hooks"].startswith(
        "forward pre-hook: the model gets tensor([[1., 1., 1.]])\n"
    )


def notes_output_of_question_9() -> list[str]:
    """The output note 000 pasted under '修改后的输出为：', line by line."""
    note = next((DOCS / ".notes").glob("000_*.txt")).read_text(encoding="utf-8")
    block = note.split("修改后的输出为：", 1)[1].split("```", 2)[1]
    return block.strip("\n").splitlines()


def test_full_backward_hook_prints_the_notes_output(hooks):
    lines = hooks.outputs["full_backward_hook"].splitlines()
    notes = notes_output_of_question_9()
    assert notes[0] == "\tIn the hook_fn_backward"  # the tab the page mentions
    assert lines == [notes[0].lstrip("\t"), *notes[1:]]
    assert lines[0] == "In the hook_fn_backward"
    assert lines[1:6] == hooks.outputs["model"].splitlines()
    assert lines[6:] == [
        "grad_output (tensor([[1.]]),)",
        "grad_input (tensor([[22., 26., 30.]]),)",
        "==========Saved inputs and outputs==========",
        "grad output:  (tensor([[1.]]),)",
        "grad input:  (tensor([[22., 26., 30.]]),)",
    ]


def test_hooks_do_more_than_save_gradients(hooks):
    """Note 000, Q9, quoting Zhihu: hooks are '用来保存中间变量的梯度'."""
    out = hooks.outputs["forward_pre_hook_changes_input"]
    assert out.splitlines() == [
        "pre-hook doubles the input: 167.0",
        "pre-hook removed:           89.0",
    ]
    # forward hooks record activations, which are not gradients at all
    assert not any(t.requires_grad for t, _ in hooks.namespace["features"].values())
    # a forward hook's return value replaces the module's output
    model = hooks.namespace["Model"]()
    model.register_forward_hook(lambda module, args, output: output * 0)
    assert model(torch.tensor(ONES)).item() == 0.0
    # a backward pre-hook's return value replaces grad_output
    model = hooks.namespace["Model"]()
    model.register_full_backward_pre_hook(lambda module, g_out: (5 * g_out[0],))
    x = torch.tensor(ONES, requires_grad=True)
    model(x).backward()
    assert x.grad.tolist() == [[110.0, 130.0, 150.0]]
    # a full backward hook's return value replaces grad_input
    model = hooks.namespace["Model"]()
    handle = model.register_full_backward_hook(lambda module, g_in, g_out: (0 * g_in[0],))
    x = torch.tensor(ONES, requires_grad=True)
    model(x).backward()
    assert x.grad.tolist() == [[0.0, 0.0, 0.0]]
    assert isinstance(handle, torch.utils.hooks.RemovableHandle)


def test_correction_non_full_backward_hook_warning_is_a_future_warning(hooks):
    """Note 000, Q9: 'UserWarning: Using a non-full backward hook ... is deprecated'."""
    assert not issubclass(FutureWarning, UserWarning)  # a UserWarning filter misses it
    model = hooks.namespace["Model"]()
    model.register_backward_hook(lambda module, g_in, g_out: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model(torch.tensor(ONES, requires_grad=True)).backward()
    assert [w.category for w in caught] == [FutureWarning]
    assert str(caught[0].message).startswith("Using a non-full backward hook")
    assert "FutureWarning: Using a non-full" in hooks.outputs["non_full_backward_hook"]


def test_non_full_hook_sees_only_the_last_operation(hooks):
    grad_input = hooks.namespace["seen"][0]
    assert [tuple(g.shape) for g in grad_input] == [(1,), (1, 4), (4, 1)]
    assert grad_input[1].tolist() == [[1.0, 2.0, 3.0, 4.0]]
    assert grad_input[2].flatten().tolist() == [7.0, 0.0, 27.0, 0.0]
    # gradients, which happen to equal W2 and ReLU's output: d(h W2^T)/dh = W2, /dW2^T = h^T
    model = hooks.namespace["Model"]()
    relu_output = hooks.namespace["features"]["relu1"][1]
    assert torch.equal(grad_input[1], model.fc2.weight.detach())
    assert torch.equal(grad_input[2], relu_output.T)
    assert relu_output.tolist() == [[7.0, 0.0, 27.0, 0.0]]  # the values, not [1, 2, 3, 4]
    out = hooks.outputs["non_full_backward_hook"]
    assert "grad_input[1] equals W2:            True" in out
    assert "grad_input[2] equals ReLU's output: True" in out
    assert "last autograd node of the forward: AddmmBackward0" in out
    assert "true gradient w.r.t. x: tensor([[22., 26., 30.]])" in out


def test_grad_input_is_grad_output_times_the_jacobian(hooks):
    assert hooks.namespace["by_hand"].tolist() == [[22.0, 26.0, 30.0]]
    # counted from 0, ReLU lets outputs 0 and 2 of fc1 through
    assert hooks.namespace["relu_mask"].flatten().nonzero().flatten().tolist() == [0, 2]
    assert numbers(hooks.outputs["scaled_loss"]) == [3.0, 66.0, 78.0, 90.0]


def test_grad_input_is_none_without_requires_grad(hooks):
    out = hooks.outputs["input_without_grad"]
    assert "grad_input  None" in out
    assert "UserWarning: Full backward hook is firing" in out


def test_child_hooks_fire_in_reverse_order(hooks):
    out = hooks.outputs["child_backward_hooks"]
    names = re.findall(r"^\s*(\w+): grad_output", out, re.MULTILINE)
    assert names == ["fc2", "relu1", "fc1"]
    assert numbers(out) == [1.0, 1, 2, 3, 4, 1, 2, 3, 4, 1, 0, 3, 0, 1, 0, 3, 0, 22, 26, 30]
    assert hooks.outputs["remove_hooks"] == "hooks removed; x.grad = tensor([[22., 26., 30.]])\n"


def test_weight_norm_by_hand(hooks):
    ns = hooks.namespace
    assert numbers(hooks.outputs["weight_norm_by_hand"]) == [1.0, 2.0, 3.0, 4.0]
    assert ns["same"] is True


def test_norm_of_w_is_the_absolute_value_of_g():
    torch.manual_seed(0)
    v = torch.randn(3)
    g = torch.tensor(-2.0)  # g is an unconstrained real parameter
    w = g * v / v.norm()
    assert w.norm().item() == pytest.approx(2.0)
    assert torch.allclose(w / w.norm(), -v / v.norm())  # w points opposite to v
    layer = parametrizations.weight_norm(nn.Linear(3, 4))
    with torch.no_grad():
        layer.parametrizations.weight.original0.fill_(-2.0)
    assert torch.allclose(layer.weight.norm(dim=1), torch.full((4,), 2.0))


def test_pages_say_register_as_zhu_ce():
    text = (DOCS / "hooks.md").read_text(encoding="utf-8")
    assert "登记" not in text and text.count("注册") >= 7


def test_correction_paper_is_arxiv_1602_07868(hooks):
    """Note 000, Q8: 'weight_norm是arxiv: 1602.007868文章提出的…'."""
    assert hooks.outputs["paper_reference"] == "See https://arxiv.org/abs/1602.07868\n"
    for page in ("hooks.md", "hooks.en.md"):
        text = (DOCS / page).read_text(encoding="utf-8")
        assert "https://arxiv.org/abs/1602.07868" in text
        typo = [line for line in text.splitlines() if "1602.007868" in line]
        assert len(typo) == 1 and ("**原文**" in typo[0] or "**Original**" in typo[0])


def test_weight_g_and_weight_v_are_the_deprecated_api(hooks):
    """Note 000, Q8: 'weight_v和weight_g' — still true, but the function is deprecated."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        legacy = torch.nn.utils.weight_norm(nn.Linear(3, 4))
    assert [n for n, _ in legacy.named_parameters()] == ["bias", "weight_g", "weight_v"]
    with pytest.warns(FutureWarning, match="is deprecated in favor of"):
        torch.nn.utils.weight_norm(nn.Linear(3, 4))
    names = [n for n, _ in hooks.namespace["layer"].named_parameters()]
    assert names == [
        "bias",
        "parametrizations.weight.original0",
        "parametrizations.weight.original1",
    ]
    assert (
        "old checkpoint loads: <All keys matched successfully>"
        in (hooks.outputs["weight_norm_current"])
    )


def test_legacy_weight_is_recomputed_by_a_forward_pre_hook(hooks):
    before, after = hooks.outputs["weight_norm_legacy"].splitlines()[3:5]
    assert numbers(before) != [1.0] * 4
    assert numbers(after) == [1.0] * 4
    pre_hooks = list(hooks.namespace["legacy"]._forward_pre_hooks.values())
    assert [type(h).__name__ for h in pre_hooks] == ["WeightNorm"]


def test_weight_unchanged_at_creation(hooks):
    out = hooks.outputs["weight_norm_current"]
    assert "v is the old weight: True" in out
    assert "weight unchanged: True" in out
    # g v/|v| is recomputed: equal up to float32 rounding, not always bit for bit
    exact = []
    for seed in range(20):
        torch.manual_seed(seed)
        linear = nn.Linear(3, 4)
        old = linear.weight.detach().clone()
        wn = parametrizations.weight_norm(linear)
        assert torch.equal(wn.parametrizations.weight.original1, old)
        assert torch.allclose(wn.weight, old)
        exact.append(torch.equal(wn.weight, old))
    assert not all(exact)
    assert "g = row norms of v: True" in out
    assert "parametrizations.weight.original0   (4, 1)" in out
    # every read of .weight is computed afresh from original0 and original1
    layer = parametrizations.weight_norm(nn.Linear(3, 4))
    with torch.no_grad():
        layer.parametrizations.weight.original0.fill_(2.0)
    assert torch.allclose(layer.weight.norm(dim=1), torch.full((4,), 2.0))


def test_dim_keeps_dim_k_and_minus_one_means_whole_tensor(hooks):
    """Note 000, Q8: 'dim=k的维度不会发生变化' — right, but dim=-1 acts like None."""
    rows = hooks.outputs["weight_norm_dims"].splitlines()[1:]
    table = {r.split("|")[0].strip(): [c.strip() for c in r.split("|")[1:]] for r in rows}
    assert table == {
        "0": ["(4, 1)", "(5, 1, 1, 1)"],
        "1": ["(1, 3)", "(1, 2, 1, 1)"],
        "2": ["-", "(1, 1, 3, 1)"],
        "3": ["-", "(1, 1, 1, 3)"],
        "-2": ["(4, 1)", "(1, 1, 3, 1)"],
        "-1": ["()", "()"],
        "None": ["()", "()"],
    }
    # the norm is taken over every dimension except `dim`
    conv = parametrizations.weight_norm(nn.Conv2d(2, 5, 3), dim=1)
    v = conv.parametrizations.weight.original1
    g = conv.parametrizations.weight.original0
    assert torch.allclose(g, v.pow(2).sum(dim=(0, 2, 3), keepdim=True).sqrt())
    whole = parametrizations.weight_norm(nn.Linear(3, 4), dim=-1)
    assert torch.allclose(whole.parametrizations.weight.original0, whole.weight.norm())
    # the last dimension is kept when written as a positive index
    last = parametrizations.weight_norm(nn.Linear(3, 4), dim=1)
    assert last.parametrizations.weight.original0.shape == (1, 3)
    # the old function the notes link to does the same
    assert hooks.outputs["weight_norm_dim_minus_one"].splitlines()[:3] == [
        "new function, dim=-1: ()",
        "old function, dim=-1: ()",
        "new function, dim=3:  (1, 1, 1, 3)",
    ]
    with pytest.warns(FutureWarning):
        old = torch.nn.utils.weight_norm(nn.Linear(3, 4), dim=-1)
    assert old.weight_g.shape == () and torch.allclose(old.weight_g, old.weight_v.norm())


def test_weight_norm_gradients_match_the_paper(hooks):
    out = hooks.outputs["weight_norm_gradients"]
    assert "v.grad shape: (4, 3)" in out
    assert "weight is a parameter? False" in out
    assert float(out.splitlines()[-1].split(":")[1]) < 1e-5
    # Salimans & Kingma, eqs. (3)-(4): grad_g = grad_w · v/|v|,
    # grad_v = g/|v| (I - w w^T/|w|^2) grad_w, row by row for dim=0.
    torch.manual_seed(1)
    layer = parametrizations.weight_norm(nn.Linear(3, 4).double())
    g = layer.parametrizations.weight.original0
    v = layer.parametrizations.weight.original1
    w = layer.weight
    loss = torch.nn.functional.linear(torch.randn(8, 3).double(), w).pow(2).sum()
    grad_w, grad_g, grad_v = torch.autograd.grad(loss, (w, g, v))
    norm_v = v.norm(dim=1, keepdim=True)
    assert torch.allclose(grad_g, (grad_w * v).sum(dim=1, keepdim=True) / norm_v)
    unit_w = w / w.norm(dim=1, keepdim=True)
    projected = grad_w - (grad_w * unit_w).sum(dim=1, keepdim=True) * unit_w
    assert torch.allclose(grad_v, g / norm_v * projected)


def test_grad_input_covers_positional_arguments_only():
    class Add(nn.Module):
        def forward(self, a, b=None):
            return a + b

    seen = []
    add = Add()
    add.register_full_backward_hook(lambda module, g_in, g_out: seen.append(g_in))
    a = torch.ones(2, requires_grad=True)
    b = torch.ones(2, requires_grad=True)
    add(a, b=b).sum().backward()
    assert len(seen[0]) == 1 and seen[0][0].tolist() == [1.0, 1.0]
    assert b.grad.tolist() == [1.0, 1.0]  # b still gets its gradient, the hook just misses it
