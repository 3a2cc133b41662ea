#!/usr/bin/env python3
"""Z stacks of near-identical slices, to measure the stated false-positive rate when the training
planes are slices of a few specimens (docs/benchmarks.md, "Stacks of near-identical slices").

Each specimen is a volume of white noise smoothed by a Gaussian of sigma 2.5 slices and 3 pixels,
cut to 10 slices of 128 x 128 away from the filter's borders and stored as a 16-bit ImageJ stack
(mean 20,000, about 1,000 grey values of standard deviation). Neighbouring slices are near copies;
specimens are independent. Writes OUT/train (TRAIN specimens) and OUT/test (TEST specimens, drawn
with another seed); with --single each training specimen gives its middle slice alone, so that the
training planes are as many but independent.

usage: /usr/bin/python3 scripts/make_stack_cases.py OUT [--train 12] [--test 200] [--seed 1] [--single]
needs Debian's python3-numpy, python3-scipy, python3-tifffile
"""
import argparse
import os

import numpy as np
import tifffile
from scipy import ndimage

SLICES, SIDE, SIGMA = 10, 128, (2.5, 3, 3)


def specimen(rng):
    pad = [int(4 * s) for s in SIGMA]
    v = ndimage.gaussian_filter(rng.normal(0, 1, (SLICES + 2 * pad[0], SIDE + 2 * pad[1], SIDE + 2 * pad[2])), SIGMA)
    v = v[pad[0]:pad[0] + SLICES, pad[1]:pad[1] + SIDE, pad[2]:pad[2] + SIDE]
    return (v / 0.035 * 1000 + 20000).clip(0, 65535).astype(np.uint16)


def write(folder, count, seed, single):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(count):
        v = specimen(rng)
        path = os.path.join(folder, "specimen_%04d.tif" % i)
        if single:
            tifffile.imwrite(path, v[SLICES // 2], imagej=True)
        else:
            tifffile.imwrite(path, v, imagej=True, metadata={"axes": "ZYX"})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--train", type=int, default=12)
    ap.add_argument("--test", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--single", action="store_true")
    args = ap.parse_args()
    write(os.path.join(args.out, "train"), args.train, args.seed, args.single)
    write(os.path.join(args.out, "test"), args.test, args.seed + 1000, False)
    print("%s: %d training %s, %d test stacks of %d slices" % (args.out, args.train,
                                                              "single slices" if args.single else "stacks",
                                                              args.test, SLICES))


if __name__ == "__main__":
    main()
