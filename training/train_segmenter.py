"""Train the small note segmenter (issue 15, item 2) on CPU and export it to ONNX.

Why a learned segmenter at all: the classical detector (cardscan/detect) finds notes by colour and edge
steps, and fails where there is no step: white cards on a white wall, touching notes of one pad, notes
at an angle. A tiny U-Net sees a note's shape and texture instead. It predicts two maps per pixel:
``note`` (inside any note) and ``core`` (inside the note shrunk to CORE_SCALE about its centre), so two
notes that touch still have two separate cores; training/note_segmenter.py turns cores into outlines.

Data: boards from samples/generate.py (truth polygons for free, every tier and condition; seeds from
TRAIN_SEED on, far from the evalset 1000+ and the blindset 5000+) and, for the fine-tuned variant, the
DEV real photos' truth (bench/data/real, split "dev" only; held-out photos are never read here).
Everything is cached outside the repository (``--cache``, default ~/.cache/cardscan-segmenter).

The recipe of the model bench/segmenter_eval.py measured (never bundled: see note_segmenter.py) (one thread, on two shared cores; steps are what counts):

    python training/train_segmenter.py render --count 500                       # ~8 min CPU
    python training/train_segmenter.py train --minutes 18 --out /tmp/base.onnx  # 682 steps, generated only
    python training/train_segmenter.py train --init /tmp/base.pt --real-groups all --minutes 12 --lr 1e-3 \
        --seed 2 --out /tmp/note_segmenter.onnx                                # 541 steps, half dev photos

and for the leave-group-out figures of bench/segmenter_eval.py the same fine-tuning on one half of the dev
board groups at a time (--real-groups GROUP..., 6 min, then 8 more from that at --lr 5e-4 --seed 1).
Export needs the onnx package (not a cardscan dependency: ``pip install --target DIR onnx ml_dtypes`` and
PYTHONPATH=DIR for this script only). torch is needed here only; the run time
(training/note_segmenter.py) needs onnxruntime alone.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "training"))

import numpy as np  # noqa: E402

from note_segmenter import CACHE, LONG_SIDE, target_masks  # noqa: E402

TRAIN_SEED = 100_000
SIZES = ((1024, 768), (768, 1024), (1024, 576), (1024, 1024))
CONDITION_SETS = ((), (), ("square",), ("square", "touching"), ("pale",), ("panels",), ("warm",), ("curl",),
                  ("marker",), ("jpeg",), ("closeup",), ("glass",), ("square", "touching", "pale"),
                  ("square", "warm", "jpeg"), ("square", "curl"))
CROP = 256


def _resize_long(rgb: np.ndarray, long_side: int) -> tuple[np.ndarray, float]:
    import cv2

    scale = long_side / max(rgb.shape[:2])
    h, w = round(rgb.shape[0] * scale), round(rgb.shape[1] * scale)
    return cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA), scale


def render(count: int, first_seed: int, cache: Path) -> None:
    """Render `count` synthetic boards at LONG_SIDE with their masks into cache/synthetic-<seed>.npz."""
    from samples.generate import TIERS, render_board

    cache.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    for k in range(count):
        seed = first_seed + k
        out = cache / f"synthetic-{seed}.npz"
        if out.exists():
            continue
        rng = np.random.default_rng(seed)
        tier = TIERS[k % 3]
        conditions = CONDITION_SETS[int(rng.integers(len(CONDITION_SETS)))]
        size = SIZES[int(rng.integers(len(SIZES)))]
        n_cards = None
        if "touching" in conditions and rng.random() < 0.4:
            n_cards = int(rng.integers(40, 120))
        rgb, truth = render_board(seed, tier, size=size, conditions=conditions, n_cards=n_cards,
                                  shapes=("rect", "rect", "rect", "oval", "round"))
        small, scale = _resize_long(rgb, LONG_SIDE)
        masks = target_masks([np.asarray(c["polygon"]) * scale for c in truth["cards"]], small.shape[:2])
        np.savez_compressed(out, rgb=small, masks=masks)
        if k % 50 == 0:
            print(f"rendered {k + 1}/{count} ({time.time() - t0:.0f} s)", flush=True)


def real_dev_examples(groups: set[str] | None) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """The DEV real photos (never held-out) at LONG_SIDE with their masks; only board groups in `groups`."""
    from _real import REAL_TRUTH, board_group, real_photos_dir

    from cardscan.load import load_photo

    out = []
    for path in sorted(REAL_TRUTH.glob("*.truth.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        if truth.get("split") != "dev":
            continue  # held-out photos are never opened here
        group = board_group(truth["image"])
        if groups is not None and group not in groups:
            continue
        rgb = load_photo(real_photos_dir() / truth["image"]).rgb
        small, scale = _resize_long(rgb, LONG_SIDE)
        masks = target_masks([np.asarray(c["polygon"]) * scale for c in truth["cards"]], small.shape[:2])
        out.append((small, masks, truth["image"]))
    return out


# ---------------------------------------------------------------- the model


def build_model(width: int = 16):
    """A small U-Net: four 2x downsamplings, bilinear upsampling, 2 output maps (note, core) as logits."""
    import torch
    from torch import nn

    def block(i, o):
        return nn.Sequential(nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True),
                             nn.Conv2d(o, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True))

    chans = [width, width * 2, width * 3, width * 4, width * 6]

    class UNet(nn.Module):
        """Works at half the input's resolution (a stride-2 stem): notes are >= 16 px at LONG_SIDE, and
        training CPU is four times cheaper; the logits are scaled back up to the input's size."""

        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, chans[0], 3, stride=2, padding=1, bias=False),
                                      nn.BatchNorm2d(chans[0]), nn.ReLU(inplace=True))
            self.enc = nn.ModuleList([block(chans[0], chans[0])] + [block(chans[i - 1], chans[i]) for i in range(1, 5)])
            self.dec = nn.ModuleList([block(chans[i + 1] + chans[i], chans[i]) for i in range(4)])
            self.head = nn.Conv2d(chans[0], 2, 1)

        def forward(self, x):
            size = x.shape[2:]
            x = self.stem(x)
            skips = []
            for i, enc in enumerate(self.enc):
                x = enc(x if i == 0 else nn.functional.max_pool2d(x, 2))
                skips.append(x)
            x = skips[-1]
            for i in range(3, -1, -1):
                x = nn.functional.interpolate(x, size=skips[i].shape[2:], mode="bilinear", align_corners=False)
                x = self.dec[i](torch.cat([x, skips[i]], 1))
            return nn.functional.interpolate(self.head(x), size=size, mode="bilinear", align_corners=False)

    return UNet()


