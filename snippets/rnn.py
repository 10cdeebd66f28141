# RNN sampling and detach: the code of docs/rnn.md and rnn.en.md.
# Every section runs at build time; the page shows it and what it printed.

# --8<-- [start:setup]
import inspect
import random
import time

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

random.seed(0)
torch.manual_seed(0)
torch.set_printoptions(precision=4, linewidth=72)

corpus_indices = list(range(30))  # a toy "text": the tokens 0, 1, …, 29
batch_size, num_steps = 2, 6
device = torch.device("cpu")  # the port's functions take a device
# --8<-- [end:setup]


# --8<-- [start:data_iter_random]
def data_iter_random(corpus_indices, batch_size, num_steps, device=None):
    # minus 1: the label of the last input token is the token after it
    num_examples = (len(corpus_indices) - 1) // num_steps
    epoch_size = num_examples // batch_size
    example_indices = list(range(num_examples))
    random.shuffle(example_indices)

    def _data(pos):  # the subsequence of length num_steps starting at pos
        return corpus_indices[pos : pos + num_steps]

    for i in range(epoch_size):
        i = i * batch_size  # take batch_size random examples each time
        batch_indices = example_indices[i : i + batch_size]
        X = [_data(j * num_steps) for j in batch_indices]
        Y = [_data(j * num_steps + 1) for j in batch_indices]
        yield torch.tensor(X, device=device), torch.tensor(Y, device=device)


random.seed(0)
for X, Y in data_iter_random(corpus_indices, batch_size, num_steps):
    print("X: ", X, "\nY:", Y, "\n")
print("dtype:", X.dtype)
used = [X for X, _ in data_iter_random(corpus_indices, batch_size, num_steps)]
unused = set(corpus_indices) - set(torch.cat(used).view(-1).tolist())
print("never an input:", sorted(unused))
# --8<-- [end:data_iter_random]

# --8<-- [start:one_hot_dtype]
print(F.one_hot(torch.tensor([0, 2]), 3))  # int64 indices: fine
for dtype in (torch.int32, torch.float32):
    try:
        F.one_hot(torch.tensor([0, 2], dtype=dtype), 3)
    except RuntimeError as err:
        print(f"{dtype}: RuntimeError: {err}")
# --8<-- [end:one_hot_dtype]


# --8<-- [start:data_iter_consecutive]
def data_iter_consecutive(corpus_indices, batch_size, num_steps, device=None):
    corpus_indices = torch.tensor(corpus_indices, device=device)
    data_len = len(corpus_indices)
    batch_len = data_len // batch_size
    indices = corpus_indices[0 : batch_size * batch_len].view(
        batch_size, batch_len
    )
    epoch_size = (batch_len - 1) // num_steps
    for i in range(epoch_size):
        i = i * num_steps
        X = indices[:, i : i + num_steps]
        Y = indices[:, i + 1 : i + num_steps + 1]
        yield X, Y


for X, Y in data_iter_consecutive(corpus_indices, batch_size, num_steps):
    print("X: ", X, "\nY:", Y, "\n")
print("dtype:", X.dtype)
# --8<-- [end:data_iter_consecutive]

# --8<-- [start:continuity]
(X1, Y1), (X2, Y2) = data_iter_consecutive(
    corpus_indices, batch_size, num_steps
)
print("Y1 == X1 + 1 (labels: the next tokens):", torch.equal(Y1, X1 + 1))
print("last column of X1: ", X1[:, -1].tolist())
print("first column of X2:", X2[:, 0].tolist())
# --8<-- [end:continuity]


# --8<-- [start:rnn_model]
vocab_size, num_hiddens, lr = 30, 4, 1.0


def get_params():
    def normal(*shape):
        return (0.1 * torch.randn(shape)).requires_grad_()

    W_xh = normal(vocab_size, num_hiddens)
    W_hh = normal(num_hiddens, num_hiddens)
    b_h = torch.zeros(num_hiddens, requires_grad=True)
    W_hq = normal(num_hiddens, vocab_size)
    b_q = torch.zeros(vocab_size, requires_grad=True)
    return [W_xh, W_hh, b_h, W_hq, b_q]


def init_rnn_state(batch_size, num_hiddens, device):
    # a tuple, as in d2l (an LSTM's state has two tensors)
    return (torch.zeros((batch_size, num_hiddens), device=device),)


