#!/usr/bin/env python3
"""PyTorch fixture for one GRU layer, as annonet declares it with Keras's semantics:

    GRU(6, resetAfter=True) on 5 steps of 4 features, a batch of 3, returning its sequence and not

Computed in float64 by torch.nn.GRU with autograd: the outputs, and the gradients of the kernel,
recurrent kernel, both bias rows and the input for a fixed upstream gradient, once for the whole
sequence (returnSequences) and once for the last step alone. Weights are stored in Keras's layout,
which annonet uses: kernel (in, 3u), recurrent kernel (u, 3u), bias (2, 3u) = input bias, then
recurrent bias, gate order z, r, h. PyTorch's GRU is Keras's reset_after=True GRU with weight_ih
(3u, in), weight_hh (3u, u), bias_ih and bias_hh, but in gate order r, z, n: so the gate blocks
are swapped and the kernels transposed on the way in, and the gradients mapped back on the way out.

Run with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 scripts/pytorch/gru_fixture.py [output-directory]
The output directory defaults to the runtime's test resources (fixtures/).
"""
import os
import sys

import torch

import make_fixtures as common

STEPS, FEATURES, UNITS, BATCH = 5, 4, 6, 3


def keras_to_torch_gates(t):
    """Gate blocks along the first axis from Keras's z, r, h to PyTorch's r, z, n; the swap is its own inverse."""
    u = t.shape[0] // 3
    return torch.cat([t[u:2 * u], t[:u], t[2 * u:]])


def gru_layer(kernel, recurrent_kernel, bias):
    """torch.nn.GRU (batch first, float64) holding the given Keras-layout weights."""
    layer = torch.nn.GRU(FEATURES, UNITS, batch_first=True).to(torch.float64)
    with torch.no_grad():
        layer.weight_ih_l0.copy_(keras_to_torch_gates(kernel.T))
        layer.weight_hh_l0.copy_(keras_to_torch_gates(recurrent_kernel.T))
        layer.bias_ih_l0.copy_(keras_to_torch_gates(bias[0]))
        layer.bias_hh_l0.copy_(keras_to_torch_gates(bias[1]))
    return layer


def gradients(layer, x, objective, prefix):
    """The gradients of objective in Keras's layouts, under prefix."""
    layer.zero_grad()
    x.grad = None
    objective.backward()
    return {
        prefix + "grad.kernel": keras_to_torch_gates(layer.weight_ih_l0.grad).T,
        prefix + "grad.recurrent_kernel": keras_to_torch_gates(layer.weight_hh_l0.grad).T,
        prefix + "grad.bias": torch.stack([keras_to_torch_gates(layer.bias_ih_l0.grad),
                                           keras_to_torch_gates(layer.bias_hh_l0.grad)]),
        prefix + "grad.x": x.grad.clone(),
    }


def write(out_dir):
    generator = torch.Generator().manual_seed(20261207)
    f32 = lambda t: t.to(torch.float32).to(torch.float64)
    uniform = lambda *shape, limit: f32((torch.rand(*shape, generator=generator, dtype=torch.float64) * 2 - 1) * limit)

    x = uniform(BATCH, STEPS, FEATURES, limit=1.0).requires_grad_(True)
    kernel = f32(common.glorot_uniform(FEATURES, 3 * UNITS, generator))
    recurrent_kernel = uniform(UNITS, 3 * UNITS, limit=0.5)
    bias = uniform(2, 3 * UNITS, limit=0.5)
    upstream_sequence = uniform(BATCH, STEPS, UNITS, limit=1.0)
    upstream_last = uniform(BATCH, UNITS, limit=1.0)

    layer = gru_layer(kernel, recurrent_kernel, bias)
    tensors = {"x": x.detach(), "kernel": kernel, "recurrent_kernel": recurrent_kernel, "bias": bias,
               "sequence.dy": upstream_sequence, "last.dy": upstream_last}
    sequence, _ = layer(x)
    tensors["sequence.y"] = sequence.detach()
    tensors.update(gradients(layer, x, (sequence * upstream_sequence).sum(), "sequence."))
    sequence, _ = layer(x)
    last = sequence[:, -1, :]
    tensors["last.y"] = last.detach()
    tensors.update(gradients(layer, x, (last * upstream_last).sum(), "last."))

    metadata = {
        "network": "Input(5, 4) -> GRU(6, resetAfter=True), returnSequences true (sequence.*) and false (last.*)",
        "objective": "sum of y times the fixed upstream gradient dy",
        "writer": "scripts/pytorch/gru_fixture.py, torch " + torch.__version__,
    }
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "gru_layer.safetensors")
    common.write_safetensors(path, tensors, metadata)
    print("GRU fixture written to %s" % os.path.abspath(path))


if __name__ == "__main__":
    write(sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "runtime", "src", "test", "resources", "fixtures"))
