# Gradients and optimisation: the code of docs/optimization.md and
# optimization.en.md. Every section runs at build time; the page shows it
# and what it printed.

# --8<-- [start:setup]
import functools
import math

import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.autograd.functional import hessian
from torch.optim.lr_scheduler import ExponentialLR, StepLR

torch.manual_seed(0)
torch.set_printoptions(precision=4, linewidth=72)
# --8<-- [end:setup]


# --8<-- [start:gradient_partials]
def f(x, y):
    return x**2 * y + y**2


x = torch.tensor(1.0, requires_grad=True)
y = torch.tensor(2.0, requires_grad=True)
df_dx, df_dy = torch.autograd.grad(f(x, y), [x, y])
print("autograd: ∂f/∂x =", df_dx.item(), "  ∂f/∂y =", df_dy.item())
print("by hand:  2xy   =", 2 * 1.0 * 2.0, "  x² + 2y =", 1.0**2 + 2 * 2.0)
grad = torch.stack([df_dx, df_dy])
print("∇f(1, 2) =", grad, "  |∇f| =", round(grad.norm().item(), 4))
# --8<-- [end:gradient_partials]

# --8<-- [start:directional_derivative]
point = torch.tensor([1.0, 2.0])
angles = torch.arange(360) * math.pi / 180  # one direction per degree
units = torch.stack([angles.cos(), angles.sin()], dim=1)  # unit vectors u
t = torch.zeros(360, requires_grad=True)  # a step size t for every u
moved = point + t[:, None] * units  # the points p + t·u
(slopes,) = torch.autograd.grad(f(moved[:, 0], moved[:, 1]).sum(), t)
# slopes[i] = d/dt f(p + t·u_i) at t = 0: the slope along u_i
print("slope == ∇f·u for every u:", torch.allclose(slopes, units @ grad))
best = slopes.argmax()
print("steepest of the 360:", units[best], "at", best.item(), "degrees")
print("∇f / |∇f|          :", grad / grad.norm())
print(f"largest slope  {slopes.max().item():.4f}   |∇f| = {grad.norm():.4f}")
print(f"smallest slope {slopes.min().item():.4f}   (along -∇f)")
# --8<-- [end:directional_derivative]


# --8<-- [start:gradient_descent_loop]
def bowl(p):
    return (p[0] - 3) ** 2 + 2 * (p[1] + 1) ** 2  # lowest at (3, -1)


p = torch.tensor([0.0, 0.0], requires_grad=True)
lr = 0.1  # the learning rate η
for step in range(1, 51):
    loss = bowl(p)
    (g,) = torch.autograd.grad(loss, p)
    with torch.no_grad():
        p -= lr * g  # a small step against the gradient
    if step in (1, 2, 5, 10, 50):
        where = f"({p[0].item():.4f}, {p[1].item():.4f})"
        print(f"step {step:>2}: f = {loss.item():7.4f} → p = {where}")
# --8<-- [end:gradient_descent_loop]


# --8<-- [start:sgd_optimizer]
def descend(loss_fn, start, lr, momentum=0.0, steps=100):
    """Minimise loss_fn with torch.optim.SGD; return every point visited."""
    p = torch.tensor(start, requires_grad=True)
    optimizer = torch.optim.SGD([p], lr=lr, momentum=momentum)
    path = [p.detach().clone()]
    for _ in range(steps):
        optimizer.zero_grad()
        loss_fn(p).backward()
        optimizer.step()  # p ← p − lr · p.grad (without momentum)
        path.append(p.detach().clone())
    return torch.stack(path)


path = descend(bowl, [0.0, 0.0], lr=0.1, steps=50)
print("SGD, 50 steps:", path[-1])
print("same as the loop above:", torch.equal(path[-1], p.detach()))
# --8<-- [end:sgd_optimizer]

# --8<-- [start:convex_no_minimum]
# exp is strictly convex, yet no x gives its smallest value: the infimum 0
# is never reached, and gradient descent walks off towards -∞.
walk = descend(torch.exp, 0.0, lr=1.0, steps=1000)
for step in (1, 10, 100, 1000):
    x = walk[step]
    print(f"step {step:>4}: x = {x:7.3f}   exp(x) = slope = {x.exp():.2e}")
# --8<-- [end:convex_no_minimum]


# --8<-- [start:convex_many_minima]
def valley(p):
    return (p[0] - p[1]) ** 2  # convex; zero on the whole line x = y


