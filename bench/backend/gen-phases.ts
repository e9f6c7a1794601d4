// Where a GeN refit's time goes beyond its two probe forwards, on the backend benchmark's models
// (or the suite's task models: `--only mnist-mlp,moby-char`, see named-model.ts):
// each round times, one after the other, a plain forward pass F (the bound's unit) and each
// piece of a GeN-AdamW step run by hand with the library's own functions:
//
//   npx tsx bench/backend/gen-phases.ts [--reps 15] [--only MLP,CNN,transformer]
//
// gradients (tf.variableGrads with the randomness recorded), readLoss (the loss and the finiteness
// of every gradient in one readback: on every GeN step, not in the base step; next to it the exact
// check it made before, for comparison), the base direction,
// one probe point (w ← w₀ + x·D, `assignAlong`), one probe forward at it (`probeLoss`: no side
// effects, metrics off, randomness replayed), the two-probe `lossesAlong` (snapshot, 2 × (point +
// forward), restore) and the guarded update `addScaled`. Medians after 3 untimed rounds.
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/backend/index.js';
import { AdamW } from '../../src/index.js';
import { addScaled, assignAlong, restore, snapshot } from '../../src/tfjs/params.js';
import { lossesAlong, probeLoss, readLoss, recordGradients } from '../../src/tfjs/probe.js';
import { median } from '../stats.js';
import { namedModel } from './named-model.js';
import { argValue } from './cli-args.js';

const REPS = Number(argValue('--reps') ?? 15);
const ONLY = (argValue('--only') ?? 'MLP,CNN,transformer').split(',');
const PRIMING = 3;
const LR = 1e-4;

function phases(name: string): Record<string, number> {
  const model = namedModel(name);
  const base = new AdamW({ lr: LR });
  const t: Record<string, number[]> = {};
  const time = <T>(k: string, timed: boolean, f: () => T): T => {
    const t0 = performance.now();
    const r = f();
    if (timed) (t[k] ??= []).push(performance.now() - t0);
    return r;
  };
  for (let round = 0; round < PRIMING + REPS; round++) {
    const timed = round >= PRIMING;
    time('forward F', timed, () => tf.tidy(() => model.loss().dataSync()));
    const g = time('gradients', timed, () => recordGradients('bench', () => model.loss(), model.vars));
    time('readLoss', timed, () => readLoss(g.value, g.gradients));
    // The check readLoss made on every step before it summed the gradients themselves.
    time('(previous readLoss: Σ sum(0·g))', timed, () =>
      tf.tidy(() => tf.stack([g.value, tf.addN(g.gradients.map((x) => tf.sum(tf.mul(x, 0))))]).dataSync()),
    );
    const d = time('base direction', timed, () => base.computeDirection(g.variables, g.gradients));
    tf.dispose(g.gradients);
    const own = new Set(g.variables);
    const origin = snapshot(g.variables);
    time('probe point', timed, () => assignAlong(g.variables, origin, d, LR));
    time('probe forward', timed, () => probeLoss('bench', () => model.loss(), own, g.tape));
    restore(g.variables, origin);
    time('lossesAlong, 2 probes', timed, () =>
      lossesAlong('bench', () => model.loss(), g.variables, d, [-LR, 0, LR], g.tape, 0),
    );
    time('addScaled', timed, () => addScaled(g.variables, d, LR));
    tf.dispose(d);
    g.value.dispose();
  }
  base.dispose();
  model.dispose();
  return Object.fromEntries(Object.entries(t).map(([k, xs]) => [k, median(xs)]));
}

await setupBackend();
const results = ONLY.map((name) => ({ name, ms: phases(name) }));
const keys = Object.keys(results[0].ms);
const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2));
const lines = [
  `| phase | ${results.map((r) => `${r.name} ms (÷ F)`).join(' | ')} |`,
  `|---|${results.map(() => '---:|').join('')}`,
  ...keys.map(
    (k) =>
      `| ${k} | ${results.map((r) => `${f(r.ms[k])} (${(r.ms[k] / r.ms['forward F']).toFixed(2)})`).join(' | ')} |`,
  ),
];
process.stdout.write(
  `\n${lines.join('\n')}\n\nmedians of ${REPS} rounds after ${PRIMING}; load average at the end ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ')} (2 cores)\n`,
);
