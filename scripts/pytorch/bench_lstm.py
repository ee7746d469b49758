"""PyTorch's side of the LSTM sample's epoch time: LSTM(128) -> Linear(10) on the embedded 8,000
training digits (the samples' train file, as 28 steps of 28 pixels), Adam,
batch 128. Prints the time of each epoch.

    /usr/bin/python3 scripts/pytorch/bench_lstm.py [--epochs N] [--threads N]
"""
import argparse
import os
import time

import torch

from bench_mnist import read_idx

RESOURCES = os.path.join(os.path.dirname(__file__), "..", "..", "samples", "src", "main", "resources",
                         "dev", "annonet", "samples", "mnist")


class MnistLstm(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(28, 128, batch_first=True)
        self.output = torch.nn.Linear(128, 10)

    def forward(self, x):
        states, _ = self.lstm(x)
        return self.output(states[:, -1, :])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="torch threads; 0 keeps torch's default")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    images = read_idx(os.path.join(RESOURCES, "train-images-idx3-ubyte.gz")).reshape(-1, 28, 28).float() / 255.0
    labels = read_idx(os.path.join(RESOURCES, "train-labels-idx1-ubyte.gz")).long()
    x, y = images, labels
    model = MnistLstm()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        order = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            batch = order[i:i + 128]
            optimizer.zero_grad()
            loss = loss_fn(model(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
        print("epoch %d: %.2f s, last loss %.4f, threads %d" % (epoch, time.perf_counter() - start, loss.item(),
                                                               torch.get_num_threads()))


if __name__ == "__main__":
    main()
