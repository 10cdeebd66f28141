# Classic CNNs: the code of docs/cnn.md and cnn.en.md.
# Every section runs at build time; the page shows it and what it printed.

# --8<-- [start:setup]
import torch
from torch import nn

torch.manual_seed(0)
torch.set_printoptions(precision=4, linewidth=72)
# --8<-- [end:setup]


# --8<-- [start:layer_table]
def layer_table(build, shape):
    """Build a network on the meta device and dry-run one input through it.

    Meta tensors have a shape and a dtype but no data: nothing is stored
    and nothing is computed, yet every lazy layer learns its input shape.
    """
    with torch.device("meta"):
        model = build()
        x = torch.zeros(1, *shape)  # a batch of one example
    layers = model.net if hasattr(model, "net") else model
    print(f"{'layer':<19}{'output shape':<20}{'parameters':>12}")
    for layer in layers:
        x = layer(x)
        name, out_shape = type(layer).__name__, str(tuple(x.shape))
        count = sum(p.numel() for p in layer.parameters())
        print(f"{name:<19}{out_shape:<20}{count:>12,}")
    total = sum(p.numel() for p in model.parameters())
    print(f"{'total':<39}{total:>12,}")
    return model


# softmax regression on 28×28 images: 784 × 10 weights + 10 biases
softmax_regression = layer_table(
    lambda: nn.Sequential(nn.Flatten(), nn.LazyLinear(10)), (1, 28, 28)
)
# --8<-- [end:layer_table]


# fmt: off
# --8<-- [start:lenet]
def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10))


lenet_model = layer_table(lenet, (1, 28, 28))
# --8<-- [end:lenet]
# fmt: on


# fmt: off
# --8<-- [start:alexnet]
def alexnet(num_classes=10):
    return nn.Sequential(
        nn.LazyConv2d(96, kernel_size=11, stride=4, padding=1),
        nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.LazyConv2d(256, kernel_size=5, padding=2), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.LazyConv2d(384, kernel_size=3, padding=1), nn.ReLU(),
        nn.LazyConv2d(384, kernel_size=3, padding=1), nn.ReLU(),
        nn.LazyConv2d(256, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2), nn.Flatten(),
        nn.LazyLinear(4096), nn.ReLU(), nn.Dropout(p=0.5),
        nn.LazyLinear(4096), nn.ReLU(), nn.Dropout(p=0.5),
        nn.LazyLinear(num_classes))


alexnet_model = layer_table(alexnet, (1, 224, 224))
# --8<-- [end:alexnet]
# fmt: on

# --8<-- [start:lazy_parameters]
lazy = alexnet()  # on the CPU this time, and no forward pass yet
print(lazy[0])
print(lazy[0].weight)
try:
    sum(p.numel() for p in lazy.parameters())
except ValueError as error:
    print("ValueError:", str(error).split(" in ")[0])
# --8<-- [end:lazy_parameters]


# --8<-- [start:regularisation]
def count_layers(model, kind):
    return sum(isinstance(m, kind) for m in model.modules())


print("Dropout layers in LeNet:  ", count_layers(lenet_model, nn.Dropout))
print("Dropout layers in AlexNet:", count_layers(alexnet_model, nn.Dropout))
optimizer = torch.optim.SGD(lenet().parameters(), lr=0.1)
print("SGD's default weight_decay:", optimizer.defaults["weight_decay"])

w = nn.Parameter(torch.ones(3))
w.grad = torch.zeros(3)  # a zero gradient: only weight decay acts
torch.optim.SGD([w], lr=0.1, weight_decay=0.5).step()
print("one step with weight_decay=0.5:", w.detach())  # w - 0.1 * 0.5 * w
# --8<-- [end:regularisation]


# --8<-- [start:vgg_block]
def vgg_block(num_convs, out_channels):
    layers = []
    for _ in range(num_convs):
        layers.append(nn.LazyConv2d(out_channels, kernel_size=3, padding=1))
        layers.append(nn.ReLU())
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


print([type(layer).__name__ for layer in vgg_block(2, 256)])
# --8<-- [end:vgg_block]