H = hessian(valley, torch.zeros(2))  # the same at every point
print("Hessian eigenvalues:", torch.linalg.eigvalsh(H))  # >= 0: convex
for start in ([2.0, 0.0], [0.0, 4.0], [-1.0, -3.0]):
    end = descend(valley, start, lr=0.1, steps=100)[-1]
    print(f"from {start} → {end},  f = {valley(end).item():.1e}")
# --8<-- [end:convex_many_minima]


# --8<-- [start:local_minima]
def bumpy(x):
    return x**4 - 3 * x**2 + x  # valleys near x = -1.30 and x = 1.13


for start in (-2.0, -0.5, 0.5, 2.0):
    end = descend(bumpy, start, lr=0.02, steps=150)[-1]
    print(f"start {start:>4}: ends at x = {end:.4f}, f = {bumpy(end):.4f}")
# --8<-- [end:local_minima]


# --8<-- [start:saddle_point]
def saddle(p):
    return p[0] ** 2 - p[1] ** 2


origin = torch.zeros(2, requires_grad=True)
(g0,) = torch.autograd.grad(saddle(origin), origin)
H = hessian(saddle, torch.zeros(2))
print("gradient at (0, 0):", g0)
print("Hessian:", H)
print("eigenvalues:", torch.linalg.eigvalsh(H))
# --8<-- [end:saddle_point]


# --8<-- [start:saddle_local_max]
def tilted(p):
    return p[0] ** 2 - p[1] ** 2 + p[1] ** 4 / 4  # x² − y² plus a y⁴ term


start = torch.zeros(2, requires_grad=True)
(g0,) = torch.autograd.grad(tilted(start), start)
print("gradient at (0, 0):", g0)
print("Hessian eigenvalues:", torch.linalg.eigvalsh(hessian(tilted, start)))
ys = torch.tensor([-3.0, -0.5, 0.0, 0.5, 3.0])
print("y:                  ", ys)
print("f(0, y):            ", tilted(torch.stack([0 * ys, ys])))
# --8<-- [end:saddle_local_max]

# --8<-- [start:saddle_slowdown]
near = descend(saddle, [1.0, 1e-3], lr=0.1, steps=40)
norms = 2 * near.norm(dim=1)  # |∇f| = |(2x, -2y)| at every step
for step in (0, 10, 20, 30, 40):
    x, y = near[step].tolist()
    slope = norms[step].item()
    print(f"step {step:>2}: x = {x:.1e}  y = {y:.1e}  |∇f| = {slope:.1e}")
slowest = norms.argmin().item()
print(f"smallest |∇f|: {norms[slowest]:.3f} at step {slowest}")
on_axis = descend(saddle, [1.0, 0.0], lr=0.1, steps=40)[-1]
print("starting exactly at y = 0 instead:", on_axis)
# --8<-- [end:saddle_slowdown]


# --8<-- [start:saddle_xy]
def twist(p):
    return p[0] * p[1]


s = torch.linspace(-1, 1, 5)
print("s:                 ", s)
print("f along the x axis:", twist(torch.stack([s, 0 * s])))
print("f along the y axis:", twist(torch.stack([0 * s, s])))
print("f along y = x:     ", twist(torch.stack([s, s])))
print("f along y = -x:    ", twist(torch.stack([s, -s])))
eigenvalues, eigenvectors = torch.linalg.eigh(hessian(twist, torch.zeros(2)))
print("Hessian eigenvalues:", eigenvalues)
print("their eigenvectors (columns):", eigenvectors)
# --8<-- [end:saddle_xy]

# --8<-- [start:saddles_common]
# A heuristic: if the Hessian at a stationary point were a random symmetric
# matrix, how often would all n curvatures have the same sign?
for n in (1, 2, 3, 5, 10):
    A = torch.randn(20000, n, n)
    curvatures = torch.linalg.eigvalsh((A + A.mT) / 2)
    up, down = (curvatures > 0).all(dim=1), (curvatures < 0).all(dim=1)
    mixed = ~(up | down)  # curving up one way and down another: a saddle
    shares = [v.float().mean().item() for v in (up, down, mixed)]
    print(
        "n = {:>2}: minimum {:.4f}  maximum {:.4f}  saddle {:.4f}".format(
            n, *shares
        )
    )
# --8<-- [end:saddles_common]

# --8<-- [start:toy_networks]
toy_x = torch.linspace(-2, 2, 64).unsqueeze(1)
toy_y = torch.sin(3 * toy_x)  # a small regression task: fit sin 3x


