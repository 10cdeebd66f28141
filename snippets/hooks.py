# Hooks and weight normalisation: the code of docs/hooks.md and hooks.en.md.
# Every section runs at build time; the page shows it and what it printed.

# --8<-- [start:setup]
import torch
from torch import nn
from torch.nn.utils import parametrizations

torch.manual_seed(0)
torch.set_printoptions(precision=4, linewidth=72)
# --8<-- [end:setup]

# --8<-- [start:intermediate_grad]
# warns: UserWarning
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x  # an intermediate tensor: computed from x, not a leaf
z = y.mean()
z.backward()
print("x.grad =", x.grad)  # leaf: kept
print("y.is_leaf =", y.is_leaf, " y.grad =", y.grad)  # intermediate: lost
# --8<-- [end:intermediate_grad]

# --8<-- [start:tensor_hook]
saved = []


def save_grad(grad):
    saved.append(grad)  # returns None: the gradient flows on unchanged


x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x
handle = y.register_hook(save_grad)
y.mean().backward()
print("dz/dy saved by the hook:", saved[0])
print("x.grad:", x.grad)
# --8<-- [end:tensor_hook]

# --8<-- [start:retain_grad]
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x
y.retain_grad()  # ask autograd to keep this non-leaf gradient in y.grad
y.mean().backward()
print("y.grad:", y.grad)
# --8<-- [end:retain_grad]

# --8<-- [start:tensor_hook_changes_grad]
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x
z = y.mean()
handle = y.register_hook(lambda grad: grad * 10)  # returns a new gradient
z.backward(retain_graph=True)  # keep the graph for a second backward
print("with the hook:   x.grad =", x.grad)

handle.remove()  # the handle undoes the registration
x.grad = None
z.backward()  # the same graph and the same y, now without the hook
print("hook removed:    x.grad =", x.grad)
# --8<-- [end:tensor_hook_changes_grad]


# --8<-- [start:model]
class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(4, 1)
        with torch.no_grad():  # the fixed weights of the original blog post
            self.fc1.weight.copy_(
                torch.tensor(
                    [[1.0, 2, 3], [-4, -5, -6], [7, 8, 9], [-10, -11, -12]]
                )
            )
            self.fc1.bias.copy_(torch.tensor([1.0, 2, 3, 4]))
            self.fc2.weight.copy_(torch.tensor([[1.0, 2, 3, 4]]))
            self.fc2.bias.copy_(torch.tensor([1.0]))

    def forward(self, x):
        o = self.fc1(x)
        o = self.relu1(o)
        o = self.fc2(o)
        return o


model = Model()
print(model)
# --8<-- [end:model]

# --8<-- [start:forward_hooks]
features = {}


def remember(name):
    def hook(module, args, output):  # args: the positional inputs, a tuple
        features[name] = (args[0].detach(), output.detach())

    return hook


def log_input(module, args):
    print("forward pre-hook: the model gets", args[0])


handles = [model.register_forward_pre_hook(log_input)]
for name, child in model.named_children():
    handles.append(child.register_forward_hook(remember(name)))

out = model(torch.tensor([[1.0, 1.0, 1.0]]))
for name, (inp, outp) in features.items():
    print(f"{name:>5}: {inp} -> {outp}")
for h in handles:
    h.remove()
# --8<-- [end:forward_hooks]

# --8<-- [start:forward_pre_hook_changes_input]
ones = torch.tensor([[1.0, 1.0, 1.0]])
double = model.register_forward_pre_hook(lambda module, args: (2 * args[0],))
print("pre-hook doubles the input:", model(ones).item())
double.remove()
print("pre-hook removed:          ", model(ones).item())
# --8<-- [end:forward_pre_hook_changes_input]

# --8<-- [start:full_backward_hook]
total_grad_out = []
total_grad_in = []