# --8<-- [start:conv_parameters]
def conv_stack(n, k, c=256):  # n convolutions k×k, c channels in and out
    return [nn.Conv2d(c, c, kernel_size=k, padding=k // 2) for _ in range(n)]


with torch.device("meta"):  # only the counts are needed
    stacks = {
        "two 3×3": conv_stack(2, 3),
        "one 5×5": conv_stack(1, 5),
        "three 3×3": conv_stack(3, 3),
        "one 7×7": conv_stack(1, 7),
    }
print("256 channels in and out")
print(f"{'layers':<11}{'sees':>6}{'parameters':>12}{'ReLUs':>7}")
for name, layers in stacks.items():
    k = 1 + sum(layer.kernel_size[0] - 1 for layer in layers)  # stride 1
    count = sum(p.numel() for layer in layers for p in layer.parameters())
    print(f"{name:<11}{f'{k}×{k}':>6}{count:>12,}{len(layers):>7}")
# --8<-- [end:conv_parameters]


# --8<-- [start:init_cnn]
def init_cnn(module):  # d2l's Xavier initialisation for CNNs
    # d2l writes: type(module) == nn.Linear or type(module) == nn.Conv2d
    if type(module) in (nn.Linear, nn.Conv2d):  # exact types only
        nn.init.xavier_uniform_(module.weight)


lazy_conv = nn.LazyConv2d(8, kernel_size=3)
print("type of a lazy layer:", type(lazy_conv).__name__)
print("init_cnn's test:     ", type(lazy_conv) in (nn.Linear, nn.Conv2d))
print("isinstance(..., nn.Conv2d):", isinstance(lazy_conv, nn.Conv2d))
# --8<-- [end:init_cnn]


# fmt: off
# --8<-- [start:vgg_plain_class]
# raises: AttributeError
class VGG:  # as in the note: a plain class, not an nn.Module
    def __init__(self, arch, lr=0.1, num_classes=10):
        self.lr = lr
        self.num_classes = num_classes
        conv_blks = []
        for (num_convs, out_channels) in arch:
            conv_blks.append(vgg_block(num_convs, out_channels))
        self.net = nn.Sequential(
            *conv_blks, nn.Flatten(),
            nn.LazyLinear(4096), nn.ReLU(), nn.Dropout(0.5),
            nn.LazyLinear(4096), nn.ReLU(), nn.Dropout(0.5),
            nn.LazyLinear(num_classes))
        self.net.apply(init_cnn)


model = VGG(arch=((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)))
print("tensors in model.net.parameters():", len(list(model.net.parameters())))
print("an nn.Module:", isinstance(model, nn.Module))
model.parameters()
# --8<-- [end:vgg_plain_class]
# fmt: on


# fmt: off
# --8<-- [start:vgg]
class VGG(nn.Module):
    def __init__(self, arch, num_classes=10):
        super().__init__()
        conv_blks = []
        for (num_convs, out_channels) in arch:
            conv_blks.append(vgg_block(num_convs, out_channels))
        self.net = nn.Sequential(
            *conv_blks, nn.Flatten(),
            nn.LazyLinear(4096), nn.ReLU(), nn.Dropout(0.5),
            nn.LazyLinear(4096), nn.ReLU(), nn.Dropout(0.5),
            nn.LazyLinear(num_classes))

    def forward(self, X):
        return self.net(X)


vgg11_arch = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))
vgg11 = layer_table(lambda: VGG(vgg11_arch), (1, 224, 224))
# --8<-- [end:vgg]
# fmt: on


# --8<-- [start:init_skipped]
def small_net():  # the pattern of the note's VGG and NiN, in miniature
    return nn.Sequential(
        nn.LazyConv2d(8, kernel_size=3),
        nn.ReLU(),
        nn.Flatten(),
        nn.LazyLinear(10),
    )


x = torch.zeros(1, 1, 8, 8)
torch.manual_seed(0)
note_order = small_net()
print("before the dry run:", type(note_order[3]).__name__)
note_order.apply(init_cnn)  # what the note's __init__ does
note_order(x)  # the dry run creates the weights: default initialisation
print("after the dry run: ", type(note_order[3]).__name__)

torch.manual_seed(0)
no_init = small_net()
no_init(x)
same = torch.equal(note_order[3].weight, no_init[3].weight)
print("same weights as with no init_cnn at all:", same)
# --8<-- [end:init_skipped]

# --8<-- [start:init_uninitialized]
lazy_linear = small_net()[3]
try:
    nn.init.xavier_uniform_(lazy_linear.weight)
except ValueError as error:
    print("ValueError:", str(error).split(" in ")[0])
# --8<-- [end:init_uninitialized]


# --8<-- [start:init_after_dry_run]
def apply_init(model, inputs, init):  # d2l's order: dry run, then init
    model(inputs)
    model.apply(init)


torch.manual_seed(0)
d2l_order = small_net()
apply_init(d2l_order, x, init_cnn)
fan_in, fan_out = 8 * 6 * 6, 10  # of the Linear layer
for name, net in (("note order", note_order), ("d2l order", d2l_order)):
    largest = net[3].weight.abs().max().item()
    print(f"{name:<10}  largest |w| = {largest:.4f}")