def toy_weights(depth, width=32, seed=0):
    """Weights of a ReLU MLP (no biases) with `depth` hidden layers.

    An input matrix, `depth` hidden width × width matrices and an output
    matrix: depth + 2 in all. Kaiming-normal (see "Initialisation")."""
    g = torch.Generator().manual_seed(seed)
    shapes = [(width, 1)] + [(width, width)] * depth + [(1, width)]
    return [torch.randn(s, generator=g) * math.sqrt(2 / s[1]) for s in shapes]


def toy_loss(weights, skip):
    """MSE of the MLP. A weight may carry a leading batch dimension (one
    weight set per point of a slice): then one loss per set comes back."""
    h = toy_x @ weights[0].mT
    hidden = weights[1:-1]
    for w in hidden:
        branch = torch.relu(h @ w.mT)  # F(h)
        # with a skip connection h + F(h); the branch is scaled by
        # 1/√depth so h stays bounded (a real ResNet uses BatchNorm)
        h = h + branch / math.sqrt(len(hidden)) if skip else branch
    return ((h @ weights[-1].mT - toy_y) ** 2).mean(dim=(-2, -1))


NETS = ((2, False), (20, False), (20, True))  # (hidden layers, skip)
for depth, skip in NETS:
    kind = "residual" if skip else "plain"
    weights = toy_weights(depth)
    loss = toy_loss(weights, skip).item()
    print(f"{kind:>8}, {depth:>2} hidden layers:", end="")
    print(f" {len(weights)} weight matrices, loss at the start {loss:.3f}")
# --8<-- [end:toy_networks]


# --8<-- [start:loss_slice]
@functools.cache  # the figure below draws seed 0's slices again
def loss_slice(depth, skip, seed=0, points=201):
    """L(w + t·d) for t in [-1, 1], d a filter-normalised random direction."""
    weights = toy_weights(depth, seed=seed)
    g = torch.Generator().manual_seed(1000 + seed)
    t = torch.linspace(-1, 1, points).view(-1, 1, 1)
    moved = []
    for w in weights:
        d = torch.randn(w.shape, generator=g)
        # filter normalisation: each row of d gets the norm of w's row
        d = d * w.norm(dim=1, keepdim=True) / d.norm(dim=1, keepdim=True)
        moved.append(w + t * d)  # one copy of the weights for every t
    return toy_loss(moved, skip)


def count_minima(losses):
    slope = losses.diff()
    return int(((slope[:-1] < 0) & (slope[1:] > 0)).sum())


SEEDS = range(8)  # 8 random networks and directions, not one
print("local minima along one random line, seeds 0 to 7:")
for depth, skip in NETS:
    kind = "residual" if skip else "plain"
    counts = [count_minima(loss_slice(depth, skip, s)) for s in SEEDS]
    print(f"{kind:>8}, {depth:>2} hidden layers:", end="")
    print("".join(f"{c:>3}" for c in counts), f"  mean {sum(counts) / 8}")
# --8<-- [end:loss_slice]

# --8<-- [start:kaiming_std]
kaiming = torch.empty(256, 256)
nn.init.kaiming_normal_(kaiming, nonlinearity="relu")  # in place
print("Kaiming normal, fan_in = 256:")
print(
    f"  std of w = {kaiming.std().item():.4f},"
    f"  √(2/256) = {math.sqrt(2 / 256):.4f}"
)
default = nn.Linear(256, 256).weight.detach()
print("nn.Linear default, U(-1/√256, 1/√256):")
print(
    f"  max |w| = {default.abs().max().item():.4f},"
    f"  1/√256 = {1 / math.sqrt(256):.4f}"
)
print(
    f"  std of w = {default.std().item():.4f},"
    f"  √(1/(3·256)) = {math.sqrt(1 / (3 * 256)):.4f}"
)
# --8<-- [end:kaiming_std]


# --8<-- [start:init_variance]
def activation_rms(new_weight, depth=20, width=256):
    """RMS of the activations after each layer of a deep ReLU stack."""
    h = torch.randn(512, width)  # inputs with RMS 1
    rms = []
    for _ in range(depth):
        h = torch.relu(h @ new_weight(width).T)
        rms.append(h.pow(2).mean().sqrt().item())
    return rms


