#!/usr/bin/env python3
"""PyTorch's side of annonet's MNIST benchmark: the course's MLP on the same IDX files.

Prints one JSON object on the last line of its output, read by the Java bench command:
epoch times (median of epochs 2..N), training samples/s, held-out accuracy, inference samples/s
at batch 128, and single-sample predict latency (median and p99, microseconds).

    /usr/bin/python3 scripts/pytorch/bench_mnist.py DATA_DIR [--epochs N] [--threads N]
"""
import argparse
import gzip
import json
import os
import statistics
import struct
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=0, help="torch threads; 0 keeps torch's default")
    parser.add_argument("--latency-samples", type=int, default=2000)
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
    with torch.inference_mode():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()

        batch = x_test[:args.batch].contiguous()
        for _ in range(20):
            model(batch)
        rounds = 0
        start = time.perf_counter()
        while time.perf_counter() - start < 2.0:
            model(batch)
            rounds += 1
        inference = rounds * args.batch / (time.perf_counter() - start)

        latencies = []
        for i in range(args.latency_samples + 200):
            one = x_test[i % x_test.shape[0]].unsqueeze(0)
            t0 = time.perf_counter_ns()
            model(one)
            if i >= 200:
                latencies.append((time.perf_counter_ns() - t0) / 1000.0)
    latencies.sort()
    steady = epoch_times[1:] if len(epoch_times) > 1 else epoch_times
    print(json.dumps({
        "engine": "pytorch " + torch.__version__,
        "threads": torch.get_num_threads(),
        "epoch_seconds": statistics.median(steady),
        "train_samples_per_second": n / statistics.median(steady),
        "accuracy": accuracy,
        "inference_samples_per_second": inference,
        "latency_median_us": statistics.median(latencies),
        "latency_p99_us": latencies[int(0.99 * (len(latencies) - 1))],
    }))


if __name__ == "__main__":
    main()
