#!/usr/bin/env python3
"""PyTorch fixtures for Conv1D at the kernel level: Keras's VALID, SAME and CAUSAL padding, with
strides and dilation, each case one forward and backward pass of torch.nn.Conv1d in float64.

annonet runs a Conv1D over (time, features) as a Conv2D over (1, time, features): a window of
height 1 whose padding before the first step is Keras's, the padding after it following from the
output length. Keras's arithmetic, with span = (kernel - 1) * dilation + 1:
    VALID   output = (length - span) // strides + 1; nothing padded
    SAME    output = ceil(length / strides); total = max((output - 1) * strides + span - length, 0),
            total // 2 before and the rest after (an odd total pads more after, which PyTorch's
            symmetric padding cannot say: every case pads explicitly with F.pad)
    CAUSAL  output = ceil(length / strides); span - 1 padded before, nothing after
Keras refuses strides and dilation both above 1, so no case mixes them.

Layouts: annonet's (Keras's) activations are NLC and the kernel (1, kernel, in, filters);
nn.Conv1d works in NCL with weights (filters, in, kernel), converted on the way in and out. Each
case stores x, kernel, bias, the output y (bias added, no activation), a fixed upstream gradient dy
and the gradients of sum(y * dy): dx, dkernel, dbias. Inputs and weights are rounded to float32
first, as the Java side reads them. The metadata gives each case's padding before the first step.

Run with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 scripts/pytorch/conv1d_fixture.py [output-directory]
"""
import os
import sys

import torch

from make_fixtures import write_safetensors

BATCH = 2

# name: (length, channels, filters, kernel, strides, dilation, padding)
CASES = {
    "valid": (9, 3, 4, 3, 1, 1, "valid"),
    "same_odd_span": (9, 3, 4, 3, 1, 1, "same"),
    "same_even_span": (9, 3, 4, 4, 1, 1, "same"),
    "same_strides_2": (10, 2, 3, 3, 2, 1, "same"),
    "valid_strides_2": (10, 2, 3, 3, 2, 1, "valid"),
    "valid_dilation_2": (9, 3, 2, 3, 1, 2, "valid"),
    "same_dilation_3": (9, 2, 3, 2, 1, 3, "same"),
    "causal": (9, 3, 4, 3, 1, 1, "causal"),
    "causal_dilation_2": (9, 2, 3, 3, 1, 2, "causal"),
    "causal_strides_2": (9, 2, 3, 2, 2, 1, "causal"),
}


def keras_geometry(length, kernel, strides, dilation, padding):
    """(output length, padding before, padding after) as Keras computes them."""
    span = (kernel - 1) * dilation + 1
    if padding == "valid":
        output, before = (length - span) // strides + 1, 0
    elif padding == "same":
        output = -(-length // strides)
        before = max((output - 1) * strides + span - length, 0) // 2
    elif padding == "causal":
        output, before = -(-length // strides), span - 1
    else:
        raise ValueError("unknown padding " + padding)
    # VALID and CAUSAL may leave trailing steps no window reaches: nothing is padded after them.
    after = max((output - 1) * strides + span - length - before, 0)
    return output, before, after


def case_tensors(name, length, channels, filters, kernel, strides, dilation, padding, generator):
    f32 = lambda t: t.to(torch.float32).to(torch.float64)
    uniform = lambda *shape, low=-1.0, high=1.0: f32(
        torch.rand(*shape, generator=generator, dtype=torch.float64) * (high - low) + low)
    output, before, after = keras_geometry(length, kernel, strides, dilation, padding)

    x = uniform(BATCH, length, channels).requires_grad_(True)                 # NLC
    ours = uniform(1, kernel, channels, filters, low=-0.5, high=0.5)          # (1, k, cin, cout)
    bias = uniform(filters, low=-0.1, high=0.1)
    conv = torch.nn.Conv1d(channels, filters, kernel, stride=strides, dilation=dilation, bias=True).to(torch.float64)
    with torch.no_grad():
        conv.weight.copy_(ours[0].permute(2, 1, 0))                           # (cout, cin, k)
        conv.bias.copy_(bias)
    padded = torch.nn.functional.pad(x.transpose(1, 2), (before, after))
    y = conv(padded).transpose(1, 2)                                         # back to NLC
    assert y.shape == (BATCH, output, filters), (name, y.shape)
    dy = uniform(BATCH, output, filters)
    (y * dy).sum().backward()
    tensors = {
        "x": x.detach(), "kernel": ours, "bias": bias, "y": y.detach(), "dy": dy,
        "dx": x.grad, "dkernel": conv.weight.grad.permute(2, 1, 0).unsqueeze(0), "dbias": conv.bias.grad,
    }
    return {name + "." + key: value for key, value in tensors.items()}, before


def output_dir():
    """The folder given on the command line, or the runtime's kernel-test resources; made if missing."""
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "runtime", "src", "test", "resources", "dev", "annonet", "runtime",
        "backend")
    os.makedirs(out_dir, exist_ok=True)
    return out_dir


def main():
    out_dir = output_dir()
    generator = torch.Generator().manual_seed(20261207)
    tensors = {}
    metadata = {
        "layer": "Conv1D with bias, no activation; y, dy and gradients of sum(y * dy) per case",
        "writer": "scripts/pytorch/conv1d_fixture.py, torch " + torch.__version__,
    }
    for name, case in CASES.items():
        values, before = case_tensors(name, *case, generator)
        tensors.update(values)
        metadata[name + ".padding"] = case[-1]
        metadata[name + ".pad_before"] = str(before)
    path = os.path.join(out_dir, "conv1d.safetensors")
    write_safetensors(path, tensors, metadata)
    print("%d Conv1D cases written to %s" % (len(CASES), os.path.abspath(path)))


if __name__ == "__main__":
    main()
