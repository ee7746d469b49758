"""PyTorch's memory per sample for torchvision's vgg16 and resnet50 on the CPU, 224x224x3.

For each network and mode (inference under torch.no_grad; training: forward, cross-entropy,
backward), a fresh process builds the model and its input, notes its resident size, runs one
pass and reads its peak resident size (getrusage's ru_maxrss). The peak's rise over the resident
size before the pass, at two batch sizes, gives the bytes each further sample costs:
(rise(large) - rise(small)) / (large - small), which leaves out what does not grow with the batch
(the weights, their gradients, the allocator's and oneDNN's fixed buffers).

Usage: /usr/bin/python3 scripts/pytorch/peak_memory.py   (prints one line per network and mode)
"""
import json
import resource
import subprocess
import sys

SMALL, LARGE = 2, 6


def resident_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def rise(network, mode, batch):
    """In this process: the peak resident size's rise over the size before one pass, in bytes."""
    import torch
    import torchvision
    torch.manual_seed(0)
    model = getattr(torchvision.models, network)(weights=None)
    x = torch.randn(batch, 3, 224, 224)
    y = torch.randint(0, 1000, (batch,))
    if mode == "inference":
        model.eval()
        with torch.no_grad():
            model(x[:1])  # oneDNN's and the allocator's one-time buffers, before the baseline
        before = resident_bytes()
        with torch.no_grad():
            model(x)
    else:
        model.train()
        torch.nn.functional.cross_entropy(model(x[:1]), y[:1]).backward()  # gradients allocated once
        before = resident_bytes()
        torch.nn.functional.cross_entropy(model(x), y).backward()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return max(0, peak - before)


def per_sample(network, mode):
    rises = {}
    for batch in (SMALL, LARGE):
        out = subprocess.run([sys.executable, __file__, network, mode, str(batch)], check=True,
                             capture_output=True, text=True).stdout
        rises[batch] = json.loads(out)["rise"]
    return (rises[LARGE] - rises[SMALL]) / (LARGE - SMALL)


def main():
    if len(sys.argv) == 4:
        network, mode, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
        print(json.dumps({"rise": rise(network, mode, batch)}))
        return
    for network in ("vgg16", "resnet50"):
        for mode in ("inference", "training"):
            print(f"{network} {mode} {per_sample(network, mode) / 1e6:.1f} MB per sample")


if __name__ == "__main__":
    main()
