# Linear regression and minibatches: the code of docs/linear_regression.md
# and linear_regression.en.md. Every section runs at build time; the page
# shows it and what it printed.

# --8<-- [start:setup]
import math
import random
import statistics
import time

import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

random.seed(0)  # data_iter shuffles with Python's random module
torch.manual_seed(0)
torch.set_printoptions(precision=4, linewidth=72)
# --8<-- [end:setup]

# --8<-- [start:vectorised_vs_loop]
n = 10_000
a, b = torch.ones(n), torch.ones(n)


def looped():
    c = torch.zeros(n)
    for i in range(n):
        c[i] = a[i] + b[i]
    return c


def vectorised():
    return a + b  # one call; the loop over elements runs in C++


def cpu_time(fn, number):
    """CPU seconds per call of fn, averaged over `number` calls in a row."""
    start = time.process_time()  # CPU time of this process only
    for _ in range(number):
        fn()
    return (time.process_time() - start) / number


def speedup(slow, fast, number, rounds=5):
    """How many times faster fast() runs than slow(), in CPU time.

    Each round times slow once and fast `number` times, back to back, so
    that both run in the same state of the machine; the median of the
    rounds' ratios is hardly moved by one disturbed round.
    """
    ratios = []
    for _ in range(rounds):
        ratios.append(cpu_time(slow, 1) / cpu_time(fast, number))
    return statistics.median(ratios)


ratio = speedup(looped, vectorised, 1000)
magnitude = math.floor(math.log10(ratio))  # 10**magnitude <= ratio
print("same result:", torch.equal(looped(), vectorised()))
print(f"a + b is faster than the loop by 10^{magnitude} to 10^{magnitude + 1}")
# --8<-- [end:vectorised_vs_loop]

# --8<-- [start:where_the_time_goes]
print("a[0] is a", type(a[0]).__name__, "of shape", tuple(a[0].shape))
a_list, b_list = a.tolist(), b.tolist()  # plain Python floats


def float_loop():
    c = [0.0] * n
    for i in range(n):
        c[i] = a_list[i] + b_list[i]
    return c


loop_vs_floats = speedup(looped, float_loop, 10)
floats_vs_vec = speedup(float_loop, vectorised, 1000)
print("tensor loop >= 10x slower than float loop:", loop_vs_floats >= 10)
print("float loop >= 10x slower than a + b:", floats_vs_vec >= 10)
# --8<-- [end:where_the_time_goes]

# --8<-- [start:synthetic_data]
true_w, true_b = torch.tensor([2.0, -3.4]), 4.2
features = torch.normal(0, 1, (1000, 2))
sigma = 0.01  # standard deviation of the noise
noise = torch.normal(0, sigma, (1000,))
labels = features @ true_w + true_b + noise  # y = Xw + b + noise
print("features:", tuple(features.shape), " labels:", tuple(labels.shape))
print("first example:", features[0], labels[0])
# --8<-- [end:synthetic_data]


# --8<-- [start:data_iter]
def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)  # read the examples in random order
    for i in range(0, num_examples, batch_size):
        # the last time may be not enough for a whole batch
        j = torch.tensor(indices[i : i + batch_size], dtype=torch.long)
        yield features.index_select(0, j), labels.index_select(0, j)


for X, y in data_iter(4, features[:10], labels[:10]):
    print("X:", tuple(X.shape), " y:", tuple(y.shape))
# --8<-- [end:data_iter]

# --8<-- [start:legacy_constructor]
picked = [7, 2, 5]
print(torch.LongTensor(picked), torch.tensor(picked, dtype=torch.long))
# An int instead of a list: the legacy constructor reads it as a *size*
print("LongTensor(3):", tuple(torch.LongTensor(3).shape), "(3 garbage values)")
print("tensor(3):    ", torch.tensor(3, dtype=torch.long))
# --8<-- [end:legacy_constructor]

