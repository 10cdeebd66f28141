# Softmax and cross-entropy: the code of docs/softmax.md and softmax.en.md.
# Every section runs at build time; the page shows it and what it printed.

# --8<-- [start:setup]
import math

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=4, linewidth=72)
# --8<-- [end:setup]

# --8<-- [start:softmax_basics]
o = torch.tensor([[1.0, 2.0, 3.0], [1.0, 2.0, 5.0]])  # 2 examples, 3 classes
p = torch.softmax(o, dim=1)
print(p)
print("each row sums to:", p.sum(1))
print("same argmax as o:", torch.equal(p.argmax(1), o.argmax(1)))
print(
    "softmax(o - 100) == softmax(o):",
    torch.equal(torch.softmax(o - 100, 1), p),
)
# --8<-- [end:softmax_basics]

# --8<-- [start:softmax_purpose]
scores = torch.tensor([2.0, -1.0, 0.5], requires_grad=True)
print("scores / their sum:", scores.detach() / scores.detach().sum())
hard = F.one_hot(scores.argmax(), 3)  # the "hard" max, as a one-hot vector
print("one-hot of argmax:", hard, "| carries a gradient:", hard.requires_grad)
soft = torch.softmax(scores, 0)
soft[0].backward()  # how softmax(scores)[0] moves with each score
print(f"softmax: {soft.detach()} | sum: {soft.sum().item():.4f}")
print("gradient of softmax[0]:", scores.grad)
print("float32 exp(89.0):", torch.exp(torch.tensor(89.0)))
# --8<-- [end:softmax_purpose]

# --8<-- [start:cross_entropy_one_hot]
y = torch.tensor([2])  # the true class of one example
onehot = F.one_hot(y, 3).float()
print("one-hot label:", onehot)
for values in ([0.2, 0.2, 0.6], [0.39, 0.01, 0.6], [0.7, 0.1, 0.2]):
    y_hat = torch.tensor([values])  # predicted probabilities
    full = -(onehot * torch.log(y_hat)).sum()  # -sum_j y_j log y_hat_j
    true_class = -torch.log(y_hat[0, 2])
    predicted = y_hat.argmax().item()  # the class the model picks
    print(
        f"y_hat = {values}: H = {full:.4f}, -log y_hat[2] = {true_class:.4f}"
        f", predicted class {predicted}"
    )
# --8<-- [end:cross_entropy_one_hot]

# --8<-- [start:cross_entropy_gradient]
logits = torch.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
F.cross_entropy(logits, y).backward()
print("d loss / d o:     ", logits.grad)
print("softmax(o) - y:   ", torch.softmax(logits.detach(), 1) - onehot)
# --8<-- [end:cross_entropy_gradient]

# --8<-- [start:entropy_kl]
y_true = torch.tensor([0.1, 0.2, 0.7])  # a true distribution (a soft label)
o3 = torch.tensor([1.0, 2.0, 3.0])  # logits
q_hat = torch.softmax(o3, 0)  # the predicted distribution
surprisal = -torch.log(q_hat)  # -log q_j: rarer means more surprising
entropy = (y_true * -torch.log(y_true)).sum()  # H(y)
cross = (y_true * surprisal).sum()  # H(y, q)
kl = (y_true * torch.log(y_true / q_hat)).sum()  # KL(y || q)
print("surprisal -log q:", surprisal)
print(f"H(y) = {entropy:.4f}, KL(y||q) = {kl:.4f}, sum = {entropy + kl:.4f}")
print(f"H(y, q) = {cross:.4f}")
print(f"F.kl_div:        {F.kl_div(q_hat.log(), y_true, reduction='sum'):.4f}")
ce_soft = F.cross_entropy(o3[None], y_true[None])  # probabilities as target
print(f"F.cross_entropy: {ce_soft:.4f}")
# --8<-- [end:entropy_kl]

# --8<-- [start:likelihood]
torch.manual_seed(0)
logits4 = torch.randn(4, 3)  # logits of 4 examples, 3 classes
labels4 = torch.tensor([2, 0, 1, 2])
# the categorical model: P(class j) = softmax(o)_j
model = torch.distributions.Categorical(logits=logits4)
nll = -model.log_prob(labels4).sum()  # -log P(all four labels)
print(f"-log likelihood:       {nll:.4f}")
total = F.cross_entropy(logits4, labels4, reduction="sum")
print(f"sum of cross-entropies: {total:.4f}")
# --8<-- [end:likelihood]


# --8<-- [start:naive_softmax]
def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdims=True)
    return X_exp / partition


