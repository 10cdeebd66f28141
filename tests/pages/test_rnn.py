"""snippets/rnn.py: random vs sequential minibatches, carrying the hidden state, detach_."""

import random

import pytest
import torch
from conftest import DOCS
from matplotlib.figure import Figure


@pytest.fixture(scope="module")
def rnn(run):
    return run("rnn")


def batches(text: str) -> list[tuple[list[list[int]], list[list[int]]]]:
    """The (X, Y) pairs printed as `X:  tensor([[...]]) / Y: tensor([[...]])`."""
    pairs = []
    for block in text.strip().split("\n\n"):
        if "\nY:" not in block:  # the lines printed after the minibatches
            continue
        x_part, y_part = block.split("\nY:")
        pairs.append((_rows(x_part), _rows(y_part)))
    return pairs


def _rows(text: str) -> list[list[int]]:
    inside = text[text.index("[[") + 2 : text.rindex("]]")]
    return [[int(n) for n in row.strip(" []\n,").split(",")] for row in inside.split("],")]


def test_consecutive_batches_are_the_notes(rnn):
    printed_in_note_003 = [
        (
            [[0, 1, 2, 3, 4, 5], [15, 16, 17, 18, 19, 20]],
            [[1, 2, 3, 4, 5, 6], [16, 17, 18, 19, 20, 21]],
        ),
        (
            [[6, 7, 8, 9, 10, 11], [21, 22, 23, 24, 25, 26]],
            [[7, 8, 9, 10, 11, 12], [22, 23, 24, 25, 26, 27]],
        ),
    ]
    out = rnn.outputs["data_iter_consecutive"]
    assert batches(out) == printed_in_note_003
    assert out.startswith(
        "X:  tensor([[ 0,  1,  2,  3,  4,  5],\n        [15, 16, 17, 18, 19, 20]])"
    )
    # integers, as the note printed them (Dive-into-DL-PyTorch's version gives float32)
    assert out.strip().endswith("dtype: torch.int64")
    assert "0.," not in out


def test_random_batches(rnn):
    pairs = batches(rnn.outputs["data_iter_random"])
    assert pairs == [
        (
            [[12, 13, 14, 15, 16, 17], [0, 1, 2, 3, 4, 5]],
            [[13, 14, 15, 16, 17, 18], [1, 2, 3, 4, 5, 6]],
        ),
        (
            [[6, 7, 8, 9, 10, 11], [18, 19, 20, 21, 22, 23]],
            [[7, 8, 9, 10, 11, 12], [19, 20, 21, 22, 23, 24]],
        ),
    ]
    # 4 non-overlapping examples starting at 0, 6, 12, 18; every Y is X shifted by one
    starts = sorted(row[0] for X, _ in pairs for row in X)
    assert starts == [0, 6, 12, 18]
    assert all(y == [t + 1 for t in x] for X, Y in pairs for x, y in zip(X, Y, strict=True))
    lines = rnn.outputs["data_iter_random"].strip().splitlines()
    assert lines[-2:] == ["dtype: torch.int64", "never an input: [24, 25, 26, 27, 28, 29]"]


ONE_HOT_ERROR = "one_hot is only applicable to index tensor of type LongTensor."


def test_one_hot_takes_only_int64(rnn):
    """Why the page's iterators return int64: F.one_hot rejects float32 and int32 indices."""
    assert rnn.outputs["one_hot_dtype"].splitlines() == [
        "tensor([[1, 0, 0],",
        "        [0, 0, 1]])",
        f"torch.int32: RuntimeError: {ONE_HOT_ERROR}",
        f"torch.float32: RuntimeError: {ONE_HOT_ERROR}",
    ]
    for dtype in (torch.int16, torch.uint8, torch.float64):
        with pytest.raises(RuntimeError, match="LongTensor"):
            torch.nn.functional.one_hot(torch.tensor([0, 2], dtype=dtype), 3)


def test_random_sampling_always_drops_the_same_tail(rnn):
    """Whatever the seed, the same 4 examples: tokens 24 to 29 are never an input."""
    data_iter_random = rnn.namespace["data_iter_random"]
    for seed in range(20):
        random.seed(seed)
        batches = list(data_iter_random(list(range(30)), 2, 6))
        starts = sorted(row[0].item() for X, _ in batches for row in X)
        assert starts == [0, 6, 12, 18]
        assert max(X.max().item() for X, _ in batches) == 23


def test_correction_state_continues_into_the_next_minibatch(rnn):
    """Note 003: 'just as the state of [0,1,2,3,4,5] leads to the state of [1,2,3,4,5,6]'."""
    ns = rnn.namespace
    assert torch.equal(ns["Y1"], ns["X1"] + 1)  # [1..6] is the label of [0..5]
    assert torch.equal(ns["X2"][:, 0], ns["X1"][:, -1] + 1)  # rows continue across minibatches
    assert rnn.outputs["continuity"].splitlines() == [
        "Y1 == X1 + 1 (labels: the next tokens): True",
        "last column of X1:  [5, 20]",
        "first column of X2: [6, 21]",
    ]


def test_untrained_loss_is_about_log_vocab(rnn):
    assert rnn.outputs["rnn_model"].strip() == "an untrained model's loss is about ln 30 = 3.4012"
    first = rnn.outputs["no_detach"].splitlines()[1]
    assert first == "loss 3.3960"  # an untrained model on the first minibatch


NOTE_LOOP = (DOCS / ".notes" / "003_bbcc54ff7d1135d2.txt").read_text(encoding="utf-8")


