#!/usr/bin/env python3
"""PyTorch's side of annonet's MNIST benchmark: the course's MLP on the same IDX files.

Alone, prints one JSON object on the last line of its output: epoch times (median of epochs
2..N), training samples/s, held-out accuracy, inference samples/s at batch 128, and single-sample
predict latency (median and p99, microseconds).

With --serve (how the Java bench command runs it), it trains, prints the training numbers as one
JSON line, then answers commands on standard input, a JSON line each, until "quit": "inference S"
(samples/s at batch 128 over S seconds) and "latency N" (N single-sample latencies, microseconds).
The bench alternates these with annonet's own, so that both engines are timed in the same minutes
on a machine whose speed drifts.

    /usr/bin/python3 scripts/pytorch/bench_mnist.py DATA_DIR [--epochs N] [--threads N] [--serve]
"""
import argparse
import gzip
import json
import os
import statistics
import struct
import sys
import time

import torch


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def find(directory, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    raise SystemExit("no %s[.gz] in %s" % (stem, directory))


def load(directory):
    images = lambda stem: read_idx(find(directory, stem)).reshape(-1, 784).float() / 255.0
    labels = lambda stem: read_idx(find(directory, stem)).long()
    return (images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte"),
            images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte"))


def glorot_(linear):
    torch.nn.init.xavier_uniform_(linear.weight)
    torch.nn.init.zeros_(linear.bias)


def inference_rate(model, batch, seconds):
    """Samples/s of model(batch) over a window of the given seconds."""
    rounds = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        model(batch)
        rounds += 1
    return rounds * batch.shape[0] / (time.perf_counter() - start)


def latencies_us(model, images, count, first):
    """count single-sample predictions of images first, first+1, ... (wrapping), each timed in µs."""
    times = []
    for i in range(first, first + count):
        one = images[i % images.shape[0]].unsqueeze(0)
        t0 = time.perf_counter_ns()
        model(one)
        times.append((time.perf_counter_ns() - t0) / 1000.0)
    return times


def reply(values):
    print(json.dumps(values), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=0, help="torch threads; 0 keeps torch's default")
    parser.add_argument("--latency-samples", type=int, default=2000)
    parser.add_argument("--serve", action="store_true", help="answer inference and latency commands on stdin")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    x_train, y_train, x_test, y_test = load(args.data)

    model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Dropout(0.2),
                                torch.nn.Linear(512, 10))
    glorot_(model[0])
    glorot_(model[3])
    # Keras's RMSprop: rho 0.9, epsilon 1e-7 (PyTorch adds epsilon outside the square root).
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()

    epoch_times = []
    n = x_train.shape[0]
    for _ in range(args.epochs):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(n)
        for i in range(0, n, args.batch):
            index = order[i:i + args.batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x_train[index]), y_train[index])
            loss.backward()
            optimizer.step()
        epoch_times.append(time.perf_counter() - start)

    model.eval()
    steady = epoch_times[1:] if len(epoch_times) > 1 else epoch_times
    with torch.inference_mode():
        training = {
            "engine": "pytorch " + torch.__version__,
            "threads": torch.get_num_threads(),
            "epoch_seconds": statistics.median(steady),
            "train_samples_per_second": n / statistics.median(steady),
            "accuracy": (model(x_test).argmax(1) == y_test).float().mean().item(),
        }
        batch = x_test[:args.batch].contiguous()
        for _ in range(20):
            model(batch)
        latencies_us(model, x_test, 200, 0)
        if args.serve:
            reply(training)
            served = 0
            for line in sys.stdin:
                command = line.split()
                if not command or command[0] == "quit":
                    break
                if command[0] == "inference":
                    reply({"inference_samples_per_second": inference_rate(model, batch, float(command[1]))})
                elif command[0] == "latency":
                    reply({"latencies_us": latencies_us(model, x_test, int(command[1]), served)})
                    served += int(command[1])
                else:
                    raise SystemExit("unknown command: " + line.strip())
            return
        inference = inference_rate(model, batch, 2.0)
        latencies = sorted(latencies_us(model, x_test, args.latency_samples, 0))
    reply(dict(training, inference_samples_per_second=inference,
               latency_median_us=statistics.median(latencies),
               latency_p99_us=latencies[int(0.99 * (len(latencies) - 1))]))


if __name__ == "__main__":
    main()