def hook_fn_backward(module, grad_input, grad_output):
    print("In the hook_fn_backward")  # the line the notes added
    print(module)
    print("grad_output", grad_output)
    print("grad_input", grad_input)
    total_grad_in.append(grad_input)
    total_grad_out.append(grad_output)


model = Model()
model.register_full_backward_hook(hook_fn_backward)

x = torch.tensor([[1.0, 1.0, 1.0]], requires_grad=True)
o = model(x)
o.backward()

print("==========Saved inputs and outputs==========")
for grad_out, grad_in in zip(total_grad_out, total_grad_in, strict=True):
    print("grad output: ", grad_out)
    print("grad input: ", grad_in)
# --8<-- [end:full_backward_hook]

# --8<-- [start:non_full_backward_hook]
# warns: FutureWarning
seen = []
old_style = Model()
old_style.register_backward_hook(lambda m, g_in, g_out: seen.append(g_in))

x = torch.tensor([[1.0, 1.0, 1.0]], requires_grad=True)
out = old_style(x)
out.backward()
print("last autograd node of the forward:", type(out.grad_fn).__name__)
for i, g in enumerate(seen[0]):
    print(f"grad_input[{i}] {tuple(g.shape)}: {g.flatten()}")
print("true gradient w.r.t. x:", x.grad)
# fc2 computes bias + h @ W2.T: d/dh is W2, d/d(W2.T) is h.T (ReLU's output)
w2, h = old_style.fc2.weight, features["relu1"][1]
print("grad_input[1] equals W2:           ", torch.equal(seen[0][1], w2))
print("grad_input[2] equals ReLU's output:", torch.equal(seen[0][2], h.T))
# --8<-- [end:non_full_backward_hook]

# --8<-- [start:grad_input_by_hand]
relu_mask = (features["fc1"][1] > 0).float()  # which fc1 outputs pass ReLU
w1, w2 = model.fc1.weight.detach(), model.fc2.weight.detach()
by_hand = total_grad_out[0][0] @ (w2 * relu_mask) @ w1
print("mask:", relu_mask)
print("grad_output @ (W2 * mask) @ W1 =", by_hand)
# --8<-- [end:grad_input_by_hand]


# --8<-- [start:scaled_loss]
def report(name):
    def hook(module, grad_input, grad_output):
        print(f"{name:>5}: grad_output {grad_output[0]}")
        print(f"{'':>5}  grad_input  {grad_input[0]}")

    return hook


model = Model()  # a fresh model: no hooks yet
model.register_full_backward_hook(report("model"))
x = torch.tensor([[1.0, 1.0, 1.0]], requires_grad=True)
(3 * model(x)).backward()  # the loss is now 3 × output
# --8<-- [end:scaled_loss]

# --8<-- [start:input_without_grad]
# warns: UserWarning
model(torch.tensor([[1.0, 1.0, 1.0]])).backward()  # no requires_grad
# --8<-- [end:input_without_grad]

# --8<-- [start:child_backward_hooks]
model = Model()
handles = [
    child.register_full_backward_hook(report(name))
    for name, child in model.named_children()
]
x = torch.tensor([[1.0, 1.0, 1.0]], requires_grad=True)
model(x).backward()
# --8<-- [end:child_backward_hooks]

# --8<-- [start:remove_hooks]
for h in handles:
    h.remove()
x.grad = None
model(x).backward()  # no hook prints any more
print("hooks removed; x.grad =", x.grad)
# --8<-- [end:remove_hooks]

# --8<-- [start:weight_norm_by_hand]
v = torch.randn(4, 3)  # direction: one row per output neuron
g = torch.tensor([[1.0], [2.0], [3.0], [4.0]])  # magnitude of each row
w = g * v / v.norm(dim=1, keepdim=True)
print("row norms of w:", w.norm(dim=1))
same = torch.allclose(
    w / w.norm(dim=1, keepdim=True), v / v.norm(dim=1)[:, None]
)
print("w and v point the same way:", same)
# --8<-- [end:weight_norm_by_hand]

