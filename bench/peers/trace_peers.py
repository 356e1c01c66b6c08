"""Writes what the in-process peers run, from our PyTorch reference ports (peer_nets.py), one set of
random weights per network:
  NAME.safetensors    the reference's state dict (SharpSR exports its ONNX model from it: same weights)
  NAME.nchw.pt        TorchScript traced in NCHW, RGB 0..255 in and out
  NAME.cl.pt          the same with channels_last weights, converting its input to channels_last first
  NAME.ref.bin        the reference's output for input.bin, clipped to 0..255 (the peers are checked on it)
  input.bin           the 1x3xHxW timing input (float32, 0..255)
  s-lwsr16.train.{nchw,cl}.pt   s-LWSR16 traced in training mode on a batch of patches, for the step
  g-idrn.torch.onnx   G-IDRN exported by PyTorch itself (adaptive pools as pooling-matrix products),
                      height and width free, traced at another size than it runs at
Usage: /usr/bin/python3 bench/peers/trace_peers.py OUT [--width 320 --height 180 --nets a,b] [--batch 16 --patch 48]"""
import argparse
import copy
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import peer_nets  # noqa: E402
import safetensors_io  # noqa: E402  (tests/fixtures/gen, put on the path by peer_nets)


class ChannelsLast(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net.to(memory_format=torch.channels_last)

    def forward(self, x):
        return self.net(x.contiguous(memory_format=torch.channels_last))


class Clipped(torch.nn.Module):
    """As SharpSR's exported model: output clipped to 0..255."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x).clamp(0, 255)


def trace(module, example, path):
    with torch.no_grad() if not module.training else torch.enable_grad():
        traced = torch.jit.trace(module, example, check_trace=False)
    traced.save(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--width", type=int, default=320)
    ap.add_argument("--height", type=int, default=180)
    ap.add_argument("--nets", default=",".join(peer_nets.NETWORKS))
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--patch", type=int, default=48)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(2)
    x = torch.rand(1, 3, a.height, a.width, generator=torch.Generator().manual_seed(1)) * 255
    x.numpy().tofile(os.path.join(a.out, "input.bin"))
    info = {"input": [1, 3, a.height, a.width], "torch": torch.__version__, "nets": {}}
    for i, name in enumerate(a.nets.split(",")):
        torch.manual_seed(100 + i)
        bare = peer_nets.randomise_zero_inits(peer_nets.build(name).eval())
        safetensors_io.save(os.path.join(a.out, name + ".safetensors"), bare.state_dict())
        net = peer_nets.wrap(name, bare).eval()
        with torch.no_grad():
            net(x).clamp(0, 255).numpy().tofile(os.path.join(a.out, name + ".ref.bin"))
        trace(net, x, os.path.join(a.out, name + ".nchw.pt"))
        trace(ChannelsLast(copy.deepcopy(net)).eval(), x, os.path.join(a.out, name + ".cl.pt"))
        info["nets"][name] = {"params": sum(p.numel() for p in bare.parameters())}
        if name == "g-idrn":
            # PyTorch's own export: the pools as matrix products, traced at 64x48, run at the timing size.
            exportable = peer_nets.wrap(name, peer_nets.build(name, pool="matrices")).eval()
            exportable.load_state_dict(net.state_dict())
            torch.onnx.export(Clipped(exportable), torch.rand(1, 3, 48, 64) * 255, os.path.join(a.out, name + ".torch.onnx"),
                              opset_version=17, input_names=["input"], output_names=["output"],
                              dynamic_axes={"input": {2: "h", 3: "w"}, "output": {2: "sh", 3: "sw"}})
        print(f"traced {name}", file=sys.stderr, flush=True)
    if "s-lwsr16" in a.nets.split(","):
        torch.manual_seed(7)
        net = peer_nets.build("s-lwsr16").train()
        xb = torch.rand(a.batch, 3, a.patch, a.patch) * 255
        trace(net, xb, os.path.join(a.out, "s-lwsr16.train.nchw.pt"))
        trace(ChannelsLast(copy.deepcopy(net)).train(), xb, os.path.join(a.out, "s-lwsr16.train.cl.pt"))
    with open(os.path.join(a.out, "trace.json"), "w") as f:
        json.dump(info, f, indent=1)


if __name__ == "__main__":
    main()
