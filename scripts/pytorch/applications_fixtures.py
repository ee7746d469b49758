"""Keras's VGG16 and ResNet50 re-implemented in PyTorch, for the applications module's numerics test.

The definitions follow keras.applications (vgg16.py, resnet.py), in Keras's layouts: activations
NHWC at the edges, conv kernels (kh, kw, cin, cout), Dense kernels (in, out), Flatten over
(h, w, c). ResNet50 is Keras's v1, not torchvision's v1.5: the stride of a stage's first block is
on its first 1x1 convolutions (shortcut and main path), not on the 3x3; BatchNormalization's
epsilon is 1.001e-5; every convolution has a bias. Keras's padding is spelt out: ZeroPadding2D
before conv1 (3) and pool1 (1), 'same' as Keras computes it (the extra row and column after).

The weights are not random draws but a counter-based formula that Java computes bit for bit
(applications' CounterWeights): for the weight named n (annonet's and Model.save's name,
"conv1_conv.kernel") with i its row-major index,
    h = fmix32(i * 0x9E3779B9 + fnv1a32(n))   (32-bit wrap-around, murmur3's finalizer)
    u = (h >> 8) * 2^-23 - 1                  (uniform in [-1, 1), exact in float32)
    value = offset + scale * u                (float32 arithmetic)
with a Keras-like scale per kind: kernels uniform +- sqrt(gain / fan_in) (gain 6, He's, for VGG16;
3.5 for ResNet50, whose residual sums grow with it: 4 gives a near one-hot softmax, 3 a near uniform
one), biases +- 0.1, gamma and moving_variance 1 +- 0.25, beta and moving_mean +- 0.1. The inputs are the same formula under
the name "input", shape (2, 224, 224, 3). So the 550 MB of VGG16 weights are never committed:
the script writes them to a safetensors file (Model.save's format and names), the PyTorch model
reads them back from it, runs in float64, and the fixture keeps only the outputs (the 1000
probabilities and logits of both inputs) and each weight's sum, which the Java test checks its
own weights against. Run with Debian's PyTorch:
    /usr/bin/python3 scripts/pytorch/applications_fixtures.py [--weights-dir DIR]
"""
import argparse
import json
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "applications/src/test/resources/fixtures")
INPUT_SHAPE = (2, 224, 224, 3)
RESNET_EPSILON = 1.001e-5
# (offset, scale) of each weight kind but kernels.
KINDS = {"bias": (0.0, 0.1), "gamma": (1.0, 0.25), "beta": (0.0, 0.1), "moving_mean": (0.0, 0.1),
         "moving_variance": (1.0, 0.25)}
M32 = np.uint64(0xFFFFFFFF)


