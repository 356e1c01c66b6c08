#!/usr/bin/env bash
# SharpSR vs PyTorch conv throughput; see conv_vs_torch.py.
exec /usr/bin/python3 "$(dirname "$0")/conv_vs_torch.py" "$@"
