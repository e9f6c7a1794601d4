// 1 against 2 threads (`setupBackend({ threads })`) in one run: the convolution kernels of the
// CNN's second layer and the four benchmark models' training and forward steps.
//
//   npx tsx bench/backend/threads-ab.ts [--rounds 3] [--reps 11] [--only MLP,CNN]
//
// The thread count is fixed when `wasm` initialises, so each measurement is a child process;
// rounds alternate 1, 2, 2, 1, … threads. Each child reports medians of `reps` after 3 untimed
// priming calls; the table gives the median over rounds and the ratio 2 threads ÷ 1 thread.
// (GEMM products on 1 and 2 threads: bench/backend/gemm-profile.ts.) Writes results/threads-ab.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/backend/index.js';
import { median } from '../stats.js';
import { BENCHMARK_MODELS } from './models.js';
import { args, argValue } from './cli-args.js';

const ROUNDS = Number(argValue('--rounds') ?? 3);
const REPS = Number(argValue('--reps') ?? 11);
const ONLY = (argValue('--only') ?? Object.keys(BENCHMARK_MODELS).join(',')).split(',');
const PRIMING = 3;
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

async function worker(threads: number): Promise<void> {
  await setupBackend({ backend: 'wasm', threads });
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
  const samples: Record<number, Record<string, number[]>> = { 1: {}, 2: {} };
  for (let round = 0; round < ROUNDS; round++) {
    for (const threads of round % 2 === 0 ? [1, 2] : [2, 1]) {
      log(`… round ${round + 1}/${ROUNDS}, ${threads} thread${threads > 1 ? 's' : ''}`);
      const r = spawnSync(
        process.execPath,
        [...process.execArgv, process.argv[1], '--worker', String(threads), ...args],
        {
          encoding: 'utf8',
        },
      );
      if (r.status !== 0) throw new Error(`threads ${threads}: ${(r.stderr || '').trim().split('\n').pop()}`);
      const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
      for (const [k, ms] of Object.entries(got)) (samples[threads][k] ??= []).push(ms);
    }
  }
  const rows = Object.keys(samples[1]).map((k) => {
    const one = median(samples[1][k]);
    const two = median(samples[2][k]);
    return { what: k, oneMs: one, twoMs: two, ratio: two / one };
  });
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const table = [
    '| kernel or step | 1 thread ms | 2 threads ms | 2 ÷ 1 |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.what} | ${f(r.oneMs)} | ${f(r.twoMs)} | ${r.ratio.toFixed(2)} |`),
  ];
  const env = `tfjs ${tf.version.tfjs}; ${ROUNDS} rounds, medians of ${REPS} after ${PRIMING} priming calls; load average at the end ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ')} (2 cores)`;
  process.stdout.write(`\n${table.join('\n')}\n${env}\n`);
  mkdirSync('results', { recursive: true });
  writeFileSync(
    'results/threads-ab.json',
    JSON.stringify({ date: new Date().toISOString(), env, rows }, null, 2) + '\n',
  );
  log('wrote results/threads-ab.json');
}

await main();
