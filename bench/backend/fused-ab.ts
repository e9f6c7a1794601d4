// This project's fused ops (t + s·D, Σ g², ReLU's gradient) on and off in one process, so that
// only they differ: the heap, the weights and the load are the same for both.
//
//   npx tsx bench/backend/fused-ab.ts [--reps 21] [--only MLP,CNN] [--kernels plus-scaled,sum-of-squares,relu-grad]
//
// "Off" unregisters the kernels named by --kernels (default: all three, GenOptimPlusScaled,
// GenOptimSumOfSquares, GenOptimReluGrad), so GeN and the Relu gradient take the tfjs ops of before,
// exactly as on a backend without them.
// Each model: an Adam training step, and a GeN-AdamW step at every = 1 (every step a refit: two probe
// points and the guarded update), 3 untimed rounds, then `reps` rounds in alternating order (off, on /
// on, off); medians and the ratio on ÷ off. Writes results/fused-ab.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/backend/index.js';
import { RELU_GRAD } from '../../src/backend/kernels/relu-grad.js';
import { AdamW, GeN } from '../../src/index.js';
import { PLUS_SCALED_KERNEL, SUM_OF_SQUARES_KERNEL } from '../../src/tfjs/fused-ops.js';
import { median } from '../stats.js';
import { argValue } from './cli-args.js';
import { BENCHMARK_MODELS } from './models.js';

const REPS = Number(argValue('--reps') ?? 21);
const ONLY = (argValue('--only') ?? Object.keys(BENCHMARK_MODELS).join(',')).split(',');
if (!Number.isInteger(REPS) || REPS < 1) throw new RangeError(`--reps must be a positive integer; got ${REPS}`);
const unknown = ONLY.filter((m) => !(m in BENCHMARK_MODELS));
if (unknown.length > 0)
  throw new RangeError(
    `--only: unknown model(s) ${unknown.join(', ')}; known: ${Object.keys(BENCHMARK_MODELS).join(', ')}`,
  );
const KERNELS: Record<string, string> = {
  'plus-scaled': PLUS_SCALED_KERNEL,
  'sum-of-squares': SUM_OF_SQUARES_KERNEL,
  'relu-grad': RELU_GRAD,
};
const TOGGLED = (argValue('--kernels') ?? Object.keys(KERNELS).join(',')).split(',');
const unknownKernels = TOGGLED.filter((k) => !(k in KERNELS));
if (unknownKernels.length > 0)
  throw new RangeError(`--kernels: unknown ${unknownKernels.join(', ')}; known: ${Object.keys(KERNELS).join(', ')}`);
const PRIMING = 3;

await setupBackend();
const configs = TOGGLED.map((k) => KERNELS[k]).map((name) => {
  const config = tf.getKernel(name, 'wasm');
  if (config === undefined) throw new Error(`fused-ab: ${name} is not registered for wasm`);
  return config;
});
function setFused(on: boolean): void {
  for (const config of configs) {
    const registered = tf.getKernel(config.kernelName, 'wasm') !== undefined;
    if (on && !registered) tf.registerKernel(config);
    if (!on && registered) tf.unregisterKernel(config.kernelName, 'wasm');
  }
}
const msOf = (f: () => void) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};

const rows: Array<Record<string, string | number>> = [];
for (const name of ONLY) {
  const model = BENCHMARK_MODELS[name]();
  const adam = new AdamW({ lr: 1e-4 });
  const gen = new GeN(new AdamW(), { every: 1, initialLr: 1e-4, calibrate: false, iterateAverage: null });
  const step = (opt: tf.Optimizer) => tf.tidy(() => opt.minimize(() => model.loss(), true, model.vars)!.dataSync());
  const t = { adam: { off: [] as number[], on: [] as number[] }, gen: { off: [] as number[], on: [] as number[] } };
  for (let round = 0; round < PRIMING + REPS; round++) {
    for (const on of round % 2 === 0 ? [false, true] : [true, false]) {
      setFused(on);
      const a = msOf(() => step(adam));
      const g = msOf(() => step(gen));
      if (round < PRIMING) continue;
      t.adam[on ? 'on' : 'off'].push(a);
      t.gen[on ? 'on' : 'off'].push(g);
    }
  }
  setFused(true);
  for (const which of ['adam', 'gen'] as const) {
    const [off, on] = [median(t[which].off), median(t[which].on)];
    rows.push({ model: name, step: which === 'adam' ? 'AdamW' : 'GeN-AdamW, every = 1', off, on, ratio: on / off });
  }
  adam.dispose();
  gen.dispose();
  model.dispose();
}
const load = loadavg()
  .map((x) => x.toFixed(1))
  .join(' / ');
process.stdout.write(
  [
    '',
    '| model | step | fused off ms | fused on ms | on ÷ off |',
    '|---|---|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${r.step} | ${(r.off as number).toFixed(2)} | ${(r.on as number).toFixed(2)} | ${(r.ratio as number).toFixed(3)} |`,
    ),
    '',
    `kernels toggled: ${TOGGLED.join(', ')}; tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}; ${PRIMING} untimed rounds, medians of ${REPS}; load average at the end ${load}`,
    '',
  ].join('\n'),
);
mkdirSync('results', { recursive: true });
writeFileSync('results/fused-ab.json', JSON.stringify({ reps: REPS, kernels: TOGGLED, rows, load }, null, 2) + '\n');
process.stderr.write('wrote results/fused-ab.json\n');
