#!/usr/bin/env python3
"""PyTorch's side of annonet's GPU benchmark: the course's MNIST MLP (RMSprop), the samples' convnet
(MnistCnn, Adam) or the samples' LSTM (MnistLstm: LSTM(128) over 28 rows of 28 pixels, Adam; PyTorch's
nn.LSTM, cuDNN's on a GPU) trained on the GPU, on the same IDX files and with the same loop as
annonet's fit; or torchvision's resnet50 (random weights, 1000 classes, SGD with momentum 0.9) on
random 224x224 images and labels (seed 42), for ResNet50GpuBench:

  the training set is copied to the device once; per epoch a new order (on the device); per step
  the batch is gathered there and trained on (forward, loss, backward, update). The loss is summed
  on the device and read back once per epoch: no host sync inside the epoch.

PyTorch at its best for these fixed shapes: cuDNN picks its fastest algorithms (cudnn.benchmark),
the convnet runs channels_last, and each batch size is timed in every mode this PyTorch has:
  eager, "cuda graph" (the whole step captured and replayed), "eager bf16" (bf16 autocast, float32
  weights), and "compile" (torch.compile, PyTorch 2.0 and later; an older one gets a row saying why not).

The resnet50 adds "eager tf32" (TF32 GEMMs and convolutions) to the modes, runs every mode channels_last,
and also times inference in each mode (eval, no grad): batch-1 latency, each call from a pinned host
tensor to the softmax's probabilities back on the host, so synchronized per call as a user would
time it (median of --latency-calls), and batch --infer-batch throughput (the same calls for at least
--seconds). It prints one line per mode, {"mode", "train_batch", "train_images_per_second",
"infer_ms_at_1", "infer_batch", "infer_images_per_second"} or {"mode", "error"}, then {"engine"}.

Prints one JSON object per line, the last line holding every result:
{"engine": ..., "results": [{"mode": ..., "batch": B, "step_us": ..., "samples_per_second": ...}],
 "copy_us": {"128": ..., "1024": ...}}
A mode that cannot run prints {"mode": ..., "batch": B, "error": why} instead of its row.

    python3 scripts/pytorch/bench_mnist_gpu.py DATA_DIR [--model mlp|cnn|lstm] [--epochs N] [--batches 128,1024]
        [--modes eager,cuda graph,eager bf16,compile] [--device cuda|cpu]
    python3 scripts/pytorch/bench_mnist_gpu.py --model resnet50 [--epochs 3] [--batches 128] [--steps 8]
        [--infer-batch 64] [--latency-calls 50] [--seconds 3] [--image-size 224] [--modes ...] [--device cuda|cpu]
"""
import argparse
import json
import statistics
import time

import torch

from bench_lstm import MnistLstm
from bench_mnist import load, glorot_

MODES = ("eager", "cuda graph", "eager bf16", "compile")
RESNET_MODES = ("eager", "eager tf32", "eager bf16", "cuda graph", "compile")
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
    if kind == "resnet50":
        import torchvision  # only this network needs it
        return torchvision.models.resnet50(weights=None, num_classes=1000).to(DEVICE, memory_format=torch.channels_last)
    model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Dropout(0.2),
                                torch.nn.Linear(512, 10))
    glorot_(model[0])
    glorot_(model[3])
    return model.to(DEVICE)


def make_optimizer(kind, model, capturable):
    # Keras's RMSprop (rho 0.9, epsilon 1e-7) and Adam (epsilon 1e-7). A graph needs the optimizer's
    # state on the device: capturable.
    if kind == "resnet50":  # annonet's Optimizers.sgd(0.01f, 0.9f, false); SGD keeps no step count to capture
        return torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
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


def random_images(count, size):
    """`count` random images (NCHW shape, channels_last memory) and class labels, seed 42: ResNet50's training set."""
    generator = torch.Generator().manual_seed(42)
    images = torch.rand(count, 3, size, size, generator=generator).contiguous(memory_format=torch.channels_last)
    return images, torch.randint(0, 1000, (count,), generator=generator)


def predict_call(model, mode, batch, size):
    """A function running one prediction as a user would: a batch from pinned host memory in, the
    probabilities back on the host (which waits for the GPU), in eval mode without gradients."""
    use_tf32(mode)
    model.eval()
    host = random_images(batch, size)[0]
    if DEVICE == "cuda":
        host = host.pin_memory()
    static_x = torch.empty_like(host, device=DEVICE)
    forward = torch.compile(model) if mode == "compile" else model

    def device_forward():
        with torch.autocast(DEVICE, dtype=torch.bfloat16, enabled=mode == "eager bf16"):
            return torch.softmax(forward(static_x).float(), dim=1)

    run_forward = device_forward
    if mode == "cuda graph":
        static_x.copy_(host)
        with torch.no_grad():
            run_forward = captured(device_forward)

    def call():
        static_x.copy_(host, non_blocking=True)
        with torch.no_grad():
            return run_forward().cpu()
    return call


