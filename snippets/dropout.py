# Dropout: the code of docs/dropout.md and dropout.en.md.
# Every section runs at build time; the page shows it and what it printed.

# --8<-- [start:setup]
import inspect

import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)
torch.set_printoptions(precision=4, linewidth=72)
# --8<-- [end:setup]

# --8<-- [start:input_noise_penalty]
# A linear model w·x, squared loss, inputs jittered by noise of std sigma.
n, sigma = 100_000, 0.3
w = torch.tensor([1.5, -2.0, 0.5], dtype=torch.float64)
x = torch.randn(n, 3, dtype=torch.float64)
y = x @ torch.tensor([1.0, -1.0, 0.0], dtype=torch.float64)
eps = sigma * torch.randn(n, 3, dtype=torch.float64)

clean = ((x @ w - y) ** 2).mean()
noisy = (((x + eps) @ w - y) ** 2).mean()
penalty = sigma**2 * (w**2).sum()  # Tikhonov (L2) penalty
print(f"loss on clean inputs       : {clean.item():.4f}")
print(f"loss on noisy inputs       : {noisy.item():.4f}")
print(f"clean loss + sigma² ‖w‖²   : {(clean + penalty).item():.4f}")
# --8<-- [end:input_noise_penalty]

# --8<-- [start:expectation_and_variance]
h, samples = 2.0, 1_000_000
print("   p | mean of h' | var of h' | h² p / (1 - p)")
for p in (0.1, 0.2, 0.5, 0.9):
    kept = torch.rand(samples, dtype=torch.float64) > p  # True w.p. 1 - p
    h_new = torch.where(kept, h / (1 - p), 0.0)
    mean, var = h_new.mean().item(), h_new.var().item()
    print(f"{p:4} | {mean:10.4f} | {var:9.4f} | {h * h * p / (1 - p):9.4f}")
# --8<-- [end:expectation_and_variance]

# --8<-- [start:original_vs_inverted]
torch.manual_seed(0)
p, W, h = 0.5, torch.randn(3, 8), torch.rand(8)  # a layer and its input
masks = (torch.rand(100_000, 8) > p).float()  # 100 000 training passes
# Original dropout: no scaling in training, weights times 1 - p at test
print("original, training (mean):", ((masks * h) @ W.T).mean(0))
print("original, test (1 - p) W h:", (1 - p) * W @ h)
# Inverted dropout: divide by 1 - p in training, nothing at test
print("inverted, training (mean):", ((masks * h / (1 - p)) @ W.T).mean(0))
print("inverted, test W h:        ", W @ h)
# --8<-- [end:original_vs_inverted]


# --8<-- [start:dropout_layer]
def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    # 在本情况中，所有元素都被丢弃 (every element is dropped)
    if dropout == 1:
        return torch.zeros_like(X)
    # 在本情况中，所有元素都被保留 (every element is kept)
    if dropout == 0:
        return X
    mask = (torch.rand(X.shape) > dropout).float()
    return mask * X / (1.0 - dropout)


# --8<-- [end:dropout_layer]

# --8<-- [start:dropout_layer_run]
torch.manual_seed(0)
X = torch.arange(16, dtype=torch.float32).reshape((2, 8))
print(X)
print(dropout_layer(X, 0.0))
print(dropout_layer(X, 0.5))
print(dropout_layer(X, 1.0))
# --8<-- [end:dropout_layer_run]

# --8<-- [start:dropout_layer_random]
for seed in (1, 2):
    torch.manual_seed(seed)
    print(f"seed {seed}:", dropout_layer(X, 0.5)[0])
# --8<-- [end:dropout_layer_random]

# --8<-- [start:why_p_equals_one]
mask = torch.zeros(2, 8)  # p = 1: nothing survives
print("mask * X / (1 - 1) =", (mask * X / (1.0 - 1.0))[0])
# --8<-- [end:why_p_equals_one]