def fnv1a32(text):
    h = 0x811C9DC5
    for byte in text.encode("utf8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def fmix32(h):
    h = h ^ (h >> np.uint64(16))
    h = (h * np.uint64(0x85EBCA6B)) & M32
    h = h ^ (h >> np.uint64(13))
    h = (h * np.uint64(0xC2B2AE35)) & M32
    return h ^ (h >> np.uint64(16))


def uniform(name, count):
    i = np.arange(count, dtype=np.uint64)
    h = fmix32((i * np.uint64(0x9E3779B9) + np.uint64(fnv1a32(name))) & M32)
    return (h >> np.uint64(8)).astype(np.float32) * np.float32(2.0 ** -23) - np.float32(1.0)


def counter_values(name, shape, kernel_gain):
    kind = name.rsplit(".", 1)[-1]
    if kind == "kernel":
        offset, scale = 0.0, np.sqrt(kernel_gain / int(np.prod(shape[:-1])))
    elif kind == "input":
        offset, scale = 0.0, 1.0
    else:
        offset, scale = KINDS[kind]
    u = uniform(name, int(np.prod(shape)))
    return (np.float32(offset) + np.float32(scale) * u).reshape(shape)


# ---- the parameters, as annonet names and lays them out (Keras's names and shapes) -------------

def vgg16_parameters():
    parameters = []
    channels = 3
    for block, (convs, filters) in enumerate([(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)], start=1):
        for conv in range(1, convs + 1):
            name = "block%d_conv%d" % (block, conv)
            parameters += [(name + ".kernel", (3, 3, channels, filters)), (name + ".bias", (filters,))]
            channels = filters
    for name, units_in, units in [("fc1", 7 * 7 * 512, 4096), ("fc2", 4096, 4096), ("predictions", 4096, 1000)]:
        parameters += [(name + ".kernel", (units_in, units)), (name + ".bias", (units,))]
    return parameters


RESNET50_STAGES = [(2, 64, 3, 1), (3, 128, 4, 2), (4, 256, 6, 2), (5, 512, 3, 2)]


def resnet50_parameters():
    parameters = []

    def conv_bn(name, kernel, cin, cout):
        parameters.extend([(name + "_conv.kernel", (kernel, kernel, cin, cout)), (name + "_conv.bias", (cout,))]
                          + [(name + "_bn." + w, (cout,)) for w in ("gamma", "beta", "moving_mean", "moving_variance")])

    conv_bn("conv1", 7, 3, 64)
    channels = 64
    for stage, filters, blocks, _ in RESNET50_STAGES:
        for block in range(1, blocks + 1):
            name = "conv%d_block%d" % (stage, block)
            if block == 1:
                conv_bn(name + "_0", 1, channels, 4 * filters)
            conv_bn(name + "_1", 1, channels, filters)
            conv_bn(name + "_2", 3, filters, filters)
            conv_bn(name + "_3", 1, filters, 4 * filters)
            channels = 4 * filters
    parameters += [("predictions.kernel", (2048, 1000)), ("predictions.bias", (1000,))]
    return parameters


# ---- the forward passes, in float64, NCHW inside ------------------------------------------------

def conv(x, w, name, stride=1, same=False):
    kernel = w[name + ".kernel"]
    if same:
        size = x.shape[2]
        out = -(-size // stride)
        total = max((out - 1) * stride + kernel.shape[0] - size, 0)
        x = F.pad(x, (total // 2, total - total // 2, total // 2, total - total // 2))
    return F.conv2d(x, kernel.permute(3, 2, 0, 1), w[name + ".bias"], stride)


def dense(x, w, name):
    return x @ w[name + ".kernel"] + w[name + ".bias"]


def vgg16_logits(x, w):
    for block, convs in enumerate([2, 2, 3, 3, 3], start=1):
        for c in range(1, convs + 1):
            x = F.relu(conv(x, w, "block%d_conv%d" % (block, c), same=True))
        x = F.max_pool2d(x, 2, 2)
    x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)   # Keras's Flatten of (7, 7, 512)
    x = F.relu(dense(x, w, "fc1"))
    x = F.relu(dense(x, w, "fc2"))
    return dense(x, w, "predictions")


def batch_norm(x, w, name):
    shape = (1, -1, 1, 1)
    scale = w[name + ".gamma"] / torch.sqrt(w[name + ".moving_variance"] + RESNET_EPSILON)
    return (x - w[name + ".moving_mean"].view(shape)) * scale.view(shape) + w[name + ".beta"].view(shape)


def resnet50_logits(x, w):
    x = F.pad(x, (3, 3, 3, 3))
    x = F.relu(batch_norm(conv(x, w, "conv1_conv", stride=2), w, "conv1_bn"))
    x = F.max_pool2d(F.pad(x, (1, 1, 1, 1)), 3, 2)
    for stage, _, blocks, first_stride in RESNET50_STAGES:
        for block in range(1, blocks + 1):
            name = "conv%d_block%d" % (stage, block)
            stride = first_stride if block == 1 else 1
            shortcut = batch_norm(conv(x, w, name + "_0_conv", stride), w, name + "_0_bn") if block == 1 else x
            y = F.relu(batch_norm(conv(x, w, name + "_1_conv", stride), w, name + "_1_bn"))
            y = F.relu(batch_norm(conv(y, w, name + "_2_conv", same=True), w, name + "_2_bn"))
            y = batch_norm(conv(y, w, name + "_3_conv"), w, name + "_3_bn")
            x = F.relu(shortcut + y)
    return dense(x.mean(dim=(2, 3)), w, "predictions")


# ---- safetensors, as Model.save writes it ------------------------------------------------------

def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    offset = 0
    for name, array in tensors:
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + array.nbytes]}
        offset += array.nbytes
    encoded = json.dumps(header, separators=(",", ":")).encode("utf8")
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for _, array in tensors:
            f.write(np.ascontiguousarray(array, dtype="<f4").tobytes())


def read_safetensors(path):
    with open(path, "rb") as f:
        length = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(length))
        data = f.read()
    header.pop("__metadata__", None)
    return {name: np.frombuffer(data[e["data_offsets"][0]:e["data_offsets"][1]], dtype="<f4").reshape(e["shape"])
            for name, e in header.items()}


def fixture(network, parameters, logits_of, kernel_gain, weights_dir):
    path = os.path.join(weights_dir, "%s_counter_weights.safetensors" % network.lower())
    write_safetensors(path, [(n, counter_values(n, s, kernel_gain)) for n, s in parameters],
                      {"format": "annonet", "network": network})
    stored = read_safetensors(path)
    w = {n: torch.from_numpy(v.astype(np.float64)) for n, v in stored.items()}
    x = torch.from_numpy(counter_values("input", INPUT_SHAPE, None).astype(np.float64)).permute(0, 3, 1, 2)
    with torch.no_grad():
        logits = logits_of(x, w)
    probabilities = torch.softmax(logits, dim=1)
    spread = logits.std(dim=1)
    top = probabilities.max(dim=1).values
    print("%s: logits std %s, top probability %s, top classes %s" % (
        network, spread.tolist(), top.tolist(), probabilities.argmax(dim=1).tolist()))
    assert (spread > 0.5).all() and (top < 0.9).all() and (top > 0.01).all(), "degenerate outputs"
    out = [("probabilities", probabilities.numpy().astype(np.float32)), ("logits", logits.numpy().astype(np.float32))]
    out += [("sum." + n, np.array([stored[n].astype(np.float64).sum()], np.float32)) for n, _ in parameters]
    os.makedirs(FIXTURES, exist_ok=True)
    write_safetensors(os.path.join(FIXTURES, "%s_counter.safetensors" % network.lower()), out,
                      {"script": "scripts/pytorch/applications_fixtures.py"})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--weights-dir", default="/tmp", help="where the weights' safetensors files go (not committed)")
    args = parser.parse_args()
    torch.set_num_threads(2)
    fixture("ResNet50", resnet50_parameters(), resnet50_logits, 3.5, args.weights_dir)
    fixture("VGG16", vgg16_parameters(), vgg16_logits, 6.0, args.weights_dir)


if __name__ == "__main__":
    main()
