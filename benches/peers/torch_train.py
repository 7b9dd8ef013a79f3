"""The peer figure for `clearbox bench train`: PyTorch eager training the same
network on the same work — inputs of WIDTH numbers, two hidden layers of 256
(linear, layer norm, ReLU, dropout 0.25), two outputs; cross-entropy; AdamW
(lr 1e-3, weight decay 1e-4, as burn's defaults); one batch of BATCH rows
reused for every step, ROWS/BATCH steps a pass; the first pass timed apart,
then the median of the later passes. CPU threads = cores; `--device cuda`
on a GPU machine. Prints one JSON object. Needs torch (`pip install torch`
works on a CPU-only machine; it is large). Not part of the test suite.

    clearbox bench train && python3 benches/peers/torch_train.py
    python3 benches/peers/torch_train.py ROWS WIDTH BATCH PASSES [--device cuda]
"""

import json
import os
import sys
import time

import torch
from torch import nn

args = [a for a in sys.argv[1:] if not a.startswith("--")]
device = "cuda" if "--device" in sys.argv and sys.argv[sys.argv.index("--device") + 1] == "cuda" else "cpu"
if device == "cuda":
    args = [a for a in args if a != "cuda"]
rows = int(args[0]) if len(args) > 0 else 1_000_000
width = int(args[1]) if len(args) > 1 else 64
batch = int(args[2]) if len(args) > 2 else 4096
passes = max(int(args[3]) if len(args) > 3 else 3, 2)
threads = os.cpu_count()
torch.set_num_threads(threads)
torch.manual_seed(1)

layers, w = [], width
for _ in range(2):
    layers += [nn.Linear(w, 256), nn.LayerNorm(256), nn.ReLU(), nn.Dropout(0.25)]
    w = 256
network = nn.Sequential(*layers, nn.Linear(w, 2)).to(device)
optimizer = torch.optim.AdamW(network.parameters(), lr=1e-3, weight_decay=1e-4)
loss_fn = nn.CrossEntropyLoss()
steps = max(rows // batch, 1)
# The same synthetic batch as Clearbox's benchmark.
i = torch.arange(batch * width)
x = (((i * 7919) % 1000).float() / 500.0 - 1.0).reshape(batch, width).to(device)
y = (torch.arange(batch) % 2).to(device)

pass_seconds, first = [], 0.0
for p in range(passes):
    started = time.perf_counter()
    for _ in range(steps):
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(network(x), y)
        loss.backward()
        optimizer.step()
    loss.item()  # waits for the device
    seconds = time.perf_counter() - started
    if p == 0:
        first = seconds
    else:
        pass_seconds.append(seconds)
median = sorted(pass_seconds)[len(pass_seconds) // 2]
print(json.dumps({
    "peer": f"PyTorch {torch.__version__} eager ({device})",
    "rows": steps * batch, "width": width, "batch": batch,
    "first_pass_seconds": first, "rows_per_second": steps * batch / median,
    "pass_seconds": pass_seconds, "device": device, "threads": threads,
}))
