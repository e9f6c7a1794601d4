// Two backend set-ups in one run: the convolution kernels of the CNN's second layer and the four
// benchmark models' training and forward steps. By default 1 against 2 threads (`setupBackend({
// threads })`); with `--compare relaxed-simd`, the plain against the relaxed-SIMD build of our
// kernels (`relaxedSimd: 'off'` against `'on'`, the GEMM's multiply-adds fused), on `--threads` threads.
//
//   npx tsx bench/backend/threads-ab.ts [--compare threads|relaxed-simd] [--threads 1] [--rounds 3] [--reps 11] [--only MLP,CNN]
//
// Both are fixed when `wasm` initialises, so each measurement is a child process; rounds alternate
// A, B, B, A, …. Each child reports medians of `reps` after 3 untimed priming calls; the table gives
// the median over rounds and the ratio B ÷ A. (GEMM products: bench/backend/gemm-profile.ts.)
// Writes results/threads-ab.json (or results/relaxed-simd-ab.json).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { setupBackend, type SetupBackendOptions } from '../../src/backend/index.js';
import { median } from '../stats.js';
import { BENCHMARK_MODELS } from './models.js';
import { args, argValue } from './cli-args.js';

const ROUNDS = Number(argValue('--rounds') ?? 3);
const REPS = Number(argValue('--reps') ?? 11);
const ONLY = (argValue('--only') ?? Object.keys(BENCHMARK_MODELS).join(',')).split(',');
const PRIMING = 3;
const COMPARE = argValue('--compare') ?? 'threads';
if (COMPARE !== 'threads' && COMPARE !== 'relaxed-simd') {
  throw new Error(`--compare must be 'threads' or 'relaxed-simd'; got '${COMPARE}'`);
}
if (COMPARE === 'threads' && argValue('--threads') !== undefined) {
  throw new Error('--threads sets both arms of --compare relaxed-simd; --compare threads compares 1 and 2 threads');
}
const THREADS = Number(argValue('--threads') ?? 1);
/** The two set-ups compared, A then B, with their column headings. */
const ARMS: ReadonlyArray<{ label: string; options: SetupBackendOptions }> =
  COMPARE === 'threads'
    ? [
        // The plain build in both arms on every engine, so that only the threads differ.
        { label: '1 thread', options: { threads: 1, relaxedSimd: 'off' } },
        { label: '2 threads', options: { threads: 2, relaxedSimd: 'off' } },
      ]
    : [
        { label: 'plain', options: { threads: THREADS, relaxedSimd: 'off' } },
        { label: 'relaxed SIMD', options: { threads: THREADS, relaxedSimd: 'on' } },
      ];
const log = (s: string) => process.stderr.write(s + '\n');

function medianMs(f: () => void): number {
  for (let i = 0; i < PRIMING; i++) f();
  const ms: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

/** The CNN's second convolution (batch 64, 13×13×32 → 11×11×64, 3×3 valid) and its two gradients. */
function convKernels(out: Record<string, number>): void {
  const x = tf.randomUniform([64, 13, 13, 32]) as tf.Tensor4D;
  const w = tf.randomUniform([3, 3, 32, 64]) as tf.Tensor4D;
  const dy = tf.randomUniform([64, 11, 11, 64]) as tf.Tensor4D;
  out['conv2 forward (Conv2D)'] = medianMs(() => tf.conv2d(x, w, 1, 'valid').dispose());
  const run = (name: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown>) =>
    (tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor).dispose();
  out['conv2 dW (Conv2DBackpropFilter)'] = medianMs(() =>
    run('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'valid', filterShape: w.shape }),
  );
  out['conv2 dx (Conv2DBackpropInput)'] = medianMs(() =>
    run('Conv2DBackpropInput', { dy, filter: w }, { strides: 1, pad: 'valid', inputShape: x.shape }),
  );
  tf.dispose([x, w, dy]);
}

async function worker(arm: number): Promise<void> {
  await setupBackend({ backend: 'wasm', ...ARMS[arm].options });
  const out: Record<string, number> = {};
  convKernels(out);
  for (const name of ONLY) {
    const model = BENCHMARK_MODELS[name]();
    const opt = tf.train.adam(1e-3);
    out[`${name} train step`] = medianMs(() => {
      const l = opt.minimize(model.loss, true, model.vars)!;
      l.dataSync();
      l.dispose();
    });
    out[`${name} forward`] = medianMs(() => tf.tidy(() => model.loss().dataSync()));
    opt.dispose();
    model.dispose();
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

async function main(): Promise<void> {
  const w = argValue('--worker');
  if (w !== undefined) return worker(Number(w));
  const samples: Array<Record<string, number[]>> = [{}, {}];
  for (let round = 0; round < ROUNDS; round++) {
    for (const arm of round % 2 === 0 ? [0, 1] : [1, 0]) {
      log(`… round ${round + 1}/${ROUNDS}, ${ARMS[arm].label}`);
      const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1], '--worker', String(arm), ...args], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`${ARMS[arm].label}: ${(r.stderr || '').trim().split('\n').pop()}`);
      const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
      for (const [k, ms] of Object.entries(got)) (samples[arm][k] ??= []).push(ms);
    }
  }
  const rows = Object.keys(samples[0]).map((k) => {
    const a = median(samples[0][k]);
    const b = median(samples[1][k]);
    return { what: k, aMs: a, bMs: b, ratio: b / a };
  });
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const [A, B] = ARMS.map((a) => a.label);
  const table = [
    `| kernel or step | ${A} ms | ${B} ms | ${B} ÷ ${A} |`,
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.what} | ${f(r.aMs)} | ${f(r.bMs)} | ${r.ratio.toFixed(2)} |`),
  ];
  const env = `tfjs ${tf.version.tfjs}; ${COMPARE === 'relaxed-simd' ? `${THREADS} thread${THREADS > 1 ? 's' : ''}; ` : ''}${ROUNDS} rounds, medians of ${REPS} after ${PRIMING} priming calls; load average at the end ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ')} (2 cores)`;
  process.stdout.write(`\n${table.join('\n')}\n${env}\n`);
  mkdirSync('results', { recursive: true });
  const file = COMPARE === 'threads' ? 'results/threads-ab.json' : 'results/relaxed-simd-ab.json';
  writeFileSync(
    file,
    JSON.stringify({ date: new Date().toISOString(), env, compare: COMPARE, arms: [A, B], rows }, null, 2) + '\n',
  );
  log(`wrote ${file}`);
}

await main();
