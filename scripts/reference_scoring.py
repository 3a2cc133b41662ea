#!/usr/bin/python3
"""Scoring and training speed of the GANomaly reference in PyTorch, for side-by-side runs.

The networks of samet-akcay/ganomaly (DCGAN encoder, decoder, second encoder; isize 32, nc 1,
nz 100, ngf = ndf = 64, no extra layers), scored as its test loop does (no_grad, latent score
mean((z - z')^2) per image, batch statistics as the reference leaves batch norm in train mode).
With --train, also the reference's training step (batch 64: forward G and D, step G on
w_adv L2(f(x), f(G(x))) + w_con L1(x, G(x)) + w_enc L2(z, z') with (1, 50, 1), step D on the averaged
BCE of real and detached fake, Adam 2e-4, betas 0.5/0.999). Prints key=value lines: images/s per
round, median and spread.

usage: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/reference_scoring.py
         [--threads 2] [--batch 64] [--images 7000] [--rounds 3] [--train] [--train-images 1280]
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn


def encoder(isize, nz, nc, ndf):
    layers = [nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True)]
    csize, cndf = isize // 2, ndf
    while csize > 4:
        layers += [nn.Conv2d(cndf, cndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(cndf * 2),
                   nn.LeakyReLU(0.2, inplace=True)]
        cndf *= 2
        csize //= 2
    layers.append(nn.Conv2d(cndf, nz, 4, 1, 0, bias=False))
    return nn.Sequential(*layers)


def decoder(isize, nz, nc, ngf):
    cngf, tisize = ngf // 2, 4
    while tisize != isize:
        cngf *= 2
        tisize *= 2
    layers = [nn.ConvTranspose2d(nz, cngf, 4, 1, 0, bias=False), nn.BatchNorm2d(cngf), nn.ReLU(True)]
    csize = 4
    while csize < isize // 2:
        layers += [nn.ConvTranspose2d(cngf, cngf // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(cngf // 2),
                   nn.ReLU(True)]
        cngf //= 2
        csize *= 2
    layers += [nn.ConvTranspose2d(cngf, nc, 4, 2, 1, bias=False), nn.Tanh()]
    return nn.Sequential(*layers)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--images", type=int, default=7000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--train", action="store_true")
    p.add_argument("--train-images", type=int, default=1280)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    e1, d, e2 = encoder(32, 100, 1, 64), decoder(32, 100, 1, 64), encoder(32, 100, 1, 64)
    data = torch.randn(a.images, 1, 32, 32).clamp(-1, 1)
    print(f"torch={torch.__version__} threads={a.threads} batch={a.batch} images={a.images}")
    speeds = []
    with torch.no_grad():
        e2(d(e1(data[: a.batch])))  # warm-up
        for r in range(a.rounds):
            t0 = time.perf_counter()
            for i in range(0, a.images, a.batch):
                x = data[i:i + a.batch]
                z = e1(x)
                z2 = e2(d(z))
                torch.mean((z - z2) ** 2, dim=(1, 2, 3))
            speeds.append(a.images / (time.perf_counter() - t0))
            print(f"round_{r}_images_per_s={speeds[-1]:.1f}")
    print(f"reference_score_images_per_s={statistics.median(speeds):.1f} "
          f"(spread {min(speeds):.1f}..{max(speeds):.1f}, n={len(speeds)})")
    if a.train:
        train(a, data)


def train(a, data):
    """The reference's training step, timed over --train-images images per round."""
    e1, d, e2 = encoder(32, 100, 1, 64), decoder(32, 100, 1, 64), encoder(32, 100, 1, 64)
    disc = encoder(32, 1, 1, 64)
    features, classifier = disc[:-1], disc[-1]
    g_params = list(e1.parameters()) + list(d.parameters()) + list(e2.parameters())
    opt_g = torch.optim.Adam(g_params, lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(disc.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCELoss()

    def step(x):
        z = e1(x)
        fake = d(z)
        z2 = e2(fake)
        f_real, f_fake = features(x), features(fake)
        opt_g.zero_grad()
        loss_g = (torch.mean((f_real - f_fake) ** 2) + 50 * torch.mean(torch.abs(x - fake))
                  + torch.mean((z - z2) ** 2))
        loss_g.backward(retain_graph=True)
        opt_g.step()
        opt_d.zero_grad()
        p_real = torch.sigmoid(classifier(features(x)))
        p_fake = torch.sigmoid(classifier(features(fake.detach())))
        loss_d = 0.5 * (bce(p_real, torch.ones_like(p_real)) + bce(p_fake, torch.zeros_like(p_fake)))
        loss_d.backward()
        opt_d.step()

    step(data[: a.batch])  # warm-up
    speeds = []
    n = min(a.train_images, len(data)) // a.batch * a.batch
    for r in range(a.rounds):
        t0 = time.perf_counter()
        for i in range(0, n, a.batch):
            step(data[i:i + a.batch])
        speeds.append(n / (time.perf_counter() - t0))
        print(f"train_round_{r}_images_per_s={speeds[-1]:.1f}")
    print(f"reference_train_images_per_s={statistics.median(speeds):.1f} "
          f"(spread {min(speeds):.1f}..{max(speeds):.1f}, n={len(speeds)})")


if __name__ == "__main__":
    main()