# --8<-- [start:generator]
batches = data_iter(4, features[:10], labels[:10])  # runs nothing yet
print(type(batches).__name__, "- an iterator:", iter(batches) is batches)
X, y = next(batches)  # runs the body up to the first yield, then pauses
print("first batch:", tuple(X.shape))
print("batches left:", [tuple(X.shape) for X, _ in batches])
print("second pass: ", [tuple(X.shape) for X, _ in batches])  # used up
# --8<-- [end:generator]

# --8<-- [start:range_is_a_sequence]
# raises: TypeError
r = range(10)
print(type(r).__name__, "| len:", len(r), "| r[3]:", r[3], "| 7 in r:", 7 in r)
print("an iterator:", iter(r) is r, "| iter(r) is a", type(iter(r)).__name__)
print("two passes:", sum(r), sum(r))  # a sequence can be read again
next(r)
# --8<-- [end:range_is_a_sequence]


# --8<-- [start:model_and_loss]
def linreg(X, w, b):  # the model: y_hat = Xw + b
    return X @ w + b


def squared_loss(y_hat, y):  # one value per example, not yet summed
    return (y_hat - y) ** 2 / 2


X, y = features[:10], labels[:10]
w_try, b_try = torch.tensor([1.5, -3.0]), 4.0  # any w and b will do
losses = squared_loss(linreg(X, w_try, b_try), y)
print("squared losses of 3 examples:", losses[:3])
# y ~ N(Xw + b, sigma^2): the negative log-likelihood of the 10 labels
nll = -torch.distributions.Normal(linreg(X, w_try, b_try), sigma).log_prob(y)
constant = len(y) / 2 * math.log(2 * math.pi * sigma**2)  # free of w, b
print(f"-log likelihood:            {nll.sum():.2f}")
print(f"constant + sum / sigma**2:  {constant + losses.sum() / sigma**2:.2f}")
# --8<-- [end:model_and_loss]


# --8<-- [start:minibatch_gradient]
w0 = torch.zeros(2, requires_grad=True)
b0 = torch.zeros(1, requires_grad=True)


def gradient(idx):
    """Gradient of the mean loss over the examples `idx`, as one vector."""
    loss = squared_loss(linreg(features[idx], w0, b0), labels[idx]).mean()
    return torch.cat(torch.autograd.grad(loss, (w0, b0)))


full = gradient(torch.arange(1000))  # batch gradient descent: all 1000
print("batch size | steps per epoch | gradient error (relative)")
for size in (1, 10, 100, 1000):
    errors = [
        (gradient(torch.randperm(1000)[:size]) - full).norm() / full.norm()
        for _ in range(200)
    ]
    mean_error = torch.stack(errors).mean().item()
    print(f"{size:>10} | {1000 // size:>15} | {mean_error:.3f}")
# --8<-- [end:minibatch_gradient]

# --8<-- [start:batch_norm_is_a_layer]
bn = nn.BatchNorm1d(2)  # a layer: normalises each feature over the batch
inputs = features[:10] * 5 + 3
out = bn(inputs).detach()
print("input  mean:", inputs.mean(0), " std:", inputs.std(0, correction=0))
print("output mean ≈ 0:", out.mean(0).abs().max().item() < 1e-6)
print("output std:", out.std(0, correction=0))
# --8<-- [end:batch_norm_is_a_layer]

# --8<-- [start:backprop_step]
w = torch.normal(0, 0.01, (2,), requires_grad=True)
b = torch.zeros(1, requires_grad=True)
X, y = features[:10], labels[:10]
loss = squared_loss(linreg(X, w, b), y).sum()
loss.backward()  # fills w.grad and b.grad
residual = (linreg(X, w, b) - y).detach()
print("w.grad, autograd:", w.grad)
print("w.grad, by hand: ", X.T @ residual)  # d/dw of sum (Xw + b - y)²/2
print("b.grad, autograd:", b.grad)
print("b.grad, by hand: ", residual.sum())
# --8<-- [end:backprop_step]


