#!/usr/bin/env python3
"""PyTorch's side of annonet's GPU benchmark: the course's MNIST MLP (RMSprop), the samples' convnet
(MnistCnn, Adam) or the samples' LSTM (MnistLstm: LSTM(128) over 28 rows of 28 pixels, Adam; PyTorch's
nn.LSTM, cuDNN's on a GPU) trained on the GPU, on the same IDX files and with the same loop as
annonet's fit:

  the training set is copied to the device once; per epoch a new order (on the device); per step
  the batch is gathered there and trained on (forward, loss, backward, update). The loss is summed
  on the device and read back once per epoch: no host sync inside the epoch.

PyTorch at its best for these fixed shapes: cuDNN picks its fastest algorithms (cudnn.benchmark),
the convnet runs channels_last, and each batch size is timed in every mode this PyTorch has:
  eager, "cuda graph" (the whole step captured and replayed), "eager bf16" (bf16 autocast, float32
  weights), and "compile" (torch.compile, PyTorch 2.0 and later; an older one gets a row saying why not).

Prints one JSON object per line, the last line holding every result:
{"engine": ..., "results": [{"mode": ..., "batch": B, "step_us": ..., "samples_per_second": ...}],
 "copy_us": {"128": ..., "1024": ...}}
A mode that cannot run prints {"mode": ..., "batch": B, "error": why} instead of its row.

    python3 scripts/pytorch/bench_mnist_gpu.py DATA_DIR [--model mlp|cnn|lstm] [--epochs N] [--batches 128,1024]
        [--modes eager,cuda graph,eager bf16,compile] [--device cuda|cpu]
"""
import argparse
import json
import statistics
import time

import torch

from bench_lstm import MnistLstm
from bench_mnist import load, glorot_

MODES = ("eager", "cuda graph", "eager bf16", "compile")
# "--device cpu" runs the same loop without CUDA (no graphs, no copies): a check of this script
# on a machine without a GPU.
DEVICE = "cuda"


def synchronize():
    if DEVICE == "cuda":
        torch.cuda.synchronize()


def make_model(kind):
    torch.manual_seed(42)
    if kind == "cnn":
        model = torch.nn.Sequential(
            torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Flatten(), torch.nn.Dropout(0.5), torch.nn.Linear(1600, 10))
        # NHWC, as annonet's layout and cuDNN's fastest for convolutions on tensor-core GPUs.
        return model.to(DEVICE, memory_format=torch.channels_last)
    if kind == "lstm":
        return MnistLstm().to(DEVICE)
    model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Dropout(0.2),
                                torch.nn.Linear(512, 10))
    glorot_(model[0])
    glorot_(model[3])
    return model.to(DEVICE)


def make_optimizer(kind, model, capturable):
    # Keras's RMSprop (rho 0.9, epsilon 1e-7) and Adam (epsilon 1e-7). A graph needs the optimizer's
    # state on the device: capturable.
    options = {"capturable": True} if capturable else {}
    if kind in ("cnn", "lstm"):
        return torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7, **options)
    return torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7, **options)


def compile_problem():
    """Why torch.compile cannot run here, or None."""
    if not hasattr(torch, "compile"):
        return "torch.compile needs PyTorch 2.0 or later; this is " + torch.__version__
    return None


def mode_problem(mode):
    """Why `mode` cannot run on DEVICE with this PyTorch, or None."""
    if mode == "cuda graph" and DEVICE != "cuda":
        return "CUDA graphs need a CUDA device"
    if mode == "compile":
        return compile_problem()
    return None


def sample_layout(kind, x_train):
    """The training set as each network reads it: images for the convnet (channels_last), rows for the LSTM."""
    if kind == "cnn":
        return x_train.reshape(-1, 1, 28, 28).contiguous(memory_format=torch.channels_last)
    if kind == "lstm":
        return x_train.reshape(-1, 28, 28)
    return x_train


