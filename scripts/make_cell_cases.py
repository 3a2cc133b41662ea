#!/usr/bin/python3
"""Microscopy-like whole-object cases for scripts/benchmark-detection: synthetic fluorescent nuclei
(DAPI-like), where interphase nuclei are normal and a nucleus of another phenotype is the anomaly.

Normal nuclei are near-round ellipses with smooth chromatin texture and one to three darker
nucleoli. Anomalous nuclei take, in turn, one of four phenotypes:
  mitotic     a condensed, bright metaphase plate (a bar) instead of a round nucleus
  apoptotic   three to six small bright round fragments
  elongated   an ellipse of aspect about 2.4 with the normal nucleus's area and texture
  giant       a nucleus 1.35 times as wide, of the same DNA content (dimmer)
These differ from normal nuclei in brightness or local texture too. In the cells-shape cases they
differ in shape alone (the normal nucleus's brightness, texture and nucleoli):
  lobed       a kidney-shaped nucleus (a disc with a bite out of one side)
  binucleate  two nuclei of half the area side by side, touching
  oblong      an ellipse of aspect about 1.7 with the normal nucleus's area
Photon noise is Poisson (about 400 photons at a normal nucleus's mean).

Cases (each OUT/<name>/ with train/, normal/, anomalous/, masks/ and family.txt "whole objects";
32-bit float TIFFs, one plane each):
  cells-32     32 x 32 crops, one nucleus (radius 9-11) near the centre: one default window a plane
  cells-64     64 x 64 crops, one nucleus (radius 18-22) near the centre: four default patches a plane
  cells-shape-32  as cells-32, the anomalies of SHAPES
  cells-field  128 x 128 fields of view with 8-12 nuclei (radius 9-11); an anomalous field has one
               anomalous nucleus among normal ones, its mask that nucleus (dilated by 2 pixels)
Crops have the whole plane as mask (the object is the anomaly), as in make_object_cases.py.

With --fresh N each case also gets fresh.tif: a stack of N more normal planes (another seed), for
measuring the share of normal planes a model flags (scripts/benchmark-false-positives).

usage: /usr/bin/python3 scripts/make_cell_cases.py OUT_DIR [--cases cells-32,cells-64,cells-shape-32,cells-field]
       [--seed 0] [--fresh N]
needs Debian's python3-numpy, python3-scipy and python3-tifffile
"""
import os
import sys

import numpy as np
import tifffile
from scipy import ndimage as ndi

KINDS = ("mitotic", "apoptotic", "elongated", "giant")
SHAPES = ("lobed", "binucleate", "oblong")
BACKGROUND = 0.06
PHOTONS = 400 / 0.55


def ellipse(shape, cy, cx, a, b, angle):
    y, x = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float64)
    c, s = np.cos(angle), np.sin(angle)
    u, v = (x - cx) * c + (y - cy) * s, -(x - cx) * s + (y - cy) * c
    return (u / a) ** 2 + (v / b) ** 2 <= 1


def textured(rng, mask, level, amplitude, sigma):
    noise = ndi.gaussian_filter(rng.standard_normal(mask.shape), sigma)
    noise /= max(noise.std(), 1e-9)
    return mask * level * (1 + amplitude * noise)


def nucleus(rng, shape, cy, cx, r, kind):
    """(intensity, footprint) of one nucleus of the kind ('normal' or one of KINDS)."""
    angle = rng.uniform(0, np.pi)
    if kind == "binucleate":
        d = r * 0.68
        dy, dx = d * np.sin(angle), d * np.cos(angle)
        a1, m1 = nucleus(rng, shape, cy + dy, cx + dx, r * 0.71, "normal")
        a2, m2 = nucleus(rng, shape, cy - dy, cx - dx, r * 0.71, "normal")
        return np.maximum(a1, a2), m1 | m2
    if kind in ("normal", "elongated", "giant", "lobed", "oblong"):
        if kind in ("normal", "lobed"):
            a, b, level = r * rng.uniform(1.0, 1.15), r * rng.uniform(0.87, 1.0), rng.uniform(0.5, 0.6)
        elif kind == "elongated":
            a, b, level = r * 1.55, r * 0.64, rng.uniform(0.5, 0.6)
        elif kind == "oblong":
            a, b, level = r * 1.37, r * 0.8, rng.uniform(0.5, 0.6)
        else:
            a, b, level = r * 1.35 * rng.uniform(1.0, 1.1), r * 1.35 * rng.uniform(0.9, 1.0), rng.uniform(0.3, 0.35)
        mask = ellipse(shape, cy, cx, a, b, angle)
        if kind == "lobed":
            mask &= ~ellipse(shape, cy + 1.05 * r * np.sin(angle), cx + 1.05 * r * np.cos(angle), 0.55 * r, 0.55 * r, 0)
        image = textured(rng, mask, level, 0.1, max(r / 6, 1.0))
        for _ in range(rng.integers(1, 4)):
            d, t = rng.uniform(0, 0.5), rng.uniform(0, 2 * np.pi)
            spot = ellipse(shape, cy + d * b * np.sin(t), cx + d * a * np.cos(t), 0.16 * r, 0.13 * r, angle)
            image[spot & mask] *= 0.75
    elif kind == "mitotic":
        mask = ellipse(shape, cy, cx, 0.85 * r, 0.2 * r, angle)
        image = textured(rng, mask, rng.uniform(0.85, 1.0), 0.2, max(r / 12, 0.7))
    else:
        mask = np.zeros(shape, bool)
        for _ in range(rng.integers(3, 7)):
            d, t = rng.uniform(0, 0.8 * r), rng.uniform(0, 2 * np.pi)
            f = rng.uniform(0.22, 0.38) * r
            mask |= ellipse(shape, cy + d * np.sin(t), cx + d * np.cos(t), f, f, 0)
        image = textured(rng, mask, rng.uniform(0.8, 0.95), 0.1, max(r / 10, 0.7))
    return ndi.gaussian_filter(image, 0.8), mask