def latency_seconds(call, calls):
    """The median of `calls` timed calls, after three untimed ones."""
    for _ in range(3):
        call()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def calls_per_second(call, seconds):
    """Calls per second over at least `seconds`, after one untimed call."""
    call()
    calls = 0
    start = time.perf_counter()
    while True:
        call()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return calls / elapsed


def resnet50_row(args, mode):
    """Training images/s at the batch size, batch-1 latency and batch-N throughput of one mode."""
    batch = args.batches[0]
    images, labels = random_images(batch * args.steps, args.image_size)
    step = run("resnet50", images, labels, batch, args.epochs, mode)
    del images, labels
    model = make_model("resnet50")
    latency = latency_seconds(predict_call(model, mode, 1, args.image_size), args.latency_calls)
    rate = calls_per_second(predict_call(model, mode, args.infer_batch, args.image_size), args.seconds) * args.infer_batch
    return {"mode": mode, "train_batch": batch, "train_images_per_second": batch / step, "infer_ms_at_1": latency * 1e3,
            "infer_batch": args.infer_batch, "infer_images_per_second": rate}


def captured(call):
    """PyTorch's recipe for whole-network capture: warm up on a side stream, then record `call`; a
    function replaying it and returning what the recorded call returned."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(3):
            call()
    torch.cuda.current_stream().wait_stream(side)
    recorded = torch.cuda.CUDAGraph()
    with torch.cuda.graph(recorded):
        result = call()

    def replay():
        recorded.replay()
        return result
    return replay


def use_tf32(mode):
    """TF32 for the "eager tf32" mode only: float32 everywhere else, as annonet's default."""
    torch.backends.cuda.matmul.allow_tf32 = mode == "eager tf32"
    torch.backends.cudnn.allow_tf32 = mode == "eager tf32"


def run(kind, x_train, y_train, batch, epochs, mode):
    """Median seconds per step over epochs 2..N (full batches only: a graph has static shapes)."""
    graph = mode == "cuda graph"
    use_tf32(mode)
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
        static_x.copy_(x_device[:batch])
        static_y.copy_(y_device[:batch])
        replay = captured(step)

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
    parser.add_argument("data", nargs="?", help="the MNIST IDX files' folder (not for resnet50)")
    parser.add_argument("--model", default="mlp", choices=["mlp", "cnn", "lstm", "resnet50"])
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--batches")
    parser.add_argument("--modes")
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    parser.add_argument("--steps", type=int, default=8, help="resnet50: training steps an epoch")
    parser.add_argument("--image-size", type=int, default=224, help="resnet50: image side (smaller only to test the script)")
    parser.add_argument("--infer-batch", type=int, default=64, help="resnet50: the throughput's batch size")
    parser.add_argument("--latency-calls", type=int, default=50, help="resnet50: timed batch-1 calls")
    parser.add_argument("--seconds", type=float, default=3, help="resnet50: seconds of throughput calls")
    args = parser.parse_args(argv)
    resnet = args.model == "resnet50"
    if args.data is None and not resnet:
        parser.error("the MNIST folder is required for " + args.model)
    known = RESNET_MODES if resnet else MODES
    args.epochs = args.epochs or (3 if resnet else 10)
    args.batches = args.batches or ("128" if resnet else "128,1024")
    args.modes = args.modes or ",".join(known)
    if min(args.epochs, args.steps, args.image_size, args.infer_batch, args.latency_calls) <= 0 or not args.seconds > 0:
        parser.error("--epochs, --steps, --image-size, --infer-batch, --latency-calls and --seconds must be positive")
    try:
        args.batches = [int(b) for b in args.batches.split(",")]
    except ValueError:
        parser.error("--batches: whole numbers separated by commas, not " + repr(args.batches))
    if any(b <= 0 for b in args.batches):
        parser.error("--batches: each batch size must be positive")
    args.modes = args.modes.split(",")
    unknown = [m for m in args.modes if m not in known]
    if unknown:
        parser.error("--modes: unknown %s; choose from %s" % (", ".join(map(repr, unknown)), ", ".join(known)))
    if resnet and len(args.batches) != 1:
        parser.error("--batches: resnet50 trains at one batch size")
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
    if args.model == "resnet50":
        main_resnet50(args)
        return
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


def main_resnet50(args):
    for mode in args.modes:
        problem = mode_problem(mode)
        if problem is None:
            try:
                print(json.dumps(resnet50_row(args, mode)), flush=True)
                continue
            except (TypeError, RuntimeError) as e:  # out of memory, or what this PyTorch lacks
                problem = str(e).splitlines()[0] if str(e) else type(e).__name__
            if DEVICE == "cuda":
                torch.cuda.empty_cache()
        print(json.dumps({"mode": mode, "error": problem}), flush=True)
    device_name = torch.cuda.get_device_name(0) if DEVICE == "cuda" else "cpu"
    print(json.dumps({"engine": "pytorch " + torch.__version__ + " on " + device_name}))


if __name__ == "__main__":
    main()
