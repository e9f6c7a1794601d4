// GEMM throughput on the benchmark models' own products: this backend's `tf.matMul` on 1 and 2
// threads, with the plain and the relaxed-SIMD build of our kernels (`setupBackend({ relaxedSimd })`:
// the GEMM's multiply-adds fused), against OpenBLAS sgemm (bench/backend/gemm_ref.py: Debian's numpy
// on libopenblas0-pthread, the BLAS Debian's PyTorch uses) on 1 and 2 threads, in one run:
//
//   npx tsx bench/backend/gemm-profile.ts [--rounds 3] [--reps 11]
//
// Each round runs six child processes one after the other (ours ×1 thread, ×2 threads, each plain and
// relaxed, OpenBLAS ×1, ×2; the order rotates between rounds so that none always runs first); each child
// reports the median ms of each product (a sample repeats the product until it takes ≥ 20 ms,
// after 3 untimed priming calls). The table gives the median over rounds, as GFLOP/s (2·b·m·k·n / t).
// Ours includes tfjs-core's dispatch per call, as in training. Prints a Markdown table and writes
// results/gemm-profile.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/backend/index.js';
import { median } from '../stats.js';
import { args, argValue } from './cli-args.js';

/** One product C = op(A)·op(B), batched `batch` times; op(A) is m×k and op(B) k×n. */
export interface GemmShape {
  name: string;
  batch: number;
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
}

const g = (name: string, m: number, k: number, n: number, o: Partial<GemmShape> = {}): GemmShape => ({
  name,
  batch: 1,
  m,
  k,
  n,
  transA: false,
  transB: false,
  ...o,
});

/** The products of bench/backend/models.ts at their benchmark sizes (forward and gradients). */
export const GEMM_SHAPES: readonly GemmShape[] = [
  g('MLP dense1 x·W', 128, 784, 256),
  g('MLP dense2 x·W', 128, 256, 256),
  g('MLP dense1 dW = xᵀ·dy', 784, 128, 256, { transA: true }),
  g('MLP dense2 dx = dy·Wᵀ', 128, 256, 256, { transB: true }),
  g('CNN conv1 im2col·W', 43264, 9, 32),
  g('CNN conv2 im2col·W', 7744, 288, 64),
  g('CNN conv2 dW = colsᵀ·dy', 288, 7744, 64, { transA: true }),
  g('CNN conv2 dcols = dy·Wᵀ', 7744, 64, 288, { transB: true }),
  g('CNN dense x·W', 64, 1600, 128),
  g('LSTM input x·W', 32, 64, 512),
  g('LSTM recurrent h·U', 32, 128, 512),
  g('LSTM dU = hᵀ·dz', 128, 32, 512, { transA: true }),
  g('transformer qkv x·W', 1024, 128, 384),
  g('transformer ff1 x·W', 1024, 128, 512),
  g('transformer ff2 x·W', 1024, 512, 128),
  g('transformer scores q·kᵀ', 64, 32, 64, { batch: 64, transB: true }),
  g('transformer context att·v', 64, 64, 32, { batch: 64 }),
];

const ROUNDS = Number(argValue('--rounds') ?? 3);
const REPS = Number(argValue('--reps') ?? 11);
const PRIMING = 3;
const log = (s: string) => process.stderr.write(s + '\n');

/** Median ms of one product, as gemm_ref.py measures it. */
function timeProduct(f: () => void): number {
  for (let i = 0; i < PRIMING; i++) f();
  let inner = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < inner; i++) f();
    if (performance.now() - t >= 20) break;
    inner *= 2;
  }
  const ms: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t = performance.now();
    for (let i = 0; i < inner; i++) f();
    ms.push((performance.now() - t) / inner);
  }
  return median(ms);
}

async function worker(threads: number, relaxed: boolean): Promise<void> {
  const report = await setupBackend({ backend: 'wasm', threads, relaxedSimd: relaxed ? 'on' : 'off' });
  for (const s of GEMM_SHAPES) {
    const batched = (r: number, c: number) => (s.batch > 1 ? [s.batch, r, c] : [r, c]);
    const a = tf.randomUniform(s.transA ? batched(s.k, s.m) : batched(s.m, s.k));
    const b = tf.randomUniform(s.transB ? batched(s.n, s.k) : batched(s.k, s.n));
    const ms = timeProduct(() => tf.matMul(a, b, s.transA, s.transB).dispose());
    tf.dispose([a, b]);
    process.stdout.write(JSON.stringify({ name: s.name, ms, threads: report.threads }) + '\n');
  }
}

type Source = 'ours' | 'ours relaxed' | 'openblas';
interface Child {
  source: Source;
  threads: number;
}

