# Convolutions: the code of docs/convolution.md and convolution.en.md.
# Every section runs at build time; the page shows it and what it printed.

# --8<-- [start:setup]
import itertools

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.patches import Rectangle
from torch import nn

torch.manual_seed(0)
torch.set_printoptions(precision=4, linewidth=72)
# --8<-- [end:setup]


# --8<-- [start:parameter_counts]
def count(layer):
    return sum(p.numel() for p in layer.parameters())


# a 28 x 28 image to a 26 x 26 output: a 3 x 3 kernel, or every pixel
conv = nn.Conv2d(1, 1, kernel_size=3)
dense = nn.Linear(28 * 28, 26 * 26)
print(f"1 x 28 x 28 -> 1 x 26 x 26,     Conv2d: {count(conv):>17,}")
print(f"1 x 28 x 28 -> 1 x 26 x 26,     Linear: {count(dense):>17,}")
# an RGB image of 224 x 224 to 64 channels of the same size
conv = nn.Conv2d(3, 64, kernel_size=3, padding=1)
n_in, n_out = 3 * 224 * 224, 64 * 224 * 224
dense_count = n_in * n_out + n_out  # too large to build: just count
print(f"3 x 224 x 224 -> 64 x 224 x 224, Conv2d: {count(conv):>17,}")
print(f"3 x 224 x 224 -> 64 x 224 x 224, Linear: {dense_count:>17,}")
print(f"that Linear layer in float32: {dense_count * 4 / 1e12:.1f} TB")
# --8<-- [end:parameter_counts]

# --8<-- [start:conv_as_matrix]
torch.manual_seed(0)
conv = nn.Conv2d(1, 1, kernel_size=3, bias=False)
with torch.no_grad():
    # column c of W: what the layer makes of an image that is 1 at pixel c
    basis = torch.eye(28 * 28).reshape(28 * 28, 1, 28, 28)
    W = conv(basis).reshape(28 * 28, 26 * 26).T  # one row per output
    x = torch.randn(28, 28)
    same = torch.allclose(conv(x[None, None]).flatten(), W @ x.flatten())
print("W:", tuple(W.shape), " conv(x) == W @ x:", same)
print("inputs each output depends on:", (W != 0).sum(dim=1).unique().tolist())
kernel = conv.weight.detach().flatten()
shared = all(torch.equal(row[row != 0], kernel) for row in W)
print("every row holds the kernel's 9 weights:", shared)
# --8<-- [end:conv_as_matrix]

# --8<-- [start:translation_equivariance]
torch.manual_seed(0)
x = torch.randn(1, 1, 28, 28)
moved = x.roll(2, dims=-1)  # the image, two pixels to the right
conv = nn.Conv2d(1, 1, kernel_size=3)
dense = nn.Linear(28 * 28, 26 * 26)
with torch.no_grad():
    y, y_moved = conv(x), conv(moved)
    z = dense(x.flatten()).reshape(26, 26)
    z_moved = dense(moved.flatten()).reshape(26, 26)
# away from the left edge, does the output move by two pixels too?
print("Conv2d:", torch.allclose(y_moved[..., 2:], y[..., :-2], atol=1e-6))
print("Linear:", torch.allclose(z_moved[..., 2:], z[..., :-2], atol=1e-6))
# --8<-- [end:translation_equivariance]


# --8<-- [start:corr2d]
def corr2d(X, K):
    """Compute 2D cross-correlation."""
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y


# --8<-- [end:corr2d]

# --8<-- [start:corr2d_example]
X = torch.arange(9.0).reshape(3, 3)
K = torch.arange(4.0).reshape(2, 2)
print(corr2d(X, K))
print("top left:", (X[:2, :2] * K).sum().item())  # 0*0 + 1*1 + 3*2 + 4*3
# --8<-- [end:corr2d_example]

# --8<-- [start:conv_layer_is_cross_correlation]
conv = nn.Conv2d(1, 1, kernel_size=2, bias=False)
with torch.no_grad():
    conv.weight.copy_(K.reshape(1, 1, 2, 2))
