#!/usr/bin/env python3
"""The course's MNIST network moving between PyTorch and annonet as safetensors, both ways.

The network: Input(784) -> Dense(512, relu) -> Dropout(0.2) -> Dense(10, softmax), as a
torch.nn.Module whose Linear layers carry Keras's layer names. A torch Linear weight is
(out, in); a Keras (and annonet) kernel is (in, out), so it is transposed on the way.

Debian has no safetensors package, so the framing is read and written by hand: an 8-byte
little-endian header length, a JSON header, raw little-endian float32 data.

    export [directory]         PyTorch -> annonet: writes mnist_mlp_torch_weights.safetensors (the weights of a
                               torch-initialized network, annonet's names) and mnist_mlp_torch_outputs.safetensors
                               (inputs x and PyTorch's probabilities, in eval mode).
    import WEIGHTS [directory] annonet -> PyTorch: reads the weights annonet's Model.save wrote and writes
                               mnist_mlp_annonet_outputs.safetensors (the same x and PyTorch's probabilities).
    check WEIGHTS OUTPUTS      annonet -> PyTorch, at once: PyTorch's probabilities for OUTPUTS' x with the weights
                               annonet wrote must equal OUTPUTS' probabilities (annonet's) to 1e-5; exit status 1 if not.

The directory defaults to samples/src/test/resources/fixtures. Run with Debian's PyTorch:
    /usr/bin/python3 scripts/pytorch/roundtrip_mnist.py export
"""
import json
import os
import struct
import sys

import torch

from make_fixtures import write_safetensors

SAMPLES = 4
TOLERANCE = 1e-5
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "samples", "src", "test", "resources",
                        "fixtures")
LAYERS = ("hidden", "output")


class MnistMlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(784, 512)
        self.dropout = torch.nn.Dropout(0.2)
        self.output = torch.nn.Linear(512, 10)

    def forward(self, x):
        return torch.softmax(self.output(self.dropout(torch.relu(self.hidden(x)))), dim=1)


def read_safetensors(path):
    """Every F32 tensor of a safetensors file, by name, and its metadata."""
    with open(path, "rb") as source:
        data = source.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    start = 8 + length
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] != "F32":
            raise ValueError("%s: tensor %s is %s, not F32" % (path, name, entry["dtype"]))
        begin, end = entry["data_offsets"]
        values = struct.unpack("<%df" % ((end - begin) // 4), data[start + begin:start + end])
        tensors[name] = torch.tensor(values, dtype=torch.float32).reshape(entry["shape"])
    return tensors, metadata


def keras_weights(model):
    """annonet's (Keras's) names and layouts of the module's weights."""
    weights = {}
    for layer in LAYERS:
        linear = getattr(model, layer)
        weights[layer + ".kernel"] = linear.weight.detach().t()
        weights[layer + ".bias"] = linear.bias.detach()
    return weights


def load_keras_weights(model, weights):
    expected = {layer + suffix for layer in LAYERS for suffix in (".kernel", ".bias")}
    if set(weights) != expected:
        raise ValueError("the file holds %s, not the weights %s" % (sorted(weights), sorted(expected)))
    with torch.no_grad():
        for layer in LAYERS:
            linear = getattr(model, layer)
            linear.weight.copy_(weights[layer + ".kernel"].t())
            linear.bias.copy_(weights[layer + ".bias"])


def probabilities(model, x):
    """PyTorch's outputs in eval mode (no dropout), computed in float64 from the float32 weights."""
    model.eval()
    with torch.no_grad():
        return model.double()(x.double()).float()


def export(directory):
    torch.manual_seed(20261207)
    model = MnistMlp()
    x = torch.rand(SAMPLES, 784, generator=torch.Generator().manual_seed(7))
    metadata = {"network": "MnistMlp", "writer": "scripts/pytorch/roundtrip_mnist.py, torch " + torch.__version__}
    write_safetensors(os.path.join(directory, "mnist_mlp_torch_weights.safetensors"), keras_weights(model), metadata)
    write_safetensors(os.path.join(directory, "mnist_mlp_torch_outputs.safetensors"),
                      {"x": x, "probabilities": probabilities(model, x)}, metadata)


def torch_outputs_of(weights_path, x):
    weights, _ = read_safetensors(weights_path)
    model = MnistMlp()
    load_keras_weights(model, weights)
    return probabilities(model, x)


def import_weights(weights_path, directory):
    tensors, _ = read_safetensors(os.path.join(directory, "mnist_mlp_torch_outputs.safetensors"))
    x = tensors["x"]
    metadata = {"network": "MnistMlp", "weights": "annonet's MnistMlpModel, seed 42, as Model.save wrote them",
                "writer": "scripts/pytorch/roundtrip_mnist.py, torch " + torch.__version__}
    write_safetensors(os.path.join(directory, "mnist_mlp_annonet_outputs.safetensors"),
                      {"x": x, "probabilities": torch_outputs_of(weights_path, x)}, metadata)


def check(weights_path, outputs_path):
    tensors, _ = read_safetensors(outputs_path)
    expected = tensors["probabilities"].double()
    actual = torch_outputs_of(weights_path, tensors["x"]).double()
    error = ((actual - expected).norm() / expected.norm()).item()
    print("PyTorch on annonet's weights: relative error %.3g" % error)
    return 0 if error < TOLERANCE else 1


def main(arguments):
    if arguments[:1] == ["export"] and len(arguments) <= 2:
        export(arguments[1] if len(arguments) == 2 else FIXTURES)
        return 0
    if arguments[:1] == ["import"] and len(arguments) in (2, 3):
        import_weights(arguments[1], arguments[2] if len(arguments) == 3 else FIXTURES)
        return 0
    if arguments[:1] == ["check"] and len(arguments) == 3:
        return check(arguments[1], arguments[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