# --8<-- [start:paper_reference]
for line in parametrizations.weight_norm.__doc__.splitlines():
    if "arxiv" in line:
        print(line.strip())
# --8<-- [end:paper_reference]

# --8<-- [start:weight_norm_legacy]
# warns: FutureWarning
legacy = torch.nn.utils.weight_norm(nn.Linear(3, 4))
for name, p in legacy.named_parameters():
    print(f"{name:<9} {tuple(p.shape)}")

with torch.no_grad():
    legacy.weight_g.fill_(1.0)  # every row should now have norm 1 ...
print("before forward, row norms:", legacy.weight.detach().norm(dim=1))
legacy(torch.ones(1, 3))  # ... but the weight is recomputed in a pre-hook
print("after forward,  row norms:", legacy.weight.detach().norm(dim=1))
# --8<-- [end:weight_norm_legacy]

# --8<-- [start:weight_norm_current]
layer = nn.Linear(3, 4)
before = layer.weight.detach().clone()
layer = parametrizations.weight_norm(layer)  # dim=0 by default
for name, p in layer.named_parameters():
    print(f"{name:<35} {tuple(p.shape)}")
g = layer.parametrizations.weight.original0  # magnitude
v = layer.parametrizations.weight.original1  # direction
print("v is the old weight:", torch.equal(v, before))
print("weight unchanged:", torch.allclose(layer.weight, before))
at_creation = torch.allclose(g, v.norm(dim=1, keepdim=True))
print("g = row norms of v:", at_creation)
print("old checkpoint loads:", layer.load_state_dict(legacy.state_dict()))
# --8<-- [end:weight_norm_current]


# --8<-- [start:weight_norm_dims]
def g_shape(module, dim):
    wn = parametrizations.weight_norm(module, dim=dim)
    return tuple(wn.parametrizations.weight.original0.shape)


print(" dim  | Linear(3, 4): w (4, 3) | Conv2d(2, 5, 3): w (5, 2, 3, 3)")
for dim in (0, 1, 2, 3, -2, -1, None):
    fits = dim is None or -2 <= dim <= 1  # Linear's weight has 2 dims
    lin = str(g_shape(nn.Linear(3, 4), dim)) if fits else "-"
    conv = str(g_shape(nn.Conv2d(2, 5, 3), dim))
    print(f"{dim!s:>5} | {lin:<22} | {conv}")
# --8<-- [end:weight_norm_dims]


# --8<-- [start:weight_norm_dim_minus_one]
# warns: FutureWarning
def g_shape_old(module, dim):  # the deprecated function the notes link to
    wn = torch.nn.utils.weight_norm(module, dim=dim)
    return tuple(wn.weight_g.shape)


# Conv2d(2, 5, 3) has a weight of shape (5, 2, 3, 3)
print("new function, dim=-1:", g_shape(nn.Conv2d(2, 5, 3), -1))
print("old function, dim=-1:", g_shape_old(nn.Conv2d(2, 5, 3), -1))
print("new function, dim=3: ", g_shape(nn.Conv2d(2, 5, 3), 3))
# --8<-- [end:weight_norm_dim_minus_one]

# --8<-- [start:weight_norm_gradients]
layer = parametrizations.weight_norm(nn.Linear(3, 4))
g = layer.parametrizations.weight.original0
v = layer.parametrizations.weight.original1
layer(torch.randn(8, 3)).pow(2).sum().backward()
print("g.grad:", g.grad.flatten())
print("v.grad shape:", tuple(v.grad.shape))
print("weight is a parameter?", "weight" in dict(layer.named_parameters()))
dots = (v * v.grad).sum(dim=1).detach()  # v · ∂L/∂v, one per row
print(f"largest |v · v.grad| over rows: {dots.abs().max():.1e}")
# --8<-- [end:weight_norm_gradients]
