"""PyTorch reference for bench/backend/run.ts --pytorch: the same four models, timed the same way.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/backend/pytorch_ref.py [--threads 2] [--reps 11] [--only MLP,CNN]

Debian's python3-torch (1.13) with libopenblas0-pthread, as in ../shared/docs/engine.md §5
(2 intra-op threads, OpenBLAS single-threaded: 2x2 threads slowed the LSTM there). "train" =
Adam(1e-3) step with loss.item(); "forward" = loss under no_grad; medians of alternating
forward/train runs after untimed priming calls. Prints one JSON object per model on stdout.
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=2)
p.add_argument("--reps", type=int, default=11)
p.add_argument("--priming-calls", type=int, default=3, help="untimed calls of each function before the timed ones")
# Deprecated spelling of --priming-calls, kept for old command lines.
p.add_argument("--warmup", dest="priming_calls", type=int, help=argparse.SUPPRESS)
p.add_argument("--only", default="")
args = p.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3)
        self.c2 = nn.Conv2d(32, 64, 3)
        self.d1 = nn.Linear(5 * 5 * 64, 128)
        self.d2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.d2(F.relu(self.d1(x.flatten(1))))


class CharLSTM(nn.Module):
    def __init__(self, vocab=65, embed=64, hidden=128):
        super().__init__()
        self.emb = nn.Embedding(vocab, embed)
        self.rnn = nn.LSTM(embed, hidden, num_layers=2, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, ids):
        h, _ = self.rnn(self.emb(ids))
        return self.out(h)


class Transformer(nn.Module):
    """2 pre-LN causal blocks written with matmul + softmax, as bench/backend/models.ts."""

    def __init__(self, vocab=65, d=128, heads=4, ff=512, blocks=2, seq=64):
        super().__init__()
        self.d, self.heads, self.seq = d, heads, seq
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(seq, d) * 0.02)
        self.blocks = nn.ModuleList()
        for _ in range(blocks):
            self.blocks.append(nn.ModuleDict({
                "ln1": nn.LayerNorm(d), "qkv": nn.Linear(d, 3 * d, bias=False), "wo": nn.Linear(d, d, bias=False),
                "ln2": nn.LayerNorm(d), "w1": nn.Linear(d, ff), "w2": nn.Linear(ff, d),
            }))
        self.lnf = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)
        self.register_buffer("mask", torch.triu(torch.full((seq, seq), -1e9), 1))

    def forward(self, ids):
        b, t = ids.shape
        dh = self.d // self.heads
        h = self.tok(ids) + self.pos
        for k in self.blocks:
            q, kk, v = k["qkv"](k["ln1"](h)).split(self.d, dim=-1)
            split = lambda z: z.view(b, t, self.heads, dh).transpose(1, 2)
            att = torch.softmax(split(q) @ split(kk).transpose(-1, -2) / math.sqrt(dh) + self.mask, dim=-1)
            h = h + k["wo"]((att @ split(v)).transpose(1, 2).reshape(b, t, self.d))
            h = h + k["w2"](F.relu(k["w1"](k["ln2"](h))))
        return self.head(self.lnf(h))


def models():
    yield "MLP", nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)), \
        torch.randn(128, 784), torch.randint(0, 10, (128,))
    yield "CNN", CNN(), torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))
    yield "LSTM", CharLSTM(), torch.randint(0, 65, (32, 64)), torch.randint(0, 65, (32, 64))
    yield "transformer", Transformer(), torch.randint(0, 65, (16, 64)), torch.randint(0, 65, (16, 64))


def median(xs):
    s = sorted(xs)
    return s[len(s) // 2]


only = set(filter(None, args.only.split(",")))
for name, model, x, y in models():
    if only and name not in only:
        continue
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_of = lambda: F.cross_entropy(model(x).reshape(-1, model(x).shape[-1]) if False else model(x).flatten(0, -2), y.flatten())

    def fwd():
        with torch.no_grad():
            loss_of().item()

    def train():
        opt.zero_grad()
        loss = loss_of()
        loss.backward()
        opt.step()
        loss.item()

    for _ in range(args.priming_calls):
        fwd()
        train()
    fs, ts = [], []
    for _ in range(args.reps):
        t0 = time.perf_counter(); fwd(); fs.append(1000 * (time.perf_counter() - t0))
        t0 = time.perf_counter(); train(); ts.append(1000 * (time.perf_counter() - t0))
    print(json.dumps({"model": name, "trainMs": median(ts), "forwardMs": median(fs), "threads": args.threads,
                      "torch": torch.__version__}), flush=True)
