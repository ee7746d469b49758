#!/usr/bin/env python3
"""A PyTorch fixture for the layers the Keras Applications need (issue 16): asymmetric ZeroPadding2D,
BatchNormalization without gamma and without beta, the ReLU layer with all three parameters,
Cropping2D, and MaxPooling2D and AveragePooling2D with SAME padding and strides 2 on an even input
(Keras pads the one extra row and column after; average pooling leaves the padding out of its
count). One training step on a fixed batch, in float64 with autograd, written as float32
safetensors with the conventions of graph_fixtures.py (whose helpers this uses).

application_layers_step.safetensors: Input(8, 8, 3), batch 4, 5 classes
    image    Input(8, 8, 3)
    pad      ZeroPadding2D({1, 3, 3, 1})                      -> (12, 12, 3)
    conv     Conv2D(4, 3, VALID, useBias false)                -> (10, 10, 4)
    norm     BatchNormalization(scale = false)                 (beta, no gamma)
    relu     ReLU(maxValue = 1, negativeSlope = 0.1, threshold = 0.2)
    crop     Cropping2D({1, 1, 0, 2})                          -> (8, 8, 4)
    maxPool  MaxPooling2D(pool 3, strides 2, SAME)  from crop  -> (4, 4, 4)
    avgPool  AveragePooling2D(pool 3, strides 2, SAME) from crop -> (4, 4, 4)
    merged   Concatenate(from = {maxPool, avgPool})            -> (4, 4, 8)
    norm2    BatchNormalization(center = false)                (gamma, no beta)
    gap      GlobalAveragePooling2D
    output   Dense(5, softmax)
  loss categorical cross-entropy; forward.<layer> for relu, crop, maxPool, avgPool.

Run with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 scripts/pytorch/application_layers_fixture.py [output-directory]
The output directory defaults to the samples' test resources (fixtures/).
"""
import os
import sys

import torch
import torch.nn.functional as F

from graph_fixtures import Weights, batch_norm, categorical_crossentropy, conv2d, dense, same_padding, step_tensors, write


def relu_layer(x, max_value, negative_slope, threshold):
    """Keras's ReLU layer: max_value from max_value up, x from threshold up, negative_slope·(x - threshold) below."""
    below = negative_slope * (x - threshold)
    return torch.where(x >= max_value, torch.full_like(x, max_value), torch.where(x >= threshold, x, below))


def same_pooling(x, pool, stride, maximum):
    """Keras's SAME pooling of NHWC x: the padding never wins a maximum and is left out of an average's count."""
    top, bottom = same_padding(x.shape[1], pool, stride)
    left, right = same_padding(x.shape[2], pool, stride)
    nchw = x.permute(0, 3, 1, 2)
    if maximum:
        padded = F.pad(nchw, (left, right, top, bottom), value=float("-inf"))
        return F.max_pool2d(padded, pool, stride=stride).permute(0, 2, 3, 1)
    sums = F.avg_pool2d(F.pad(nchw, (left, right, top, bottom)), pool, stride=stride, divisor_override=1)
    counts = F.avg_pool2d(F.pad(torch.ones_like(nchw), (left, right, top, bottom)), pool, stride=stride,
                          divisor_override=1)
    return (sums / counts).permute(0, 2, 3, 1)


def application_layers(out_dir):
    batch, size, channels, filters, classes = 4, 8, 3, 4, 5
    weights = Weights(20261210)
    x = weights.uniform(batch, size, size, channels)
    y = weights.labels(batch, classes)
    weights.conv("conv", 3, channels, filters, bias=False)
    weights.norm("norm", filters, scale=False)
    weights.norm("norm2", 2 * filters, center=False)
    weights.dense("output", 2 * filters, classes)

    moving = {}
    padded = F.pad(x, (0, 0, 3, 1, 1, 3))  # NHWC: channels (0, 0), width (left 3, right 1), height (top 1, bottom 3)
    normalized = batch_norm(conv2d(padded, weights, "conv", same=False), weights, "norm", moving)
    relu = relu_layer(normalized, max_value=1.0, negative_slope=0.1, threshold=0.2)
    crop = relu[:, 1:-1, 0:-2, :]
    max_pool = same_pooling(crop, 3, 2, maximum=True)
    avg_pool = same_pooling(crop, 3, 2, maximum=False)
    merged = torch.cat([max_pool, avg_pool], dim=3)
    norm2 = batch_norm(merged, weights, "norm2", moving)
    logits = dense(norm2.mean(dim=(1, 2)), weights, "output")
    loss = categorical_crossentropy(logits, y)

    tensors = {"x": x, "y": y, "probabilities": torch.softmax(logits, dim=1), "loss": loss.detach().reshape(1),
               "forward.relu": relu, "forward.crop": crop, "forward.maxPool": max_pool, "forward.avgPool": avg_pool}
    tensors.update(step_tensors(weights, loss))
    tensors.update(moving)
    write(out_dir, "application_layers_step.safetensors", {k: v.detach() for k, v in tensors.items()},
          "image Input(8, 8, 3) -> pad ZeroPadding2D({1, 3, 3, 1}) -> conv Conv2D(4, 3, VALID, no bias)"
          " -> norm BatchNormalization(scale = false) -> relu ReLU(1, 0.1, 0.2) -> crop Cropping2D({1, 1, 0, 2});"
          " maxPool MaxPooling2D(3, 2, SAME) and avgPool AveragePooling2D(3, 2, SAME), each from crop;"
          " merged Concatenate(maxPool, avgPool) -> norm2 BatchNormalization(center = false)"
          " -> gap GlobalAveragePooling2D -> output Dense(5, softmax)",
          loss, "categorical cross-entropy, mean over the batch")


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "samples", "src", "test", "resources", "fixtures")
    os.makedirs(out_dir, exist_ok=True)
    application_layers(out_dir)


if __name__ == "__main__":
    main()
