"""Cross-check for docs/repro/carn_m.md: runs the authors' carn_m.pth through our PyTorch port
(tests/fixtures/gen/torch_carn.py) on a benchmark set (default Set5) and prints Y-PSNR (BT.601 from double, border = scale,
HR mod-cropped top-left) for three ways of turning the float output into 8-bit pixels:
  float  - no quantization (clamped to 0..255 only)
  round  - round to nearest (what SharpSR's eval does)
  trunc  - x.mul(255).clamp(0,255).byte(): truncation, what the authors' carn/sample.py saves
Usage: /usr/bin/python3 docs/repro/carn_m_quantization.py [datasets-dir] [lr-folder] [set]"""
import os
import sys

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "fixtures", "gen"))
import torch_carn  # noqa: E402

DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "..", "shared", "datasets")
LR_FOLDER = sys.argv[2] if len(sys.argv) > 2 else "LR_bicubic"
SET = sys.argv[3] if len(sys.argv) > 3 else "Set5"
CKPT = os.path.join(os.environ.get("SHARPSR_CHECKPOINTS", os.path.join(HERE, "..", "..", "..", "..", "shared", "checkpoints")), "carn_m.pth")


def y_of(rgb):
    rgb = rgb.astype(np.float64)
    return 16 + (65.481 * rgb[..., 0] + 128.553 * rgb[..., 1] + 24.966 * rgb[..., 2]) / 255


def psnr(a, b, s):
    d = (y_of(a) - y_of(b))[s:-s, s:-s]
    return 10 * np.log10(255 ** 2 / np.mean(d ** 2))


def main():
    sd = torch.load(CKPT, map_location="cpu")
    torch.set_num_threads(2)
    for scale in (2, 3, 4):
        net = torch_carn.CarnM(scale=scale)
        net.load_state_dict(sd, strict=True)
        net.eval()
        rows = []
        for name in sorted(os.listdir(os.path.join(DATA, SET, "HR"))):
            stem = os.path.splitext(name)[0]
            hr = np.asarray(Image.open(os.path.join(DATA, SET, "HR", name)).convert("RGB"))
            lr = np.asarray(Image.open(os.path.join(DATA, SET, LR_FOLDER, f"X{scale}", f"{stem}x{scale}.png")).convert("RGB"))
            hr = hr[: lr.shape[0] * scale, : lr.shape[1] * scale]
            x = torch.from_numpy(lr.astype(np.float32)).permute(2, 0, 1)[None]
            with torch.no_grad():
                y = net(x)[0].permute(1, 2, 0).numpy().astype(np.float64)
            y = np.clip(y, 0, 255)
            rows.append((psnr(y, hr, scale), psnr(np.round(y), hr, scale), psnr(np.floor(y), hr, scale)))
        f, r, t = np.mean(rows, axis=0)
        print(f"x{scale} {SET} ({LR_FOLDER}): float {f:.4f}  round {r:.4f}  trunc {t:.4f} dB")


if __name__ == "__main__":
    main()
