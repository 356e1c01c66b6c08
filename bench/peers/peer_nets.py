"""The networks the peer benchmark compares, built from our PyTorch reference ports in tests/fixtures/gen
with their published default configurations at x4. Every network maps RGB 0..255 to 0..255, as SharpSR's
do: the ports whose authors work in 0..1 (IMDN, PAN, SPAN) are wrapped."""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "gen"))
import torch_archs  # noqa: E402
import torch_carn  # noqa: E402
import torch_gidrn  # noqa: E402
import torch_imdn_pan  # noqa: E402
import torch_rfdn  # noqa: E402
import torch_span_rlfn  # noqa: E402

NETWORKS = ["s-lwsr16", "s-lwsr32", "g-idrn", "pan", "imdn", "e-rfdn", "urnet", "carn-m", "span", "rlfn"]


def build(name, scale=4, pool="adaptive"):
    """The bare reference network (its own value range, its authors' state-dict keys).
    pool="matrices" writes G-IDRN's and URNet's adaptive pools as products with pooling matrices (exportable)."""
    return {
        "s-lwsr16": lambda: torch_archs.SLwsr(n=16, scale=scale),
        "s-lwsr32": lambda: torch_archs.SLwsr(n=32, scale=scale),
        "g-idrn": lambda: torch_gidrn.GIDRN(scale=scale, pool=pool),
        "pan": lambda: torch_imdn_pan.PAN(scale=scale),
        "imdn": lambda: torch_imdn_pan.IMDN(scale=scale),
        "e-rfdn": lambda: torch_rfdn.ERFDN(nf=50, blocks=4, scale=scale),
        "urnet": lambda: torch_rfdn.URNet(nf=64, scale=scale, pool=pool),
        "carn-m": lambda: torch_carn.CarnM(scale=scale),
        "span": lambda: torch_span_rlfn.SPAN(scale=scale),
        "rlfn": lambda: torch_span_rlfn.RLFN(scale=scale),
    }[name]()


class Rgb255(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x / 255) * 255


def wrap(name, net):
    """RGB 0..255 in and out."""
    return Rgb255(net) if name in ("imdn", "pan", "span") else net


def build_255(name, scale=4, pool="adaptive"):
    return wrap(name, build(name, scale, pool))


def randomise_zero_inits(net, seed=5):
    """Some blocks start at zero (ANRB's output conv) and so would drop out of the comparison's check;
    small random values make every parameter count."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in net.parameters():
            if p.abs().max() == 0:
                p.copy_(torch.randn(p.shape, generator=g) * 0.02)
    return net
