"""snippets/cnn.py: layer tables of LeNet, AlexNet, VGG-11 and NiN, and the notes' corrections."""

import re

import pytest
import torch
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


def test_correction_alexnet_num_classes_is_undefined_in_the_notes():
    """Note 004 ends AlexNet with `nn.LazyLinear(num_classes))` and never defines num_classes."""
    as_in_note = "net = nn.Sequential(nn.LazyLinear(4096), nn.ReLU(), nn.LazyLinear(num_classes))"
    with pytest.raises(NameError, match="num_classes"):
        exec(as_in_note, {"nn": nn})


def test_lazy_layers_cannot_be_counted_before_a_dry_run(cnn):
    assert cnn.outputs["lazy_parameters"].splitlines() == [
        "LazyConv2d(0, 96, kernel_size=(11, 11), stride=(4, 4), padding=(1, 1))",
        "<UninitializedParameter>",
        "ValueError: Attempted to use an uninitialized parameter",
    ]


def test_correction_weight_decay_is_an_optimizer_setting(cnn):
    """Note 004: 'LeNet 在控制全连接层的模型复杂度时采用的策略是 weight decay'."""
    assert cnn.outputs["regularisation"].splitlines() == [
        "Dropout layers in LeNet:   0",
        "Dropout layers in AlexNet: 2",
        "SGD's default weight_decay: 0",
        "one step with weight_decay=0.5: tensor([0.9500, 0.9500, 0.9500])",
    ]
    assert not any("decay" in name for name, _ in cnn.namespace["lenet"]().named_modules())


def test_vgg_block(cnn):
    assert cnn.outputs["vgg_block"].strip() == (
        "['LazyConv2d', 'ReLU', 'LazyConv2d', 'ReLU', 'MaxPool2d']"
    )


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


def test_correction_gap_commutes_with_1x1_convolutions(cnn):
    """Note 004: '如果没有添加非线性那么这层将不起作用'. The pooling works; 1×1 convs collapse."""
    ns = cnn.namespace
    assert torch.allclose(ns["conv_then_mean"], ns["mean_then_conv"], atol=1e-6)
    assert ns["no_relu"] < 1e-6
    assert ns["with_relu"] > 0.1
    assert not torch.allclose(ns["relu_then_mean"], ns["mean_then_relu"], atol=1e-2)
    assert ns["conv_then_mean"].shape == (1, 10, 1, 1)


def test_parameter_comparison(cnn):
    lines = cnn.outputs["compare"].splitlines()
    assert lines[1:] == [
        "LeNet           61,706    0.2 MB      95.8%",
        "AlexNet     46,764,746  187.1 MB      92.0%",
        "VGG-11     128,806,154  515.2 MB      92.8%",
        "NiN          1,992,166    8.0 MB       0.0%",
    ]
    assert 0.04 < 1_992_166 / 46_764_746 < 0.045  # "about 4% of AlexNet's"


def test_meta_tables_allocate_nothing(cnn):
    for key in ("lenet_model", "alexnet_model", "vgg11", "nin"):
        assert {p.device.type for p in cnn.namespace[key].parameters()} == {"meta"}
