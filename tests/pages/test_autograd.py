"""docs/autograd.ipynb: the values the notebook page shows, checked against the formulas."""

import re

import nbformat
import pytest
import torch
import torch.nn.functional as F
from conftest import DOCS, numbers, page_url
from notebook_runs import code_cells, executed, text_of

NOTEBOOKS = ["autograd.ipynb", "autograd.en.ipynb"]


@pytest.fixture(scope="module", params=NOTEBOOKS)
def out(request):
    """Printed text of every code cell of the executed notebook, by cell id."""
    return {cell.id: text_of(cell) for cell in code_cells(executed(DOCS / request.param))}


def lines(text: str) -> list[str]:
    """Non-empty lines: a stream may arrive in several chunks, which text_of joins with \\n."""
    return [line for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def a():
    torch.manual_seed(0)
    return torch.randn(3, requires_grad=True)


@pytest.fixture(scope="module")
def p(a):
    return torch.softmax(a, dim=0).detach()


@pytest.fixture(scope="module")
def J(p):
    return torch.diag(p) - torch.outer(p, p)


# ---------------------------------------------------------------- the shape of the notebook


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_corrections_and_question_cells_are_well_formed(name):
    """Corrections: title, 原文/Original, a one-sentence 更正/Correction for the errata table,
    the explanation, then the evidence; notes and questions: their bold title alone first."""
    cells = nbformat.read(DOCS / name, as_version=4).cells
    zh = name == "autograd.ipynb"
    original = "**原文**（笔记 002，第 " if zh else "**Original** (note 002, § "
    correction = "**更正**：" if zh else "**Correction**: "
    corrections = 0
    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        if cell.source.startswith("**勘误 / Correction**"):
            corrections += 1
            paragraphs = cell.source.split("\n\n")
            assert len(paragraphs) >= 3, cell.id
            assert paragraphs[1].startswith(original) and "\n" not in paragraphs[1], cell.id
            truth = paragraphs[2]
            assert truth.startswith(correction) and "\n" not in truth, cell.id
            if zh:  # one sentence: the errata table copies it whole
                assert truth.count("。") == 1 and truth.endswith("。"), cell.id
            else:
                assert truth.endswith(".") and not re.search(r"[.!?]\s+[A-Z`$*(]", truth), cell.id
            assert cells[i + 1].cell_type == "code", f"{cell.id} is not followed by its evidence"
        for title in ("补充 / Note", "问题 / Question"):
            if title in cell.source:
                assert cell.source.startswith(f"**{title}**\n\n"), cell.id
    assert corrections == 5


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_prose_names_the_raises_exception_tag(name):
    """The page shows a raises-exception badge above the cells that fail on purpose."""
    notebook = nbformat.read(DOCS / name, as_version=4)
    tagged = [c for c in code_cells(notebook) if "raises-exception" in c.metadata.get("tags", [])]
    assert len(tagged) == 4
    assert "raises-exception" in notebook.cells[0].source


def test_a_notebook_cell_is_a_danyuange_not_a_ge():
    """格 alone reads as a grid square; Jupyter's Chinese UI says 单元格."""
    cells = nbformat.read(DOCS / "autograd.ipynb", as_version=4).cells
    for cell in cells:
        if cell.cell_type == "markdown":
            assert not re.search(r"(?<!单元)格(?!外)", cell.source), cell.id


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_first_cell_shortens_tracebacks_and_headings_have_no_anchor_syntax(name):
    notebook = nbformat.read(DOCS / name, as_version=4)
    assert code_cells(notebook)[0].source.startswith("%xmode Minimal\n")
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            assert not re.search(r"^#.*\{ #", cell.source, re.MULTILINE), cell.id


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_links_to_other_pages_reach_a_page_and_a_section(site, lang):
    """mkdocs-jupyter leaves a notebook's links as written and MkDocs does not check them, so
    they are site URLs (`../tensors/#norm`, the same in both languages), checked here."""
    page = site / page_url("autograd", lang)
    body = (page / "index.html").read_text(encoding="utf-8").split('class="jp-Notebook', 1)[1]
    assert not re.search(r'<a href="[^"]*\.(md|ipynb)\b', body), "a link MkDocs never rewrote"
    links = re.findall(r'<a href="(\.\./[^"]*)"', body)
    assert len(links) >= 11
    for link in links:
        path, _, anchor = link.partition("#")
        target = (page / path / "index.html").resolve()
        assert target.is_file(), link
        assert not anchor or f'id="{anchor}"' in target.read_text(encoding="utf-8"), link


# ---------------------------------------------------------------- MSE, requires_grad


def test_correction_mse_is_the_mean_not_the_squared_norm(out):
    """Note 002, § 3.1: 'MSE = L2_norm^2 = torch.norm((y-(xw+b)),2)^2'."""
    y, y_hat = torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.5, 2.0, 1.0])
    mean, sq_norm = F.mse_loss(y_hat, y).item(), (torch.linalg.vector_norm(y - y_hat) ** 2).item()
    assert sq_norm == pytest.approx(3 * mean)
    assert numbers(out["mse-vs-norm"]) == pytest.approx(
        [mean, sq_norm, sq_norm / 3, sq_norm], abs=5e-5
    )


