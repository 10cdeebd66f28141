"""snippets/cnn.py: layer tables of LeNet, AlexNet, VGG-11 and NiN, and the notes' corrections."""

import inspect
import re

import pytest
import torch
from conftest import DOCS
from torch import nn


@pytest.fixture(scope="module")
def cnn(run):
    return run("cnn")


ROW = re.compile(r"^(\w+)\s+(\([\d, ]+\))\s+([\d,]+)$", re.MULTILINE)
TOTAL = re.compile(r"^total\s+([\d,]+)$", re.MULTILINE)


def table(text: str) -> tuple[list[tuple[str, tuple[int, ...], int]], int]:
    """The rows (layer, output shape, parameters) and the total of a printed layer table."""
    rows = [
        (
            name,
            tuple(int(n) for n in shape.strip("()").split(",") if n.strip()),
            int(count.replace(",", "")),
        )
        for name, shape, count in ROW.findall(text)
    ]
    (total,) = TOTAL.findall(text)
    return rows, int(total.replace(",", ""))


def conv(c_in, c_out, k):
    return c_in * c_out * k * k + c_out


def linear(n_in, n_out):
    return n_in * n_out + n_out


def real_dry_run(model, shape):
    """The same table computed on the CPU with real tensors, as an independent check."""
    x, rows = torch.zeros(1, *shape), []
    with torch.no_grad():
        for layer in model.net if hasattr(model, "net") else model:
            x = layer(x)
            rows.append(
                (type(layer).__name__, tuple(x.shape), sum(p.numel() for p in layer.parameters()))
            )
    return rows


def test_softmax_regression_warm_up(cnn):
    rows, total = table(cnn.outputs["layer_table"])
    assert rows == [("Flatten", (1, 784), 0), ("Linear", (1, 10), 7850)]
    assert total == 784 * 10 + 10


def test_lenet_table(cnn):
    rows, total = table(cnn.outputs["lenet"])
    assert rows == [
        ("Conv2d", (1, 6, 28, 28), conv(1, 6, 5)),
        ("Sigmoid", (1, 6, 28, 28), 0),
        ("AvgPool2d", (1, 6, 14, 14), 0),
        ("Conv2d", (1, 16, 10, 10), conv(6, 16, 5)),
        ("Sigmoid", (1, 16, 10, 10), 0),
        ("AvgPool2d", (1, 16, 5, 5), 0),
        ("Flatten", (1, 400), 0),
        ("Linear", (1, 120), linear(400, 120)),
        ("Sigmoid", (1, 120), 0),
        ("Linear", (1, 84), linear(120, 84)),
        ("Sigmoid", (1, 84), 0),
        ("Linear", (1, 10), linear(84, 10)),
    ]
    assert total == 61_706 == sum(r[2] for r in rows)
    assert linear(400, 120) + linear(120, 84) + linear(84, 10) == 59_134  # stated on the page
    torch.manual_seed(0)
    assert real_dry_run(cnn.namespace["lenet"](), (1, 28, 28)) == rows


def test_alexnet_table(cnn):
    rows, total = table(cnn.outputs["alexnet"])
    counted = [(name, count) for name, _, count in rows if count]
    assert counted == [
        ("Conv2d", conv(1, 96, 11)),
        ("Conv2d", conv(96, 256, 5)),
        ("Conv2d", conv(256, 384, 3)),
        ("Conv2d", conv(384, 384, 3)),
        ("Conv2d", conv(384, 256, 3)),
        ("Linear", linear(6400, 4096)),
        ("Linear", linear(4096, 4096)),
        ("Linear", linear(4096, 10)),
    ]
    assert total == 46_764_746 == sum(c for _, c in counted)
    shapes = [shape for _, shape, _ in rows]
    assert shapes[0] == (1, 96, 54, 54) and shapes[12] == (1, 256, 5, 5)
    assert shapes[13] == (1, 6400) and shapes[-1] == (1, 10)
    assert [name for name, _, _ in rows].count("Dropout") == 2