def run(kind, x_train, y_train, batch, epochs, mode):
    """Median seconds per step over epochs 2..N (full batches only: a graph has static shapes)."""
    graph = mode == "cuda graph"
    model = make_model(kind)
    model.train()
    optimizer = make_optimizer(kind, model, graph)
    loss_fn = torch.nn.CrossEntropyLoss()
    forward = torch.compile(model) if mode == "compile" else model
    steps = x_train.shape[0] // batch
    x_device = x_train.to(DEVICE)
    y_device = y_train.to(DEVICE)
    static_x = torch.empty_like(x_device[:batch])  # keeps channels_last
    static_y = torch.empty(batch, dtype=torch.long, device=DEVICE)
    total_loss = torch.zeros((), device=DEVICE)

    def step():
        optimizer.zero_grad(set_to_none=False)
        with torch.autocast(DEVICE, dtype=torch.bfloat16, enabled=mode == "eager bf16"):
            loss = loss_fn(forward(static_x), static_y)
        loss.backward()
        optimizer.step()
        return loss

    replay = None
    if graph:
        # PyTorch's recipe for whole-network capture: warm up on a side stream, then record.
        static_x.copy_(x_device[:batch])
        static_y.copy_(y_device[:batch])
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                step()
        torch.cuda.current_stream().wait_stream(side)
        recorded = torch.cuda.CUDAGraph()
        with torch.cuda.graph(recorded):
            static_loss = step()

        def replay():
            recorded.replay()
            return static_loss

    epoch_times = []
    for _ in range(epochs):
        order = torch.randperm(x_train.shape[0], device=DEVICE)  # as annonet's epoch timer, outside the time
        total_loss.zero_()
        synchronize()
        start = time.perf_counter()
        for s in range(steps):
            index = order[s * batch:(s + 1) * batch]
            torch.index_select(x_device, 0, index, out=static_x)
            torch.index_select(y_device, 0, index, out=static_y)
            loss = replay() if replay else step()
            total_loss += loss.detach()
        total_loss.item()  # the epoch's one host sync
        epoch_times.append((time.perf_counter() - start) / steps)
    steady = epoch_times[1:] if len(epoch_times) > 1 else epoch_times
    return statistics.median(steady)


def copy_seconds(x_train, batch, rounds=200):
    """One batch from pinned host memory to the device, waited for."""
    host = x_train[:batch].contiguous().pin_memory()
    device = torch.empty(host.shape, device=DEVICE)
    for _ in range(20):
        device.copy_(host, non_blocking=True)
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(rounds):
        device.copy_(host, non_blocking=True)
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / rounds


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--model", default="mlp", choices=["mlp", "cnn", "lstm"])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batches", default="128,1024")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated, of: " + ", ".join(MODES))
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    args = parser.parse_args(argv)
    try:
        args.batches = [int(b) for b in args.batches.split(",")]
    except ValueError:
        parser.error("--batches: whole numbers separated by commas, not " + repr(args.batches))
    if any(b <= 0 for b in args.batches):
        parser.error("--batches: each batch size must be positive")
    args.modes = args.modes.split(",")
    unknown = [m for m in args.modes if m not in MODES]
    if unknown:
        parser.error("--modes: unknown %s; choose from %s" % (", ".join(map(repr, unknown)), ", ".join(MODES)))
    return args


def main():
    args = parse_arguments()
    global DEVICE
    DEVICE = args.device
    if DEVICE == "cuda" and not torch.cuda.is_available():
        raise SystemExit("PyTorch sees no CUDA device")
    # float32, as annonet's default: PyTorch lets cuDNN's convolutions use TF32 unless told not to.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True  # cuDNN's fastest algorithm for these fixed shapes
    x_train, y_train, _, _ = load(args.data)
    x_train = sample_layout(args.model, x_train)
    results = []
    copies = {}
    for batch in args.batches:
        for mode in args.modes:
            problem = mode_problem(mode)
            if problem is None:
                try:
                    seconds = run(args.model, x_train, y_train, batch, args.epochs, mode)
                except (TypeError, RuntimeError) as e:  # e.g. an older PyTorch without a capturable optimizer
                    problem = str(e).splitlines()[0] if str(e) else type(e).__name__
            if problem is not None:
                print(json.dumps({"mode": mode, "batch": batch, "error": problem}), flush=True)
                continue
            row = {"mode": mode, "batch": batch, "step_us": seconds * 1e6, "samples_per_second": batch / seconds}
            results.append(row)
            print(json.dumps(row), flush=True)
        if DEVICE == "cuda":
            copies[str(batch)] = copy_seconds(x_train, batch) * 1e6
    device_name = torch.cuda.get_device_name(0) if DEVICE == "cuda" else "cpu"
    print(json.dumps({"engine": "pytorch " + torch.__version__ + " on " + device_name,
                      "results": results, "copy_us": copies}))


if __name__ == "__main__":
    main()