def test_correction_torch_full_takes_a_shape_and_a_float_fill_value(out):
    """Note 002, § 3.1: '# w = torch.full([1].float(),2)'."""
    assert out["full-list-float"] == "AttributeError: 'list' object has no attribute 'float'"
    assert out["full-float"] == "tensor([2.], requires_grad=True)"
    assert out["full-int"] == (
        "RuntimeError: only Tensors of floating point dtype can require gradients"
    )
    assert torch.full([1], 2).dtype == torch.int64
    assert torch.full([1], 2.0).dtype == torch.float32


def test_the_note_example_has_mse_one(out):
    assert "tensor(1., grad_fn=<MseLossBackward0>)" in out["note-mse"]


def test_leaf_tensors_detach_and_no_grad(out):
    x, w = torch.ones(1), torch.tensor([2.0], requires_grad=True)
    mse = F.mse_loss(torch.ones(1), x * w)
    assert x.is_leaf and w.is_leaf and not mse.is_leaf
    assert mse.grad_fn.name() == "MseLossBackward0"
    d = mse.detach()
    assert not d.requires_grad and d.grad_fn is None and d.data_ptr() == mse.data_ptr()
    with torch.no_grad():
        xw = x * w
    assert not xw.requires_grad and xw.is_leaf
    assert lines(out["leaf-detach"]) == [
        "x    is_leaf=True   requires_grad=False  grad_fn=None",
        "w    is_leaf=True   requires_grad=True   grad_fn=None",
        "mse  is_leaf=False  requires_grad=True   grad_fn=MseLossBackward0",
        "mse.detach(): requires_grad=False, shares data: True",
        "x * w in no_grad: requires_grad=False, is_leaf=True",
    ]


def test_autograd_grad_returns_and_backward_stores(out):
    """backward fills .grad only for the leaf tensors that require gradients."""
    x, w = torch.ones(1), torch.tensor([2.0], requires_grad=True)
    F.mse_loss(torch.ones(1), x * w).backward()
    assert w.grad.item() == 2.0 and x.grad is None
    assert lines(out["autograd-grad"]) == ["returned: (tensor([2.]),)", "w.grad:   None"]
    assert lines(out["backward"]) == ["returned: None", "w.grad:   tensor([2.])"]


# ---------------------------------------------------------------- accumulation, norm, zeroing


def test_every_backward_adds_the_gradient_once(out):
    """Note 002, § 3.1: '由于梯度发生累积，这里不再是2而是4(or more)' (and it printed 6): right."""
    assert numbers(out["accumulate"]) == [2.0, 4.0, 6.0]
    assert lines(out["accumulate"])[-1] == "run 3: w.grad = tensor([6.])"


def test_one_backward_sums_the_uses_of_a_leaf_before_writing_grad(out):
    """y = 3u + u·u uses u twice; .grad is written once, with the sum 3 + 2u = 7."""
    u = torch.tensor([2.0], requires_grad=True)
    seen = []
    u.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.clone()))
    (3 * u + u * u).backward()
    assert seen == [torch.tensor([7.0])] and u.grad.item() == 7.0
    assert lines(out["accumulate-once"]) == [
        "hook calls: 1, gradient it saw: tensor([7.])",
        "u.grad: tensor([7.])",
    ]


def test_correction_norm_must_be_called(out):
    """Note 002, § 3.1: 'print(w.grad.norm)', which printed a bound method."""
    g = torch.tensor([6.0])
    assert g.norm() == torch.linalg.vector_norm(g) == 6.0
    assert lines(out["norm"]) == [
        "<bound method Tensor.norm of tensor([6.])>",
        "tensor(6.)",
        "tensor(6.)",
    ]


def test_zeroing_in_place_or_to_none(out):
    assert [line.split(":")[-1].strip() for line in lines(out["zero"])] == ["tensor([0.])", "None"]