def test_alexnet_num_classes_is_an_argument_with_ten_by_default(cnn):
    """The notes' excerpt ends with `nn.LazyLinear(num_classes))`: d2l's constructor argument."""
    alexnet = cnn.namespace["alexnet"]
    assert inspect.signature(alexnet).parameters["num_classes"].default == 10
    with torch.device("meta"):
        assert alexnet(num_classes=5)(torch.zeros(1, 1, 224, 224)).shape == (1, 5)


def test_lazy_layers_cannot_be_counted_before_a_dry_run(cnn):
    assert cnn.outputs["lazy_parameters"].splitlines() == [
        "LazyConv2d(0, 96, kernel_size=(11, 11), stride=(4, 4), padding=(1, 1))",
        "<UninitializedParameter>",
        "ValueError: Attempted to use an uninitialized parameter",
    ]


def test_weight_decay_is_an_optimizer_setting(cnn):
    """Note 004: LeNet '在控制全连接层的模型复杂度时采用的策略是 weight decay' (d2l's history)."""
    assert cnn.outputs["regularisation"].splitlines() == [
        "Dropout layers in LeNet:   0",
        "Dropout layers in AlexNet: 2",
        "SGD's default weight_decay: 0",
        "one step with weight_decay=0.5: tensor([0.9500, 0.9500, 0.9500])",
    ]
    assert not any("decay" in name for name, _ in cnn.namespace["lenet"]().named_modules())
    # one step with a zero gradient: w <- w - lr * weight_decay * w
    w = nn.Parameter(torch.full((2,), 4.0))
    w.grad = torch.zeros(2)
    torch.optim.SGD([w], lr=0.1, weight_decay=0.5).step()
    assert torch.allclose(w.detach(), torch.full((2,), 4.0 * (1 - 0.1 * 0.5)))


def test_vgg_block(cnn):
    assert cnn.outputs["vgg_block"].strip() == (
        "['LazyConv2d', 'ReLU', 'LazyConv2d', 'ReLU', 'MaxPool2d']"
    )


def test_two_3x3_convolutions_see_what_one_5x5_sees():
    """The page: two stacked 3×3 convolutions (stride 1) have the receptive field of one 5×5."""

    def seen(layers):  # the input pixels with a nonzero gradient of the centre output
        x = torch.randn(1, 1, 9, 9, requires_grad=True)
        layers(x)[0, 0, 4, 4].backward()
        return x.grad[0, 0] != 0

    torch.manual_seed(1)
    two_3x3 = nn.Sequential(nn.Conv2d(1, 1, 3, padding=1), nn.Conv2d(1, 1, 3, padding=1))
    one_5x5 = nn.Conv2d(1, 1, 5, padding=2)
    assert torch.equal(seen(two_3x3), seen(one_5x5))
    assert seen(two_3x3).sum() == 25 and seen(two_3x3)[2:7, 2:7].all()


def test_stacked_3x3_convolutions_need_fewer_parameters(cnn):
    c = 256
    assert cnn.outputs["conv_parameters"].splitlines()[2:] == [
        f"two 3×3       5×5{conv(c, c, 3) * 2:>12,}      2",
        f"one 5×5       5×5{conv(c, c, 5):>12,}      1",
        f"three 3×3     7×7{conv(c, c, 3) * 3:>12,}      3",
        f"one 7×7       7×7{conv(c, c, 7):>12,}      1",
    ]
    assert conv(c, c, 3) * 2 == 1_180_160 and conv(c, c, 5) == 1_638_656
    # the page: 18c² and 27c² weights against 25c² and 49c² (biases aside)
    assert conv(c, c, 3) * 2 - 2 * c == 18 * c * c and conv(c, c, 5) - c == 25 * c * c
    assert conv(c, c, 3) * 3 - 3 * c == 27 * c * c and conv(c, c, 7) - c == 49 * c * c


def test_init_cnn_tests_exact_types(cnn):
    assert cnn.outputs["init_cnn"].splitlines() == [
        "type of a lazy layer: LazyConv2d",
        "init_cnn's test:      False",
        "isinstance(..., nn.Conv2d): True",
    ]