# --8<-- [start:update_outside_no_grad]
# raises: RuntimeError
w_leaf = torch.zeros(2, requires_grad=True)  # a parameter: a leaf tensor
w_leaf.grad = torch.ones(2)
w_leaf -= 0.03 * w_leaf.grad  # an in-place update that autograd would record
# --8<-- [end:update_outside_no_grad]


# --8<-- [start:training]
def sgd(params, lr, batch_size):
    with torch.no_grad():  # autograd must not record the update
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()  # .grad accumulates unless cleared


lr, num_epochs, batch_size = 0.03, 3, 10
w = torch.normal(0, 0.01, (2,), requires_grad=True)
b = torch.zeros(1, requires_grad=True)
history = []  # (minibatch loss, w1, w2, b) after every step, for the figure
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        loss = squared_loss(linreg(X, w, b), y)
        loss.sum().backward()
        sgd([w, b], lr, len(y))  # len(y): the last batch may be short
        history.append([loss.mean().item(), *w.tolist(), b.item()])
    with torch.no_grad():
        epoch_loss = squared_loss(linreg(features, w, b), labels).mean()
    print(f"epoch {epoch + 1}, loss {epoch_loss:.6f}")
print("learned w:", w.detach(), " true w:", true_w)
print(f"learned b: {b.item():.4f}  true b: {true_b}")
# --8<-- [end:training]

# --8<-- [start:concise]
torch.manual_seed(0)  # DataLoader shuffles with torch's generator
dataset = TensorDataset(features, labels.reshape(-1, 1))  # y as a column
loader = DataLoader(dataset, batch_size=10, shuffle=True)
net = nn.Linear(2, 1)  # the model: one linear layer
nn.init.normal_(net.weight, 0, 0.01)
nn.init.zeros_(net.bias)
loss_fn = nn.MSELoss()  # mean of (y_hat - y)² over the batch, no 1/2
optimizer = torch.optim.SGD(net.parameters(), lr=0.03)
for epoch in range(num_epochs):
    for X, y in loader:
        loss = loss_fn(net(X), y)
        optimizer.zero_grad()  # instead of param.grad.zero_()
        loss.backward()
        optimizer.step()  # param -= lr * param.grad, without autograd
    with torch.no_grad():
        epoch_loss = loss_fn(net(features), labels.reshape(-1, 1))
    print(f"epoch {epoch + 1}, loss {epoch_loss:.6f}")
w_net, b_net = net.weight.detach().flatten(), net.bias.item()
print("concise w:", w_net, " from scratch:", w.detach())
print(f"concise b: {b_net:.4f}  from scratch: {b.item():.4f}")
gap = max((w_net - w.detach()).abs().max().item(), abs(b_net - b.item()))
print("same w and b within 0.001:", gap < 1e-3)
# --8<-- [end:concise]


# --8<-- [start:figure_training]
def figure_training():
    steps = torch.arange(1, len(history) + 1)
    curves = torch.tensor(history)  # columns: loss, w1, w2, b
    per_epoch = len(history) // num_epochs
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(9, 3.4), layout="constrained"
    )
    left.semilogy(steps, curves[:, 0], lw=1)
    floor = sigma**2 / 2  # expected loss at the true w and b
    left.axhline(floor, color="grey", ls="--", lw=0.8, label=r"$\sigma^2/2$")
    right.axhline(0, color="grey", lw=0.5)
    targets = [("$w_1$", true_w[0]), ("$w_2$", true_w[1]), ("$b$", true_b)]
    for column, (name, target) in enumerate(targets, start=1):
        right.plot(steps, curves[:, column], label=name)
        right.axhline(float(target), color="grey", ls="--", lw=0.8)
    for ax in (left, right):
        for edge in range(per_epoch, len(history), per_epoch):
            ax.axvline(edge, color="grey", ls=":", lw=0.8)
        ax.set_xlabel("$t$")
        ax.grid(alpha=0.4)
    left.set_ylabel(r"$\ell$")
    left.legend(frameon=False)
    right.legend(frameon=False, loc="center right")
    return fig


# --8<-- [end:figure_training]
