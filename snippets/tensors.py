# Tensor operations: the code of docs/tensors.md and tensors.en.md.
# Every section runs at build time; the page shows it and what it printed.

# --8<-- [start:setup]
import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(0)
torch.set_printoptions(precision=4, linewidth=72)
# --8<-- [end:setup]

# --8<-- [start:arithmetic]
a = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
b = torch.tensor([[2.0, 2.0, 2.0], [4.0, 4.0, 4.0]])  # the same shape
print("a + b =", a + b, sep="\n")  # element by element
print("a / b =", a / b, sep="\n")
print("add(a, b) == a + b:", torch.equal(torch.add(a, b), a + b))
print("sub(a, b) == a - b:", torch.equal(torch.sub(a, b), a - b))
print("mul(a, b) == a * b:", torch.equal(torch.mul(a, b), a * b))
print("div(a, b) == a / b:", torch.equal(torch.div(a, b), a / b))
# --8<-- [end:arithmetic]

# --8<-- [start:floor_division]
p = torch.tensor([7, -7])
print("p / 2  =", p / 2)  # true division, even for integers
print("p // 2 =", p // 2)  # floor: rounds towards -inf
print("trunc  =", torch.div(p, 2, rounding_mode="trunc"))
print("Python: 7 // 2 =", 7 // 2, "  -7 // 2 =", -7 // 2)
# --8<-- [end:floor_division]

# --8<-- [start:broadcasting]
col = torch.tensor([[0], [1], [2]])  # shape (3, 1): one column
row = torch.tensor([[0, 10]])  # shape (1, 2): one row
print("col + row =", col + row, sep="\n")  # both stretched to (3, 2)
print("(3, 1) + (1, 2) ->", tuple((col + row).shape))
# --8<-- [end:broadcasting]

# --8<-- [start:broadcast_missing]
grid = torch.zeros(3, 4)
v4 = torch.tensor([1.0, 2.0, 3.0, 4.0])  # (4,) is read as (1, 4)
print(grid + v4)  # the row v4, repeated 3 times
print("(3, 4) + (4,) ->", tuple((grid + v4).shape))
both = torch.broadcast_shapes((2, 1, 4), (3, 1))  # (3, 1) is read as (1, 3, 1)
print("(2, 1, 4) and (3, 1) ->", tuple(both))
# --8<-- [end:broadcast_missing]

# --8<-- [start:broadcast_behind]
# raises: RuntimeError
v3 = torch.tensor([1.0, 2.0, 3.0])
grid + v3  # (3,) is read as (1, 3), never as (3, 1): 3 against 4
# --8<-- [end:broadcast_behind]

# --8<-- [start:broadcast_unsqueeze]
print("v3.unsqueeze(1):", tuple(v3.unsqueeze(1).shape))  # a 1 behind
print(grid + v3.unsqueeze(1))  # (3, 4) + (3, 1) -> (3, 4)
# --8<-- [end:broadcast_unsqueeze]

# --8<-- [start:elementwise_vs_matmul]
m = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
n = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
print("m * n =", m * n, sep="\n")  # element by element
print("m @ n =", m @ n, sep="\n")  # rows times columns
products = [torch.mm(m, n), torch.matmul(m, n), m @ n]
print("mm, matmul, @ agree:", all(torch.equal(r, m @ n) for r in products))
# --8<-- [end:elementwise_vs_matmul]

# --8<-- [start:mm_only_2d]
# raises: RuntimeError
batch = torch.rand(5, 3, 4)
torch.mm(batch, torch.rand(4, 2))
# --8<-- [end:mm_only_2d]

# --8<-- [start:matmul_batch]
x = torch.rand(4, 3, 28, 64)
print((x @ torch.rand(4, 3, 64, 32)).shape)  # batch dims (4, 3) kept
print((x @ torch.rand(4, 1, 64, 32)).shape)  # (4, 1) broadcast to (4, 3)
print((x @ torch.rand(64, 32)).shape)  # one matrix for the whole batch
# --8<-- [end:matmul_batch]

# --8<-- [start:matmul_broadcast_itself]
w1 = torch.rand(4, 1, 64, 32)  # one matrix per image, for all 3 channels
out = x @ w1  # no expand, no loop: matmul stretches (4, 1) to (4, 3)
pairs = [(i, c) for i in range(4) for c in range(3)]
ok = all(torch.allclose(out[i, c], x[i, c] @ w1[i, 0]) for i, c in pairs)
print("out[i, c] == x[i, c] @ w1[i, 0] for every i, c:", ok)
# --8<-- [end:matmul_broadcast_itself]

# --8<-- [start:matmul_batch_mismatch]
# raises: RuntimeError
x @ torch.rand(4, 64, 32)  # batch dims (4, 3) and (4,): 3 against 4
# --8<-- [end:matmul_batch_mismatch]

# --8<-- [start:matmul_dot]
u = torch.tensor([1.0, 2.0, 3.0])
v = torch.tensor([4.0, 5.0, 6.0])
print("u * v         =", u * v)  # element by element: still 3 numbers
print("u @ v         =", u @ v)  # dot product: multiply, then add up
print("(u * v).sum() =", (u * v).sum())
print("shape of u @ v:", tuple((u @ v).shape))  # 0-d: a scalar
# --8<-- [end:matmul_dot]

# --8<-- [start:matmul_prepend]
vec = torch.rand(3)
mat = torch.rand(3, 4)
print("vec:", tuple(vec.shape), "  mat:", tuple(mat.shape))
lifted = vec.unsqueeze(0)  # prepend a 1: (3,) -> (1, 3)
print("(1, 3) @ (3, 4) ->", tuple((lifted @ mat).shape))
print("remove the 1     ->", tuple((lifted @ mat).squeeze(0).shape))
print("vec @ mat        ->", tuple((vec @ mat).shape))
print("same values:", torch.equal(vec @ mat, (lifted @ mat).squeeze(0)))
print("(3,) @ (2, 3, 4) ->", tuple((vec @ torch.rand(2, 3, 4)).shape))
print("(4, 3) @ (3,)    ->", tuple((mat.T @ vec).shape))  # 1 appended
# --8<-- [end:matmul_prepend]

# --8<-- [start:linear_weight_shape]
images = torch.rand(4, 784)  # 4 images of 28x28 pixels, flattened
w = torch.rand(512, 784)  # a 512x784 tensor; rand knows no "in" or "out"
print("(images @ w.t()).shape:", tuple((images @ w.t()).shape))
layer = nn.Linear(784, 512)  # in_features=784, out_features=512
print("nn.Linear(784, 512).weight:", tuple(layer.weight.shape))
by_hand = images @ layer.weight.t() + layer.bias
print("layer(x) == x @ W.t() + b:", torch.allclose(layer(images), by_hand))
# --8<-- [end:linear_weight_shape]

# --8<-- [start:pow_sqrt]
t = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
sq = t.pow(2)
print("t.pow(2) =", sq, sep="\n")
print("t ** 2 == t.pow(2):", torch.equal(t**2, sq))
print("sq.sqrt() =", sq.sqrt(), sep="\n")
print("sq ** 0.5 == sq.sqrt():", torch.equal(sq**0.5, sq.sqrt()))
print("sq.rsqrt() =", sq.rsqrt(), sep="\n")  # 1 / sqrt
# --8<-- [end:pow_sqrt]

# --8<-- [start:pow_is_elementwise]
print("t.pow(2) =", t.pow(2), sep="\n")  # each entry squared
print("t @ t =", t @ t, sep="\n")  # the square of the matrix
same = torch.equal(torch.linalg.matrix_power(t, 2), t @ t)
print("matrix_power(t, 2) == t @ t:", same)
# --8<-- [end:pow_is_elementwise]

# --8<-- [start:exp_log]
e = torch.exp(torch.ones(1))
print("exp(1)    =", e)
print(f"log(e)    = {torch.log(e).item():.4f}")  # natural log: base e
ten = torch.tensor([10.0])
print("log(10)   =", torch.log(ten), "  log10(10) =", torch.log10(ten))
print("log2(8)   =", torch.log2(torch.tensor([8.0])))
print("log10(1000) =", torch.log10(torch.tensor([1000.0])))
# --8<-- [end:exp_log]

# --8<-- [start:rounding]
r = torch.tensor([3.14, -3.14, 3.5, -3.5])
print("r       :", r)
print("floor() :", r.floor())  # towards -inf
print("ceil()  :", r.ceil())  # towards +inf
print("round() :", r.round())  # to the nearest integer
print("trunc() :", r.trunc())  # towards 0: the integer part
print("frac()  :", r.frac())  # the fractional part, with the sign
print("trunc() + frac() == r:", torch.equal(r.trunc() + r.frac(), r))
# --8<-- [end:rounding]

# --8<-- [start:round_half_even]
h = torch.tensor([0.5, 1.5, 2.5, 3.5, -0.5, -2.5])
print("x              :", h)
print("torch.round(x) :", torch.round(h))  # ties go to the even integer
half_away = h.sign() * (h.abs() + 0.5).floor()  # 四舍五入 at school
print("half away from 0:", half_away)
print("Python round(2.5) =", round(2.5))
print("-0. == 0.:", (torch.round(h)[4] == 0).item())  # negative zero
# --8<-- [end:round_half_even]

# --8<-- [start:clamp]
g = torch.randn(2, 3) * 10
print(g)
print("clamp(10)    :", g.clamp(10), sep="\n")  # min only
print("clamp(0, 10) :", g.clamp(0, 10), sep="\n")
print("clamp(max=10):", g.clamp(max=10), sep="\n")
# --8<-- [end:clamp]

# --8<-- [start:grad_norm]
weight = torch.randn(3, 4, requires_grad=True)
inputs = torch.randn(8, 4) * 10  # large inputs give large gradients
loss = (inputs @ weight.t()).pow(2).mean()
loss.backward()
print("weight.grad.norm(2)      =", weight.grad.norm(2))
print("vector_norm(weight.grad) =", torch.linalg.vector_norm(weight.grad))
print("sqrt of sum of squares   =", weight.grad.pow(2).sum().sqrt())
# --8<-- [end:grad_norm]

# --8<-- [start:grad_norm_not_w]
print(f"weight.norm(2)      = {weight.norm(2).item():.4f}")  # of w itself
print(f"weight.grad.norm(2) = {weight.grad.norm(2).item():.4f}")  # of .grad
print("shapes:", tuple(weight.shape), tuple(weight.grad.shape))
# --8<-- [end:grad_norm_not_w]

# --8<-- [start:grad_norm_scale]
for scale in (10, 1):  # the inputs above, then the same data unscaled
    w_s = weight.detach().requires_grad_()  # same values, its own .grad
    ((inputs / 10 * scale) @ w_s.t()).pow(2).mean().backward()
    print(f"inputs x {scale:>2}: grad norm = {w_s.grad.norm(2).item():.4f}")
# --8<-- [end:grad_norm_scale]

# --8<-- [start:clip_grad_norm]
model = nn.Linear(4, 3)
model(inputs).pow(2).mean().backward()
before = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
norms = [p.grad.norm(2) for p in model.parameters()]  # weight, bias
after = torch.stack(norms).norm(2)  # all gradients as one vector
print(f"total norm before clipping: {before.item():.4f}")
print(f"total norm after clipping:  {after.item():.4f}")
# --8<-- [end:clip_grad_norm]

# --8<-- [start:clip_grad_value]
w_c = weight.detach().requires_grad_()  # same values, its own .grad
(inputs @ w_c.t()).pow(2).mean().backward()  # the gradient of weight above
print("before:", w_c.grad, sep="\n")
nn.utils.clip_grad_value_([w_c], clip_value=10.0)
print("after clip_grad_value_(10):", w_c.grad, sep="\n")
same = torch.equal(w_c.grad, weight.grad.clamp(-10, 10))
print("== weight.grad.clamp(-10, 10):", same)
# --8<-- [end:clip_grad_value]

# --8<-- [start:norms]
q = torch.arange(8.0).view(2, 4) - 3
print(q)
print("q.norm(1) =", q.norm(1))  # sum of |x|
print("q.norm(2) =", q.norm(2))  # sqrt of the sum of x²
print("q.norm(1, dim=1) =", q.norm(1, dim=1))  # one norm per row
print("q.norm(2, dim=1) =", q.norm(2, dim=1))
print("q.norm(1, dim=0) =", q.norm(1, dim=0))  # one norm per column
# --8<-- [end:norms]

# --8<-- [start:norm_vs_normalize]
unit_rows = F.normalize(q, p=2, dim=1)  # each row divided by its norm
print(unit_rows)
print("shape:", tuple(unit_rows.shape))  # the same shape as q
print("row norms:", unit_rows.norm(2, dim=1))
# --8<-- [end:norm_vs_normalize]

# --8<-- [start:linalg_norms]
doc = torch.norm.__doc__.splitlines()
print(next(line.strip() for line in doc if "deprecated" in line))
vector_norm, matrix_norm = torch.linalg.vector_norm, torch.linalg.matrix_norm
print("vector_norm(q, 1)          =", vector_norm(q, 1))
print("vector_norm(q, 2, dim=1)   =", vector_norm(q, 2, dim=1))
print("matrix_norm(q) (Frobenius) =", matrix_norm(q))
print("q.norm(2)                  =", q.norm(2))  # 8 numbers, one vector
print("torch.linalg.norm(q, 2)    =", torch.linalg.norm(q, 2))  # spectral!
print("largest singular value     =", torch.linalg.svdvals(q)[0])
# --8<-- [end:linalg_norms]

# --8<-- [start:reductions]
s = torch.arange(1.0, 9.0).view(2, 4)
print(s)
print("min, max:", s.min().item(), s.max().item())
print("sum, prod:", s.sum().item(), s.prod().item())
print("mean:", s.mean().item(), "  sum / numel:", (s.sum() / s.numel()).item())
print("numel = 2 x 4 =", s.numel())
# --8<-- [end:reductions]

# --8<-- [start:mean_needs_float]
# raises: RuntimeError
torch.arange(1, 9).mean()  # integers: mean() wants floating point
# --8<-- [end:mean_needs_float]

# --8<-- [start:argmax]
logits = torch.randn(4, 10)  # scores of 4 images over 10 classes
flat = logits.argmax()
print("argmax()      :", flat)  # an index into the flattened tensor
print("as (row, col) :", torch.unravel_index(flat, logits.shape))
print("flattened max :", logits.flatten()[flat] == logits.max())
print("argmax(dim=1) :", logits.argmax(dim=1))  # one index per row
print("argmin(dim=1) :", logits.argmin(dim=1))
# --8<-- [end:argmax]

# --8<-- [start:dim_keepdim]
best = logits.max(dim=1)  # values and indices, dim 1 is gone
print("values :", best.values)
print("indices:", best.indices)
print("shape          :", tuple(best.values.shape))
kept = logits.max(dim=1, keepdim=True)
print("keepdim=True   :", tuple(kept.values.shape))
print("keepdim lets it broadcast:", tuple((logits - kept.values).shape))
# --8<-- [end:dim_keepdim]

# --8<-- [start:topk]
top3 = logits.topk(3)  # dim not given: the last dimension
print("topk(3).indices =", top3.indices, sep="\n")
same = torch.equal(top3.indices, logits.topk(3, dim=1).indices)
print("same as dim=1:", same)
low3 = logits.topk(3, dim=1, largest=False)
print("smallest 3 =", low3.values, sep="\n")
# --8<-- [end:topk]

# --8<-- [start:kthvalue]
row = torch.tensor([5.0, 1.0, 4.0, 2.0, 3.0])
print(row.kthvalue(2))  # the 2nd smallest: 2., found at index 3
k = 2
print("2nd largest:", row.kthvalue(row.numel() - k + 1).values)
eighth = logits.kthvalue(8, dim=1).values  # 8th smallest of 10
print("8th smallest == 3rd largest:", torch.equal(eighth, top3.values[:, 2]))
# --8<-- [end:kthvalue]

# --8<-- [start:comparison]
c = torch.tensor([-1.5, 0.0, 2.0])
print("c > 0    :", c > 0)
print("dtype    :", (c > 0).dtype)
print("as 0 / 1 :", (c > 0).int())  # only if you ask for it
print("count > 0:", (c > 0).sum())  # True counts as 1 in sum
# --8<-- [end:comparison]

# --8<-- [start:comparison_shape]
scores = torch.tensor([[1.0, 5.0], [7.0, 3.0]])
limits = torch.tensor([2.0, 4.0])  # (2,): one limit per column
print(scores > limits)  # (2, 2) against (2,): broadcast
print("shape of (2, 1) > (2,):", tuple((limits.unsqueeze(1) > limits).shape))
# --8<-- [end:comparison_shape]

# --8<-- [start:eq_vs_equal]
x1 = torch.tensor([1, 2, 3])
x2 = torch.tensor([1, 0, 3])
print("torch.eq(x1, x2)   :", torch.eq(x1, x2))  # same as x1 == x2
print("torch.equal(x1, x2):", torch.equal(x1, x2))  # one Python bool
print("torch.equal(x1, x1):", torch.equal(x1, x1))
print("types:", type(torch.eq(x1, x2)).__name__, type(torch.equal(x1, x2)))
# --8<-- [end:eq_vs_equal]

# --8<-- [start:where]
cond = torch.rand(2, 2)
print(cond)
print(torch.where(cond > 0.5, torch.zeros(2, 2), torch.ones(2, 2)))
# --8<-- [end:where]

# --8<-- [start:where_broadcasts]
mask = torch.tensor([[True, False, True], [False, True, False]])  # (2, 3)
ones = torch.tensor([1, 2, 3])  # (3,)
minus = torch.tensor([[-1], [-2]])  # (2, 1)
picked = torch.where(mask, ones, minus)
print(picked)
print("shapes (2, 3), (3,), (2, 1) ->", tuple(picked.shape))
print("scalars work too:", torch.where(mask, 1, 0), sep="\n")
# --8<-- [end:where_broadcasts]

# --8<-- [start:gather]
label = torch.arange(10) + 100  # the table: class i is called 100 + i
print("top-3 classes of each image:", top3.indices, sep="\n")
names = torch.gather(label.expand(4, 10), dim=1, index=top3.indices)
print("looked up in the table:", names, sep="\n")
# --8<-- [end:gather]

# --8<-- [start:expand_view]
table = label.expand(4, 10)  # a new leading dimension of size 4
print("shape :", tuple(label.shape), "->", tuple(table.shape))
print("stride:", label.stride(), "->", table.stride())  # 0: no step
print("same memory:", table.data_ptr() == label.data_ptr())
same_view = torch.broadcast_to(label, (4, 10))
print("broadcast_to:", tuple(same_view.shape), same_view.stride())
print("same values:", torch.equal(table, same_view))
# --8<-- [end:expand_view]

# --8<-- [start:expand_rule]
# raises: RuntimeError
label.expand(10, 4)  # new dimensions go in front, as in broadcasting
# --8<-- [end:expand_rule]

# --8<-- [start:gather_no_broadcast]
# raises: RuntimeError
torch.gather(label, dim=-1, index=top3.indices)  # gather does not broadcast
# --8<-- [end:gather_no_broadcast]

# --8<-- [start:broadcast_instead]
print(label[top3.indices])  # indexing with a (4, 3) tensor: same lookup
print("same as gather:", torch.equal(label[top3.indices], names))
shifted = label + torch.zeros(4, 1, dtype=label.dtype)  # (10,) + (4, 1)
print("label + zeros(4, 1):", tuple(shifted.shape), shifted.stride())
# --8<-- [end:broadcast_instead]