def test_correction_vgg_must_be_an_nn_module(cnn):
    """Note 004 defines `class VGG():`, a plain class: its parameters are out of reach."""
    out = cnn.outputs["vgg_plain_class"]
    assert "tensors in model.net.parameters(): 22" in out  # 11 layers, weight + bias each
    assert "an nn.Module: False" in out
    plain = cnn.namespace["model"]  # the note's plain class: no Module methods, not callable
    assert not callable(plain) and not hasattr(plain, "to")
    assert out.rstrip().endswith("AttributeError: 'VGG' object has no attribute 'parameters'")
    fixed = cnn.namespace["VGG"]
    assert issubclass(fixed, nn.Module)


def test_vgg11_table(cnn):
    rows, total = table(cnn.outputs["vgg"])
    blocks = [
        conv(1, 64, 3),
        conv(64, 128, 3),
        conv(128, 256, 3) + conv(256, 256, 3),
        conv(256, 512, 3) + conv(512, 512, 3),
        2 * conv(512, 512, 3),
    ]
    dense = [linear(25088, 4096), linear(4096, 4096), linear(4096, 10)]
    assert [count for _, _, count in rows if count] == blocks + dense
    assert [shape for name, shape, _ in rows if name == "Sequential"] == [
        (1, 64, 112, 112),
        (1, 128, 56, 56),
        (1, 256, 28, 28),
        (1, 512, 14, 14),
        (1, 512, 7, 7),
    ]
    assert total == 128_806_154 == sum(blocks + dense)
    # the page: 5 blocks, 8 convolutional layers and 3 fully connected layers, 11 in all
    vgg11 = cnn.namespace["vgg11"]
    assert sum(isinstance(m, nn.Sequential) for m in vgg11.net) == 5
    assert sum(isinstance(m, nn.Conv2d) for m in vgg11.modules()) == 8
    assert sum(isinstance(m, nn.Linear) for m in vgg11.modules()) == 3
    # the page: the first fully connected layer, 102,764,544 parameters, ~411 MB, ~80 %
    assert dense[0] == 102_764_544
    assert round(4 * dense[0] / 1e6) == 411
    assert 0.79 < dense[0] / total < 0.81
    assert round(4 * total / 1e6) == 515


def test_correction_init_cnn_before_dry_run_does_nothing(cnn):
    """Note 004: `self.net.apply(init_cnn)` in __init__, while every layer is still lazy."""
    ns = cnn.namespace
    assert cnn.outputs["init_skipped"].splitlines() == [
        "before the dry run: LazyLinear",
        "after the dry run:  Linear",
        "same weights as with no init_cnn at all: True",
    ]
    note, untouched, d2l = (ns[k][3].weight for k in ("note_order", "no_init", "d2l_order"))
    assert torch.equal(note, untouched)
    assert not torch.equal(note, d2l)
    default, xavier = 288**-0.5, (6 / 298) ** 0.5
    assert 0.99 * default < note.abs().max().item() <= default
    assert default < d2l.abs().max().item() <= xavier
    assert cnn.outputs["init_uninitialized"].strip() == (
        "ValueError: Attempted to use an uninitialized parameter"
    )
    lines = cnn.outputs["init_after_dry_run"].splitlines()
    assert lines[0].endswith("0.0589") and lines[1].endswith("0.1419")


def test_nin_block_stride_is_passed_by_position(cnn):
    code = next(sec.code for sec in cnn.sections if sec.name == "nin_block")
    assert "# 后接两层1*1型卷积核层" in code  # the note's own comment, kept
    assert cnn.outputs["nin_block"].strip() == (
        "LazyConv2d(0, 96, kernel_size=(11, 11), stride=(4, 4))"
    )
    assert cnn.outputs["strides_keyword"].strip() == (
        "TypeError: LazyConv2d.__init__() got an unexpected keyword argument 'strides'"
    )


