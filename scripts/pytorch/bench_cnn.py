#!/usr/bin/env python3
"""PyTorch's side of the CNN epoch time: Keras's MNIST convnet (the samples' MnistCnn) with Adam,
batch 128, on the same IDX files (bench_mnist.py's loader), float32 on the CPU.

Prints each epoch's seconds and the held-out accuracy.

    /usr/bin/python3 scripts/pytorch/bench_cnn.py DATA_DIR [--epochs N] [--threads N]
"""
import argparse
import time

import torch

from bench_mnist import load


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    x_train, y_train, x_test, y_test = load(args.data)
    x_train = x_train.reshape(-1, 1, 28, 28)
    x_test = x_test.reshape(-1, 1, 28, 28)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Dropout(0.5), torch.nn.Linear(1600, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = x_train.shape[0]
    for epoch in range(args.epochs):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(n)
        for i in range(0, n, 128):
            index = order[i:i + 128]
            optimizer.zero_grad(set_to_none=True)
            loss_fn(model(x_train[index]), y_train[index]).backward()
            optimizer.step()
        print("epoch %d: %.2f s" % (epoch + 1, time.perf_counter() - start))
    model.eval()
    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    print("held-out accuracy %.4f" % accuracy)


if __name__ == "__main__":
    main()