# nn.Conv2d wants (batch, channels, height, width)
print(conv(X.reshape(1, 1, 3, 3)).detach())
print(
    "F.conv2d == corr2d:",
    torch.equal(F.conv2d(X[None, None], K[None, None])[0, 0], corr2d(X, K)),
)
# --8<-- [end:conv_layer_is_cross_correlation]


# --8<-- [start:true_convolution]
def conv2d_true(X, K):
    """2D convolution by its definition: sum over a, b of X[m-a, n-b] K[a, b],
    kept where K lies inside X (m = i + h - 1, n = j + w - 1)."""
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i, j in itertools.product(range(Y.shape[0]), range(Y.shape[1])):
        for a, b in itertools.product(range(h), range(w)):
            Y[i, j] += X[i + h - 1 - a, j + w - 1 - b] * K[a, b]
    return Y


print("convolution X * K:\n", conv2d_true(X, K))
print("cross-correlation with K flipped:\n", corr2d(X, K.flip(0, 1)))
# numpy's convolve is a true convolution; conv1d needs the flipped kernel
x1, k1 = torch.tensor([1.0, 2.0, 4.0, 8.0]), torch.tensor([1.0, 0.0, -1.0])
print("np.convolve      :", np.convolve(x1.numpy(), k1.numpy(), "valid"))
print(
    "F.conv1d, flipped:",
    F.conv1d(x1[None, None], k1.flip(0)[None, None])[0, 0],
)
# --8<-- [end:true_convolution]

# --8<-- [start:learn_kernel]
band = torch.ones(6, 8)
band[:, 2:6] = 0  # a dark band: an edge at each side
edge = torch.tensor([[1.0, -1.0]])
target = corr2d(band, edge)  # 1 where 1 turns into 0, -1 where 0 turns to 1
print("target, every row:", target[0])
torch.manual_seed(0)
for name, layer in (
    ("cross-correlation", corr2d),
    ("convolution", conv2d_true),
):
    learned = torch.randn(1, 2, requires_grad=True)  # a random 1 x 2 kernel
    for _ in range(30):  # gradient descent on the squared error
        loss = ((layer(band, learned) - target) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            learned -= 0.03 * learned.grad
            learned.grad.zero_()
    print(f"{name:>17} learns the kernel", learned.detach()[0])
# --8<-- [end:learn_kernel]


# --8<-- [start:comp_conv2d]
def comp_conv2d(conv2d, X):
    """d2l's helper: apply conv2d to a matrix X, return a matrix."""
    X = X.reshape((1, 1) + X.shape)  # add batch and channel dimensions
    Y = conv2d(X)
    return Y.reshape(Y.shape[2:])  # drop them again


def out_size(n, k, p, s):
    """Output length along one dimension: floor((n + 2p - k) / s) + 1."""
    return (n + 2 * p - k) // s + 1


# the note's example
X = torch.rand(size=(8, 8))
conv2d = nn.LazyConv2d(1, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4))
print(comp_conv2d(conv2d, X).shape)
print("formula:", out_size(8, 3, 0, 3), out_size(8, 5, 1, 4))
print(conv2d)  # the lazy layer has become an ordinary Conv2d
# --8<-- [end:comp_conv2d]

