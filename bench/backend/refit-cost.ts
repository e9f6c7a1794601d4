// GeN's refit against its bound with one optimizer per model, as a user's loop has it:
//
//   npx tsx bench/backend/refit-cost.ts [--reps 11] [--only MLP,CNN,transformer]
//
// gen-cost.ts times the base and three GeN variants (every = 1, 4, 8) on the same model in one
// process, each with its own AdamW state, restoring the weights before each. This script times
// one GeN-AdamW at every = 1 (every step a refit, `calibrate: false`, `slope: 'fitted'`) and one AdamW, alternating
// with a forward pass F in each round, after 3 untimed rounds; medians of `reps`. A refit's cost
// over the base step, minus the 2F of its two probe forwards, is what the bound does not allow
// for: GeN ÷ base against the bound 1 + 2F/(F+B) at every = 1.
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/backend/index.js';
import { AdamW, GeN } from '../../src/index.js';
import { median } from '../stats.js';
import { BENCHMARK_MODELS } from './models.js';
import { argValue } from './cli-args.js';

const REPS = Number(argValue('--reps') ?? 11);
const ONLY = (argValue('--only') ?? 'MLP,CNN,transformer').split(',');
const PRIMING = 3;
const LR = 1e-4;

function msOf(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

async function main(): Promise<void> {
  await setupBackend();
  const rows: string[] = [];
  for (const name of ONLY) {
    const model = BENCHMARK_MODELS[name]();
    const base = new AdamW({ lr: LR });
    // The fitted slope's refit (two probe forwards); the default's one-probe refit is timed by gen-cost.ts.
    const gen = new GeN(new AdamW(), {
      every: 1,
      initialLr: LR,
      calibrate: false,
      iterateAverage: null,
      slope: 'fitted',
    });
    const forward = () => tf.tidy(() => model.loss().dataSync());
    const step = (opt: tf.Optimizer) => tf.tidy(() => opt.minimize(() => model.loss(), true, model.vars)!.dataSync());
    const t = { f: [] as number[], base: [] as number[], gen: [] as number[] };
    let refits = 0;
    for (let round = 0; round < PRIMING + REPS; round++) {
      const f = msOf(forward);
      const b = msOf(() => step(base));
      const g = msOf(() => step(gen));
      if (round < PRIMING) continue;
      t.f.push(f);
      t.base.push(b);
      t.gen.push(g);
      if (gen.lastStep?.refit) refits++;
    }
    const [F, B, G] = [median(t.f), median(t.base), median(t.gen)];
    const bound = 1 + (2 * F) / B;
    const excess = G - B - 2 * F;
    rows.push(
      `| ${name} | ${F.toFixed(1)} | ${B.toFixed(1)} | ${G.toFixed(1)} | ${excess.toFixed(1)} (${(excess / F).toFixed(2)} F) | ` +
        `${(G / B).toFixed(3)} | ${bound.toFixed(3)} | ${G / B <= bound + 0.03 ? 'yes' : 'no'} | ${refits} of ${REPS} |`,
    );
    gen.dispose();
    base.dispose();
    model.dispose();
  }
  const [l1, l5, l15] = loadavg().map((x) => x.toFixed(1));
  process.stdout.write(
    [
      '',
      '| model | F ms | base step ms (F+B) | GeN step ms, every = 1 | GeN − base − 2F | GeN ÷ base | bound | within bound + 3% | timed steps that refitted |',
      '|---|---:|---:|---:|---:|---:|---:|---|---|',
      ...rows,
      '',
      `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}; ${PRIMING} untimed rounds, medians of ${REPS}; load average at the end ${l1} / ${l5} / ${l15}`,
      '',
    ].join('\n'),
  );
}

await main();