# ---------------------------------------------------------------- softmax


def test_softmax_of_scaled_scores_approaches_the_max(out):
    scores = torch.tensor([2.0, 1.0, 0.1])
    expected = [*F.softmax(scores, dim=0).tolist(), *F.softmax(5 * scores, dim=0).tolist()]
    shown = numbers(out["softmax-sharpens"])
    assert shown == pytest.approx(expected, rel=1e-3, abs=5e-5)
    assert shown[3] > 0.99 and shown[0] < 0.7


def test_softmax_without_dim_warns_and_guesses(a):
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        guessed = F.softmax(a.detach())
    assert torch.equal(guessed, F.softmax(a.detach(), dim=0))


def test_softmax_of_seeded_input(out, p):
    assert numbers(out["softmax-seeded"]) == pytest.approx(p.tolist(), abs=5e-5)
    assert "grad_fn=<SoftmaxBackward0>" in out["softmax-seeded"]


def test_gradient_of_one_component_is_a_jacobian_row(out, p):
    row = p[1] * (torch.eye(3)[1] - p)  # ∂p_1/∂a_j = p_1 (δ_1j − p_j)
    assert numbers(out["grad-p1"]) == pytest.approx(row.tolist(), abs=5e-5)
    assert numbers(out["formula-p1"]) == numbers(out["grad-p1"])
    assert [x > 0 for x in numbers(out["grad-p1"])] == [False, True, False]


def test_jacobian_is_diag_p_minus_p_p_transposed(out, a, J):
    computed = torch.autograd.functional.jacobian(lambda a: F.softmax(a, dim=0), a.detach())
    assert torch.allclose(computed, J, atol=1e-6)
    assert numbers(out["jacobian"]) == pytest.approx(J.flatten().tolist(), abs=5e-5)
    assert lines(out["jacobian"])[-1] == "J == diag(p) - p p^T: True"


def test_correction_a_non_scalar_output_needs_the_vector_of_a_vjp(out, J):
    """Note 002, § 3.2: 'PyTorch规定，不让张量（Tensor）对张量求导，只允许标量对张量求导'."""
    assert out["grad-vector"] == (
        "RuntimeError: grad can be implicitly created only for scalar outputs"
    )
    shown = numbers(out["vjp"])  # v, v^T J from autograd, v @ J; twice
    assert len(shown) == 18
    for k in (0, 9):
        v, vjp, product = shown[k : k + 3], shown[k + 3 : k + 6], shown[k + 6 : k + 9]
        expected = (torch.tensor(v) @ J).tolist()
        assert vjp == product == pytest.approx(expected, abs=5e-5)
    assert shown[3:6] == pytest.approx(J[1].tolist(), abs=5e-5)


def test_gradient_of_the_sum_of_a_softmax_is_zero(out):
    assert numbers(out["backward-ones"]) == [0.0, 0.0, 0.0]


def test_the_vector_passed_to_backward_has_the_output_shape():
    """torch.ones(a.shape) works for p = softmax(a) only because softmax keeps the shape."""
    a = torch.randn(3, requires_grad=True)
    assert F.softmax(a, dim=0).shape == a.shape
    head = a[:2] * 2  # an output whose shape differs from its input's
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        head.backward(torch.ones(a.shape))
    head.backward(torch.ones(head.shape))
    assert a.grad.tolist() == [2.0, 2.0, 0.0]


def test_second_backward_raises(out):
    assert out["backward-again"].startswith(
        "RuntimeError: Trying to backward through the graph a second time"
    )


def test_retain_graph_allows_a_second_backward_which_accumulates(out, J):
    once, twice = numbers(out["retain-graph"])[:3], numbers(out["retain-graph"])[3:]
    assert once == pytest.approx(J[1].tolist(), abs=5e-5)
    assert twice == pytest.approx((2 * J[1]).tolist(), abs=5e-5)


def test_cross_entropy_gradient_is_p_minus_one_hot(out, a, p):
    loss = F.cross_entropy(a.unsqueeze(0), torch.tensor([0]))
    (grad,) = torch.autograd.grad(loss, [a])
    assert torch.allclose(grad, p - torch.tensor([1.0, 0.0, 0.0]), atol=1e-6)
    shown = numbers(out["cross-entropy"])
    assert shown[:2] == pytest.approx([loss.item(), -p[0].log().item()], abs=5e-5)
    assert shown[2:5] == shown[5:8] == pytest.approx(grad.tolist(), abs=5e-5)


# ---------------------------------------------------------------- MLP gradients