print(softmax(o))
print("matches torch.softmax:", torch.allclose(softmax(o), p))
# --8<-- [end:naive_softmax]

# --8<-- [start:keepdims_alias]
X = torch.ones(2, 3)
print("keepdims=True:", tuple(X.sum(1, keepdims=True).shape))
print("keepdim=True: ", tuple(X.sum(1, keepdim=True).shape))
print("axis=1:       ", tuple(X.sum(axis=1).shape))  # NumPy's name for dim
print("'keepdims' in torch.sum's docs:", "keepdims" in torch.sum.__doc__)
# --8<-- [end:keepdims_alias]

# --8<-- [start:float64_range]
low = torch.tensor([[-110.0, -111.0]])
print("float32:", softmax(low))
print("float64:", softmax(low.double()))  # same formula, wider range
# --8<-- [end:float64_range]

# --8<-- [start:float32_limits]
info = torch.finfo(torch.float32)
smallest_subnormal = 2.0**-149
for name, value in [
    ("largest", info.max),
    ("smallest normal", info.tiny),
    ("smallest subnormal", smallest_subnormal),
]:
    print(f"{name:>18}: {value:.4e} = exp({math.log(value):.2f})")
x = torch.tensor([88.72, 88.73, -87.33, -100.0, -103.9, -104.0])
for xi, ei in zip(x.tolist(), torch.exp(x).tolist(), strict=True):
    print(f"exp({xi:7.2f}) = {ei:.4e}")
# --8<-- [end:float32_limits]

# --8<-- [start:naive_overflow]
extreme = [
    [90.0, 0.0],  # exp(90) overflows
    [88.5, 88.5],  # each exp is finite, their sum is not
    [86.5] * 10,  # ten finite exps, an infinite sum
    [-110.0, -111.0],  # every exp underflows to 0
    [-100.0, -101.0],  # subnormal exps
    [1.0, 2.0],
]
print("  max o  log sum exp o  naive softmax")
for row in extreme:
    lse = math.log(sum(math.exp(v) for v in row))  # exact, in float64
    naive = softmax(torch.tensor([row]))[0]
    print(f"{max(row):7.2f}  {lse:13.2f}  {naive}")
loss = -torch.log(softmax(torch.tensor([[88.5, 88.5]]))[0, 0])
print("naive loss on [88.5, 88.5], class 0:", loss)
# --8<-- [end:naive_overflow]

# --8<-- [start:overflow_threshold]
limit = math.log(torch.finfo(torch.float32).max)  # 88.72
for q in (2, 10, 1000):
    edge = limit - math.log(q)  # q equal logits: log-sum-exp = o + log q
    below = softmax(torch.full((1, q), edge - 0.01))[0, 0].item()
    above = softmax(torch.full((1, q), edge + 0.01))[0, 0].item()
    print(f"q = {q:4}: all logits {edge - 0.01:.2f} -> {below:.4f}, ", end="")
    print(f"all logits {edge + 0.01:.2f} -> {above:.4f}")
# --8<-- [end:overflow_threshold]


# --8<-- [start:stable_softmax]
def stable_softmax(X):
    X_max = X.max(1, keepdim=True).values  # o-bar, one per row
    X_exp = torch.exp(X - X_max)  # every exponent <= 0, so X_exp <= 1
    return X_exp / X_exp.sum(1, keepdim=True)


same = True
for row in extreme:
    o_row = torch.tensor([row])
    print(stable_softmax(o_row))
    same = same and torch.equal(stable_softmax(o_row), torch.softmax(o_row, 1))
print("all the same as torch.softmax:", same)
# --8<-- [end:stable_softmax]


# --8<-- [start:denominator_range]
def denominator(X):
    return torch.exp(X - X.max(1, keepdim=True).values).sum(1)


cases = torch.tensor(
    [[50.0, 0.0, 0.0, 0.0], [5.0, 4.0, 3.0, 2.0], [7.0, 7.0, 7.0, 7.0]]
)  # q = 4 classes
print("denominators:", denominator(cases))
print("all logits equal, denominator == q:", denominator(cases)[2].item() == 4)
# --8<-- [end:denominator_range]

# --8<-- [start:underflow_log_zero]
z = torch.tensor([[0.0, -200.0]], requires_grad=True)
p_z = stable_softmax(z)
loss = -torch.log(p_z[0, 1])  # the true class is class 1
loss.backward()
print("softmax:", p_z.detach(), " loss:", loss.item())
print("gradient:", z.grad)
# --8<-- [end:underflow_log_zero]

