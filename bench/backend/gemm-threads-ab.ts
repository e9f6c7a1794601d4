// Our GEMM on one thread against the same GEMM shared with a worker thread, in one process
// (`setupBackend({ threads: 2 })`, the split turned off and on step by step), so that only the
// sharing differs: the threaded build, the heap and the load are the same for both.
//
//   npx tsx bench/backend/gemm-threads-ab.ts [--reps 16] [--only MLP,CNN] [--load 1]
//
// Each model: an Adam training step, 4 untimed, then `reps` pairs in alternating order (off, on /
// on, off); medians, the ratio shared ÷ one thread, the share of the split calls' chunks the
// worker computed, and how often sharing paused because it did not pay (kernels/gemm-split.ts). --load N runs N busy-looping processes alongside (a machine that is not idle).
// (The threaded build against the single-threaded one, across processes: threads-ab.ts.)
// Writes results/gemm-threads-ab.json.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/backend/index.js';
import { gemmSplitStats, setGemmSplitting } from '../../src/backend/kernels/gemm-split.js';
import { median } from '../stats.js';
import { BENCHMARK_MODELS } from './models.js';
import { argValue } from './cli-args.js';

const REPS = Number(argValue('--reps') ?? 16);
const LOAD = Number(argValue('--load') ?? 0);
const ONLY = (argValue('--only') ?? Object.keys(BENCHMARK_MODELS).join(',')).split(',');
const log = (s: string) => process.stderr.write(s + '\n');
if (!Number.isInteger(REPS) || REPS < 1) throw new RangeError(`--reps must be a positive integer; got ${REPS}`);
if (!Number.isInteger(LOAD) || LOAD < 0) throw new RangeError(`--load must be an integer ≥ 0; got ${LOAD}`);
const unknown = ONLY.filter((m) => !(m in BENCHMARK_MODELS));
if (unknown.length > 0)
  throw new RangeError(
    `--only: unknown model ${unknown.join(', ')}; models: ${Object.keys(BENCHMARK_MODELS).join(', ')}`,
  );

const report = await setupBackend({ backend: 'wasm', threads: 2 });
if (report.gemmThreads !== 2)
  throw new Error(`setupBackend({ threads: 2 }) gave our GEMM ${report.gemmThreads} thread(s)`);
const load: ChildProcess[] = Array.from({ length: LOAD }, () =>
  spawn(process.execPath, ['-e', 'let x = 0; for (;;) x += Math.sqrt(x + 1);'], { stdio: 'ignore' }),
);
const rows: Array<{
  model: string;
  oneMs: number;
  sharedMs: number;
  ratio: number;
  workerShare: number;
  pauses: number;
}> = [];
try {
  for (const name of ONLY) {
    log(`… ${name}`);
    const model = BENCHMARK_MODELS[name]();
    const opt = tf.train.adam(1e-3);
    const step = () => tf.tidy(() => void opt.minimize(() => model.loss(), false, model.vars));
    for (let i = 0; i < 4; i++) step();
    const one: number[] = [];
    const shared: number[] = [];
    const before = { ...gemmSplitStats };
    for (let i = 0; i < REPS; i++) {
      for (const on of i % 2 === 0 ? [false, true] : [true, false]) {
        setGemmSplitting(on);
        const t = performance.now();
        step();
        (on ? shared : one).push(performance.now() - t);
      }
    }
    setGemmSplitting(true);
    const chunks = gemmSplitStats.chunks - before.chunks;
    const workerShare = chunks === 0 ? 0 : (gemmSplitStats.workerChunks - before.workerChunks) / chunks;
    const [oneMs, sharedMs] = [median(one), median(shared)];
    const pauses = gemmSplitStats.pauses - before.pauses;
    rows.push({ model: name, oneMs, sharedMs, ratio: sharedMs / oneMs, workerShare, pauses });
    opt.dispose();
    model.dispose();
  }
} finally {
  for (const p of load) p.kill();
}

const f = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const lines = [
  '| model (train step) | GEMM on 1 thread ms | shared with a worker ms | shared ÷ 1 thread | chunks the worker computed | pauses |',
  '|---|---:|---:|---:|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.model} | ${f(r.oneMs)} | ${f(r.sharedMs)} | ${r.ratio.toFixed(2)} | ${(100 * r.workerShare).toFixed(0)}% | ${r.pauses} |`,
  ),
];
const la = loadavg()
  .map((v) => v.toFixed(1))
  .join(' / ');
const env = `tfjs ${tf.version.tfjs}; ${REPS} pairs per model, medians; ${LOAD} busy process(es) alongside; load average at the end ${la} (2 cores)`;
process.stdout.write(`\n${lines.join('\n')}\n${env}\n`);
mkdirSync('results', { recursive: true });
writeFileSync('results/gemm-threads-ab.json', JSON.stringify({ reps: REPS, load: LOAD, rows, env }, null, 2) + '\n');
log('wrote results/gemm-threads-ab.json');