def rnn(inputs, state, params):
    W_xh, W_hh, b_h, W_hq, b_q = params
    (H,) = state
    outputs = []
    for X in inputs:  # one time step after the other
        H = torch.tanh(X @ W_xh + H @ W_hh + b_h)
        outputs.append(H @ W_hq + b_q)
    return outputs, (H,)


def train_step(X, Y, state, params):
    inputs = F.one_hot(X.T, vocab_size).float()  # (num_steps, batch, vocab)
    outputs, state = rnn(inputs, state, params)
    loss = F.cross_entropy(torch.cat(outputs), Y.T.reshape(-1))
    loss.backward()
    with torch.no_grad():  # minibatch SGD, in place
        for param in params:
            param -= lr * param.grad  # the loss is a mean already
            param.grad.zero_()
    return loss.item(), state


chance = torch.log(torch.tensor(float(vocab_size))).item()
print(f"an untrained model's loss is about ln {vocab_size} = {chance:.4f}")
# --8<-- [end:rnn_model]


# --8<-- [start:train_loop]
def train_epoch(is_random_iter, data_iter_fn, params):
    """One epoch of the port's loop; down to s.detach_() it is the note's."""
    if not is_random_iter:  # 如使用相邻采样，在epoch开始时初始化隐藏状态
        state = init_rnn_state(batch_size, num_hiddens, device)
    l_sum, n, start = 0.0, 0, time.time()
    data_iter = data_iter_fn(corpus_indices, batch_size, num_steps, device)
    for X, Y in data_iter:
        if is_random_iter:  # 如使用随机采样，在每个小批量更新前初始化隐藏状态
            state = init_rnn_state(batch_size, num_hiddens, device)
        else:  # 否则需要使用detach函数从计算图分离隐藏状态
            for s in state:
                s.detach_()
        loss, state = train_step(X, Y, state, params)  # forward, backward, SGD
        l_sum, n = l_sum + loss, n + 1
    return l_sum / n, time.time() - start  # mean loss, seconds


for is_random_iter in (True, False):
    if is_random_iter:
        data_iter_fn = data_iter_random
    else:
        data_iter_fn = data_iter_consecutive
    random.seed(0)
    torch.manual_seed(0)
    params = get_params()
    print("random sampling" if is_random_iter else "sequential partitioning")
    for epoch in range(40):
        loss, _ = train_epoch(is_random_iter, data_iter_fn, params)
        if (epoch + 1) % 10 == 0:
            print(f"  epoch {epoch + 1}, loss {loss:.4f}")
# --8<-- [end:train_loop]

# --8<-- [start:fresh_state]
state = init_rnn_state(batch_size, num_hiddens, device)
print(state[0])
print("grad_fn:", state[0].grad_fn, "| requires_grad:", state[0].requires_grad)
# --8<-- [end:fresh_state]

# --8<-- [start:no_detach]
# raises: RuntimeError
torch.manual_seed(0)
params = get_params()
state = init_rnn_state(batch_size, num_hiddens, device)  # once per epoch
for X, Y in data_iter_consecutive(corpus_indices, batch_size, num_steps):
    print("the state has a history:", state[0].grad_fn is not None)
    loss, state = train_step(X, Y, state, params)
    print(f"loss {loss:.4f}")
# --8<-- [end:no_detach]

# --8<-- [start:with_detach]
torch.manual_seed(0)
params = get_params()
state = init_rnn_state(batch_size, num_hiddens, device)  # once per epoch
for X, Y in data_iter_consecutive(corpus_indices, batch_size, num_steps):
    for s in state:
        s.detach_()  # keep the value, drop the history
    print("the state has a history:", state[0].grad_fn is not None)
    loss, state = train_step(X, Y, state, params)
    print(f"loss {loss:.4f}")
# --8<-- [end:with_detach]


