// Where a step goes, per kernel: every `wasm` kernel is wrapped with a timer (self time, i.e.
// minus the kernels it calls), then a few steps of one benchmark model run after untimed priming steps.
//
//   npx tsx bench/backend/profile.ts [CNN|LSTM|transformer|MLP] [--fwd] [--stock] [--steps 3] [--top 25] [--shapes]
//
// "engine" is the step's wall time minus all kernel time: tfjs-core dispatch, the gradient
// tape, tidy bookkeeping and the optimizer's JS. --shapes splits kernels by input shapes.
// Prints a Markdown table; a diagnostic tool, not part of the benchmark's numbers.
import * as tf from '@tensorflow/tfjs';
import { setupBackend, unregisterWasmKernels } from '../../src/backend/index.js';
import { BENCHMARK_MODELS } from './models.js';

const args = process.argv.slice(2);
const opt = (flag: string, dflt: number) => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const name =
  args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--s') && !args[i - 1]?.startsWith('--t')) ??
  'CNN';
const fwd = args.includes('--fwd');
const byShape = args.includes('--shapes');
const STEPS = opt('--steps', 3);
const TOP = opt('--top', 25);

if (!(name in BENCHMARK_MODELS)) {
  process.stderr.write(`profile: unknown model '${name}'; allowed: ${Object.keys(BENCHMARK_MODELS).join(', ')}\n`);
  process.exit(2);
}
await setupBackend({ backend: 'wasm' });
if (args.includes('--stock')) unregisterWasmKernels();

const totals = new Map<string, { ms: number; calls: number }>();
let recording = false;
const childMs: number[] = [];
for (const config of tf.getKernelsForBackend('wasm')) {
  const inner = config.kernelFunc;
  const wrapped: tf.KernelFunc = (a) => {
    if (!recording) return inner(a);
    childMs.push(0);
    const t0 = performance.now();
    const out = inner(a);
    const total = performance.now() - t0;
    const self = total - childMs.pop()!;
    if (childMs.length > 0) childMs[childMs.length - 1] += total;
    const inputs = (Object.values(a.inputs) as Array<tf.TensorInfo | undefined>).filter(
      (t): t is tf.TensorInfo => t != null,
    );
    const key = byShape
      ? `${config.kernelName} ${inputs.map((t) => `[${t.shape.join(',')}]`).join(' ')}`
      : config.kernelName;
    const e = totals.get(key) ?? { ms: 0, calls: 0 };
    e.ms += self;
    e.calls += 1;
    totals.set(key, e);
    return out;
  };
  tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel({ ...config, kernelFunc: wrapped });
}

const model = BENCHMARK_MODELS[name]();
const adam = tf.train.adam(1e-3);
const step = () => {
  const l = fwd ? model.loss() : adam.minimize(model.loss, true, model.vars)!;
  l.dataSync();
  l.dispose();
};
// Untimed: the first steps compile kernels and create the optimizer's slots.
const PRIMING_STEPS = 3;
for (let i = 0; i < PRIMING_STEPS; i++) step();
const wall: number[] = [];
for (let s = 0; s < STEPS; s++) {
  recording = true;
  const t0 = performance.now();
  step();
  wall.push(performance.now() - t0);
  recording = false;
}
const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms);
const kernelMs = rows.reduce((s, [, e]) => s + e.ms, 0) / STEPS;
const calls = rows.reduce((s, [, e]) => s + e.calls, 0) / STEPS;
const wallMs = wall.reduce((s, x) => s + x, 0) / STEPS;
process.stdout.write(
  `${name} ${fwd ? 'forward' : 'train'} step${args.includes('--stock') ? ' (stock kernels)' : ''}: ` +
    `${wallMs.toFixed(1)} ms wall, kernels ${kernelMs.toFixed(1)} ms in ${calls.toFixed(0)} calls, engine ${(wallMs - kernelMs).toFixed(1)} ms ` +
    `(mean of ${STEPS} steps)\n`,
);
process.stdout.write('| kernel | ms/step | calls/step | µs/call |\n|---|---:|---:|---:|\n');
for (const [k, e] of rows.slice(0, TOP)) {
  process.stdout.write(
    `| ${k} | ${(e.ms / STEPS).toFixed(2)} | ${(e.calls / STEPS).toFixed(0)} | ${((1000 * e.ms) / e.calls).toFixed(1)} |\n`,
  );
}
adam.dispose();
model.dispose();
