# Activation functions: the code of docs/activation.md and activation.en.md.
# Every section runs at build time; the page shows it and what it printed.

# --8<-- [start:setup]
import inspect
import pathlib

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
torch.set_printoptions(precision=4, linewidth=72)
# --8<-- [end:setup]

# --8<-- [start:linear_collapse]
layer1, layer2 = nn.Linear(4, 3), nn.Linear(3, 2)
W = layer2.weight @ layer1.weight  # W = W2 W1
b = layer2.weight @ layer1.bias + layer2.bias  # b = W2 b1 + b2

inputs = torch.randn(5, 4)
two_layers = layer2(layer1(inputs))
one_layer = inputs @ W.T + b
same = torch.allclose(two_layers, one_layer)
print("two stacked Linear layers == one Linear layer:", same)
print("largest difference:", (two_layers - one_layer).abs().max().item())
# --8<-- [end:linear_collapse]

# --8<-- [start:nonlinear_breaks_collapse]
net = nn.Sequential(layer1, nn.ReLU(), layer2)  # layer1 -> ReLU -> layer2
u, zero = torch.randn(1, 4), torch.zeros(1, 4)
# Any affine map g has g(u) + g(-u) = 2 g(0); a ReLU in between breaks it.
affine_gap = layer2(layer1(u)) + layer2(layer1(-u)) - 2 * layer2(layer1(zero))
relu_gap = net(u) + net(-u) - 2 * net(zero)
print(f"two Linear layers, largest |gap|: {affine_gap.abs().max():.1e}")
print(f"with ReLU between, largest |gap|: {relu_gap.abs().max():.1e}")
# --8<-- [end:nonlinear_breaks_collapse]

# --8<-- [start:step_function]
x = torch.tensor([-2.0, -0.5, 0.5, 2.0], requires_grad=True)
step = (x > 0).float()  # fires (1) above the threshold, stays silent (0) below
print("step(x)      =", step)
print("has grad_fn? ", step.grad_fn is not None)  # a comparison cuts the graph
h = 1e-3  # a small nudge: away from 0 the step does not move at all
print("slope        =", ((x.detach() + h > 0).float() - step) / h)
# --8<-- [end:step_function]

# --8<-- [start:linspace]
a = torch.linspace(-100, 100, 10)  # 10 evenly spaced points, i.e. 9 equal gaps
print(a)
print("points:", a.numel(), " gap:", (a[1] - a[0]).item())
print("torch.linespace exists?", hasattr(torch, "linespace"))
# --8<-- [end:linspace]

# --8<-- [start:sigmoid_values]
print(torch.sigmoid(a))
print("F.sigmoid gives the same:", torch.equal(F.sigmoid(a), torch.sigmoid(a)))
# --8<-- [end:sigmoid_values]

# --8<-- [start:sigmoid_float32]
exact = torch.sigmoid(torch.tensor(-100.0, dtype=torch.float64)).item()
print(f"σ(-100) in float64: {exact:.3e}")
print("σ(-100) in float32:", torch.sigmoid(torch.tensor(-100.0)).item())
print("e^100   in float32:", torch.exp(torch.tensor(100.0)).item())
# e^88.5 still fits in float32, e^88.8 does not (the largest is e^88.72)
for v in (-88.5, -88.8):
    print(f"σ({v}) in float32:", torch.sigmoid(torch.tensor(v)).item())
print("σ(33.3)  in float32:", torch.sigmoid(torch.tensor(33.3)).item())
# --8<-- [end:sigmoid_float32]

# --8<-- [start:sigmoid_gradient]
z = torch.tensor([-10.0, -5.0, -2.0, 0.0, 2.0, 5.0, 10.0], requires_grad=True)
torch.sigmoid(z).sum().backward()
print("z            =", z.detach())
print("dσ/dz        =", z.grad)
s = torch.sigmoid(z.detach())
print("σ(z)(1-σ(z)) =", s * (1 - s))
s64 = torch.sigmoid(z.detach().double())  # the same in float64
print("in float64   =", (s64 * (1 - s64)).float())
# --8<-- [end:sigmoid_gradient]


# --8<-- [start:sigmoid_depth]
def input_grad_rms(activation, depth, init=None, width=64):
    """RMS of d(sum of outputs)/d(input) through depth Linear+activation."""
    torch.manual_seed(0)
    layers = []
    for _ in range(depth):
        linear = nn.Linear(width, width)  # default initialisation ...
        if init is not None:
            init(linear)  # ... unless we ask for another one
        layers += [linear, activation()]
    x = torch.randn(16, width, requires_grad=True)
    (grad,) = torch.autograd.grad(nn.Sequential(*layers)(x).sum(), x)
    return grad.pow(2).mean().sqrt().item()


for depth in (1, 5, 10, 20):
    rms = input_grad_rms(nn.Sigmoid, depth)
    print(f"depth {depth:>2} (Linear + sigmoid): input gradient RMS {rms:.1e}")
# --8<-- [end:sigmoid_depth]

