#!/usr/bin/env python3
"""PyTorch fixture for Conv1D, as annonet declares it with Keras's semantics:

    Input(9, 3) -> Conv1D(4, kernel 3, dilation 2, CAUSAL, relu) causal
                -> Conv1D(2, kernel 2, strides 2, SAME) strided -> Flatten -> Dense(3, softmax) output

One training step on a fixed batch of 3 sequences, computed in float64 by torch's conv1d with
autograd: the probabilities, the loss (categorical cross-entropy, mean over the batch), every
gradient, and the weights after one Adam step (Keras's formulas). Weights are stored in Keras's
layout, which annonet uses: kernel (k, in, filters), and the data is (batch, steps, features);
torch's conv1d takes (batch, features, steps) and a weight (filters, in, k), so both are permuted
on the way in and the kernel gradients on the way out. CAUSAL pads (k - 1) * dilation zeros before
the first step; SAME pads max((out - 1) * stride + span - steps, 0) zeros, half before.

Run with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 scripts/pytorch/conv1d_fixture.py [output-directory]
The output directory defaults to the samples' test resources (fixtures/).
"""
import os
import sys

import torch

import make_fixtures as common

STEPS, FEATURES, CAUSAL_FILTERS, STRIDED_FILTERS, CLASSES, BATCH = 9, 3, 4, 2, 3, 3


def conv1d(x, kernel, bias, stride, dilation, pad_before, pad_after):
    """Keras's Conv1D on (batch, steps, channels) with kernel (k, in, filters), through torch's NCL conv1d."""
    padded = torch.nn.functional.pad(x.transpose(1, 2), (pad_before, pad_after))
    y = torch.nn.functional.conv1d(padded, kernel.permute(2, 1, 0), bias, stride=stride, dilation=dilation)
    return y.transpose(1, 2)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "samples", "src", "test", "resources", "fixtures")
    generator = torch.Generator().manual_seed(20261207)
    f32 = lambda t: t.to(torch.float32).to(torch.float64)
    uniform = lambda *shape, limit: f32((torch.rand(*shape, generator=generator, dtype=torch.float64) * 2 - 1) * limit)

    x = f32(torch.rand(BATCH, STEPS, FEATURES, generator=generator, dtype=torch.float64) * 2 - 1)
    labels = torch.randint(0, CLASSES, (BATCH,), generator=generator)
    y = torch.nn.functional.one_hot(labels, CLASSES).to(torch.float64)
    weights = {
        "causal.kernel": uniform(3, FEATURES, CAUSAL_FILTERS, limit=0.5),
        "causal.bias": uniform(CAUSAL_FILTERS, limit=0.1),
        "strided.kernel": uniform(2, CAUSAL_FILTERS, STRIDED_FILTERS, limit=0.5),
        "strided.bias": uniform(STRIDED_FILTERS, limit=0.1),
        "output.kernel": f32(common.glorot_uniform(5 * STRIDED_FILTERS, CLASSES, generator)),
        "output.bias": f32(common.small_uniform(CLASSES, generator)),
    }
    params = {name: w.clone().requires_grad_(True) for name, w in weights.items()}

    causal = torch.relu(conv1d(x, params["causal.kernel"], params["causal.bias"], 1, 2, (3 - 1) * 2, 0))
    # SAME, stride 2 over 9 steps: 5 out, (5 - 1) * 2 + 2 - 9 = 1 zero to pad: none before, one after
    strided = conv1d(causal, params["strided.kernel"], params["strided.bias"], 2, 1, 0, 1)
    logits = strided.reshape(BATCH, -1) @ params["output.kernel"] + params["output.bias"]
    probabilities = torch.softmax(logits, dim=1)
    loss = -(y * torch.log_softmax(logits, dim=1)).sum(dim=1).mean()
    loss.backward()
    grads = {"grad." + name: p.grad.detach() for name, p in params.items()}

    adam = {}
    for name, w in weights.items():
        g = grads["grad." + name]
        m = (1 - common.ADAM["beta1"]) * g
        v = (1 - common.ADAM["beta2"]) * g * g
        alpha = common.ADAM["lr"] * (1 - common.ADAM["beta2"]) ** 0.5 / (1 - common.ADAM["beta1"])
        adam["adam." + name] = w - alpha * m / (torch.sqrt(v) + common.ADAM["epsilon"])

    tensors = {"x": x, "y": y}
    tensors.update(weights)
    tensors["causal.output"] = causal.detach()
    tensors["probabilities"] = probabilities.detach()
    tensors["loss"] = loss.detach().reshape(1)
    tensors.update(grads)
    tensors.update(adam)
    metadata = {
        "network": "Input(9, 3) -> Conv1D(4, 3, dilation 2, CAUSAL, relu) -> Conv1D(2, 2, strides 2, SAME)"
                   " -> Flatten -> Dense(3, softmax)",
        "loss": "categorical cross-entropy, mean over the batch",
        "optimizer": "Adam lr=1e-3 beta1=0.9 beta2=0.999 epsilon=1e-7, step 1",
        "writer": "scripts/pytorch/conv1d_fixture.py, torch " + torch.__version__,
    }
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "conv1d_step.safetensors")
    common.write_safetensors(path, tensors, metadata)
    print("Conv1D loss %.6f; fixture written to %s" % (loss.item(), os.path.abspath(path)))


if __name__ == "__main__":
    main()