default_bound = fan_in**-0.5
xavier_bound = (6 / (fan_in + fan_out)) ** 0.5
print(f"default bound 1/sqrt(fan_in):           {default_bound:.4f}")
print(f"Xavier bound sqrt(6/(fan_in + fan_out)): {xavier_bound:.4f}")
# --8<-- [end:init_after_dry_run]


# fmt: off
# --8<-- [start:nin_block]
def nin_block(out_channels, kernel_size, strides, padding):
    return nn.Sequential(
        nn.LazyConv2d(out_channels, kernel_size, strides, padding), nn.ReLU(),
        # 后接两层1*1型卷积核层
        nn.LazyConv2d(out_channels, kernel_size=1), nn.ReLU(),
        nn.LazyConv2d(out_channels, kernel_size=1), nn.ReLU())


print(nin_block(96, kernel_size=11, strides=4, padding=0)[0])
# --8<-- [end:nin_block]
# fmt: on

# --8<-- [start:strides_keyword]
# raises: TypeError
nn.LazyConv2d(96, kernel_size=11, strides=4)
# --8<-- [end:strides_keyword]


# --8<-- [start:nin_without_super]
# raises: AttributeError
class NiN(nn.Module):  # as in the note: __init__ skips super().__init__()
    def __init__(self, lr=0.1, num_classes=10):
        self.lr = lr
        self.num_classes = num_classes
        self.net = nn.Sequential(nin_block(96, 11, 4, 0))  # …and so on


NiN()
# --8<-- [end:nin_without_super]


# --8<-- [start:nin]
class NiN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.net = nn.Sequential(
            nin_block(96, kernel_size=11, strides=4, padding=0),
            nn.MaxPool2d(3, stride=2),
            nin_block(256, kernel_size=5, strides=1, padding=2),
            nn.MaxPool2d(3, stride=2),
            nin_block(384, kernel_size=3, strides=1, padding=1),
            nn.MaxPool2d(3, stride=2),
            nn.Dropout(0.5),
            nin_block(num_classes, kernel_size=3, strides=1, padding=1),
            nn.AdaptiveAvgPool2d((1, 1)),
            nn.Flatten(),
        )

    def forward(self, X):
        return self.net(X)


nin = layer_table(NiN, (1, 224, 224))
# --8<-- [end:nin]

# --8<-- [start:gap_nonlinearity]
torch.manual_seed(0)
# what the 3×3 conv + ReLU of NiN's last block hands on: 10 channels, 5×5
features = torch.relu(torch.randn(1, 10, 5, 5))
conv1 = nn.Conv2d(10, 10, kernel_size=1)  # the block's two 1×1 convs
conv2 = nn.Conv2d(10, 10, kernel_size=1)
gap = nn.AdaptiveAvgPool2d((1, 1))


def pool_last(x, act):  # NiN's order: 1×1 convs, then the average
    return gap(act(conv2(act(conv1(x)))))


def pool_first(x, act):  # the average first, then the same layers
    return act(conv2(act(conv1(gap(x)))))


differences = {}
with torch.no_grad():
    for name, act in (("no ReLU", nn.Identity()), ("with ReLU", nn.ReLU())):
        gap_out = pool_last(features, act)
        diff = (gap_out - pool_first(features, act)).abs().max().item()
        differences[name] = diff
        print(f"{name:<9}  largest difference between the orders: {diff:.1e}")
print("output shape:", tuple(gap_out.shape))
# --8<-- [end:gap_nonlinearity]


# --8<-- [start:merge_1x1]
# the note's W = W2 W1 and b = W2 b1 + b2, for the two 1×1 convs above
W1, W2 = conv1.weight[:, :, 0, 0], conv2.weight[:, :, 0, 0]
merged = nn.Conv2d(10, 10, kernel_size=1)
with torch.no_grad():
    merged.weight.copy_((W2 @ W1)[:, :, None, None])
    merged.bias.copy_(W2 @ conv1.bias + conv2.bias)
    merge_diff = (conv2(conv1(features)) - merged(features)).abs().max()
print(f"two 1×1 convs vs the merged one: {merge_diff.item():.1e}")
# --8<-- [end:merge_1x1]

# --8<-- [start:compare]
models = {
    "LeNet": lenet_model,
    "AlexNet": alexnet_model,
    "VGG-11": vgg11,
    "NiN": nin,
}
print(f"{'network':<9}{'parameters':>13}{'float32':>10}{'in Linear':>11}")
for name, net in models.items():
    total = sum(p.numel() for p in net.parameters())
    linears = [m for m in net.modules() if isinstance(m, nn.Linear)]
    dense = sum(p.numel() for m in linears for p in m.parameters())
    megabytes = 4 * total / 1e6
    print(f"{name:<9}{total:>13,}{megabytes:>7.1f} MB{dense / total:>11.1%}")
# --8<-- [end:compare]