inits = {
    "N(0, 0.01²)": lambda n: torch.randn(n, n) * 0.01,
    "nn.Linear default": lambda n: nn.Linear(n, n).weight.detach(),
    "Kaiming normal": lambda n: nn.init.kaiming_normal_(
        torch.empty(n, n), nonlinearity="relu"
    ),
    "N(0, 0.1²)": lambda n: torch.randn(n, n) * 0.1,
}
layers = (1, 5, 10, 20)
header = "".join(f"{k:>9}" for k in layers)
print(f"{'RMS after layer':<18}{header}  per layer")
for name, new_weight in inits.items():
    rms = activation_rms(new_weight)
    row = "".join(f"{rms[k - 1]:>9.2e}" for k in layers)
    factor = (rms[-1] / rms[0]) ** (1 / 19)  # mean factor, layer 1 to 20
    print(f"{name:<18}{row}  × {factor:.3f}")
# --8<-- [end:init_variance]


# --8<-- [start:lr_quadratic]
def parabola(x):
    return x**2  # f'(x) = 2x, so a step is x ← x − lr·2x = (1 − 2·lr)·x


for lr in (0.01, 0.1, 0.5, 0.9, 1.0, 1.1):
    x20 = descend(parabola, 1.0, lr=lr, steps=20)[-1].item()
    print(
        f"lr = {lr:<4}  1 - 2·lr = {1 - 2 * lr:+.2f}  x after 20: {x20:+.3e}"
    )
# --8<-- [end:lr_quadratic]


# --8<-- [start:lr_noise]
def noisy_descent(lr, schedule=None, steps=300, runs=2000):
    """SGD on f(x) = x²/2 whose gradient comes with noise: x + ε.

    Returns the RMS distance to the minimum x = 0 over `runs` runs."""
    g = torch.Generator().manual_seed(0)
    x = torch.full((runs,), 5.0, requires_grad=True)
    optimizer = torch.optim.SGD([x], lr=lr)
    scheduler = schedule(optimizer) if schedule else None
    rms = {}
    for step in range(1, steps + 1):
        noise = torch.randn(runs, generator=g)  # like a mini-batch's error
        optimizer.zero_grad()
        (x**2 / 2 + noise * x).sum().backward()  # gradient x + noise
        optimizer.step()
        if scheduler:
            scheduler.step()
        if step in (10, 100, 300):
            rms[step] = x.detach().pow(2).mean().sqrt().item()
    return rms


row = "{:<18}{:>7.3f}{:>7.3f}{:>7.3f}"
print("distance to 0 at step  10    100    300   floor")
for lr in (0.5, 0.1, 0.01):
    floor = math.sqrt(lr / (2 - lr))  # the spread it settles to
    print(row.format(f"lr = {lr}", *noisy_descent(lr).values()), end="")
    print(f"   {floor:.3f}")
# --8<-- [end:lr_noise]


# --8<-- [start:lr_schedules]
def learning_rates(schedule, steps=300):
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.5)
    scheduler = schedule(optimizer)
    rates = []
    for _ in range(steps):
        rates.append(scheduler.get_last_lr()[0])
        optimizer.step()  # (a training step would go here)
        scheduler.step()  # then: update the learning rate
    return rates


step_lr = learning_rates(lambda opt: StepLR(opt, step_size=100, gamma=0.1))
exp_lr = learning_rates(lambda opt: ExponentialLR(opt, gamma=0.98))
for step in (0, 99, 100, 200, 299):
    print(f"step {step:>3}: StepLR {step_lr[step]:.4f}", end="")
    print(f"   ExponentialLR {exp_lr[step]:.4f}")
# --8<-- [end:lr_schedules]

# --8<-- [start:lr_decay]
decayed = noisy_descent(0.5, lambda opt: ExponentialLR(opt, gamma=0.98))
print("distance to 0 at step  10    100    300")
print(row.format("lr = 0.5 · 0.98^t", *decayed.values()))
# --8<-- [end:lr_decay]

# --8<-- [start:momentum_rule]
w = torch.tensor(1.0, requires_grad=True)
optimizer = torch.optim.SGD([w], lr=0.1, momentum=0.9)
mine, velocity = 1.0, 0.0
for step in range(1, 4):
    optimizer.zero_grad()
    (w**2).backward()
    optimizer.step()
    velocity = 0.9 * velocity + 2 * mine  # v ← μ·v + gradient
    mine = mine - 0.1 * velocity  # w ← w − lr·v
    print(f"step {step}: torch {w.item():.6f}   by hand {mine:.6f}")
# --8<-- [end:momentum_rule]


# --8<-- [start:momentum_ravine]
def ravine(p):
    return (p[0] ** 2 + 25 * p[1] ** 2) / 2  # curvatures 1 and 25


