#!/usr/bin/env python3
"""A numpy/scikit-learn model of the texture score, to try new features or densities in minutes
before building them in Java. It follows core.texture: intensities mapped to -1..1 by the training
planes' median 1st-99th percentile range, the six features of `statistics+gradients` at scales
1, 2, 4, 8, a mixture of 4 full Gaussians (ridge 1e-3, 30 rounds of EM) fitted three times to
30,000 training vectors and averaged, the map -2 log p smoothed at sigma 4, corrected near the
border as BorderProfile does, a plane scored by its map's maximum. On the suite's photographs it
lands within 0.035 of `scripts/benchmark-texture` (docs/benchmarks.md, "Candidates modelled").

Candidates: `--extra skew` (the local skewness per scale), `--extra dog` (the log energy of the
difference of the image smoothed at s and 1.6 s), `--density knn --k K` (mean squared distance to
the K nearest standardised training vectors instead of the mixture).

usage: /usr/bin/python3 scripts/texture_prototype.py CASE_DIR [CASE_DIR ...] [--extra skew,dog]
                                                  [--density gmm|knn] [--k 1]
  a CASE_DIR as scripts/make_detection_cases.py writes it (train/, normal/, anomalous/)
needs Debian's python3-sklearn, python3-scipy, python3-tifffile
"""
import argparse
import glob
import os

import numpy as np
import tifffile
from scipy import ndimage as nd
from sklearn.metrics import roc_auc_score
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import NearestNeighbors

SCALES = [1, 2, 4, 8]
VARIANCE_FLOOR, LAPLACIAN_FLOOR, SPARSITY_EPSILON = 1e-4, 1e-6, 1e-2
SAMPLES, SEED, MAP_SIGMA, BORDER_DEPTH = 30000, 7, 4, 16


def smooth(a, s):
    return nd.gaussian_filter(a, s, mode="reflect")


def features(img, extra):
    gy, gx = np.gradient(img)
    out = []
    for s in SCALES:
        mean = smooth(img, s)
        variance = np.maximum(smooth(img * img, s) - mean * mean, 0) + VARIANCE_FLOOR
        xx, yy, xy = smooth(gx * gx, s), smooth(gy * gy, s), smooth(gx * gy, s)
        magnitude = smooth(np.hypot(gx, gy), s)
        laplacian = nd.laplace(smooth(img, s / 2), mode="nearest")
        energy = xx + yy + VARIANCE_FLOOR
        out += [mean, np.log(variance), np.log(energy), np.log(smooth(laplacian ** 2, s) + LAPLACIAN_FLOOR),
                np.sqrt((xx - yy) ** 2 + 4 * xy * xy) / energy,
                2 * np.log(magnitude + SPARSITY_EPSILON) - np.log(energy)]
        if "skew" in extra:
            third = smooth(img ** 3, s) - 3 * mean * smooth(img * img, s) + 2 * mean ** 3
            out.append(np.clip(third / variance ** 1.5, -5, 5))
        if "dog" in extra:
            dog = smooth(img, s) - smooth(img, 1.6 * s)
            out.append(np.log(smooth(dog * dog, s) + LAPLACIAN_FLOOR))
    return np.stack(out, -1)


def load(folder):
    files = sorted(glob.glob(os.path.join(folder, "*.tif")))
    return files, [tifffile.imread(f).astype(np.float64) for f in files]


def depth(shape):
    yy, xx = np.mgrid[0:shape[0], 0:shape[1]]
    return np.minimum(np.minimum(yy, shape[0] - 1 - yy), np.minimum(xx, shape[1] - 1 - xx)).clip(0, BORDER_DEPTH)


def case(folder, extra, density, k):
    _, train = load(os.path.join(folder, "train"))
    _, normal = load(os.path.join(folder, "normal"))
    names, anomalous = load(os.path.join(folder, "anomalous"))
    low = np.median([np.percentile(p, 1) for p in train])
    high = np.median([np.percentile(p, 99) for p in train])
    train, normal, anomalous = ([2 * (p - low) / (high - low) - 1 for p in ps] for ps in (train, normal, anomalous))
    vectors = np.concatenate([features(p, extra).reshape(-1, len(SCALES) * (6 + len(extra))) for p in train])
    rng = np.random.default_rng(SEED)
    x = vectors[rng.choice(len(vectors), min(SAMPLES, len(vectors)), replace=False)]
    if density == "gmm":
        fits = [GaussianMixture(4, covariance_type="full", reg_covar=1e-3, max_iter=30, random_state=SEED + i).fit(x)
                for i in range(3)]

        def raw(f):
            return -2 * np.log(np.mean([np.exp(g.score_samples(f)) for g in fits], 0) + 1e-300)
    else:
        mu, sd = x.mean(0), x.std(0) + 1e-9
        bank = NearestNeighbors(n_neighbors=k, algorithm="brute").fit((x - mu) / sd)

        def raw(f):
            return (bank.kneighbors((f - mu) / sd)[0] ** 2).mean(1)

    def smoothed(p):
        f = features(p, extra)
        return smooth(raw(f.reshape(-1, f.shape[-1])).reshape(p.shape), MAP_SIGMA)

    # the border profile: median and 99th percentile of the training maps at each depth onto the interior's
    maps = [smoothed(p) for p in train]
    d = np.concatenate([depth(p.shape).ravel() for p in train])
    v = np.concatenate([m.ravel() for m in maps])
    q50 = np.array([np.median(v[d == i]) for i in range(BORDER_DEPTH + 1)])
    q99 = np.array([np.percentile(v[d == i], 99) for i in range(BORDER_DEPTH + 1)])
    a = (q99[-1] - q50[-1]) / (q99 - q50)
    b = q50[-1] - a * q50

    def plane(p):
        i = depth(p.shape)
        return float((a[i] * smoothed(p) + b[i]).max())

    s0, s1 = [plane(p) for p in normal], [plane(p) for p in anomalous]
    auc = roc_auc_score([0] * len(s0) + [1] * len(s1), s0 + s1)
    kinds = {}
    for name, s in zip(names, s1):
        kinds.setdefault(os.path.basename(name)[:-4].split("_")[-1], []).append(s)
    return auc, {kind: roc_auc_score([0] * len(s0) + [1] * len(s), s0 + s) for kind, s in sorted(kinds.items())}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cases", nargs="+")
    ap.add_argument("--extra", default="")
    ap.add_argument("--density", choices=["gmm", "knn"], default="gmm")
    ap.add_argument("--k", type=int, default=1)
    args = ap.parse_args()
    extra = tuple(e for e in args.extra.split(",") if e)
    for folder in args.cases:
        auc, kinds = case(folder, extra, args.density, args.k)
        print("%s image %.3f | %s" % (folder, auc, " ".join("%s=%.2f" % kv for kv in kinds.items())), flush=True)


if __name__ == "__main__":
    main()
