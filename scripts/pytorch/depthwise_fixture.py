#!/usr/bin/env python3
"""PyTorch fixtures for DepthwiseConv2D and SeparableConv2D at the kernel level: Keras's VALID and
SAME padding with strides, dilation and depth multipliers, each case one forward and backward pass
in float64.

A depthwise convolution is torch's conv2d with groups = channels: Keras's kernel (kh, kw, channels,
multiplier) gives output channel c * multiplier + m from input channel c alone, which is torch's
weight (channels * multiplier, 1, kh, kw) in the same channel order. A separable convolution is
that, then a 1x1 convolution by the pointwise kernel (1, 1, channels * multiplier, filters), torch's
(filters, channels * multiplier, 1, 1), then the bias. Keras's padding per axis is
conv1d_fixture.keras_geometry's (SAME pads total // 2 before and the rest after, written with F.pad).

Activations are NHWC as annonet's (Keras's); each case stores x, its kernels and bias, the output y
(bias added, no activation), a fixed upstream gradient dy and the gradients of sum(y * dy): dx,
d<kernel> and dbias. Inputs and weights are rounded to float32 first, as the Java side reads them.
The metadata gives each case's padding before the first row and column.

Run with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 scripts/pytorch/depthwise_fixture.py [output-directory]
"""
import os

import torch

from conv1d_fixture import keras_geometry, output_dir
from make_fixtures import write_safetensors

BATCH = 2

# name: (height, width, channels, multiplier, filters (0: depthwise only), kernel, strides, dilation, padding)
CASES = {
    "depthwise_valid": (6, 5, 3, 1, 0, (3, 3), (1, 1), (1, 1), "valid"),
    "depthwise_same_even_kernel": (5, 5, 2, 2, 0, (2, 2), (1, 1), (1, 1), "same"),
    "depthwise_same_strides_2_multiplier_2": (7, 6, 2, 2, 0, (3, 3), (2, 2), (1, 1), "same"),
    "depthwise_same_dilation_2": (6, 6, 3, 1, 0, (3, 2), (1, 1), (2, 2), "same"),
    "depthwise_valid_strides_2_1_multiplier_3": (8, 7, 2, 3, 0, (2, 3), (2, 1), (1, 1), "valid"),
    "separable_same_strides_2": (7, 6, 3, 2, 4, (3, 3), (2, 2), (1, 1), "same"),
    "separable_valid_dilation_1_2": (6, 7, 2, 1, 3, (3, 2), (1, 1), (1, 2), "valid"),
}


def case_tensors(name, height, width, channels, multiplier, filters, kernel, strides, dilation, padding, generator):
    f32 = lambda t: t.to(torch.float32).to(torch.float64)
    uniform = lambda *shape, low=-1.0, high=1.0: f32(
        torch.rand(*shape, generator=generator, dtype=torch.float64) * (high - low) + low)
    out_h, top, bottom = keras_geometry(height, kernel[0], strides[0], dilation[0], padding)
    out_w, left, right = keras_geometry(width, kernel[1], strides[1], dilation[1], padding)
    depth = channels * multiplier

    x = uniform(BATCH, height, width, channels).requires_grad_(True)                     # NHWC
    depthwise = uniform(kernel[0], kernel[1], channels, multiplier, low=-0.5, high=0.5)   # Keras's layout
    depthwise_weight = depthwise.permute(2, 3, 0, 1).reshape(depth, 1, kernel[0], kernel[1]).requires_grad_(True)
    padded = torch.nn.functional.pad(x.permute(0, 3, 1, 2), (left, right, top, bottom))
    y = torch.nn.functional.conv2d(padded, depthwise_weight, stride=strides, dilation=dilation, groups=channels)
    tensors = {"depthwise_kernel": depthwise}
    out_c = depth
    if filters:
        pointwise = uniform(1, 1, depth, filters, low=-0.5, high=0.5)
        pointwise_weight = pointwise.permute(3, 2, 0, 1).clone().requires_grad_(True)
        y = torch.nn.functional.conv2d(y, pointwise_weight)
        tensors["pointwise_kernel"] = pointwise
        out_c = filters
    bias = uniform(out_c, low=-0.1, high=0.1).requires_grad_(True)
    y = (y + bias.view(1, -1, 1, 1)).permute(0, 2, 3, 1)                                # back to NHWC
    assert y.shape == (BATCH, out_h, out_w, out_c), (name, y.shape)
    dy = uniform(BATCH, out_h, out_w, out_c)
    (y * dy).sum().backward()
    tensors.update({
        "x": x.detach(), "bias": bias.detach(), "y": y.detach(), "dy": dy, "dx": x.grad, "dbias": bias.grad,
        "ddepthwise_kernel": depthwise_weight.grad.reshape(channels, multiplier, kernel[0], kernel[1]).permute(2, 3, 0, 1),
    })
    if filters:
        tensors["dpointwise_kernel"] = pointwise_weight.grad.permute(2, 3, 1, 0)
    return {name + "." + key: value for key, value in tensors.items()}, top, left


def main():
    out_dir = output_dir()
    generator = torch.Generator().manual_seed(20261208)
    tensors = {}
    metadata = {
        "layer": "DepthwiseConv2D and SeparableConv2D with bias, no activation; y, dy and gradients of sum(y * dy) per case",
        "writer": "scripts/pytorch/depthwise_fixture.py, torch " + torch.__version__,
    }
    for name, case in CASES.items():
        values, top, left = case_tensors(name, *case, generator)
        tensors.update(values)
        metadata[name + ".padding"] = case[-1]
        metadata[name + ".pad_top"] = str(top)
        metadata[name + ".pad_left"] = str(left)
    path = os.path.join(out_dir, "depthwise.safetensors")
    write_safetensors(path, tensors, metadata)
    print("%d depthwise and separable cases written to %s" % (len(CASES), os.path.abspath(path)))


if __name__ == "__main__":
    main()
