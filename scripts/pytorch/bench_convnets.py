#!/usr/bin/env python3
"""PyTorch's side of the real-size convnet bench (issue 16's speed table, -Dsample=convbench):
torchvision's vgg16 and resnet50 with random weights, float32 on the CPU, eval mode, no_grad, on
224x224x3 images, forward images per second. (torchvision's ResNet50 is v1.5, the stride on the
3x3 convolution where Keras's v1 has it on the first 1x1: the same layers and parameters, about
4.1 against 3.9 GFLOP an image.) PyTorch's layout is NCHW; its oneDNN convolutions reorder as they
choose, inside the timed calls.

Served: prints {"engine", "threads"} as one JSON line, then answers commands on standard input, a
JSON line each, until "quit": "rate MODEL BATCH SECONDS" runs MODEL (vgg16 or resnet50) forward on
batches of BATCH random images, one call to warm up and then calls for at least SECONDS, and
answers {"images_per_second"}. The Java bench alternates these with annonet's own, so that both
are timed in the same minutes on a machine whose speed drifts.

    /usr/bin/python3 scripts/pytorch/bench_convnets.py [--threads N]
"""
import argparse
import json
import sys
import time

import torch
import torchvision


def rate(model, batch, seconds):
    x = torch.rand(batch, 3, 224, 224)
    with torch.no_grad():
        model(x)
        calls = 0
        start = time.perf_counter()
        while True:
            model(x)
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                return calls * batch / elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    print(json.dumps({"engine": "pytorch " + torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    models = {}
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] != "rate" or len(words) != 4 or words[1] not in ("vgg16", "resnet50"):
            print(json.dumps({"error": "unknown command: " + line.strip()}), flush=True)
            continue
        name, batch, seconds = words[1], int(words[2]), float(words[3])
        if name not in models:
            models.clear()  # one network's weights at a time
            models[name] = getattr(torchvision.models, name)().eval()
        print(json.dumps({"images_per_second": rate(models[name], batch, seconds)}), flush=True)


if __name__ == "__main__":
    main()