# ---------------------------------------------------------------- training


def _augment(rng, rgb: np.ndarray, masks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A CROP x CROP piece at a random scale, flipped/turned, with light and colour jitter."""
    import cv2

    s = float(np.exp(rng.uniform(np.log(0.5), np.log(1.5))))
    h, w = rgb.shape[:2]
    nh, nw = max(CROP, round(h * s)), max(CROP, round(w * s))
    img = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    m = np.stack([cv2.resize(c, (nw, nh), interpolation=cv2.INTER_NEAREST) for c in masks])
    y, x = int(rng.integers(0, nh - CROP + 1)), int(rng.integers(0, nw - CROP + 1))
    img, m = img[y:y + CROP, x:x + CROP], m[:, y:y + CROP, x:x + CROP]
    if rng.random() < 0.5:
        img, m = img[:, ::-1], m[:, :, ::-1]
    k = int(rng.integers(4)) if rng.random() < 0.3 else 0
    img, m = np.rot90(img, k), np.rot90(m, k, axes=(1, 2))
    f = img.astype(np.float32)
    f = f * rng.uniform(0.85, 1.15, 3)[None, None, :] * rng.uniform(0.7, 1.2) + rng.uniform(-20, 20)
    f = (f - f.mean()) * rng.uniform(0.75, 1.25) + f.mean()
    if rng.random() < 0.3:
        f = cv2.GaussianBlur(f, (0, 0), rng.uniform(0.5, 1.5))
    return np.clip(f, 0, 255), np.ascontiguousarray(m)


def _loss(logits, target):
    import torch

    bce = torch.nn.functional.binary_cross_entropy_with_logits(logits, target)
    p = torch.sigmoid(logits)
    inter = (p * target).sum(dim=(0, 2, 3))
    dice = 1 - (2 * inter + 1) / (p.sum(dim=(0, 2, 3)) + target.sum(dim=(0, 2, 3)) + 1)
    return bce + dice.mean()


def train(args) -> None:
    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    examples: list = []
    seen: set = set()

    def load_new() -> None:  # boards still being rendered join as they appear
        for f in sorted(args.cache.glob("synthetic-*.npz"))[:args.synthetic]:
            if f.name not in seen and len(examples) < args.synthetic:
                seen.add(f.name)
                with np.load(f) as z:
                    examples.append((z["rgb"], z["masks"]))

    if args.synthetic:
        load_new()
    n_synth = len(examples)
    real = []
    if args.real_groups:
        groups = None if args.real_groups == ["all"] else set(args.real_groups)
        real = [(r, m) for r, m, _ in real_dev_examples(groups)]
    print(f"{n_synth} synthetic boards, {len(real)} dev photos", flush=True)
    model = build_model(args.width)
    if args.init:
        model.load_state_dict(torch.load(args.init))
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    model.train()
    t0, step, losses = time.time(), 0, []
    while time.time() - t0 < args.minutes * 60:
        batch, targets = [], []
        for _ in range(args.batch):
            pool = real if real and (not examples or rng.random() < args.real_share) else examples
            rgb, masks = pool[int(rng.integers(len(pool)))]
            img, m = _augment(rng, rgb, masks)
            batch.append(img.transpose(2, 0, 1) / 255.0 - 0.5)
            targets.append(m)
        x = torch.from_numpy(np.stack(batch).astype(np.float32))
        y = torch.from_numpy(np.stack(targets).astype(np.float32))
        frac = (time.time() - t0) / (args.minutes * 60)
        for g in opt.param_groups:
            g["lr"] = args.lr * (0.5 * (1 + np.cos(np.pi * min(frac, 1.0))))
        loss = _loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
        step += 1
        if step % 200 == 0 and args.synthetic:
            load_new()
        if step % 50 == 0:
            print(f"step {step}  loss {np.mean(losses[-50:]):.4f}  {time.time() - t0:.0f} s", flush=True)
    model.eval()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), out.with_suffix(".pt"))
    export(model, out)
    print(f"{step} steps in {time.time() - t0:.0f} s -> {out} ({out.stat().st_size / 1e6:.2f} MB)")


def export(model, out: Path) -> None:
    """ONNX with free height and width (multiples of 16), input float32 NCHW scaled to [-0.5, 0.5]."""
    import torch

    dummy = torch.zeros(1, 3, 256, 320)
    torch.onnx.export(model, dummy, str(out), input_names=["image"], output_names=["logits"], opset_version=17,
                      dynamic_axes={"image": {0: "n", 2: "h", 3: "w"}, "logits": {0: "n", 2: "h", 3: "w"}},
                      dynamo=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, default=CACHE)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("render", help="render synthetic training boards into the cache")
    r.add_argument("--count", type=int, default=600)
    r.add_argument("--first-seed", type=int, default=TRAIN_SEED)
    t = sub.add_parser("train", help="train (or fine-tune) and export ONNX")
    t.add_argument("--out", required=True)
    t.add_argument("--minutes", type=float, default=15)
    t.add_argument("--synthetic", type=int, default=10_000, help="use at most this many cached boards")
    t.add_argument("--real-groups", nargs="*", help="DEV board groups to train on too ('all': every dev photo)")
    t.add_argument("--real-share", type=float, default=0.5, help="share of a batch drawn from real photos")
    t.add_argument("--init", help="state dict (.pt) to start from")
    t.add_argument("--width", type=int, default=16)
    t.add_argument("--batch", type=int, default=8)
    t.add_argument("--lr", type=float, default=3e-3)
    t.add_argument("--threads", type=int, default=1)
    t.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if args.cmd == "render":
        render(args.count, args.first_seed, args.cache)
    else:
        train(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
