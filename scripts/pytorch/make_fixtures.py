#!/usr/bin/env python3
"""Writes the PyTorch reference fixtures that annonet's Java tests compare against.

The course's MNIST network (Dense 512 relu -> Dropout 0.2 -> Dense 10 softmax) on a fixed batch:
forward probabilities, categorical cross-entropy, every gradient, and the weights after one
RMSprop step and after one Adam step with Keras's update formulas and defaults. Everything is
computed in float64 with autograd and stored as float32 safetensors, so the Java tests never
need Python.

The dropout mask and scale are annonet's own (a pure function of seed, step and element index,
see DropoutMask.java), reproduced here bit for bit, so the fixture covers a real training step.

Run with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 scripts/pytorch/make_fixtures.py [output-directory]
"""
import json
import os
import struct
import sys

import torch

import fixtures_cnn
import fixtures_lstm

MASK64 = (1 << 64) - 1

BATCH, INPUTS, HIDDEN, CLASSES = 32, 784, 512, 10
DROPOUT_RATE = 0.2
DROPOUT_LAYER_INDEX = 2  # image, hidden, dropout, output: dropout is declared third
MODEL_SEED = 42
STEP = 0  # the first training step

# Keras defaults
RMSPROP = dict(lr=1e-3, rho=0.9, epsilon=1e-7)
ADAM = dict(lr=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-7)


MASK32 = (1 << 32) - 1


