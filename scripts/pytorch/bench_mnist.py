#!/usr/bin/env python3
"""PyTorch's side of annonet's MNIST benchmark: the course's MLP on the same IDX files.

Alone, prints one JSON object on the last line of its output: epoch times (median of epochs
2..N), training samples/s, held-out accuracy, inference samples/s at batch 128, and single-sample
predict latency (median and p99, microseconds).

With --serve (how the Java bench command runs it), it prints {"engine", "threads"} as one JSON
line, then answers commands on standard input, a JSON line each, until "quit": "epoch" (trains
one epoch: its seconds), "accuracy" (held-out accuracy, then the inference warm-up), "inference S"
(samples/s at batch 128 over S seconds) and "latency N" (N single-sample latencies, µs). The
bench alternates these with annonet's own, so that both engines are timed in the same minutes on
a machine whose speed drifts.

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


class Bench:
    """The course's MLP on the IDX files, trained and timed a command at a time."""

    def __init__(self, data, batch):
        torch.manual_seed(42)
        self.x_train, self.y_train, self.x_test, self.y_test = load(data)
        self.batch_size = batch
        self.model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Dropout(0.2),
                                         torch.nn.Linear(512, 10))
        glorot_(self.model[0])
        glorot_(self.model[3])
        # Keras's RMSprop: rho 0.9, epsilon 1e-7 (PyTorch adds epsilon outside the square root).
        self.optimizer = torch.optim.RMSprop(self.model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
        self.loss_fn = torch.nn.CrossEntropyLoss()
        self.batch = self.x_test[:batch].contiguous()
        self.served = 0

    def epoch(self):
        """One epoch of training in a new order; its seconds."""
        self.model.train()
        n = self.x_train.shape[0]
        start = time.perf_counter()
        order = torch.randperm(n)
        for i in range(0, n, self.batch_size):
            index = order[i:i + self.batch_size]
            self.optimizer.zero_grad(set_to_none=True)
            loss = self.loss_fn(self.model(self.x_train[index]), self.y_train[index])
            loss.backward()
            self.optimizer.step()
        return time.perf_counter() - start

    def accuracy(self):
        """Held-out accuracy; the model then stays in inference mode, warmed up."""
        self.model.eval()
        with torch.inference_mode():
            accuracy = (self.model(self.x_test).argmax(1) == self.y_test).float().mean().item()
            for _ in range(20):
                self.model(self.batch)
        self.latencies_us(200)
        return accuracy

    def inference_rate(self, seconds):
        """Samples/s of the model on one batch over a window of the given seconds."""
        with torch.inference_mode():
            rounds = 0
            start = time.perf_counter()
            while time.perf_counter() - start < seconds:
                self.model(self.batch)
                rounds += 1
            return rounds * self.batch.shape[0] / (time.perf_counter() - start)

    def latencies_us(self, count):
        """count single-sample predictions of the next held-out digits, each timed in µs."""
        times = []
        with torch.inference_mode():
            for i in range(self.served, self.served + count):
                one = self.x_test[i % self.x_test.shape[0]].unsqueeze(0)
                t0 = time.perf_counter_ns()
                self.model(one)
                times.append((time.perf_counter_ns() - t0) / 1000.0)
        self.served += count
        return times


def reply(values):
    print(json.dumps(values), flush=True)


def serve(bench):
    reply({"engine": "pytorch " + torch.__version__, "threads": torch.get_num_threads()})
    for line in sys.stdin:
        command = line.split()
        if not command or command[0] == "quit":
            return
        if command[0] == "epoch":
            reply({"epoch_seconds": bench.epoch()})
        elif command[0] == "accuracy":
            reply({"accuracy": bench.accuracy()})
        elif command[0] == "inference":
            reply({"inference_samples_per_second": bench.inference_rate(float(command[1]))})
        elif command[0] == "latency":
            reply({"latencies_us": bench.latencies_us(int(command[1]))})
        else:
            raise SystemExit("unknown command: " + line.strip())


def main(make_bench=Bench):
    """Runs the bench alone, or serves it; make_bench(data, batch) builds the network's bench (bench_resnet.py's)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=0, help="torch threads; 0 keeps torch's default")
    parser.add_argument("--latency-samples", type=int, default=2000)
    parser.add_argument("--serve", action="store_true", help="answer the bench's commands on stdin")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    bench = make_bench(args.data, args.batch)
    if args.serve:
        serve(bench)
        return
    epoch_times = [bench.epoch() for _ in range(args.epochs)]
    steady = statistics.median(epoch_times[1:] if len(epoch_times) > 1 else epoch_times)
    accuracy = bench.accuracy()
    inference = bench.inference_rate(2.0)
    latencies = sorted(bench.latencies_us(args.latency_samples))
    reply({
        "engine": "pytorch " + torch.__version__,
        "threads": torch.get_num_threads(),
        "epoch_seconds": steady,
        "train_samples_per_second": bench.x_train.shape[0] / steady,
        "accuracy": accuracy,
        "inference_samples_per_second": inference,
        "latency_median_us": statistics.median(latencies),
        "latency_p99_us": latencies[int(0.99 * (len(latencies) - 1))],
    })


if __name__ == "__main__":
    main()