# --8<-- [start:weighted_chain]
z0 = torch.tensor(0.0, requires_grad=True)
h = z0
for _ in range(20):
    h = 8 * torch.sigmoid(h) - 4  # weight 8: 8 σ'(0) = 8 / 4 = 2 per layer
(grad,) = torch.autograd.grad(h, z0)
print("z after 20 layers:", h.item(), " dz20/dz0:", grad.item())
# --8<-- [end:weighted_chain]

# --8<-- [start:tanh_values]
a = torch.linspace(-1, 1, 10)
print(torch.tanh(a))
# --8<-- [end:tanh_values]

# --8<-- [start:tanh_identity]
t = torch.linspace(-6, 6, 1001, dtype=torch.float64, requires_grad=True)
via_sigmoid = 2 * torch.sigmoid(2 * t) - 1
print(
    "max |tanh(t) - (2σ(2t) - 1)| =",
    (torch.tanh(t) - via_sigmoid).abs().max().item(),
)
torch.tanh(t).sum().backward()
via_tanh = 1 - torch.tanh(t.detach()) ** 2
print(
    "max |tanh'(t) - (1 - tanh²(t))| =", (t.grad - via_tanh).abs().max().item()
)
print("float32 tanh(10.) =", torch.tanh(torch.tensor(10.0)).item())
# --8<-- [end:tanh_identity]

# --8<-- [start:relu_values]
print(a)
print(F.relu(a))
# --8<-- [end:relu_values]

# --8<-- [start:relu_gradient]
r = torch.tensor([-1.0, 0.0, 1.0], requires_grad=True)
F.relu(r).sum().backward()
print("z        =", r.detach())
print("dReLU/dz =", r.grad)
# --8<-- [end:relu_gradient]


# --8<-- [start:relu_exploding]
# input_grad_rms: defined in the sigmoid section above.
def kaiming(scale):
    """Kaiming-normal weights (std √(2/n)) times scale, zero bias."""

    def init(linear):
        with torch.no_grad():
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
            linear.weight.mul_(scale)
            linear.bias.zero_()

    return init


print("20 layers, input gradient RMS |  sigmoid |     ReLU")
for name, init in (
    ("default nn.Linear", None),
    ("Kaiming", kaiming(1.0)),
    ("1.5 × Kaiming", kaiming(1.5)),
):
    sig = input_grad_rms(nn.Sigmoid, 20, init)
    relu = input_grad_rms(nn.ReLU, 20, init)
    print(f"{name:>29} | {sig:8.1e} | {relu:8.1e}")
# --8<-- [end:relu_exploding]

# --8<-- [start:dying_relu]
torch.manual_seed(0)
neuron = nn.Linear(3, 1)
with torch.no_grad():
    neuron.bias.fill_(-10.0)  # z = w·x - 10 < 0 for every input below
batch = torch.randn(64, 3)
print("largest z:", neuron(batch).max().item())
for f in (F.relu, F.leaky_relu):  # leaky_relu: slope 0.01 for z < 0
    (grad,) = torch.autograd.grad(f(neuron(batch)).sum(), neuron.weight)
    print(f"{f.__name__:>10}: gradient of the weights {grad}")
# --8<-- [end:dying_relu]

# --8<-- [start:softplus_beta]
betas = (0.5, 1.0, 2.0, 20.0)
p = torch.tensor([-1.0, 0.0, 1.0], requires_grad=True)
row = "{:>5} | {:>9.3g} {:>9.3g} {:>9.3g} | {:>9.3g} {:>9.3g} {:>9.3g}"
print(" beta | softplus at x = -1, 0, 1    | slope at x = -1, 0, 1")
for beta in betas:
    y = F.softplus(p, beta=beta)
    (slope,) = torch.autograd.grad(y.sum(), p)
    print(row.format(beta, *y.tolist(), *slope.tolist()))
ln2 = torch.log(torch.tensor(2.0)).item()
print("ln(2) / beta:", [round(ln2 / beta, 4) for beta in betas])
# --8<-- [end:softplus_beta]

# --8<-- [start:softplus_threshold]
q = torch.tensor([1.0, 4.0, 5.0])
naive = torch.log(1 + torch.exp(20 * q)) / 20  # the formula, in float32
print("naive formula, beta=20:", naive)
print("F.softplus,    beta=20:", F.softplus(q, beta=20))
# --8<-- [end:softplus_threshold]

# --8<-- [start:softplus_signature]
source = pathlib.Path(inspect.getsourcefile(nn.Softplus))
print("defined in:", "/".join(source.parts[-4:]))
print(inspect.signature(nn.Softplus.__init__))
print(nn.Softplus(), nn.Softplus(beta=2))  # an int is stored as given
# --8<-- [end:softplus_signature]


