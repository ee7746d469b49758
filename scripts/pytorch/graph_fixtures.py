#!/usr/bin/env python3
"""PyTorch fixtures for functional graphs (issue 15): a residual block, an Inception-style block and
a network with two inputs and two outputs. Each is one training step on a fixed batch, computed in
float64 with autograd and stored as float32 safetensors: the inputs, every weight, the outputs, the
loss, every weight's gradient, the weights after one Adam step (Keras's formulas and defaults),
the moving statistics of each BatchNormalization after the step, and the output of each merge
layer (forward.<layer>), where a mismatch shows first.

Everything is in annonet's (Keras's) layouts: activations NHWC, conv kernels (kh, kw, cin, cout),
Dense kernels (in, out). Keras's SAME padding is written out explicitly (PyTorch's is symmetric).
BatchNormalization normalizes with the biased batch variance and updates its moving statistics with
it (momentum 0.99, epsilon 1e-3, as Keras), by hand here. Weights are named <layer>.<weight> as
annonet's Model.weights() names them; gradients grad.<weight>, Adam results adam.<weight>.

The layers, in declaration order, with the names the Java declarations use (from: the layers a
layer reads; without it, the layer declared just before):

residual_block_step.safetensors: Input(8, 8, 4), batch 4, 5 classes
    image   Input(8, 8, 4)
    conv1   Conv2D(4, 3, SAME, useBias false)
    norm1   BatchNormalization
    relu1   Activation(relu)
    conv2   Conv2D(4, 3, SAME, useBias false)
    norm2   BatchNormalization
    add     Add(from = {norm2, image})
    relu    Activation(relu)
    pool    GlobalAveragePooling2D
    output  Dense(5, softmax)
  loss categorical cross-entropy.

inception_block_step.safetensors: Input(8, 8, 3), batch 4, 5 classes
    image       Input(8, 8, 3)
    branch1     Conv2D(4, 1, SAME, relu)                     from image
    branch3     Conv2D(4, 3, SAME, relu)                     from image
    branch5     Conv2D(4, 5, SAME, relu)                     from image
    pool        MaxPooling2D(pool 3, strides 1, SAME)        from image
    poolBranch  Conv2D(4, 1, SAME, relu)                     from pool
    merged      Concatenate(axis -1, from = {branch1, branch3, branch5, poolBranch})  -> (8, 8, 16)
    gap         GlobalAveragePooling2D
    output      Dense(5, softmax)
  loss categorical cross-entropy. SAME max pooling ignores the padding (as Keras and PyTorch).

two_inputs_step.safetensors: batch 6
    image   Input(8, 8, 1)
    vector  Input(5)
    conv    Conv2D(4, 3, VALID, relu)                        from image   -> (6, 6, 4)
    flat    Flatten                                                       -> 144
    merged  Concatenate(from = {flat, vector})                            -> 149
    hidden  Dense(16, relu)
    digit   Dense(10, softmax)       output 1                from hidden
    even    Dense(1, sigmoid)        output 2                from hidden
  inputs x.image, x.vector; targets y.digit (one-hot), y.even (0/1); outputs digit, even;
  loss = 1.0 * categorical cross-entropy(digit) + 0.5 * binary cross-entropy(even), each the mean
  over the batch (stored as loss, loss.digit, loss.even, Keras's loss, digit_loss, even_loss).

Run with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 scripts/pytorch/graph_fixtures.py [output-directory]
The output directory defaults to the samples' test resources (fixtures/).
"""
import os
import sys

import torch
import torch.nn.functional as F

from make_fixtures import write_safetensors

MOMENTUM, EPSILON = 0.99, 1e-3
ADAM = dict(lr=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-7)


class Weights:
    """Random float32-representable weights in float64, recorded by name for the fixture and autograd."""

    def __init__(self, seed):
        self.generator = torch.Generator().manual_seed(seed)
        self.values = {}
        self.params = {}

    def uniform(self, *shape, low=-1.0, high=1.0):
        values = torch.rand(*shape, generator=self.generator, dtype=torch.float64) * (high - low) + low
        return values.to(torch.float32).to(torch.float64)

    def add(self, name, *shape, low, high):
        self.values[name] = self.uniform(*shape, low=low, high=high)
        self.params[name] = self.values[name].clone().requires_grad_(True)
        return self.params[name]

    def conv(self, name, kernel, channels, filters, bias=True):
        self.add(name + ".kernel", kernel, kernel, channels, filters, low=-0.5, high=0.5)
        if bias:
            self.add(name + ".bias", filters, low=-0.1, high=0.1)

    def dense(self, name, inputs, units):
        self.add(name + ".kernel", inputs, units, low=-0.5, high=0.5)
        self.add(name + ".bias", units, low=-0.1, high=0.1)

    def norm(self, name, channels, scale=True, center=True):
        if scale:
            self.add(name + ".gamma", channels, low=0.5, high=1.5)
        if center:
            self.add(name + ".beta", channels, low=-0.2, high=0.2)

    def labels(self, batch, classes):
        labels = torch.randint(0, classes, (batch,), generator=self.generator)
        return F.one_hot(labels, classes).to(torch.float64)


