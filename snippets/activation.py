# Activation functions: the code of docs/activation.md and activation.en.md.
# Every section runs at build time; the page shows it and what it printed.

# --8<-- [start:setup]
import inspect

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
torch.set_printoptions(precision=4, linewidth=72)
# --8<-- [end:setup]

# --8<-- [start:step_function]
x = torch.tensor([-2.0, -0.5, 0.5, 2.0], requires_grad=True)
step = (x > 0).float()  # fires (1) above the threshold, stays silent (0) below
print("step(x)      =", step)
print("has grad_fn? ", step.grad_fn is not None)  # a comparison cuts the graph
# --8<-- [end:step_function]

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
net = nn.Sequential(layer1, nn.ReLU(), layer2)
u, zero = torch.randn(1, 4), torch.zeros(1, 4)
# Any affine map g has g(u) + g(-u) = 2 g(0); a ReLU in between breaks it.
affine_gap = layer2(layer1(u)) + layer2(layer1(-u)) - 2 * layer2(layer1(zero))
relu_gap = net(u) + net(-u) - 2 * net(zero)
print(
    "two Linear layers, gap ≈ 0:",
    torch.allclose(affine_gap, zero[:, :2], atol=1e-6),
)
print("with ReLU in between, gap =", relu_gap.detach())
# --8<-- [end:nonlinear_breaks_collapse]

# --8<-- [start:linspace]
a = torch.linspace(-100, 100, 10)  # 10 evenly spaced points, i.e. 9 equal gaps
print(a)
print("points:", a.numel(), " gap:", (a[1] - a[0]).item())
print("torch.linespace exists?", hasattr(torch, "linespace"))
# --8<-- [end:linspace]

# --8<-- [start:sigmoid_values]
print(torch.sigmoid(a))
# --8<-- [end:sigmoid_values]

# --8<-- [start:sigmoid_gradient]
z = torch.tensor([-10.0, -5.0, -2.0, 0.0, 2.0, 5.0, 10.0], requires_grad=True)
torch.sigmoid(z).sum().backward()
print("z            =", z.detach())
print("dσ/dz        =", z.grad)
s = torch.sigmoid(z.detach())
print("σ(z)(1-σ(z)) =", s * (1 - s))
# --8<-- [end:sigmoid_gradient]

# --8<-- [start:sigmoid_depth]
# Best case: every layer sits at z = 0, where σ' is largest (1/4).
for depth in (1, 5, 10, 20):
    print(
        f"{depth:>2} sigmoid layers: gradient times at most {0.25**depth:.2e}"
    )
# --8<-- [end:sigmoid_depth]

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
print("z       =", r.detach())
print("dReLU/dz =", r.grad)
# --8<-- [end:relu_gradient]

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
print(inspect.signature(nn.Softplus.__init__))
print(nn.Softplus(beta=0.5))
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


# --8<-- [start:figure_softplus_beta]
def figure_softplus_beta():
    x = torch.linspace(-3, 3, 601, requires_grad=True)
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(9, 3.4), layout="constrained"
    )
    left.plot(
        x.detach(), F.relu(x).detach(), "--", color="grey", lw=1, label="ReLU"
    )
    for beta in (0.5, 1.0, 2.0, 20.0):
        y = F.softplus(x, beta=beta)
        (dy,) = torch.autograd.grad(y.sum(), x)
        left.plot(x.detach(), y.detach(), label=rf"$\beta={beta:g}$")
        right.plot(x.detach(), dy, label=rf"$\beta={beta:g}$")
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