# --8<-- [start:figure_sigmoid_saturation]
def figure_sigmoid_saturation():
    x = torch.linspace(-8, 8, 801, requires_grad=True)
    y = torch.sigmoid(x)
    (dy,) = torch.autograd.grad(y.sum(), x)
    fig, ax = plt.subplots(figsize=(7, 3.4), layout="constrained")
    saturated = dy < 0.01  # where σ'(x) < 0.01: |x| > 4.6
    edge = x[~saturated].detach().abs().max().item()
    for lo, hi in ((-8, -edge), (edge, 8)):
        ax.axvspan(lo, hi, color="grey", alpha=0.18, lw=0)
    ax.plot(x.detach(), y.detach(), label=r"$\sigma(x)$")
    ax.plot(x.detach(), dy, label=r"$\sigma'(x) = \sigma(x)\,(1-\sigma(x))$")
    arrow = {"arrowstyle": "->", "color": "grey"}
    ax.annotate(
        r"$\sigma'(0) = 1/4$",
        xy=(0, 0.25),
        xytext=(1.2, 0.42),
        arrowprops=arrow,
    )
    ax.text(-6.3, 0.6, r"$\sigma' < 0.01$", ha="center")
    ax.text(6.3, 0.4, r"$\sigma' < 0.01$", ha="center")
    ax.set(xlabel="$x$", xlim=(-8, 8), ylim=(-0.05, 1.05))
    ax.grid(alpha=0.4)
    ax.legend(frameon=False, loc="upper left")
    return fig


# --8<-- [end:figure_sigmoid_saturation]


# --8<-- [start:figure_tanh]
def figure_tanh():
    x = torch.linspace(-4, 4, 801, requires_grad=True)
    y = torch.tanh(x)
    (dy,) = torch.autograd.grad(y.sum(), x)
    fig, ax = plt.subplots(figsize=(7, 3.4), layout="constrained")
    ax.plot(x.detach(), y.detach(), label=r"$\tanh(x)$")
    ax.plot(x.detach(), dy, label=r"$\tanh'(x) = 1 - \tanh^2(x)$")
    for level in (-1, 1):
        ax.axhline(level, color="grey", lw=0.8, ls=":")
    ax.set(xlabel="$x$", xlim=(-4, 4), ylim=(-1.15, 1.15))
    ax.grid(alpha=0.4)
    # the legend below the dotted line at 1, not across it
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(0, 0.9))
    return fig


# --8<-- [end:figure_tanh]


# --8<-- [start:figure_relu]
def figure_relu():
    x = torch.linspace(-3, 3, 601, requires_grad=True)
    y = F.relu(x)
    (dy,) = torch.autograd.grad(y.sum(), x)  # 0 for x < 0, 1 for x > 0
    zero = torch.tensor(0.0, requires_grad=True)
    (at_zero,) = torch.autograd.grad(F.relu(zero), zero)  # PyTorch's value
    x = x.detach()
    fig, ax = plt.subplots(figsize=(7, 3.4), layout="constrained")
    ax.plot(x, y.detach(), lw=3, label=r"$\mathrm{ReLU}(x)$")
    # the derivative in two pieces (no vertical jump drawn), dashed so that
    # ReLU shows under it for x < 0
    for piece, label in ((x < 0, r"$\mathrm{ReLU}'(x)$"), (x > 0, None)):
        ax.plot(x[piece], dy[piece], color="C1", ls="--", label=label)
    ax.plot(0, 1, "o", color="C1", mfc="none")  # open: 1 is not taken at 0
    ax.plot(
        0, at_zero, "o", color="C1", label=r"PyTorch: $\mathrm{ReLU}'(0) = 0$"
    )
    ax.set(xlabel="$x$", xlim=(-3, 3), ylim=(-0.2, 3.1))
    ax.grid(alpha=0.4)
    ax.legend(frameon=False, loc="upper left")
    return fig


# --8<-- [end:figure_relu]


# --8<-- [start:figure_softplus_beta]
def figure_softplus_beta():
    x = torch.linspace(-3, 3, 601, requires_grad=True)
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(9, 3.4), layout="constrained"
    )
    for beta in (0.5, 1.0, 2.0, 20.0):
        y = F.softplus(x, beta=beta)
        (dy,) = torch.autograd.grad(y.sum(), x)
        left.plot(x.detach(), y.detach(), label=rf"$\beta={beta:g}$")
        right.plot(x.detach(), dy, label=rf"$\beta={beta:g}$")
    # ReLU last and on top, dashed, so the β = 20 curve does not hide it
    relu = F.relu(x).detach()
    left.plot(
        x.detach(), relu, color="grey", lw=2.4, ls=(0, (3, 3)), label="ReLU"
    )
    left.lines[-1].set_zorder(3)
    left.set(
        xlabel="$x$", title=r"$\mathrm{Softplus}_\beta(x)$", ylim=(-0.2, 3.2)
    )
    slope_title = r"$\mathrm{Softplus}_\beta'(x) = \sigma(\beta x)$"
    right.set(xlabel="$x$", title=slope_title)
    right.axhline(0.5, color="grey", lw=0.8, ls=":")
    for ax in (left, right):
        ax.grid(alpha=0.4)
        ax.legend(frameon=False)
    return fig


# --8<-- [end:figure_softplus_beta]