def test_train_loop_is_the_notes_excerpt_completed(rnn):
    """Note 003:71-80, every line verbatim (indentation aside), comments included."""
    excerpt = NOTE_LOOP.splitlines()[70:80]
    assert excerpt[0].strip().startswith("if not is_random_iter:")
    assert excerpt[-1].strip() == "s.detach_()"
    code = next(s.code for s in rnn.sections if s.name == "train_loop")
    lines = [line.strip() for line in code.splitlines()]
    first = lines.index(excerpt[0].strip())
    assert lines[first : first + len(excerpt)] == [line.strip() for line in excerpt]
    # both ways of sampling train: the mean loss falls from about ln 30
    out = rnn.outputs["train_loop"].splitlines()
    assert [out[0], out[5]] == ["random sampling", "sequential partitioning"]
    for block in (out[1:5], out[6:10]):
        losses = [float(line.split()[-1]) for line in block]
        assert losses == sorted(losses, reverse=True)
        assert losses[0] < 3.4012 and losses[-1] < 2.0


def test_a_fresh_state_has_no_history(rnn):
    lines = rnn.outputs["fresh_state"].splitlines()
    assert lines[-1] == "grad_fn: None | requires_grad: False"
    (h,) = rnn.namespace["init_rnn_state"](2, 4, torch.device("cpu"))
    assert h.shape == (2, 4) and not h.any() and h.is_leaf


def test_without_detach_the_second_backward_fails(rnn):
    lines = rnn.outputs["no_detach"].splitlines()
    assert lines[:3] == [
        "the state has a history: False",
        "loss 3.3960",
        "the state has a history: True",
    ]
    assert lines[3].startswith("RuntimeError: Trying to backward through the graph a second time")
    assert len(lines) == 4


def test_with_detach_both_minibatches_train(rnn):
    assert rnn.outputs["with_detach"].splitlines() == [
        "the state has a history: False",
        "loss 3.3960",
        "the state has a history: False",
        "loss 3.4309",
    ]
    state = rnn.namespace["state"]
    assert isinstance(state, tuple) and len(state) == 1


def test_truncated_bptt_bounds_the_graph(rnn):
    """Note 003: 'sampling fixed the number of time steps, so there should be no further BP'."""
    assert rnn.outputs["graph_growth"].splitlines() == [
        "no detach:    [6, 12, 18, 24, 30, 36, 42, 48, 54, 60, 66, 72]",
        "with detach_: [6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6]",
    ]


def test_retain_graph_fails_after_in_place_updates(rnn):
    lines = rnn.outputs["retain_graph"].splitlines()
    assert lines[0] == "loss 3.3960"
    assert lines[1].startswith(
        "RuntimeError: one of the variables needed for gradient computation has been "
        "modified by an inplace operation: [torch.FloatTensor [4, 4]] is at version 1; "
        "expected version 0 instead."
    )
    # the version counter: each in-place change adds 1
    w = torch.zeros(2)
    assert w._version == 0
    w += 1
    w.mul_(2)
    assert w._version == 2


def test_correction_detach_is_a_builtin_that_works_in_place(rnn):
    """Note 003 quotes `self._grad_fn = None; self.requires_grad = False` (Variable era)."""
    out = rnn.outputs["detach_builtin"].splitlines()
    assert out[0] == "<class 'method_descriptor'>"
    assert out[1:3] == [
        "Detaches the Tensor from the graph that created it, making it a leaf.",
        "Views cannot be detached in-place.",
    ]
    assert rnn.outputs["detach_in_place"].splitlines() == [
        "before: grad_fn=MulBackward0, requires_grad=True, is_leaf=False",
        "after:  grad_fn=None, requires_grad=False, is_leaf=True",
        "same object: True  value kept: tensor([2., 4.])",
    ]
    h = torch.tensor([1.0, 2.0], requires_grad=True) * 3
    h.detach_()
    assert h.grad_fn is None and not h.requires_grad and h.is_leaf


def test_detach_returns_a_new_tensor_sharing_storage(rnn):
    lines = rnn.outputs["detach_copy"].splitlines()
    assert lines == [
        "new object: True  same storage: True",
        "h: grad_fn=MulBackward0, requires_grad=True, is_leaf=False",
        "d: grad_fn=None, requires_grad=False, is_leaf=True",
        "h after writing into d: tensor([100.,   4.], grad_fn=<MulBackward0>)",
    ]


def test_detach_in_a_loop_needs_the_in_place_version(rnn):
    assert rnn.outputs["detach_in_loop"].splitlines() == [
        "detach() in loop:  grad_fn=MulBackward0, requires_grad=True, is_leaf=False",
        "detach_() in loop: grad_fn=None, requires_grad=False, is_leaf=True",
    ]


def test_views_cannot_be_detached_in_place(rnn):
    lines = rnn.outputs["detach_view"].splitlines()
    assert lines[0] == "row is a view: True"
    assert lines[1].startswith("RuntimeError: Can't detach views in-place. Use detach() instead.")


def test_figure_marks_the_carried_state_only_for_sequential_partitioning(rnn):
    figure = rnn.namespace["figure_partitions"]()
    assert isinstance(figure, Figure)
    top, bottom = figure.axes
    arrows = [[t for t in ax.texts if t.get_text() == "$H$"] for ax in (top, bottom)]
    assert len(arrows[0]) == 0 and len(arrows[1]) == 2
    assert sorted(t.get_position()[0] for t in arrows[1]) == [6, 21]
    coloured = [[p for p in ax.patches if p.get_fill()] for ax in (top, bottom)]
    assert [len(c) for c in coloured] == [4, 4]  # 2 minibatches × 2 rows