def test_correction_nin_needs_super_init(cnn):
    """Note 004: `class NiN(d2l.Classifier)` whose __init__ never calls super().__init__()."""
    assert cnn.outputs["nin_without_super"].strip() == (
        "AttributeError: cannot assign module before Module.__init__() call"
    )


def test_nin_table(cnn):
    rows, total = table(cnn.outputs["nin"])

    def block(c_in, c_out, k):
        return conv(c_in, c_out, k) + 2 * conv(c_out, c_out, 1)

    blocks = [block(1, 96, 11), block(96, 256, 5), block(256, 384, 3), block(384, 10, 3)]
    assert [count for _, _, count in rows if count] == blocks
    assert total == 1_992_166 == sum(blocks)
    assert rows[-2:] == [("AdaptiveAvgPool2d", (1, 10, 1, 1), 0), ("Flatten", (1, 10), 0)]
    assert not any(name == "Linear" for name, _, _ in rows)
    torch.manual_seed(0)
    assert real_dry_run(cnn.namespace["NiN"]().eval(), (1, 224, 224)) == rows


def test_gap_commutes_with_1x1_convolutions_without_relu(cnn):
    """Note 004: '如果没有添加非线性那么这层将不起作用', d2l's 'would not be effective'."""
    ns = cnn.namespace
    assert ns["differences"]["no ReLU"] < 1e-6  # the page: of the order of 1e-8
    assert 1e-2 <= ns["differences"]["with ReLU"] < 1e-1  # the page: of the order of 1e-2
    lines = cnn.outputs["gap_nonlinearity"].splitlines()
    assert lines[0].startswith("no ReLU    largest difference between the orders: ")
    assert lines[0].endswith("e-08") and lines[1].endswith("e-02")
    assert lines[2] == "output shape: (1, 10, 1, 1)"
    # the features are what a ReLU hands on: the 3×3 conv of the last NiN block comes first
    assert ns["features"].min() >= 0 and ns["features"].shape == (1, 10, 5, 5)


def test_two_1x1_convolutions_without_relu_merge_into_one(cnn):
    ns = cnn.namespace
    assert ns["merge_diff"] < 1e-6
    line = cnn.outputs["merge_1x1"].strip()
    assert line.startswith("two 1×1 convs vs the merged one: ") and line.endswith("e-07")
    with torch.no_grad():  # with a ReLU between them, no single 1×1 conv does the same
        relu_between = ns["conv2"](torch.relu(ns["conv1"](ns["features"])))
        assert (relu_between - ns["merged"](ns["features"])).abs().max() > 1e-2


def test_parameter_comparison(cnn):
    lines = cnn.outputs["compare"].splitlines()
    assert lines[1:] == [
        "LeNet           61,706    0.2 MB      95.8%",
        "AlexNet     46,764,746  187.1 MB      92.0%",
        "VGG-11     128,806,154  515.2 MB      92.8%",
        "NiN          1,992,166    8.0 MB       0.0%",
    ]
    assert 0.04 < 1_992_166 / 46_764_746 < 0.045  # "about 4% of AlexNet's"


def test_displayed_code_has_no_lint_pragmas_and_no_dot_data(cnn):
    for section in cnn.sections:
        assert "# fmt:" not in section.code and "noqa" not in section.code, section.name
        assert ".data" not in section.code, section.name  # w.detach(), not w.data


@pytest.mark.parametrize("page", ["cnn.md", "cnn.en.md"])
def test_the_page_links_to_where_its_building_blocks_are_taught(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    for link in (
        "convolution.md#output-size",
        "convolution.md#pooling",
        "convolution.md#conv-1x1",
        "dropout.md#nn-dropout",
        "optimization.md#initialisation",
    ):
        assert f"]({link})" in text, link
    assert "随记" not in text and "miscellany" not in text  # note 004, as in the labels


def test_meta_tables_allocate_nothing(cnn):
    for key in ("lenet_model", "alexnet_model", "vgg11", "nin"):
        assert {p.device.type for p in cnn.namespace[key].parameters()} == {"meta"}
