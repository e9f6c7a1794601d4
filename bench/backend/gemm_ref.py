"""OpenBLAS sgemm reference for bench/backend/gemm-profile.ts: GFLOP/s of the same products.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/backend/gemm_ref.py < shapes.json

Debian's numpy, whose BLAS is libopenblas0-pthread (the library Debian's PyTorch uses). Reads
a JSON list of {name, batch, m, k, n, transA, transB} on stdin; for each, the median time of
float32 C = op(A)·op(B) over `reps` samples (each sample repeats the product until it takes
>= 20 ms), after untimed priming calls. Prints one JSON object per shape.
"""
import json
import os
import sys
import time

import numpy as np

cfg = json.load(sys.stdin)
rng = np.random.default_rng(0)
for s in cfg["shapes"]:
    b, m, k, n = s["batch"], s["m"], s["k"], s["n"]
    a = rng.standard_normal((b, k, m) if s["transA"] else (b, m, k), dtype=np.float32)
    w = rng.standard_normal((b, n, k) if s["transB"] else (b, k, n), dtype=np.float32)
    if b == 1:
        a, w = a[0], w[0]
    opa = np.swapaxes(a, -1, -2) if s["transA"] else a
    opb = np.swapaxes(w, -1, -2) if s["transB"] else w
    out = np.empty((b, m, n) if b > 1 else (m, n), dtype=np.float32)
    f = lambda: np.matmul(opa, opb, out=out)
    for _ in range(cfg["priming"]):
        f()
    inner = 1
    while True:
        t = time.perf_counter()
        for _ in range(inner):
            f()
        if time.perf_counter() - t >= 0.02:
            break
        inner *= 2
    ms = []
    for _ in range(cfg["reps"]):
        t = time.perf_counter()
        for _ in range(inner):
            f()
        ms.append((time.perf_counter() - t) * 1000 / inner)
    ms.sort()
    med = ms[len(ms) // 2]
    print(json.dumps({"name": s["name"], "ms": med, "threads": os.environ.get("OPENBLAS_NUM_THREADS", "?"),
                      "numpy": np.__version__}))
