"""PyTorch reference for bench/backend/scaling.ts: one MLP 784-w-w-10 training step at a given width and batch.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/backend/pytorch_mlp.py --width 256 --batch 128 [--reps 11]

Debian's python3-torch (1.13) on OpenBLAS, 2 intra-op threads, as bench/backend/pytorch_ref.py.
"train" = Adam(1e-3) step on softmax cross-entropy with loss.item(); median of `reps` after
untimed priming calls. Prints one JSON object.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--width", type=int, required=True)
p.add_argument("--batch", type=int, required=True)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--reps", type=int, default=11)
p.add_argument("--priming-calls", type=int, default=3)
args = p.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(784, args.width), nn.ReLU(), nn.Linear(args.width, args.width), nn.ReLU(),
                      nn.Linear(args.width, 10))
x = torch.rand(args.batch, 784) * 2 - 1
y = torch.randint(0, 10, (args.batch,))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)


def train():
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    loss.item()


for _ in range(args.priming_calls):
    train()
ms = []
for _ in range(args.reps):
    t = time.perf_counter()
    train()
    ms.append((time.perf_counter() - t) * 1000)
ms.sort()
print(json.dumps({"width": args.width, "batch": args.batch, "trainMs": ms[len(ms) // 2], "threads": args.threads,
                  "torch": torch.__version__}))
