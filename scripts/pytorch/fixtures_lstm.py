"""PyTorch fixtures for a stacked LSTM, as annonet declares it with Keras's semantics:

    Input(5, 4) -> LSTM(6, returnSequences=True) first -> LSTM(3) second -> Dense(4, softmax) output

One training step on a fixed batch of 3 sequences, computed in float64 by torch.nn.LSTM with
autograd: the first layer's output sequence, the probabilities, the loss (categorical
cross-entropy, mean over the batch), every gradient, and the weights after one Adam step (Keras's
formulas). Weights are stored in Keras's layouts, which annonet uses: kernel (in, 4u), recurrent
kernel (u, 4u), bias (4u), gate order i, f, c, o. PyTorch's LSTM keeps weight_ih (4u, in),
weight_hh (4u, u) and two biases in the same gate order (its "g" is Keras's "c"), so the kernels
are transposed on the way in and the gradients on the way out; its bias_hh is held at zero and
bias_ih plays Keras's one bias (their gradients are equal). Called by make_fixtures.py.
"""
import os

import torch

STEPS, FEATURES, FIRST_UNITS, SECOND_UNITS, CLASSES, BATCH = 5, 4, 6, 3, 4, 3


def lstm_layer(inputs, units, kernel, recurrent_kernel, bias):
    """torch.nn.LSTM (batch first) holding the given Keras-layout weights; bias_hh zero and frozen."""
    layer = torch.nn.LSTM(inputs, units, batch_first=True).to(torch.float64)
    with torch.no_grad():
        layer.weight_ih_l0.copy_(kernel.T)
        layer.weight_hh_l0.copy_(recurrent_kernel.T)
        layer.bias_ih_l0.copy_(bias)
        layer.bias_hh_l0.zero_()
    layer.bias_hh_l0.requires_grad_(False)
    return layer


def keras_gradients(name, layer):
    return {
        "grad." + name + ".kernel": layer.weight_ih_l0.grad.T,
        "grad." + name + ".recurrent_kernel": layer.weight_hh_l0.grad.T,
        "grad." + name + ".bias": layer.bias_ih_l0.grad,
    }


def write(out_dir):
    import make_fixtures as common

    generator = torch.Generator().manual_seed(20261128)
    f32 = lambda t: t.to(torch.float32).to(torch.float64)
    uniform = lambda *shape, limit: f32((torch.rand(*shape, generator=generator, dtype=torch.float64) * 2 - 1) * limit)

    x = f32(torch.rand(BATCH, STEPS, FEATURES, generator=generator, dtype=torch.float64))
    labels = torch.randint(0, CLASSES, (BATCH,), generator=generator)
    y = torch.nn.functional.one_hot(labels, CLASSES).to(torch.float64)
    weights = {}
    for name, inputs, units in (("first", FEATURES, FIRST_UNITS), ("second", FIRST_UNITS, SECOND_UNITS)):
        weights[name + ".kernel"] = f32(common.glorot_uniform(inputs, 4 * units, generator))
        weights[name + ".recurrent_kernel"] = uniform(units, 4 * units, limit=0.5)
        weights[name + ".bias"] = uniform(4 * units, limit=0.5)
    weights["output.kernel"] = f32(common.glorot_uniform(SECOND_UNITS, CLASSES, generator))
    weights["output.bias"] = f32(common.small_uniform(CLASSES, generator))

    first = lstm_layer(FEATURES, FIRST_UNITS, *(weights["first." + w] for w in ("kernel", "recurrent_kernel", "bias")))
    second = lstm_layer(FIRST_UNITS, SECOND_UNITS, *(weights["second." + w] for w in ("kernel", "recurrent_kernel", "bias")))
    output_kernel = weights["output.kernel"].clone().requires_grad_(True)
    output_bias = weights["output.bias"].clone().requires_grad_(True)

    sequence, _ = first(x)
    states, _ = second(sequence)
    logits = states[:, -1, :] @ output_kernel + output_bias
    probabilities = torch.softmax(logits, dim=1)
    loss = -(y * torch.log_softmax(logits, dim=1)).sum(dim=1).mean()
    loss.backward()

    grads = {}
    grads.update(keras_gradients("first", first))
    grads.update(keras_gradients("second", second))
    grads["grad.output.kernel"] = output_kernel.grad
    grads["grad.output.bias"] = output_bias.grad

    adam = {}
    for name, w in weights.items():
        g = grads["grad." + name]
        m = (1 - common.ADAM["beta1"]) * g
        v = (1 - common.ADAM["beta2"]) * g * g
        alpha = common.ADAM["lr"] * (1 - common.ADAM["beta2"]) ** 0.5 / (1 - common.ADAM["beta1"])
        adam["adam." + name] = w - alpha * m / (torch.sqrt(v) + common.ADAM["epsilon"])

    tensors = {"x": x, "y": y}
    tensors.update(weights)
    tensors["first.sequence"] = sequence.detach()
    tensors["probabilities"] = probabilities.detach()
    tensors["loss"] = loss.detach().reshape(1)
    tensors.update(grads)
    tensors.update(adam)
    metadata = {
        "network": "Input(5, 4) -> LSTM(6, returnSequences) -> LSTM(3) -> Dense(4, softmax)",
        "loss": "categorical cross-entropy, mean over the batch",
        "optimizer": "Adam lr=1e-3 beta1=0.9 beta2=0.999 epsilon=1e-7, step 1",
        "writer": "scripts/pytorch/fixtures_lstm.py, torch " + torch.__version__,
    }
    path = os.path.join(out_dir, "stacked_lstm_step.safetensors")
    common.write_safetensors(path, tensors, metadata)
    print("stacked LSTM loss %.6f; fixture written to %s" % (loss.item(), os.path.abspath(path)))