# --8<-- [start:log_exp_roundtrip]
x = torch.tensor([-10.0, -100.0, -104.0, -200.0])
print("log(exp(x)):", torch.log(torch.exp(x)))
print("x itself:   ", x)
# --8<-- [end:log_exp_roundtrip]


# --8<-- [start:stable_log_softmax]
def log_softmax(X):
    X_max = X.max(1, keepdim=True).values
    shifted = X - X_max  # o_j - o-bar: this *is* log exp(o_j - o-bar)
    return shifted - torch.log(torch.exp(shifted).sum(1, keepdim=True))


logits = torch.tensor(
    [[100.0, 0.0, -100.0], [-110.0, -111.0, -112.0], [0.0, -200.0, 0.0]]
)
print(log_softmax(logits))
same = torch.allclose(log_softmax(logits), F.log_softmax(logits, 1))
print("same as F.log_softmax:", same)
# log sum_k exp(o_k) = o-bar + log sum_k exp(o_k - o-bar), as torch.logsumexp
X_max = logits.max(1).values
lse = X_max + torch.log(torch.exp(logits - X_max[:, None]).sum(1))
print("log-sum-exp:    ", lse)
print("torch.logsumexp:", torch.logsumexp(logits, 1))
# --8<-- [end:stable_log_softmax]


# --8<-- [start:cross_entropy_from_scratch]
def cross_entropy(X, y):
    return -log_softmax(X)[torch.arange(len(y)), y]  # -log p[true class]


def naive_cross_entropy(X, y):
    return -torch.log(softmax(X))[torch.arange(len(y)), y]


labels = torch.tensor([2, 0, 1])
print("naive:          ", naive_cross_entropy(logits, labels))
print("from scratch:   ", cross_entropy(logits, labels))
print("F.cross_entropy:", F.cross_entropy(logits, labels, reduction="none"))
for name, loss_fn in [
    ("naive", naive_cross_entropy),
    ("from scratch", cross_entropy),
    ("F.cross_entropy", F.cross_entropy),
]:
    w = logits.clone().requires_grad_()
    loss_fn(w, labels).sum().backward()
    finite, nan = torch.isfinite(w.grad).sum(), torch.isnan(w.grad).sum()
    print(f"{name + ':':16} gradient entries finite: {finite}/9, nan: {nan}/9")
# --8<-- [end:cross_entropy_from_scratch]

# --8<-- [start:cross_entropy_takes_logits]
fused = F.nll_loss(F.log_softmax(logits, 1), labels, reduction="none")
print("nll_loss(log_softmax(o)):", fused)
twice = F.cross_entropy(torch.softmax(logits, 1), labels, reduction="none")
print("cross_entropy(softmax(o)):", twice)  # softmax applied twice: wrong
# --8<-- [end:cross_entropy_takes_logits]


# --8<-- [start:figure_loss_breakdown]
def figure_loss_breakdown():
    t = torch.linspace(0, 150, 1501)
    o2 = torch.stack([t, torch.zeros_like(t)], dim=1)  # o = (t, 0), class 2
    naive = -torch.log(softmax(o2)[:, 1])  # inf where it breaks: not drawn
    shifted = -torch.log(stable_softmax(o2)[:, 1])
    fused = -log_softmax(o2)[:, 1]
    fig, ax = plt.subplots(figsize=(7, 3.6), layout="constrained")
    ax.plot(
        t,
        naive,
        lw=7,
        alpha=0.45,
        label=r"$-\log \dfrac{e^{o_2}}{\sum_k e^{o_k}}$",
    )
    ax.plot(
        t,
        shifted,
        lw=3.5,
        alpha=0.8,
        label=r"$-\log \dfrac{e^{o_2 - \bar o}}{\sum_k e^{o_k - \bar o}}$",
    )
    ax.plot(
        t,
        fused,
        lw=1.2,
        label=r"$\log \sum_k e^{o_k - \bar o} - (o_2 - \bar o)$",
    )
    for edge in (88.72, 103.97):
        ax.axvline(edge, color="grey", ls=":", lw=1)
        ax.text(edge + 1.5, 4, f"{edge}", color="grey", rotation=90)
    ax.set(xlabel=r"$o_1 - o_2$", ylabel=r"$-\log \hat y_2$")
    ax.set(xlim=(0, 150), ylim=(0, 155))
    ax.grid(alpha=0.4)
    ax.legend(frameon=False, loc="upper left", fontsize=12, labelspacing=1.2)
    return fig


# --8<-- [end:figure_loss_breakdown]
