"""Writes the 1000 ImageNet class names, one a line in class-index order, for the applications' classify command.

The names come from torchvision's weights metadata (Debian's python3-torchvision, offline):
ResNet50_Weights.IMAGENET1K_V1.meta["categories"]. Their order is the ILSVRC2012 synset order that
Keras's imagenet_class_index.json (decode_predictions) indexes too: checked against it at indices
0-8 and 683-999 (Keras writes "great_white_shark" where torchvision writes "great white shark").
    /usr/bin/python3 scripts/keras/write_imagenet_classes.py
"""
import os

from torchvision.models import ResNet50_Weights

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "applications/src/main/resources/dev/annonet/applications/imagenet_classes.txt")

categories = ResNet50_Weights.IMAGENET1K_V1.meta["categories"]
assert len(categories) == 1000 and categories[0] == "tench" and categories[999] == "toilet tissue"
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w", encoding="utf8") as f:
    f.write("\n".join(categories) + "\n")
