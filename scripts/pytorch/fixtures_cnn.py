"""The small CNN fixture: Conv2D SAME stride 2 -> BatchNormalization -> ReLU -> MaxPooling2D ->
Flatten -> Dense softmax, one training step with Adam (Keras's formulas and defaults).

Computed in float64 with autograd, in annonet's (Keras's) layouts: activations NHWC, the conv
kernel (kh, kw, cin, cout). PyTorch works in NCHW with (cout, cin, kh, kw) kernels, so tensors are
converted on the way in and out. Keras's SAME padding for stride 2 pads the extra row and column
after the input, which PyTorch's symmetric padding cannot say: the input is padded explicitly.
BatchNormalization normalizes with the biased batch variance and updates the moving statistics
with it (moving = moving * momentum + batch * (1 - momentum)), as Keras does, by hand here since
PyTorch's running variance uses the unbiased one.

make_fixtures.py calls write(out_dir).
"""
import os

import torch

BATCH, SIZE, CHANNELS, FILTERS, CLASSES = 6, 8, 2, 4, 3
KERNEL, STRIDE = 3, 2
MOMENTUM, EPSILON = 0.99, 1e-3
ADAM = dict(lr=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-7)


def same_padding(size, kernel, stride):
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def write(out_dir, write_safetensors):
    generator = torch.Generator().manual_seed(20261128)
    f32 = lambda t: t.to(torch.float32).to(torch.float64)
    uniform = lambda *shape, low=-1.0, high=1.0: f32(
        torch.rand(*shape, generator=generator, dtype=torch.float64) * (high - low) + low)

    x = uniform(BATCH, SIZE, SIZE, CHANNELS)                       # NHWC
    labels = torch.randint(0, CLASSES, (BATCH,), generator=generator)
    y = torch.nn.functional.one_hot(labels, CLASSES).to(torch.float64)
    pooled = (SIZE // STRIDE) // 2
    weights = {
        "conv.kernel": uniform(KERNEL, KERNEL, CHANNELS, FILTERS, low=-0.5, high=0.5),
        "conv.bias": uniform(FILTERS, low=-0.1, high=0.1),
        "norm.gamma": uniform(FILTERS, low=0.5, high=1.5),
        "norm.beta": uniform(FILTERS, low=-0.2, high=0.2),
        "output.kernel": uniform(pooled * pooled * FILTERS, CLASSES, low=-0.5, high=0.5),
        "output.bias": uniform(CLASSES, low=-0.1, high=0.1),
    }
    params = {name: w.clone().requires_grad_(True) for name, w in weights.items()}

    before, after = same_padding(SIZE, KERNEL, STRIDE)
    nchw = x.permute(0, 3, 1, 2)
    padded = torch.nn.functional.pad(nchw, (before, after, before, after))
    conv = torch.nn.functional.conv2d(padded, params["conv.kernel"].permute(3, 2, 0, 1),
                                      params["conv.bias"], stride=STRIDE)
    mean = conv.mean(dim=(0, 2, 3))
    variance = conv.var(dim=(0, 2, 3), unbiased=False)
    shape = (1, FILTERS, 1, 1)
    normalized = (conv - mean.reshape(shape)) / torch.sqrt(variance.reshape(shape) + EPSILON)
    norm = normalized * params["norm.gamma"].reshape(shape) + params["norm.beta"].reshape(shape)
    pooled_map = torch.nn.functional.max_pool2d(torch.relu(norm), 2)
    flat = pooled_map.permute(0, 2, 3, 1).reshape(BATCH, -1)       # Keras flattens NHWC
    logits = flat @ params["output.kernel"] + params["output.bias"]
    probabilities = torch.softmax(logits, dim=1)
    loss = -(y * torch.log_softmax(logits, dim=1)).sum(dim=1).mean()
    loss.backward()

    step = {"x": x, "y": y, "probabilities": probabilities, "loss": loss.detach().reshape(1)}
    step.update(weights)
    for name, p in params.items():
        g = p.grad.detach()
        step["grad." + name] = g
        m = (1 - ADAM["beta1"]) * g
        v = (1 - ADAM["beta2"]) * g * g
        alpha = ADAM["lr"] * (1 - ADAM["beta2"]) ** 0.5 / (1 - ADAM["beta1"])
        step["adam." + name] = weights[name] - alpha * m / (torch.sqrt(v) + ADAM["epsilon"])
    step["norm.moving_mean"] = (1 - MOMENTUM) * mean.detach()
    step["norm.moving_variance"] = MOMENTUM + (1 - MOMENTUM) * variance.detach()

    metadata = {
        "network": "Input(8, 8, 2) -> Conv2D(4, 3, strides 2, SAME) -> BatchNormalization -> ReLU"
                   " -> MaxPooling2D(2) -> Flatten -> Dense(3, softmax)",
        "loss": "categorical cross-entropy, mean over the batch; one Adam step",
        "writer": "scripts/pytorch/fixtures_cnn.py, torch " + torch.__version__,
    }
    path = os.path.join(out_dir, "small_cnn_step.safetensors")
    write_safetensors(path, step, metadata)
    print("small CNN loss %.6f; fixture written to %s" % (loss.item(), os.path.abspath(path)))