def same_padding(size, kernel, stride):
    """Keras's SAME: the output is ceil(size / stride); an odd total pads the extra one after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def conv2d(x, weights, name, same, stride=1):
    """Keras's Conv2D on NHWC x with the (kh, kw, cin, cout) kernel and optional bias of layer name."""
    kernel = weights.params[name + ".kernel"]
    nchw = x.permute(0, 3, 1, 2)
    if same:
        top, bottom = same_padding(x.shape[1], kernel.shape[0], stride)
        left, right = same_padding(x.shape[2], kernel.shape[1], stride)
        nchw = F.pad(nchw, (left, right, top, bottom))
    y = F.conv2d(nchw, kernel.permute(3, 2, 0, 1), weights.params.get(name + ".bias"), stride=stride)
    return y.permute(0, 2, 3, 1)


def dense(x, weights, name):
    return x @ weights.params[name + ".kernel"] + weights.params[name + ".bias"]


def batch_norm(x, weights, name, moving):
    """Training-mode BatchNormalization over the last axis; records the moving statistics after the step.
    A layer without gamma (scale = False) or beta (center = False) scales by 1 or shifts by 0."""
    axes = tuple(range(x.dim() - 1))
    mean = x.mean(dim=axes)
    variance = x.var(dim=axes, unbiased=False)
    moving[name + ".moving_mean"] = (1 - MOMENTUM) * mean.detach()
    moving[name + ".moving_variance"] = MOMENTUM + (1 - MOMENTUM) * variance.detach()
    normalized = (x - mean) / torch.sqrt(variance + EPSILON)
    return normalized * weights.params.get(name + ".gamma", 1.0) + weights.params.get(name + ".beta", 0.0)


def categorical_crossentropy(logits, y):
    return -(y * torch.log_softmax(logits, dim=1)).sum(dim=1).mean()


def step_tensors(weights, loss):
    """Backpropagates loss; the weights, their gradients and their values after one Keras Adam step (t = 1)."""
    loss.backward()
    tensors = dict(weights.values)
    alpha = ADAM["lr"] * (1 - ADAM["beta2"]) ** 0.5 / (1 - ADAM["beta1"])
    for name, p in weights.params.items():
        g = p.grad.detach()
        m = (1 - ADAM["beta1"]) * g
        v = (1 - ADAM["beta2"]) * g * g
        tensors["grad." + name] = g
        tensors["adam." + name] = weights.values[name] - alpha * m / (torch.sqrt(v) + ADAM["epsilon"])
    return tensors


def write(out_dir, file_name, tensors, network, loss, losses_text):
    metadata = {
        "network": network,
        "loss": losses_text + "; one Adam step (Keras's defaults)",
        "writer": "scripts/pytorch/graph_fixtures.py, torch " + torch.__version__,
    }
    path = os.path.join(out_dir, file_name)
    write_safetensors(path, tensors, metadata)
    print("%s: loss %.6f, written to %s" % (file_name, loss.item(), os.path.abspath(path)))


def residual_block(out_dir):
    batch, size, channels, classes = 4, 8, 4, 5
    weights = Weights(20261207)
    x = weights.uniform(batch, size, size, channels)
    y = weights.labels(batch, classes)
    weights.conv("conv1", 3, channels, channels, bias=False)
    weights.norm("norm1", channels)
    weights.conv("conv2", 3, channels, channels, bias=False)
    weights.norm("norm2", channels)
    weights.dense("output", channels, classes)

    moving = {}
    relu1 = torch.relu(batch_norm(conv2d(x, weights, "conv1", same=True), weights, "norm1", moving))
    norm2 = batch_norm(conv2d(relu1, weights, "conv2", same=True), weights, "norm2", moving)
    add = norm2 + x
    logits = dense(torch.relu(add).mean(dim=(1, 2)), weights, "output")
    loss = categorical_crossentropy(logits, y)

    tensors = {"x": x, "y": y, "probabilities": torch.softmax(logits, dim=1), "loss": loss.detach().reshape(1),
               "forward.add": add}
    tensors.update(step_tensors(weights, loss))
    tensors.update(moving)
    write(out_dir, "residual_block_step.safetensors", tensors,
          "image Input(8, 8, 4) -> conv1 Conv2D(4, 3, SAME, no bias) -> norm1 BatchNormalization -> relu1"
          " -> conv2 Conv2D(4, 3, SAME, no bias) -> norm2 BatchNormalization; add Add(norm2, image) -> relu"
          " -> pool GlobalAveragePooling2D -> output Dense(5, softmax)",
          loss, "categorical cross-entropy, mean over the batch")


