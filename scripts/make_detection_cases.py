#!/usr/bin/python3
"""Builds the cases of scripts/benchmark-detection into a folder (data never goes into git).

Each case is a folder with
  train/      normal planes to train on (never evaluated)
  normal/     held-out normal planes (never trained on), 128 x 128
  anomalous/  held-out planes with one anomaly each, 128 x 128
  masks/      <name>_mask.tif for every anomalous plane: 255 on the anomaly, 0 elsewhere
Images are 32-bit float TIFFs (one plane each).

Cases:
  nuclei  the shipped synthetic microscopy images (test-images/): trained on normal_01-04 and
          stack_normal slices 1-3, evaluated on normal_05-06, stack_normal slices 4-5, the normal
          slices of stack_anomalous, and the anomalous images with their masks
  ihc     immunohistochemistry (stained tissue), scikit-image's ihc.png, gray
  hubble  a star field, scikit-image's hubble_deep_field.jpg, gray
  cell    a cell micrograph, scikit-image's cell.png
  moon    the lunar surface (a natural texture), scikit-image's moon.png
Photographs are split into a checkerboard of cells of CELL x CELL pixels (160; the grid is centred,
leftover margins unused): cells with (row + column) odd are held out, the others are training
planes, each shrunk by a guard of GUARD pixels (8) on every side (144 x 144), so that no held-out
pixel is trained on and held-out pixels lie at least 8 pixels from training pixels. Held-out planes
are 128 x 128 crops inside held-out cells (offsets 0, 16, 32 in x and y, so they overlap each other
but never a training plane), 24 normal and 24 anomalous, spread evenly over the cells; anomalous
planes use the crop positions of the normal list shifted by half its length.
Why a checkerboard: an earlier version trained on the top 60 % of each photograph and held out the
bottom 40 %, whose content differs (ihc shows other tissue at the bottom, moon a large crater), so
held-out normal planes were flagged because they were unlike the training data, not because the
threshold was wrong; interleaved cells draw training and held-out regions from the same image
areas. Every anomalous plane is a held-out crop with one synthetic anomaly, the
kinds in turn: foreign material pasted in (a crop of another photograph, brightness and contrast
matched to the surroundings, soft elliptic edge), a scratch (a thin curved line), a blurred
region, a missing region (filled with the local mean and matched noise), a duplicated structure
(a region of the same image copied in, enlarged 1.6x), bright debris (a small irregular blob
brighter than anything in the photograph, as dust or a fluorescent particle in microscopy: it
moves a plane's high percentile, which scores comparing planes by their own percentiles miss).
Sources of foreign material: camera, coffee, chelsea, rocket, astronaut (never grass, gravel, brick).

usage: /usr/bin/python3 scripts/make_detection_cases.py OUT_DIR [--cases nuclei,ihc,...] [--seed 0]
needs Debian's python3-skimage, python3-numpy, python3-tifffile
"""
import argparse
import os

import numpy as np
import tifffile
from scipy import ndimage
from skimage import color, data, io

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZE = 128
CELL = 160
GUARD = 8
KINDS = ["paste", "scratch", "blur", "missing", "duplicate", "debris"]


def gray(img):
    img = np.asarray(img)
    if img.ndim == 3:
        img = color.rgb2gray(img[..., :3]) * 255.0
    return img.astype(np.float32)


def photo(name):
    return {
        "ihc": lambda: gray(data.immunohistochemistry()),
        "hubble": lambda: gray(data.hubble_deep_field()),
        "cell": lambda: gray(data.cell()),
        "moon": lambda: gray(data.moon()),
    }[name]()


def sources():
    return [gray(data.camera()), gray(data.coffee()), gray(data.chelsea()), gray(data.rocket()),
            gray(data.astronaut())]


def save(path, img):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tifffile.imwrite(path, np.ascontiguousarray(img, dtype=np.float32))


def save_mask(path, mask):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tifffile.imwrite(path, (mask > 0).astype(np.uint8) * 255)


def ellipse(shape, cy, cx, ry, rx, angle):
    yy, xx = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    c, s = np.cos(angle), np.sin(angle)
    u = ((xx - cx) * c + (yy - cy) * s) / rx
    v = (-(xx - cx) * s + (yy - cy) * c) / ry
    return np.sqrt(u * u + v * v)


def soft(r, edge):
    """1 inside r < 1, falling to 0 over `edge` (relative units)."""
    return np.clip((1.0 + edge - r) / edge, 0.0, 1.0).astype(np.float32)