# --8<-- [start:kept_fraction_spread]
torch.manual_seed(0)
masks = torch.rand(20_000, 256)  # 20 000 masks for a layer of 256 units
print("   p | mean kept | sd kept | sqrt(p (1 - p) / 256)")
for p in (0.2, 0.5):
    kept = (masks > p).float().mean(dim=1)  # fraction kept, per mask
    sd = (p * (1 - p) / 256) ** 0.5
    print(f"{p:4} | {kept.mean():9.4f} | {kept.std():7.4f} | {sd:.4f}")
# --8<-- [end:kept_fraction_spread]

# --8<-- [start:dropout_signature]
print(inspect.signature(nn.Dropout))
# --8<-- [end:dropout_signature]

# --8<-- [start:network]
# dropout1，dropout2为概率 (dropout1, dropout2 are probabilities)
# the excerpt leaves them open; these are the values of d2l
dropout1, dropout2 = 0.2, 0.5

net = nn.Sequential(
    nn.Flatten(),
    nn.Linear(784, 256),
    nn.ReLU(),
    # 在第一个全连接层之后添加一个dropout层
    # (a dropout layer after the first fully connected layer)
    nn.Dropout(dropout1),
    nn.Linear(256, 256),
    nn.ReLU(),
    # 在第二个全连接层之后添加一个dropout层
    # (a dropout layer after the second fully connected layer)
    nn.Dropout(dropout2),
    nn.Linear(256, 10),
)


def init_weights(m):
    # 权重初始化 (weight initialisation)
    if isinstance(m, nn.Linear):
        nn.init.normal_(m.weight, std=0.01)


net.apply(init_weights)
print(net)
# --8<-- [end:network]

# --8<-- [start:dropout_after_relu]
z = torch.randn(2, 8)
torch.manual_seed(0)
after = nn.Dropout(0.2)(torch.relu(z))  # ReLU, then Dropout
torch.manual_seed(0)  # the same mask again
before = torch.relu(nn.Dropout(0.2)(z))  # Dropout, then ReLU
print("the same either way:", torch.equal(after, before))
# --8<-- [end:dropout_after_relu]

# --8<-- [start:type_vs_isinstance]
attention = nn.MultiheadAttention(embed_dim=8, num_heads=2)
out_proj = attention.out_proj  # a subclass of nn.Linear
print(type(out_proj).__name__)
print("type(m) is nn.Linear    :", type(out_proj) is nn.Linear)
print("isinstance(m, nn.Linear):", isinstance(out_proj, nn.Linear))
# --8<-- [end:type_vs_isinstance]

# --8<-- [start:train_vs_eval]
torch.manual_seed(0)
images = torch.randn(4, 1, 28, 28)  # a batch shaped like Fashion-MNIST
print("fresh net in training mode?", net.training)

first, second = net(images), net(images)
print("train: two calls equal?", torch.equal(first, second))

net.eval()
first, second = net(images), net(images)
print("eval:  two calls equal?", torch.equal(first, second))

# In eval mode the dropout layers pass data through unchanged:
without = nn.Sequential(*(m for m in net if not isinstance(m, nn.Dropout)))
print("eval == net without Dropout?", torch.equal(first, without(images)))
net.train()  # back to training mode
# --8<-- [end:train_vs_eval]

# --8<-- [start:dropout_scales]
torch.manual_seed(0)
layer = nn.Dropout(p=0.5)
ones = torch.ones(2, 8)
print("train:", layer(ones))
layer.eval()
print("eval: ", layer(ones))
# --8<-- [end:dropout_scales]


# --8<-- [start:generalisation_gap]
def make_data(n, gen):
    """n points in 5-D; the target uses two of the inputs, plus noise."""
    x = torch.randn(n, 5, generator=gen)
    y = torch.sin(2 * x[:, :1]) + x[:, 1:2] / 2
    return x, y + 0.5 * torch.randn(n, 1, generator=gen)  # noise sd 0.5