def steps_needed(lr, momentum, start=(-8.0, 1.0), tol=1e-6, most=450):
    """SGD from `start` until f < tol; None if it diverges or takes longer."""
    p = torch.tensor(start, requires_grad=True)
    optimizer = torch.optim.SGD([p], lr=lr, momentum=momentum)
    for step in range(most + 1):
        loss = ravine(p)
        if loss < tol or loss > 1e6:  # converged, or diverged
            return step if loss < tol else None
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return None


print("steps until f < 1e-6, starting at (-8, 1):")
print("              momentum 0    0.5    0.9")
for lr in (0.02, 0.075, 0.085):  # the y limit without momentum: 0.08
    counts = [steps_needed(lr, m) for m in (0.0, 0.5, 0.9)]
    shown = "".join(f"{c or 'never':>7}" for c in counts)
    print(f"  lr = {lr:<5}     {shown}")
# --8<-- [end:momentum_ravine]

# --8<-- [start:momentum_y]
# What happens along y: the sign of y at steps 1 to 12, and |y| at step 20
for lr in (0.02, 0.075):
    for momentum in (0.0, 0.5):
        y = descend(ravine, [-8.0, 1.0], lr, momentum, steps=20)[:, 1]
        signs = "".join("+" if v > 0 else "-" for v in y[1:13])
        print(f"lr = {lr:<5} momentum {momentum}: y signs {signs}", end="")
        print(f"   |y| at step 20: {y[20].abs():.1e}")
# x alone (start on the x axis, y = 0): the steps it needs at lr = 0.075
for momentum in (0.0, 0.5):
    alone = steps_needed(0.075, momentum, start=(-8.0, 0.0))
    print(f"lr = 0.075 momentum {momentum}: x alone needs {alone} steps")
# --8<-- [end:momentum_y]

# --8<-- [start:momentum_escape]
for momentum in (0.0, 0.5, 0.9, 0.95):
    end = descend(bumpy, 2.0, lr=0.02, momentum=momentum, steps=300)[-1]
    print(f"momentum {momentum:<4}: from x = 2 to x = {end:+.4f}")
# --8<-- [end:momentum_escape]


# --8<-- [start:figure_local_minima]
def figure_local_minima():
    fig, ax = plt.subplots(figsize=(7, 3.4), layout="constrained")
    xs = torch.linspace(-2.1, 2.1, 401)
    ax.plot(xs, bumpy(xs), color="grey", lw=1.2, label="$f(x)$")
    for start in (-2.0, -0.5, 0.5, 2.0):
        path = descend(bumpy, start, lr=0.02, steps=150)
        (line,) = ax.plot(path, bumpy(path), lw=3, alpha=0.8)
        ax.plot(path[0], bumpy(path[0]), "o", color=line.get_color())
        ax.plot(path[-1], bumpy(path[-1]), "*", ms=14, color=line.get_color())
    ax.set(xlabel="$x$", ylabel="$f(x) = x^4 - 3x^2 + x$", ylim=(-4.2, 6.8))
    ax.grid(alpha=0.4)
    return fig


# --8<-- [end:figure_local_minima]


# --8<-- [start:figure_saddle]
def figure_saddle():
    fig = plt.figure(figsize=(9, 3.8), layout="constrained")
    surface = fig.add_subplot(1, 2, 1, projection="3d")
    grid = torch.linspace(-1.5, 1.5, 31)
    gx, gy = torch.meshgrid(grid, grid, indexing="xy")
    gz = saddle(torch.stack([gx, gy]))
    surface.plot_wireframe(gx, gy, gz, color="grey", lw=0.5, alpha=0.6)
    zero = torch.zeros_like(grid)
    surface.plot(grid, zero, grid**2, lw=2.5, label="$y = 0$: $z = x^2$")
    surface.plot(zero, grid, -(grid**2), lw=2.5, label="$x = 0$: $z = -y^2$")
    surface.scatter([0], [0], [0], s=40, color="C2", depthshade=False)
    surface.set(xlabel="$x$", ylabel="$y$", zlabel="$z$")
    for axis in (surface.xaxis, surface.yaxis, surface.zaxis):
        axis.set_pane_color((0, 0, 0, 0))
    surface.view_init(elev=25, azim=-60)
    surface.legend(frameon=False, loc="upper left")

    contour = fig.add_subplot(1, 2, 2)
    levels = torch.linspace(-2, 2, 9).tolist()
    contour.contour(gx, gy, gz, levels=levels, colors="grey", linewidths=0.8)
    stuck = descend(saddle, [1.0, 0.0], lr=0.1, steps=40)
    escape = descend(saddle, [1.0, 1e-3], lr=0.1, steps=40)
    contour.plot(*stuck.T, ".-", color="C4", ms=9, label="$(1, 0)$")
    contour.plot(*escape.T, ".-", color="C3", ms=4, label="$(1, 10^{-3})$")
    contour.plot([0], [0], "o", color="C2")
    contour.set(xlabel="$x$", ylabel="$y$", xlim=(-1.5, 1.5), ylim=(-1.5, 1.5))
    contour.set_aspect("equal")
    contour.legend(frameon=False, loc="lower left")
    return fig