def anomaly(crop, kind, rng, full, srcs):
    out = crop.copy()
    h, w = crop.shape
    mu, sd = float(crop.mean()), float(crop.std()) + 1e-3
    if kind == "scratch":
        mask = np.zeros_like(crop, dtype=bool)
        alpha = np.zeros_like(crop)
        length = rng.uniform(40, 80)
        x0, y0 = rng.uniform(24, w - 24), rng.uniform(24, h - 24)
        a = rng.uniform(0, np.pi)
        bend = rng.uniform(-0.01, 0.01)
        width = rng.uniform(1.0, 2.0)
        ts = np.linspace(-length / 2, length / 2, 400)
        xs = x0 + ts * np.cos(a) - bend * ts * ts * np.sin(a)
        ys = y0 + ts * np.sin(a) + bend * ts * ts * np.cos(a)
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        dist = np.full(crop.shape, 1e9, np.float32)
        for x, y in zip(xs, ys):
            if 0 <= x < w and 0 <= y < h:
                x1, x2, y1, y2 = int(max(0, x - 5)), int(min(w, x + 6)), int(max(0, y - 5)), int(min(h, y + 6))
                d = np.hypot(xx[y1:y2, x1:x2] - x, yy[y1:y2, x1:x2] - y)
                dist[y1:y2, x1:x2] = np.minimum(dist[y1:y2, x1:x2], d)
        alpha = np.clip(width + 0.5 - dist, 0, 1)
        level = mu + (1 if rng.random() < 0.5 else -1) * rng.uniform(2.0, 3.0) * sd
        out = out * (1 - alpha) + level * alpha
        mask = alpha > 0.3
        return out, mask
    cy, cx = rng.uniform(28, h - 28), rng.uniform(28, w - 28)
    if kind in ("blur", "missing"):
        # where there is structure to lose: the most varied of 20 random places
        best = -1.0
        for _ in range(20):
            y, x = rng.uniform(28, h - 28), rng.uniform(28, w - 28)
            v = float(crop[int(y) - 12:int(y) + 12, int(x) - 12:int(x) + 12].std())
            if v > best:
                best, cy, cx = v, y, x
    ry, rx = rng.uniform(9, 20), rng.uniform(9, 20)
    r = ellipse(crop.shape, cy, cx, ry, rx, rng.uniform(0, np.pi))
    if kind == "debris":
        # small and irregular: an ellipse of 4-9 pixels whose radius is modulated by smooth noise
        ry, rx = rng.uniform(4, 9), rng.uniform(4, 9)
        bumps = ndimage.gaussian_filter(rng.normal(0, 1, crop.shape), 3)
        r = ellipse(crop.shape, cy, cx, ry, rx, rng.uniform(0, np.pi)) * (1 + 0.8 * bumps / (bumps.std() + 1e-6) * 0.25)
    alpha = soft(r, 0.25)
    mask = r <= 1.0
    if kind == "paste":
        src = srcs[rng.integers(len(srcs))]
        sy, sx = rng.integers(0, src.shape[0] - h), rng.integers(0, src.shape[1] - w)
        patch = src[sy:sy + h, sx:sx + w]
        m = r <= 1.25
        ref_mu, ref_sd = float(crop[m].mean()), float(crop[m].std()) + 1e-3
        pm, ps = float(patch[m].mean()), float(patch[m].std()) + 1e-3
        patch = (patch - pm) / ps * ref_sd + ref_mu
        out = crop * (1 - alpha) + patch * alpha
    elif kind == "blur":
        blurred = ndimage.gaussian_filter(crop, rng.uniform(3.0, 5.0))
        out = crop * (1 - alpha) + blurred * alpha
    elif kind == "missing":
        m = r <= 1.25
        fill = float(crop[m].mean()) + rng.normal(0, 0.15 * float(crop[m].std()) + 0.3, crop.shape)
        out = crop * (1 - alpha) + fill.astype(np.float32) * alpha
    elif kind == "debris":
        top, med = float(np.percentile(full, 99.9)), float(np.median(full))
        level = top + rng.uniform(0.5, 1.0) * (top - med)
        grain = 1 + 0.05 * rng.normal(0, 1, crop.shape)
        out = crop * (1 - alpha) + (level * grain).astype(np.float32) * alpha
    elif kind == "duplicate":
        scale = 1.6
        H, W = full.shape
        sy, sx = rng.integers(0, H - h), rng.integers(0, int(W - w))
        region = full[sy:sy + h, sx:sx + w]
        zoomed = ndimage.zoom(region, scale, order=1)
        oy, ox = int(cy * scale - cy), int(cx * scale - cx)
        patch = zoomed[oy:oy + h, ox:ox + w]
        out = crop * (1 - alpha) + patch * alpha
    return out.astype(np.float32), mask