def sigmoid_mlp_grad(n_out: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    x = torch.randn(1, 10)
    w = torch.randn(n_out, 10, requires_grad=True)
    o = torch.sigmoid(x @ w.t())
    F.mse_loss(o, torch.ones(o.shape)).backward()
    return x, w, o.detach()


def test_single_layer_gradient_matches_the_formula(out):
    x, w, o = sigmoid_mlp_grad(1)
    assert torch.allclose(w.grad, 2 * (o - 1) * o * (1 - o) * x)
    assert lines(out["single-forward"]) == ["o: torch.Size([1, 1]), w.grad before: None"]
    assert out["single-loss"] == "torch.Size([])"
    assert numbers(out["single-backward"]) == pytest.approx(w.grad.flatten().tolist(), abs=5e-5)
    assert lines(out["single-backward"])[-1] == "matches the formula: True"


def test_correction_the_two_sigmoid_nodes_are_the_output_layer(out):
    """Note 002, § 4.2: '下面是2个hidden units': the loss is taken on them, so they are outputs."""
    torch.manual_seed(0)
    x = torch.randn(1, 10)
    w = torch.randn(2, 10, requires_grad=True)
    o = torch.sigmoid(x @ w.t())
    loss = F.mse_loss(o, torch.ones(o.shape))
    (dL_do,) = torch.autograd.grad(loss, [o], retain_graph=True)
    assert torch.allclose(dL_do, 2 / o.numel() * (o.detach() - 1))  # the MSE's own derivative
    loss.backward()  # one layer of weights: input times the signal through the sigmoid
    assert torch.allclose(w.grad, (dL_do * o.detach() * (1 - o.detach())).t() @ x)
    assert "w: (2, 10)" in out["multi-forward"]
    shown = numbers(out["output-layer"])
    assert shown[:2] == shown[2:] == pytest.approx(dL_do.flatten().tolist(), abs=5e-5)


def test_two_output_gradient_is_delta_outer_x(out):
    x, w, o = sigmoid_mlp_grad(2)
    assert numbers(out["multi-forward"]) == pytest.approx(o.flatten().tolist(), abs=5e-5)
    shown = numbers(out["multi-grad"])
    assert shown == pytest.approx(w.grad.flatten().tolist(), rel=1e-3)
    assert lines(out["multi-grad"])[-1] == "delta^T x matches: True"


def test_question_a_saturated_sigmoid_leaves_its_row_almost_no_gradient(out):
    """Note 002, § 4.2 prints one gradient row of order 1e-7 next to one of order 1e-1."""
    x, w, _ = sigmoid_mlp_grad(2)
    rows = [numbers(line) for line in lines(out["saturation"])[1:]]
    assert [row[0] for row in rows] == [1.0, 1.5]
    for scale, z0, o0, g0, g1 in rows:
        z = (x @ w.detach()[0] * scale).item()
        assert z0 == pytest.approx(z, abs=0.005)
        assert o0 == pytest.approx(torch.sigmoid(torch.tensor(z)).item(), abs=1e-6)
        assert g1 == pytest.approx(0.27, abs=0.005)  # row 1 does not change
        assert g0 < 1e-3 * g1  # row 0: more than three orders of magnitude below
    assert 1e-7 < rows[1][3] < 1e-6  # the note's order of magnitude


def test_chain_rule_product_of_local_derivatives(out):
    assert numbers(out["chain-check"]) == [2.0, 3.0, 6.0, 6.0]


# ---------------------------------------------------------------- backpropagation


def test_backpropagation_by_hand_matches_autograd(out):
    torch.manual_seed(0)
    X, T = torch.randn(4, 3), torch.randn(4, 2)
    W1 = torch.randn(5, 3, requires_grad=True)
    b1 = torch.zeros(5, requires_grad=True)
    W2 = torch.randn(2, 5, requires_grad=True)
    b2 = torch.zeros(2, requires_grad=True)
    loss = F.mse_loss(torch.sigmoid(X @ W1.t() + b1) @ W2.t() + b2, T)
    loss.backward()
    assert numbers(out["bp-forward"]) == pytest.approx([loss.item()], abs=5e-5)
    assert numbers(out["bp-by-hand"]) == pytest.approx(W1.grad.flatten().tolist(), abs=5e-5)
    assert lines(out["bp-autograd"]) == [
        "W1 (5, 3): same as autograd: True",
        "b1 (5,): same as autograd: True",
        "W2 (2, 5): same as autograd: True",
        "b2 (2,): same as autograd: True",
    ]
