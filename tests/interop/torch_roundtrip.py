#!/usr/bin/env python3
"""The PyTorch side of the safetensors round trip (docs/interop.md), run by .ci/run.

  python3 tests/interop/torch_roundtrip.py DIR

DIR holds what `dotnet run --project tests/interop/TorchInterop -- export DIR` wrote: AutoGrad's
weights (autograd_<model>.safetensors) and its evaluation-mode outputs on test inputs
(autograd_outputs.safetensors). This script builds the equivalent torch.nn model of each, loads
AutoGrad's weights with load_state_dict(strict=True), and checks that it gives AutoGrad's outputs
within float32 tolerance. Then it writes freshly initialized torch models the same way
(torch_<model>.safetensors, num_batches_tracked included) and their outputs
(torch_outputs.safetensors), for `TorchInterop import DIR` to load back.

There is no safetensors package in Debian, so the format (an 8-byte little-endian header length,
a JSON header, the raw little-endian data) is read and written here by hand.
Each check prints one [ok] or [FAILED] line; the exit code is the number of failures.
"""
import json
import os
import struct
import sys

import numpy as np
import torch
from torch import nn

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64}
NAMES = {np.dtype(v): k for k, v in DTYPES.items()}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[8 + n + begin:8 + n + end], dtype=np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<"))
        tensors[name] = torch.from_numpy(array.reshape(entry["shape"]).astype(DTYPES[entry["dtype"]]))
    return tensors, header.get("__metadata__", {})


def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = ({"__metadata__": metadata} if metadata else {}), [], 0
    for name, t in tensors.items():
        a = t.detach().cpu().contiguous().numpy()
        blob = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": NAMES[a.dtype], "shape": list(a.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


class LastStep(nn.Module):
    """A recurrent layer, its output at the last step ([:, -1]), a linear head: children '0' and '2' as in AutoGrad's Sequential."""

    def __init__(self, rnn, head):
        super().__init__()
        self.add_module("0", rnn)
        self.add_module("2", head)

    def forward(self, x):
        y, _ = self._modules["0"](x)
        return self._modules["2"](y[:, -1])


def build(name):
    """The torch.nn twin of each model of tests/interop/TorchInterop/Program.cs."""
    if name == "mlp":  # Mlp.Create([64, 32, 16, 10], ReLU, dropout: 0.1)
        return nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 16), nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 10))
    if name == "cnn":  # Cnn.Create(1, 8, 8, [4, 8], [16], 10, batchNorm: true, dropout: 0.2)
        return nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(4, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(8 * 2 * 2, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 10))
    if name == "lstm":  # Sequential(Lstm(3, 5, layers: 2, bidirectional: true), LastTimeStep, Linear(10, 2))
        return LastStep(nn.LSTM(3, 5, num_layers=2, bidirectional=True, batch_first=True), nn.Linear(10, 2))
    if name == "gru":  # Sequential(Gru(3, 4), LastTimeStep, Linear(4, 2))
        return LastStep(nn.GRU(3, 4, batch_first=True), nn.Linear(4, 2))
    raise ValueError(name)


MODELS = ["mlp", "cnn", "lstm", "gru"]
failures = 0


def check(claim, holds):
    global failures
    print(f"[{'ok' if holds else 'FAILED'}] {claim}", flush=True)
    failures += 0 if holds else 1


def compare(expected, actual):
    scale = max(1.0, float(expected.abs().max()))
    worst = float((expected - actual).abs().max())
    return worst, 1e-5 * scale


def main(directory):
    torch.set_num_threads(1)
    torch.manual_seed(0)
    ours, _ = read_safetensors(os.path.join(directory, "autograd_outputs.safetensors"))
    theirs = {}
    for name in MODELS:
        path = os.path.join(directory, f"autograd_{name}.safetensors")
        weights, metadata = read_safetensors(path)
        model = build(name)
        try:
            model.load_state_dict(weights, strict=True)
        except RuntimeError as e:
            check(f"torch loads AutoGrad's {name} ({path}): {' '.join(str(e).split())}", False)
            continue
        model.eval()
        x, expected = ours[f"{name}.input"], ours[f"{name}.output"]
        with torch.no_grad():
            actual = model(x)
        worst, tolerance = compare(expected, actual)
        check(f"torch.nn loads AutoGrad's {name} (load_state_dict strict, {len(weights)} tensors, metadata {metadata.get('model')}) "
              f"and gives AutoGrad's outputs on {expected.numel()} values: max |difference| {worst:.2e} (tolerance {tolerance:.1e})",
              actual.shape == expected.shape and worst <= tolerance)

        # The other way: a fresh torch model (its own initialization; batch norm's running statistics
        # and num_batches_tracked moved by a few training-mode batches) for AutoGrad to load.
        fresh = build(name)
        if name == "cnn":
            fresh.train()
            with torch.no_grad():
                for _ in range(3):
                    fresh(torch.rand(32, 1, 8, 8))
        fresh.eval()
        with torch.no_grad():
            theirs[f"{name}.input"] = x
            theirs[f"{name}.output"] = fresh(x)
        write_safetensors(os.path.join(directory, f"torch_{name}.safetensors"), fresh.state_dict(), {"format": "pt", "written-by": f"torch {torch.__version__}"})
    write_safetensors(os.path.join(directory, "torch_outputs.safetensors"), theirs)
    return failures


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: torch_roundtrip.py DIR (the directory 'TorchInterop export DIR' wrote)")
    sys.exit(main(sys.argv[1]))