def mix(z):
    """SplitMix64's finalizer, as Seeds.mix."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def layer_seed(model_seed, layer_index):
    """Model.dropoutSeed: Seeds.mix(seed, layerIndex)."""
    return mix((model_seed + (layer_index + 1) * 0x9E3779B97F4A7C15) & MASK64)


def philox4x32_10(counter, key):
    """Philox4x32-10, as Philox4x32.block: four 32-bit words of a 4-word counter and a 2-word key."""
    c0, c1, c2, c3 = counter
    k0, k1 = key
    for round_index in range(10):
        if round_index > 0:
            k0, k1 = (k0 + 0x9E3779B9) & MASK32, (k1 + 0xBB67AE85) & MASK32
        product0, product1 = 0xD2511F53 * c0, 0xCD9E8D57 * c2
        c0, c1, c2, c3 = ((product1 >> 32) ^ c1 ^ k0, product1 & MASK32,
                          (product0 >> 32) ^ c3 ^ k1, product0 & MASK32)
    return c0, c1, c2, c3


# Random123's published answers (its tests/kat_vectors): the mirror must agree before it is used.
assert philox4x32_10((0, 0, 0, 0), (0, 0)) == (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)
assert philox4x32_10((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0)) == \
    (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)


def dropout_threshold(rate):
    """DropoutMask.threshold: uniforms below it are dropped."""
    return int(round(rate * 65536))


def keep(seed, step, index, rate):
    """DropoutMask.keep: one Philox block per group of eight elements, a 16-bit uniform per element."""
    group = index // 8
    block = philox4x32_10((group & MASK32, group >> 32, step & MASK32, step >> 32), (seed & MASK32, seed >> 32))
    lane = index % 8
    return (block[lane // 2] >> (16 * (lane % 2))) & 0xFFFF >= dropout_threshold(rate)


def dropout_scale(rate):
    """DropoutMask.scale: 1 / P(keep), exact for the 16-bit threshold."""
    return 65536.0 / (65536 - dropout_threshold(rate))


def dropout_mask():
    seed = layer_seed(MODEL_SEED & MASK64, DROPOUT_LAYER_INDEX)
    values = [1.0 if keep(seed, STEP, i, DROPOUT_RATE) else 0.0 for i in range(BATCH * HIDDEN)]
    return torch.tensor(values, dtype=torch.float64).reshape(BATCH, HIDDEN)


def glorot_uniform(fan_in, fan_out, generator):
    limit = (6.0 / (fan_in + fan_out)) ** 0.5
    return (torch.rand(fan_in, fan_out, generator=generator, dtype=torch.float64) * 2 - 1) * limit


def small_uniform(n, generator):
    # Non-zero biases, so the bias paths are exercised.
    return (torch.rand(n, generator=generator, dtype=torch.float64) * 2 - 1) * 0.1


def write_safetensors(path, tensors, metadata):
    """The safetensors layout, written by hand so no extra package is needed."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, tensor in tensors.items():
        data = tensor.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * (-len(text) % 8)
    temporary = path + ".tmp"
    with open(temporary, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text.encode("utf-8"))
        for blob in blobs:
            out.write(blob)
    os.replace(temporary, path)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "samples", "src", "test", "resources", "fixtures")
    os.makedirs(out_dir, exist_ok=True)
    generator = torch.Generator().manual_seed(20261127)

    x = torch.rand(BATCH, INPUTS, generator=generator, dtype=torch.float64)
    labels = torch.randint(0, CLASSES, (BATCH,), generator=generator)
    y = torch.nn.functional.one_hot(labels, CLASSES).to(torch.float64)
    # Round the inputs and weights to float32 first: the Java side starts from the stored float32 values.
    f32 = lambda t: t.to(torch.float32).to(torch.float64)
    x = f32(x)
    weights = {
        "hidden.kernel": f32(glorot_uniform(INPUTS, HIDDEN, generator)),
        "hidden.bias": f32(small_uniform(HIDDEN, generator)),
        "output.kernel": f32(glorot_uniform(HIDDEN, CLASSES, generator)),
        "output.bias": f32(small_uniform(CLASSES, generator)),
    }
    params = {name: w.clone().requires_grad_(True) for name, w in weights.items()}
    mask = dropout_mask()

    hidden = torch.relu(x @ params["hidden.kernel"] + params["hidden.bias"])
    dropped = hidden * mask * dropout_scale(DROPOUT_RATE)
    logits = dropped @ params["output.kernel"] + params["output.bias"]
    probabilities = torch.softmax(logits, dim=1)
    loss = -(y * torch.log_softmax(logits, dim=1)).sum(dim=1).mean()
    loss.backward()
    grads = {name: p.grad.detach() for name, p in params.items()}

    rmsprop, adam = {}, {}
    for name, w in weights.items():
        g = grads[name]
        # Keras 3 RMSprop, first step from zero state: v = (1 - rho) g^2; w -= lr g / sqrt(v + eps)
        v = (1 - RMSPROP["rho"]) * g * g
        rmsprop["rmsprop." + name] = w - RMSPROP["lr"] * g / torch.sqrt(v + RMSPROP["epsilon"])
        # Keras Adam, step t = 1: alpha = lr sqrt(1 - b2^t) / (1 - b1^t); w -= alpha m / (sqrt(v) + eps)
        m = (1 - ADAM["beta1"]) * g
        v = (1 - ADAM["beta2"]) * g * g
        alpha = ADAM["lr"] * (1 - ADAM["beta2"]) ** 0.5 / (1 - ADAM["beta1"])
        adam["adam." + name] = w - alpha * m / (torch.sqrt(v) + ADAM["epsilon"])

    metadata = {
        "network": "Input(784) -> Dense(512, relu) -> Dropout(0.2) -> Dense(10, softmax)",
        "loss": "categorical cross-entropy, mean over the batch",
        "model_seed": str(MODEL_SEED), "dropout_layer_index": str(DROPOUT_LAYER_INDEX), "step": str(STEP),
        "writer": "scripts/pytorch/make_fixtures.py, torch " + torch.__version__,
    }
    forward_backward = {"x": x, "y": y, "labels": labels.to(torch.float64), "dropout.mask": mask}
    forward_backward.update(weights)
    forward_backward["probabilities"] = probabilities
    forward_backward["loss"] = loss.detach().reshape(1)
    forward_backward.update({"grad." + name: g for name, g in grads.items()})
    write_safetensors(os.path.join(out_dir, "mnist_mlp_step.safetensors"), forward_backward, metadata)
    updates = dict(rmsprop)
    updates.update(adam)
    write_safetensors(os.path.join(out_dir, "mnist_mlp_updates.safetensors"), updates, metadata)
    print("loss %.6f; fixtures written to %s" % (loss.item(), os.path.abspath(out_dir)))
    fixtures_cnn.write(out_dir, write_safetensors)
    fixtures_lstm.write(out_dir)


if __name__ == "__main__":
    main()