function runChild(c: Child): Record<string, number> {
  const r =
    c.source !== 'openblas'
      ? spawnSync(
          process.execPath,
          [
            ...process.execArgv,
            process.argv[1],
            '--worker',
            String(c.threads),
            ...(c.source === 'ours relaxed' ? ['--relaxed'] : []),
            ...args,
          ],
          { encoding: 'utf8' },
        )
      : spawnSync(process.env.PYTHON ?? '/usr/bin/python3', ['bench/backend/gemm_ref.py'], {
          encoding: 'utf8',
          input: JSON.stringify({ shapes: GEMM_SHAPES, reps: REPS, priming: PRIMING }),
          env: { ...process.env, OPENBLAS_NUM_THREADS: String(c.threads) },
        });
  if (r.status !== 0) throw new Error(`${c.source} ×${c.threads} failed: ${(r.stderr || '').trim().split('\n').pop()}`);
  const out: Record<string, number> = {};
  for (const line of r.stdout.split('\n').filter((l) => l.startsWith('{'))) {
    const row = JSON.parse(line) as { name: string; ms: number };
    out[row.name] = row.ms;
  }
  return out;
}

async function main(): Promise<void> {
  const w = argValue('--worker');
  if (w !== undefined) return worker(Number(w), args.includes('--relaxed'));
  const children: Child[] = [
    { source: 'ours', threads: 1 },
    { source: 'ours relaxed', threads: 1 },
    { source: 'ours', threads: 2 },
    { source: 'ours relaxed', threads: 2 },
    { source: 'openblas', threads: 1 },
    { source: 'openblas', threads: 2 },
  ];
  const key = (c: Child) => `${c.source}×${c.threads}`;
  const samples: Record<string, Record<string, number[]>> = {};
  for (const c of children) samples[key(c)] = Object.fromEntries(GEMM_SHAPES.map((s) => [s.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let j = 0; j < children.length; j++) {
      const c = children[(j + round) % children.length];
      log(`… round ${round + 1}/${ROUNDS}: ${key(c)}`);
      const got = runChild(c);
      for (const s of GEMM_SHAPES) samples[key(c)][s.name].push(got[s.name]);
    }
  }
  const gflops = (s: GemmShape, ms: number) => (2 * s.batch * s.m * s.k * s.n) / (ms * 1e6);
  const rows = GEMM_SHAPES.map((s) => {
    const ms = Object.fromEntries(children.map((c) => [key(c), median(samples[key(c)][s.name])]));
    return { ...s, ms, gflops: Object.fromEntries(Object.entries(ms).map(([k, t]) => [k, gflops(s, t)])) };
  });
  const f = (x: number) => x.toFixed(1);
  const table = [
    '| product | b×m×k×n | ours 1 thread | ours relaxed 1 thread | ours 2 threads | ours relaxed 2 threads | OpenBLAS 1 thread | OpenBLAS 2 threads | relaxed ÷ plain, 1 thread | relaxed ÷ plain, 2 threads | ours ÷ OpenBLAS, 1 thread | ours relaxed ÷ OpenBLAS, 1 thread | ours 2 ÷ OpenBLAS 2 | ours relaxed 2 ÷ OpenBLAS 2 |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => {
      const x = r.gflops;
      const dims = `${r.batch > 1 ? `${r.batch}×` : ''}${r.m}×${r.k}×${r.n}${r.transA ? ' (Aᵀ)' : ''}${r.transB ? ' (Bᵀ)' : ''}`;
      const ratio = (a: string, b: string) => (x[a] / x[b]).toFixed(2);
      return (
        `| ${r.name} | ${dims} | ${f(x['ours×1'])} | ${f(x['ours relaxed×1'])} | ${f(x['ours×2'])} | ${f(x['ours relaxed×2'])} | ` +
        `${f(x['openblas×1'])} | ${f(x['openblas×2'])} | ${ratio('ours relaxed×1', 'ours×1')} | ${ratio('ours relaxed×2', 'ours×2')} | ` +
        `${ratio('ours×1', 'openblas×1')} | ${ratio('ours relaxed×1', 'openblas×1')} | ${ratio('ours×2', 'openblas×2')} | ` +
        `${ratio('ours relaxed×2', 'openblas×2')} |`
      );
    }),
  ];
  process.stdout.write(
    `\nGFLOP/s, median over ${ROUNDS} rounds of per-child medians (${REPS} samples after ${PRIMING} priming calls):\n\n` +
      `${table.join('\n')}\n\nload average at the end ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' / ')} (2 cores)\n`,
  );
  mkdirSync('results', { recursive: true });
  writeFileSync(
    'results/gemm-profile.json',
    JSON.stringify({ date: new Date().toISOString(), rounds: ROUNDS, reps: REPS, rows }, null, 2) + '\n',
  );
  log('wrote results/gemm-profile.json');
}

await main();