def inception_block(out_dir):
    batch, size, channels, filters, classes = 4, 8, 3, 4, 5
    weights = Weights(20261208)
    x = weights.uniform(batch, size, size, channels)
    y = weights.labels(batch, classes)
    for name, kernel in (("branch1", 1), ("branch3", 3), ("branch5", 5)):
        weights.conv(name, kernel, channels, filters)
    weights.conv("poolBranch", 1, channels, filters)
    weights.dense("output", 4 * filters, classes)

    branches = [torch.relu(conv2d(x, weights, name, same=True)) for name in ("branch1", "branch3", "branch5")]
    # PyTorch pads max pooling with -inf, so the padding never wins: Keras's SAME for stride 1.
    pool = F.max_pool2d(x.permute(0, 3, 1, 2), 3, stride=1, padding=1).permute(0, 2, 3, 1)
    branches.append(torch.relu(conv2d(pool, weights, "poolBranch", same=True)))
    merged = torch.cat(branches, dim=3)
    logits = dense(merged.mean(dim=(1, 2)), weights, "output")
    loss = categorical_crossentropy(logits, y)

    tensors = {"x": x, "y": y, "probabilities": torch.softmax(logits, dim=1), "loss": loss.detach().reshape(1),
               "forward.merged": merged}
    tensors.update(step_tensors(weights, loss))
    write(out_dir, "inception_block_step.safetensors", tensors,
          "image Input(8, 8, 3); branch1 Conv2D(4, 1, SAME, relu), branch3 Conv2D(4, 3, SAME, relu),"
          " branch5 Conv2D(4, 5, SAME, relu), pool MaxPooling2D(3, strides 1, SAME) -> poolBranch"
          " Conv2D(4, 1, SAME, relu), each from image; merged Concatenate(branch1, branch3, branch5, poolBranch)"
          " -> gap GlobalAveragePooling2D -> output Dense(5, softmax)",
          loss, "categorical cross-entropy, mean over the batch")


def two_inputs(out_dir):
    batch, size, features, filters, hidden_units, classes = 6, 8, 5, 4, 16, 10
    digit_weight, even_weight = 1.0, 0.5
    weights = Weights(20261209)
    image = weights.uniform(batch, size, size, 1)
    vector = weights.uniform(batch, features)
    y_digit = weights.labels(batch, classes)
    y_even = (torch.rand(batch, 1, generator=weights.generator) < 0.5).to(torch.float64)
    weights.conv("conv", 3, 1, filters)
    weights.dense("hidden", (size - 2) * (size - 2) * filters + features, hidden_units)
    weights.dense("digit", hidden_units, classes)
    weights.dense("even", hidden_units, 1)

    flat = torch.relu(conv2d(image, weights, "conv", same=False)).reshape(batch, -1)  # NHWC: Keras's order
    merged = torch.cat([flat, vector], dim=1)
    hidden = torch.relu(dense(merged, weights, "hidden"))
    digit_logits = dense(hidden, weights, "digit")
    even_logits = dense(hidden, weights, "even")
    digit_loss = categorical_crossentropy(digit_logits, y_digit)
    even_loss = F.binary_cross_entropy_with_logits(even_logits, y_even)
    loss = digit_weight * digit_loss + even_weight * even_loss

    tensors = {"x.image": image, "x.vector": vector, "y.digit": y_digit, "y.even": y_even,
               "digit": torch.softmax(digit_logits, dim=1), "even": torch.sigmoid(even_logits),
               "loss": loss.detach().reshape(1), "loss.digit": digit_loss.detach().reshape(1),
               "loss.even": even_loss.detach().reshape(1), "forward.merged": merged}
    tensors.update(step_tensors(weights, loss))
    write(out_dir, "two_inputs_step.safetensors", tensors,
          "image Input(8, 8, 1) -> conv Conv2D(4, 3, VALID, relu) -> flat Flatten; vector Input(5);"
          " merged Concatenate(flat, vector) -> hidden Dense(16, relu); digit Dense(10, softmax) and"
          " even Dense(1, sigmoid), each from hidden",
          loss, "1.0 x categorical cross-entropy (digit) + 0.5 x binary cross-entropy (even), each the mean over the batch")


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "samples", "src", "test", "resources", "fixtures")
    os.makedirs(out_dir, exist_ok=True)
    residual_block(out_dir)
    inception_block(out_dir)
    two_inputs(out_dir)


if __name__ == "__main__":
    main()