# --8<-- [start:graph_growth]
def steps_to_backprop(loss):
    """How many time steps (tanh nodes) a backward pass from loss visits."""
    seen, stack = set(), [loss.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        stack.extend(next_node for next_node, _ in node.next_functions)
    return sum(node.name() == "TanhBackward0" for node in seen)


long_corpus = list(range(30)) * 5  # 150 tokens: 12 minibatches
torch.manual_seed(0)
params = get_params()
for detach in (False, True):
    state, steps = init_rnn_state(batch_size, num_hiddens, device), []
    for X, Y in data_iter_consecutive(long_corpus, batch_size, num_steps):
        if detach:
            for s in state:
                s.detach_()
        inputs = F.one_hot(X.T, vocab_size).float()
        outputs, state = rnn(inputs, state, params)  # forward only
        loss = F.cross_entropy(torch.cat(outputs), Y.T.reshape(-1))
        steps.append(steps_to_backprop(loss))
    print("with detach_:" if detach else "no detach:   ", steps)
# --8<-- [end:graph_growth]

# --8<-- [start:retain_graph]
# raises: RuntimeError
torch.manual_seed(0)
params = get_params()
state = init_rnn_state(batch_size, num_hiddens, device)
for X, Y in data_iter_consecutive(corpus_indices, batch_size, num_steps):
    inputs = F.one_hot(X.T, vocab_size).float()
    outputs, state = rnn(inputs, state, params)
    loss = F.cross_entropy(torch.cat(outputs), Y.T.reshape(-1))
    loss.backward(retain_graph=True)  # keep the graph for the next minibatch
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad  # …but the parameters change in place
            param.grad.zero_()
    print(f"loss {loss.item():.4f}")
# --8<-- [end:retain_graph]

# --8<-- [start:detach_builtin]
print(type(torch.Tensor.detach_))
print(inspect.getdoc(torch.Tensor.detach_))
# --8<-- [end:detach_builtin]


# --8<-- [start:detach_in_place]
def describe(t):
    name = t.grad_fn.name() if t.grad_fn is not None else None
    return (
        f"grad_fn={name}, requires_grad={t.requires_grad}, is_leaf={t.is_leaf}"
    )


a = torch.tensor([1.0, 2.0], requires_grad=True)
h = a * 2  # computed from a: not a leaf, has a grad_fn
print("before:", describe(h))
same_object = h.detach_() is h
print("after: ", describe(h))
print("same object:", same_object, " value kept:", h)
# --8<-- [end:detach_in_place]

# --8<-- [start:detach_copy]
h = a * 2
d = h.detach()  # a new tensor…
print(
    "new object:", d is not h, " same storage:", d.data_ptr() == h.data_ptr()
)
print("h:", describe(h))
print("d:", describe(d))
d[0] = 100.0  # …that shares h's data
print("h after writing into d:", h)
# --8<-- [end:detach_copy]

# --8<-- [start:detach_in_loop]
state = (a * 2,)
for s in state:
    s = s.detach()  # rebinds the loop variable; the tuple is unchanged
print("detach() in loop: ", describe(state[0]))
for s in state:
    s.detach_()  # changes the tensor inside the tuple
print("detach_() in loop:", describe(state[0]))
# --8<-- [end:detach_in_loop]

# --8<-- [start:detach_view]
# raises: RuntimeError
h = a * 2
row = h[:1]  # a view of h
print("row is a view:", row._base is h)
row.detach_()
# --8<-- [end:detach_view]


# --8<-- [start:figure_partitions]
def figure_partitions():
    random.seed(0)
    schemes = [
        list(data_iter_random(corpus_indices, batch_size, num_steps)),
        list(data_iter_consecutive(corpus_indices, batch_size, num_steps)),
    ]
    fig, axes = plt.subplots(2, 1, figsize=(8, 2.6), layout="constrained")
    for ax, batches in zip(axes, schemes, strict=True):
        for t in range(len(corpus_indices)):  # every token, outlined
            ax.add_patch(
                plt.Rectangle((t, 0), 1, 1, fill=False, ec="grey", lw=0.5)
            )
            ax.text(t + 0.5, 0.25, str(t), ha="center", fontsize=7)
        for b, (X, _) in enumerate(batches):  # minibatch b + 1
            for r, row in enumerate(X):  # row r + 1 of that minibatch
                start = row[0].item()
                ax.add_patch(
                    plt.Rectangle(
                        (start, 0), num_steps, 1, color=f"C{b}", alpha=0.35
                    )
                )
                label = rf"$X^{{({b + 1})}}_{{{r + 1}}}$"
                ax.text(start + num_steps / 2, 0.62, label, ha="center")
        (X1, _), (X2, _) = batches
        for r in range(batch_size):
            if X2[r, 0] == X1[r, -1] + 1:  # row r goes on: the state carries
                edge = X2[r, 0].item()
                ax.annotate(
                    "",
                    xy=(edge + 0.9, 0.88),
                    xytext=(edge - 0.9, 0.88),
                    arrowprops={"arrowstyle": "->", "color": "grey"},
                )
                ax.text(edge, 0.9, "$H$", ha="center", va="bottom")
        ax.set(xlim=(0, len(corpus_indices)), ylim=(0, 1.12))
        ax.axis("off")
    return fig


# --8<-- [end:figure_partitions]