def make_mlp(p):
    """Two hidden layers of width 64, each followed by Dropout(p)."""
    return nn.Sequential(
        nn.Linear(5, 64),
        nn.ReLU(),
        nn.Dropout(p),
        nn.Linear(64, 64),
        nn.ReLU(),
        nn.Dropout(p),
        nn.Linear(64, 1),
    )


loss = nn.MSELoss()


def train_and_test(p, seed):
    """Train with dropout p; return the training and the test loss."""
    gen = torch.Generator().manual_seed(seed)  # the data's own generator
    x_train, y_train = make_data(100, gen)  # few points: easy to memorise
    x_test, y_test = make_data(1000, gen)  # fresh points, same distribution
    torch.manual_seed(seed)  # the same initial weights for every p
    mlp = make_mlp(p)
    optimizer = torch.optim.SGD(mlp.parameters(), lr=0.05, momentum=0.9)
    for _ in range(200):  # full batch: all 100 points in every step
        optimizer.zero_grad()
        loss(mlp(x_train), y_train).backward()
        optimizer.step()
    mlp.eval()  # measure both losses without dropout
    with torch.no_grad():
        train = loss(mlp(x_train), y_train).item()
        test = loss(mlp(x_test), y_test).item()
    return train, test


print("parameters:", sum(q.numel() for q in make_mlp(0.0).parameters()))
print("   p | train loss | test loss | gap")
for p in (0.0, 0.5):
    train, test = train_and_test(p, seed=0)
    print(f"{p:4} | {train:10.3f} | {test:9.3f} | {test - train:.3f}")
# --8<-- [end:generalisation_gap]

# --8<-- [start:generalisation_gap_seeds]
print("seed | gap, p = 0 | gap, p = 0.5 | test, p = 0 | test, p = 0.5")
for seed in range(1, 6):  # other data and other initial weights
    train0, test0 = train_and_test(0.0, seed)
    train5, test5 = train_and_test(0.5, seed)
    gaps = f"{test0 - train0:10.3f} | {test5 - train5:12.3f}"
    print(f"{seed:4} | {gaps} | {test0:11.3f} | {test5:13.3f}")
# --8<-- [end:generalisation_gap_seeds]


# --8<-- [start:figure_dropout_mask]
def figure_dropout_mask():
    gen = torch.Generator().manual_seed(0)
    p = 0.5
    h = torch.rand(16, 16, generator=gen) + 0.5  # activations in [0.5, 1.5)
    kept = torch.rand(16, 16, generator=gen) > p
    h_new = torch.where(kept, h / (1 - p), 0.0)
    fig, (left, mid, right) = plt.subplots(
        1, 3, figsize=(10, 3.4), layout="constrained"
    )
    rows, cols = torch.meshgrid(
        torch.arange(16), torch.arange(16), indexing="ij"
    )
    for ax, values, title in (
        (left, h, "$h$"),
        (mid, h_new, "$h'$, $p = 0.5$"),
    ):
        on = values > 0
        ax.scatter(
            cols[on], rows[on], s=30 * values[on], marker="s", color="C0"
        )
        ax.scatter(
            cols[~on], rows[~on], s=4, marker="s", color="grey", alpha=0.5
        )
        ax.set(title=title, xlim=(-1, 16), ylim=(16, -1), aspect="equal")
        ax.set_axis_off()
    # Kept fraction of a 256-unit layer over many masks
    masks = torch.rand(20_000, 256, generator=gen)
    for i, drop in enumerate((0.2, 0.5)):
        kept_fraction = (masks > drop).float().mean(dim=1)
        right.hist(
            kept_fraction,
            bins=((torch.arange(0, 257, 4) - 0.5) / 256).tolist(),
            color=f"C{i}",
            alpha=0.6,
            label=f"$p = {drop}$",
        )
        right.axvline(1 - drop, color=f"C{i}", ls="--", lw=1)
    right.set(xlabel=r"$\#\{h' \neq 0\}\, / \, 256$", xlim=(0.3, 0.95))
    right.set_yticks([])
    right.spines["left"].set_visible(False)
    right.legend(frameon=False)
    return fig


# --8<-- [end:figure_dropout_mask]