def build_photo(name, out, rng, srcs):
    img = photo(name)
    H, W = img.shape
    ny, nx = H // CELL, W // CELL
    oy, ox = (H - ny * CELL) // 2, (W - nx * CELL) // 2
    n = 0
    crops = []
    offsets = [(dy, dx) for dy in range(0, CELL - SIZE + 1, 16) for dx in range(0, CELL - SIZE + 1, 16)]
    for j in range(ny):
        for i in range(nx):
            y, x = oy + j * CELL, ox + i * CELL
            if (i + j) % 2 == 0:
                plane = img[y + GUARD:y + CELL - GUARD, x + GUARD:x + CELL - GUARD]
                save(os.path.join(out, "train", "train_%02d.tif" % n), plane)
                n += 1
            else:
                crops.append([(y + dy, x + dx) for dy, dx in offsets])
    # interleave the cells: first offset of every cell, then the next offset, ...
    crops = [c[k] for k in range(len(offsets)) for c in crops]
    count = min(len(crops), 24)
    idx = np.linspace(0, len(crops) - 1, count).round().astype(int)
    k = 0
    for i, j in enumerate(idx):
        y, x = crops[j]
        save(os.path.join(out, "normal", "normal_%02d.tif" % i), img[y:y + SIZE, x:x + SIZE])
    for i, j in enumerate(idx):
        y, x = crops[(j + len(crops) // 2) % len(crops)]
        crop = img[y:y + SIZE, x:x + SIZE]
        kind = KINDS[k % len(KINDS)]
        k += 1
        a, mask = anomaly(crop, kind, rng, img, srcs)
        base = "anomalous_%02d_%s" % (i, kind)
        save(os.path.join(out, "anomalous", base + ".tif"), a)
        save_mask(os.path.join(out, "masks", base + "_mask.tif"), mask)
    print("%s: %d training planes, %d normal, %d anomalous (%d held-out cells)" % (name, n, count, count,
                                                                                 len(crops) // len(offsets)))


def build_nuclei(out):
    t = os.path.join(ROOT, "test-images")
    planes = lambda f: tifffile.imread(os.path.join(t, f))
    n = 0
    for f in ["normal_01.tif", "normal_02.tif", "normal_03.tif", "normal_04.tif"]:
        save(os.path.join(out, "train", f), planes(f))
        n += 1
    stack = planes("stack_normal.tif")
    for z in range(3):
        save(os.path.join(out, "train", "stack_normal_z%d.tif" % (z + 1)), stack[z])
        n += 1
    normal = 0
    for f in ["normal_05.tif", "normal_06.tif"]:
        save(os.path.join(out, "normal", f), planes(f))
        normal += 1
    for z in (3, 4):
        save(os.path.join(out, "normal", "stack_normal_z%d.tif" % (z + 1)), stack[z])
        normal += 1
    sa, sm = planes("stack_anomalous.tif"), tifffile.imread(os.path.join(t, "masks", "stack_anomalous_mask.tif"))
    for z in (0, 2, 4):
        save(os.path.join(out, "normal", "stack_anomalous_z%d.tif" % (z + 1)), sa[z])
        normal += 1
    anomalous = 0
    for kind in ["blur", "debris", "fragmented", "giant"]:
        f = "anomalous_%s" % kind
        save(os.path.join(out, "anomalous", f + ".tif"), planes(f + ".tif"))
        save_mask(os.path.join(out, "masks", f + "_mask.tif"), tifffile.imread(os.path.join(t, "masks", f + "_mask.tif")))
        anomalous += 1
    for z in (1, 3):
        f = "stack_anomalous_z%d" % (z + 1)
        save(os.path.join(out, "anomalous", f + ".tif"), sa[z])
        save_mask(os.path.join(out, "masks", f + "_mask.tif"), sm[z])
        anomalous += 1
    print("nuclei: %d training planes, %d normal, %d anomalous" % (n, normal, anomalous))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--cases", default="nuclei,ihc,hubble,cell,moon")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    srcs = sources()
    for i, name in enumerate(a.cases.split(",")):
        out = os.path.join(a.out, name)
        if os.path.exists(out):
            import shutil
            shutil.rmtree(out)
        if name == "nuclei":
            build_nuclei(out)
        else:
            build_photo(name, out, np.random.default_rng(a.seed * 1000 + i), srcs)


if __name__ == "__main__":
    main()