# --8<-- [end:figure_saddle]


# --8<-- [start:figure_skip_connections]
def figure_skip_connections():
    fig, ax = plt.subplots(figsize=(7, 3.4), layout="constrained")
    t = torch.linspace(-1, 1, 201)
    labels = {
        (2, False): r"$h \leftarrow F(h)$, $n = 2$",
        (20, False): r"$h \leftarrow F(h)$, $n = 20$",
        (20, True): r"$h \leftarrow h + F(h)$, $n = 20$",
    }
    for (depth, skip), label in labels.items():
        ax.plot(t, loss_slice(depth, skip), label=label)
    ax.set_yscale("log")
    ax.set(xlabel="$t$", ylabel=r"$L(w + t\,d)$", xlim=(-1, 1))
    ax.grid(alpha=0.4)
    ax.legend(frameon=False, loc="upper center")
    return fig


# --8<-- [end:figure_skip_connections]


# --8<-- [start:figure_learning_rates]
def figure_learning_rates():
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(9, 3.6), layout="constrained"
    )
    xs = torch.linspace(-2.3, 2.3, 201)
    left.plot(xs, parabola(xs), color="grey", lw=1)
    rates = (0.01, 0.1, 0.3, 0.95, 1.0, 1.05)
    colour = {lr: f"C{i}" for i, lr in enumerate(rates)}
    for lr in (0.1, 0.95, 1.05):
        path = descend(parabola, 1.0, lr=lr, steps=8)
        left.plot(path, parabola(path), ".-", color=colour[lr])
    left.set(xlabel="$x$", ylabel="$f(x) = x^2$", ylim=(-0.2, 5.3))
    for lr in rates:
        path = descend(parabola, 1.0, lr=lr, steps=30)
        label = rf"$\eta = {lr}$"
        right.plot(path.abs(), ".-", ms=3, color=colour[lr], label=label)
    right.set_yscale("log")
    right.set(xlabel="$t$", ylabel="$|x_t|$", ylim=(1e-6, 1e2))
    right.legend(frameon=False, fontsize=9, loc="lower left")
    for ax in (left, right):
        ax.grid(alpha=0.4)
    return fig


# --8<-- [end:figure_learning_rates]


# --8<-- [start:figure_momentum]
def figure_momentum():
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(8, 6.4), layout="constrained", height_ratios=(1, 1.3)
    )
    gx, gy = torch.meshgrid(
        torch.linspace(-9, 1, 201),
        torch.linspace(-1.5, 1.5, 61),
        indexing="xy",
    )
    levels = torch.logspace(-2, 1.5, 8).tolist()
    top.contour(gx, gy, ravine(torch.stack([gx, gy])), levels, colors="grey")
    for momentum in (0.0, 0.5):
        path = descend(
            ravine, [-8.0, 1.0], lr=0.075, momentum=momentum, steps=60
        )
        top.plot(*path.T, ".-", ms=4, label=rf"$\mu = {momentum}$")
    top.set(xlabel="$x$", ylabel="$y$", title=r"$\eta = 0.075$")
    top.set_aspect("equal")
    for momentum in (0.0, 0.9):
        path = descend(bumpy, 2.0, lr=0.02, momentum=momentum, steps=120)
        bottom.plot(path, ".-", ms=3, label=rf"$\mu = {momentum}$")
    for valley_x in (-1.3008, 1.1309):
        bottom.axhline(valley_x, color="grey", lw=0.8, ls=":")
    bottom.set(xlabel="$t$", ylabel="$x_t$", title=r"$\eta = 0.02$")
    top.legend(frameon=False, loc="lower left")
    bottom.legend(frameon=False, loc="upper right")
    for ax in (top, bottom):
        ax.grid(alpha=0.4)
    return fig


# --8<-- [end:figure_momentum]
