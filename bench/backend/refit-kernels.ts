// The kernels a GeN refit runs that its base step and two forward passes do not: `tf.profile` of one step of
// AdamW, of GeN-AdamW at every = 1 (every step a refit, `calibrate: false`) and of one forward, after 3 priming
// steps each; prints the kernel counts of GeN − AdamW − 2 × forward by name (docs/backend.md, "The suite's models
// against the bound").
//
//   npx tsx bench/backend/refit-kernels.ts [--only mnist-mlp,fashion-resnet]
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/backend/index.js';
import { AdamW, GeN } from '../../src/index.js';
import { argValue } from './cli-args.js';
import { namedModel } from './named-model.js';

const ONLY = (argValue('--only') ?? 'mnist-mlp,fashion-resnet').split(',');
const PRIMING = 3;

async function kernelCounts(f: () => void): Promise<Map<string, number>> {
  for (let i = 0; i < PRIMING; i++) f();
  const info = await tf.profile(f);
  const counts = new Map<string, number>();
  for (const k of info.kernels) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
  return counts;
}

await setupBackend();
for (const name of ONLY) {
  const model = namedModel(name);
  const stepOf = (opt: tf.Optimizer) => () =>
    tf.tidy(() => (opt.minimize(() => model.loss(), true, model.vars) as tf.Scalar).dataSync());
  const base = new AdamW({ lr: 1e-4 });
  const gen = new GeN(new AdamW(), { every: 1, initialLr: 1e-4, calibrate: false, iterateAverage: null });
  const counts = {
    base: await kernelCounts(stepOf(base)),
    gen: await kernelCounts(stepOf(gen)),
    forward: await kernelCounts(() => tf.tidy(() => model.loss().dataSync())),
  };
  base.dispose();
  gen.dispose();
  model.dispose();
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const names = new Set([...counts.gen.keys(), ...counts.base.keys(), ...counts.forward.keys()]);
  const extra = [...names]
    .map((k) => [k, (counts.gen.get(k) ?? 0) - (counts.base.get(k) ?? 0) - 2 * (counts.forward.get(k) ?? 0)] as const)
    .filter(([, n]) => n !== 0);
  process.stdout.write(
    `${name} (${model.vars.length} variables): GeN ${total(counts.gen)} kernels, AdamW ${total(counts.base)}, ` +
      `forward ${total(counts.forward)}; GeN − AdamW − 2 forwards: ${extra.map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}\n`,
  );
}