# --8<-- [start:size_formula_check]
layers = {
    "Conv2d": lambda k, p, s: nn.Conv2d(1, 1, k, stride=s, padding=p),
    "MaxPool2d": lambda k, p, s: nn.MaxPool2d(k, stride=s, padding=p),
    "AvgPool2d": lambda k, p, s: nn.AvgPool2d(k, stride=s, padding=p),
}
checked, matches = 0, dict.fromkeys(layers, 0)
for n, k, s in itertools.product(range(4, 12), range(1, 6), range(1, 4)):
    for p in range(k // 2 + 1):  # pooling allows padding up to k / 2
        if n + 2 * p < k:
            continue  # the window must fit into the padded input
        x = torch.zeros(1, 1, n, n + 3)  # a different width, too
        expected = (out_size(n, k, p, s), out_size(n + 3, k, p, s))
        checked += 1
        for name, make in layers.items():
            matches[name] += tuple(make(k, p, s)(x).shape[2:]) == expected
print("configurations:", checked)
for name, count in matches.items():
    print(f"{name:>9} matches the formula in {count} of {checked}")
# --8<-- [end:size_formula_check]

# --8<-- [start:ceil_mode]
x = torch.zeros(1, 1, 5, 5)
for p in (0, 1):  # n = 5, k = 2, s = 2; positions counted in the padding
    pool = nn.MaxPool2d(2, stride=2, padding=p, ceil_mode=True)
    starts = [2 * i for i in range(pool(x).shape[-1])]
    floor = out_size(5, 2, p, 2)
    print(f"p = {p}: input at {p}..{p + 4}, windows start at {starts}", end="")
    print(f" (formula: {floor} windows)")


def out_size_ceil(n, k, p, s):
    """Round up, but drop a last window that would start in the right
    padding (padded positions from n + p on) or beyond it."""
    out = -(-(n + 2 * p - k) // s) + 1
    return out - 1 if (out - 1) * s >= n + p else out


differ = agree_ceil = 0
for n, k, s in itertools.product(range(4, 12), range(1, 6), range(1, 4)):
    for p in range(k // 2 + 1):
        if n + 2 * p < k:
            continue
        pool = nn.MaxPool2d(k, stride=s, padding=p, ceil_mode=True)
        got = pool(torch.zeros(1, 1, n, n)).shape[-1]
        differ += got != out_size(n, k, p, s)
        agree_ceil += got == out_size_ceil(n, k, p, s)
print(f"ceil_mode=True differs from the formula in {differ} of {checked}")
print(f"ceil_mode=True matches out_size_ceil in {agree_ceil} of {checked}")
# --8<-- [end:ceil_mode]

# --8<-- [start:pool_padding_limit]
# raises: RuntimeError
nn.MaxPool2d(2, padding=2)(torch.zeros(1, 1, 5, 5))
# --8<-- [end:pool_padding_limit]


# --8<-- [start:corr2d_multi_in]
def corr2d_multi_in(X, K):
    # X: (channels, height, width). Iterate over the channel dimension
    # of X and K together, then add the results up
    return sum(corr2d(x, k) for x, k in zip(X, K, strict=True))


X0 = torch.arange(9.0).reshape(3, 3)
X2 = torch.stack((X0, X0 + 1))  # two input channels of 3 x 3
K2 = torch.stack((K, K + 1))  # one 2 x 2 kernel per input channel
print("X2:", tuple(X2.shape), " K2:", tuple(K2.shape))
print(corr2d_multi_in(X2, K2))
print("F.conv2d:", F.conv2d(X2[None], K2[None])[0, 0])
try:
    corr2d_multi_in(X2, K2[:1])  # a kernel with one channel too few
except ValueError as error:
    print("ValueError:", error)
# --8<-- [end:corr2d_multi_in]


# --8<-- [start:corr2d_multi_in_out]
def corr2d_multi_in_out(X, K):
    # K: (c_o, c_i, k_h, k_w). One multi-input cross-correlation per
    # output channel, stacked along a new dimension 0
    return torch.stack([corr2d_multi_in(X, k) for k in K], 0)


K3 = torch.stack((K2, K2 + 1, K2 + 2))  # c_o = 3 kernels of shape K2
print("K3:", tuple(K3.shape))
Y3 = corr2d_multi_in_out(X2, K3)
print("output:", tuple(Y3.shape))
print("same as F.conv2d:", torch.equal(Y3, F.conv2d(X2[None], K3)[0]))
print("nn.Conv2d(2, 3, 2).weight:", tuple(nn.Conv2d(2, 3, 2).weight.shape))
# --8<-- [end:corr2d_multi_in_out]


# --8<-- [start:conv_1x1]
def corr2d_multi_in_out_1x1(X, K):
    c_i, h, w = X.shape
    c_o = K.shape[0]
    X = X.reshape((c_i, h * w))  # one column per pixel
    K = K.reshape((c_o, c_i))  # a c_o x c_i weight matrix
    Y = torch.matmul(K, X)  # a fully connected layer for every pixel
    return Y.reshape((c_o, h, w))


torch.manual_seed(0)
X1 = torch.normal(0, 1, (3, 3, 3))  # c_i = 3 channels of 3 x 3
K1 = torch.normal(0, 1, (2, 3, 1, 1))  # c_o = 2, 1 x 1 kernels
Y_mm, Y_corr = corr2d_multi_in_out_1x1(X1, K1), corr2d_multi_in_out(X1, K1)
print("output:", tuple(Y_mm.shape))
print("largest difference:", (Y_mm - Y_corr).abs().max().item())
# --8<-- [end:conv_1x1]

# --8<-- [start:conv_1x1_is_linear]
conv1x1 = nn.Conv2d(3, 2, kernel_size=1)
linear = nn.Linear(3, 2)
with torch.no_grad():
    linear.weight.copy_(conv1x1.weight.reshape(2, 3))
    linear.bias.copy_(conv1x1.bias)
images = torch.randn(4, 3, 5, 5)  # (batch, channels, height, width)
by_conv = conv1x1(images)
# move channels last, apply Linear to every pixel, move them back
by_linear = linear(images.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
print(
    "Conv2d 1x1 == Linear on every pixel:",
    torch.allclose(by_conv, by_linear, atol=1e-6),
)
# --8<-- [end:conv_1x1_is_linear]


# --8<-- [start:pool2d]
def pool2d(X, pool_size, mode="max"):
    p_h, p_w = pool_size
    Y = torch.zeros((X.shape[0] - p_h + 1, X.shape[1] - p_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            window = X[i : i + p_h, j : j + p_w]
            Y[i, j] = window.max() if mode == "max" else window.mean()
    return Y


print(pool2d(X2[0], (2, 2)))
print(pool2d(X2[0], (2, 2), "avg"))
four_d = X2[0].reshape(1, 1, 3, 3)
print("MaxPool2d:", nn.MaxPool2d(2, stride=1)(four_d)[0, 0])
print("AvgPool2d:", nn.AvgPool2d(2, stride=1)(four_d)[0, 0])
# --8<-- [end:pool2d]

# --8<-- [start:pool_padding_stride]
X16 = torch.arange(16.0).reshape(1, 1, 4, 4)
print(X16[0, 0])
print("MaxPool2d(3):", nn.MaxPool2d(3)(X16))  # stride defaults to 3
print(nn.MaxPool2d(3, padding=1, stride=2)(X16))
two_channels = torch.cat((X16, X16 + 1), dim=1)  # (1, 2, 4, 4)
pooled = nn.MaxPool2d(3, padding=1, stride=2)(two_channels)
print("two channels in, two out:", tuple(pooled.shape))
print(pooled[0, 1])  # the second channel, pooled on its own
# --8<-- [end:pool_padding_stride]

# --8<-- [start:pooling_vs_convolution]
avg = nn.AvgPool2d(2, stride=1)(X16)
box = F.conv2d(X16, torch.full((1, 1, 2, 2), 1 / 4))  # a fixed kernel
print("AvgPool2d == conv with 1/4 kernel:", torch.allclose(avg, box))
a, b = torch.randn(1, 1, 4, 4), torch.randn(1, 1, 4, 4)
pool = nn.MaxPool2d(2)
additive = torch.allclose(pool(a + b), pool(a) + pool(b))
print("max(a + b) == max(a) + max(b):", additive)  # max pooling is not linear
# --8<-- [end:pooling_vs_convolution]

# --8<-- [start:pooling_and_position]
edge = torch.tensor([[1.0, -1.0]])  # responds where 1 turns into 0
image = torch.ones(6, 8)
image[:, 4:] = 0
shifted = torch.ones(6, 8)
shifted[:, 5:] = 0  # the same image, one pixel to the right
pool = nn.MaxPool2d(2, stride=1)
for name, img in (("image  ", image), ("shifted", shifted)):
    response = corr2d(img, edge)  # 6 x 7, the same in every row
    pooled = pool(response[None, None])[0, 0]  # 5 x 6
    print(name, "conv:  ", response[0].int().tolist())
    print(name, "pooled:", pooled[0].int().tolist())
# --8<-- [end:pooling_and_position]

# --8<-- [start:pooling_downsamples]
feature_maps = torch.randn(1, 6, 28, 28)  # LeNet: 6 channels of 28 x 28
print(tuple(nn.AvgPool2d(kernel_size=2, stride=2)(feature_maps).shape))
print(tuple(nn.MaxPool2d(kernel_size=2, stride=2)(feature_maps).shape))
# --8<-- [end:pooling_downsamples]


# --8<-- [start:receptive_field]
def receptive_field(*layers):
    """Rows of the input that the centre output depends on."""
    x = torch.zeros(1, 1, 32, 32, requires_grad=True)
    y = nn.Sequential(*layers)(x)
    y[0, 0, y.shape[2] // 2, y.shape[3] // 2].backward()  # d(centre) / dx
    return int((x.grad[0, 0] != 0).any(dim=1).sum())


def conv3():
    conv = nn.Conv2d(1, 1, kernel_size=3)
    nn.init.constant_(conv.weight, 1.0)  # no weight happens to be 0
    return conv


avg, peak = nn.AvgPool2d(2, stride=2), nn.MaxPool2d(2, stride=2)
for name, layers in (
    ("conv 3x3", [conv3()]),
    ("conv 3x3, conv 3x3", [conv3(), conv3()]),
    ("conv 3x3, avg pool 2x2 (stride 2), conv 3x3", [conv3(), avg, conv3()]),
    ("conv 3x3, max pool 2x2 (stride 2), conv 3x3", [conv3(), peak, conv3()]),
):
    size = receptive_field(*layers)
    print(f"{name:<43}: {size} x {size}")
# --8<-- [end:receptive_field]


# --8<-- [start:figure_cross_correlation]
def _grid(ax, values, x0, y0, shade=None, color="C0"):
    """Draw a matrix as numbered cells, top-left corner at (x0, y0)."""
    rows, cols = values.shape
    for i, j in itertools.product(range(rows), range(cols)):
        on = (
            shade is not None
            and shade[0] <= i < shade[1]
            and shade[2] <= j < shade[3]
        )
        cell = Rectangle(
            (x0 + j, y0 - i - 1),
            1,
            1,
            facecolor=color if on else "none",
            alpha=0.35 if on else 1,
            edgecolor="grey",
        )
        ax.add_patch(cell)
        text = f"{values[i, j].item():g}".replace("-", "\N{MINUS SIGN}")
        ax.text(x0 + j + 0.5, y0 - i - 0.5, text, ha="center", va="center")


def _symbol(ax, x, y, text):
    style = {"fontsize": 18, "math_fontfamily": "stixsans"}  # a larger ⋆
    ax.text(x, y, text, ha="center", va="center", **style)


def figure_cross_correlation():
    X = torch.arange(9.0).reshape(3, 3)
    K = torch.arange(4.0).reshape(2, 2)
    fig, ax = plt.subplots(figsize=(7, 4.4), layout="constrained")
    # top row: cross-correlation; bottom row: convolution (flipped kernel)
    for y0, kernel in ((0.0, K), (-4.5, K.flip(0, 1))):
        out = F.conv2d(X[None, None], kernel[None, None])[0, 0]
        _grid(ax, X, 0, y0, shade=(0, 2, 0, 2))
        _symbol(ax, 3.75, y0 - 1.5, r"$\star$")
        _grid(ax, kernel, 4.5, y0 - 0.5, shade=(0, 2, 0, 2), color="C1")
        _symbol(ax, 7.25, y0 - 1.5, "$=$")
        _grid(ax, out, 8, y0 - 0.5, shade=(0, 1, 0, 1), color="C2")
    _symbol(ax, -1.2, -1.5, r"$X \star K$")
    _symbol(ax, -1.2, -6.0, r"$X * K$")
    ax.text(5.5, -8.3, r"$\mathrm{flip}(K)$", ha="center", va="center")
    ax.set(xlim=(-2.3, 10.2), ylim=(-8.8, 0.3), aspect="equal")
    ax.set_axis_off()
    return fig


# --8<-- [end:figure_cross_correlation]


# --8<-- [start:figure_multi_in]
def figure_multi_in():
    X = torch.arange(9.0).reshape(3, 3)
    X = torch.stack((X, X + 1))  # two input channels
    K = torch.arange(4.0).reshape(2, 2)
    K = torch.stack((K, K + 1))  # one kernel per channel
    Y = [  # one cross-correlation per input channel
        F.conv2d(x[None, None], k[None, None])[0, 0]
        for x, k in zip(X, K, strict=True)
    ]
    fig, ax = plt.subplots(figsize=(8, 4.6), layout="constrained")
    for c, y0 in ((0, 0.0), (1, -4.0)):  # one row per input channel
        _grid(ax, X[c], 0, y0, shade=(0, 2, 0, 2))
        _symbol(ax, 3.75, y0 - 1.5, r"$\star$")
        _grid(ax, K[c], 4.5, y0 - 0.5, shade=(0, 2, 0, 2), color="C1")
        _symbol(ax, 7.25, y0 - 1.5, "$=$")
        _grid(ax, Y[c], 8, y0 - 0.5, shade=(0, 1, 0, 1), color="C2")
    _symbol(ax, 9, -3.25, "$+$")
    _symbol(ax, 10.75, -3.25, "$=$")
    total = Y[0] + Y[1]
    _grid(ax, total, 11.5, -2.25, shade=(0, 1, 0, 1), color="C2")
    _symbol(ax, 9, -7.9, r"$19 + 37 = 56$")
    ax.set(xlim=(-0.3, 13.8), ylim=(-8.4, 0.3), aspect="equal")
    ax.set_axis_off()
    return fig


# --8<-- [end:figure_multi_in]


# --8<-- [start:figure_conv_1x1]
def figure_conv_1x1():
    gen = torch.Generator().manual_seed(1)
    X = torch.randint(0, 4, (3, 3, 3), generator=gen).float()  # c_i = 3
    W = torch.randint(-1, 2, (2, 3), generator=gen).float()  # c_o x c_i
    Y = F.conv2d(X[None], W.reshape(2, 3, 1, 1))[0]  # c_o = 2 channels
    fig, ax = plt.subplots(figsize=(6, 4.8), layout="constrained")
    for c in range(3):  # input channels, one under the other
        _grid(ax, X[c], 0, -3.5 * c, shade=(1, 2, 1, 2), color=f"C{c}")
    _symbol(ax, 4.0, -5.0, r"$\star$")
    for o, c in itertools.product(range(2), range(3)):  # W[o, c]: 1 x 1
        cell = W[o, c].reshape(1, 1)
        _grid(ax, cell, 4.8 + c, -4 - o, shade=(0, 1, 0, 1), color=f"C{c}")
    _symbol(ax, 8.6, -5.0, "$=$")
    for o in range(2):  # output channels
        _grid(ax, Y[o], 9.4, -1.5 - 3.5 * o, shade=(1, 2, 1, 2), color="C4")
    ax.set(xlim=(-0.3, 12.7), ylim=(-10.3, 0.3), aspect="equal")
    ax.set_axis_off()
    return fig


# --8<-- [end:figure_conv_1x1]