def photons(rng, image):
    return (rng.poisson((image + BACKGROUND) * PHOTONS) / PHOTONS).astype(np.float32)


def crop(rng, size, radius, kind):
    r = rng.uniform(*radius)
    jitter = size / 16
    image, _ = nucleus(rng, (size, size), size / 2 + rng.uniform(-jitter, jitter),
                       size / 2 + rng.uniform(-jitter, jitter), r, kind)
    return photons(rng, image), np.full((size, size), 255, np.uint8)


def field(rng, kind):
    """A 128 x 128 field of 8-12 nuclei; with kind, one of them is of that phenotype."""
    size, image, taken = 128, np.zeros((128, 128)), []
    mask = np.zeros((128, 128), np.uint8)
    count = rng.integers(8, 13)
    for i in range(count):
        special = kind is not None and i == 0
        for _ in range(200):
            r = rng.uniform(9, 11)
            reach = r * (1.6 if special else 1.15)
            cy, cx = rng.uniform(reach, size - reach), rng.uniform(reach, size - reach)
            if all((cy - y) ** 2 + (cx - x) ** 2 > (reach + q + 5) ** 2 for y, x, q in taken):
                break
        else:
            continue
        taken.append((cy, cx, reach))
        nuc, foot = nucleus(rng, (size, size), cy, cx, r, kind if special else "normal")
        image += nuc
        if special:
            mask[ndi.binary_dilation(foot, iterations=2)] = 255
    return photons(rng, image), mask


def write(root, folder, name, image):
    os.makedirs(os.path.join(root, folder), exist_ok=True)
    tifffile.imwrite(os.path.join(root, folder, name + ".tif"), image)


def case(out, name, make, train, test, seed, kinds=KINDS):
    root = os.path.join(out, name)
    rng = np.random.default_rng(seed)
    for i in range(train):
        write(root, "train", f"train_{i:04d}", make(rng, None)[0])
    for i in range(test):
        write(root, "normal", f"normal_{i:03d}", make(rng, None)[0])
    for i in range(test):
        kind = kinds[i % len(kinds)]
        image, mask = make(rng, kind)
        write(root, "anomalous", f"anomalous_{i:03d}_{kind}", image)
        write(root, "masks", f"anomalous_{i:03d}_{kind}_mask", mask)
    with open(os.path.join(root, "family.txt"), "w") as f:
        f.write("whole objects\n")
    print(f"{name}: {train} training, {test} normal and {test} anomalous planes", file=sys.stderr)


CASES = {
    "cells-32": (lambda rng, kind: crop(rng, 32, (9, 11), kind or "normal"), 2000, 300),
    "cells-64": (lambda rng, kind: crop(rng, 64, (18, 22), kind or "normal"), 1000, 300),
    "cells-field": (field, 60, 100),
    "cells-shape-32": (lambda rng, kind: crop(rng, 32, (9, 11), kind or "normal"), 2000, 300, SHAPES),
}


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    out, names, seed, fresh = args[0], list(CASES), 0, 0
    for i, a in enumerate(args):
        if a == "--cases":
            names = args[i + 1].split(",")
        if a == "--seed":
            seed = int(args[i + 1])
        if a == "--fresh":
            fresh = int(args[i + 1])
    for name in names:
        if name not in CASES:
            sys.exit(f"--cases: {name} is not one of {', '.join(CASES)}")
        case(out, name, *CASES[name][:3], seed * 100 + list(CASES).index(name), *CASES[name][3:])
        if fresh > 0:
            rng = np.random.default_rng(seed * 100 + list(CASES).index(name) + 50)
            planes = np.stack([CASES[name][0](rng, None)[0] for _ in range(fresh)])
            tifffile.imwrite(os.path.join(out, name, "fresh.tif"), planes)


if __name__ == "__main__":
    main()
