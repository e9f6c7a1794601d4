// The conv gradient kernels before and after issue 14 (chunked column matrices, dy's all-zero
// trailing rows and columns skipped, colsᵀ from whole input rows for one input channel), in one run:
//
//   npx tsx bench/backend/conv-ab.ts [--reps 15]
//
// 1. Kernel calls on the benchmark CNN's own inputs (captured from one training step, so dy has
//    the zero borders that its pooling leaves): old and new alternate call by call.
// 2. The CNN's training step with the old kernels registered, then the new, then its forward
//    pass (which uses neither), alternating step by step.
// "Old" is the previous SIMD path, kept verbatim below. Medians of `reps` after 3 untimed priming
// rounds; the machine is shared, so read the ratios (same run, same load), and the load average.
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/backend/index.js';
import { byteOffset, free, heapF32, transpose, type WasmBackend } from '../../src/backend/kernels/heap.js';
import { col2im, im2col } from '../../src/backend/kernels/im2col.js';
import { simdFor } from '../../src/backend/kernels/simd.js';
import { median } from '../stats.js';
import { argValue } from './cli-args.js';
import { BENCHMARK_MODELS } from './models.js';

const REPS = Number(argValue('--reps') ?? 15);
const PRIMING = 3;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');

await setupBackend({ backend: 'wasm' });
const backend = tf.backend() as unknown as WasmBackend;
const simd = simdFor(backend);
if (simd === undefined) throw new Error('conv-ab: needs WebAssembly SIMD (the old and new paths both run on it)');

type Attrs = Record<string, unknown>;
const convInfo = (xShape: number[], filterShape: number[], attrs: Attrs) =>
  tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number,
    1,
    attrs.pad as 'valid',
    attrs.dimRoundingMode as undefined,
    false,
    'channelsLast',
  );

/** The previous Conv2DBackpropFilter SIMD path (NHWC): whole-batch im2col, then colsᵀ · dy. */
function oldFilter(a: { inputs: tf.NamedTensorInfoMap; attrs: Attrs }): tf.TensorInfo {
  const { x, dy } = a.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const info = convInfo(x.shape, a.attrs.filterShape as number[], a.attrs);
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const out = backend.makeOutput([...(a.attrs.filterShape as number[])], 'float32');
  const cols = backend.makeOutput([rows, k], 'float32');
  im2col(heapF32(backend), byteOffset(backend, x) / 4, byteOffset(backend, cols) / 4, info, simd);
  simd!.gemm(
    byteOffset(backend, cols),
    byteOffset(backend, dy),
    byteOffset(backend, out),
    1,
    k,
    rows,
    info.outChannels,
    0,
    0,
    0,
    1,
    k,
  );
  free(backend, cols);
  return out;
}

/** The previous Conv2DBackpropInput SIMD path (NHWC): dcols = dy · Wᵀ for the whole batch, then col2im. */
function oldInput(a: { inputs: tf.NamedTensorInfoMap; attrs: Attrs }): tf.TensorInfo {
  const { dy, filter } = a.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const shape = a.attrs.inputShape as number[];
  const info = convInfo(shape, filter.shape, a.attrs);
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const co = info.outChannels;
  const dx = backend.makeOutput([...shape], 'float32');
  const wT = transpose(backend, { dataId: filter.dataId, shape: [k, co], dtype: 'float32' }, [1, 0]);
  const dcols = backend.makeOutput([rows, k], 'float32');
  const dyOff = byteOffset(backend, dy);
  simd!.gemm(dyOff, byteOffset(backend, wT), byteOffset(backend, dcols), 1, rows, co, k, 0, 0, 0, co, 1);
  free(backend, wT);
  col2im(heapF32(backend), byteOffset(backend, dcols) / 4, byteOffset(backend, dx) / 4, info, simd);
  free(backend, dcols);
  return dx;
}

const OLD: Record<string, (a: { inputs: tf.NamedTensorInfoMap; attrs: Attrs }) => tf.TensorInfo> = {
  Conv2DBackpropFilter: oldFilter,
  Conv2DBackpropInput: oldInput,
};
const NEW = Object.fromEntries(Object.keys(OLD).map((name) => [name, tf.getKernel(name, 'wasm')!]));
const use = (which: 'old' | 'new') => {
  for (const name of Object.keys(OLD)) {
    tf.unregisterKernel(name, 'wasm');
    if (which === 'new') tf.registerKernel(NEW[name]);
    else tf.registerKernel({ ...NEW[name], kernelFunc: OLD[name] as unknown as tf.KernelFunc });
  }
};

// 1. Capture the CNN's conv-gradient calls (inputs as values, attrs) during one training step.
interface Call {
  name: string;
  label: string;
  inputs: Record<string, tf.Tensor>;
  attrs: Attrs;
}
const calls: Call[] = [];
const model = BENCHMARK_MODELS.CNN();
const adam = tf.train.adam(1e-3);
const trainStep = () => {
  const l = adam.minimize(model.loss, true, model.vars)!;
  l.dataSync();
  l.dispose();
};
const forward = () => {
  const l = model.loss();
  l.dataSync();
  l.dispose();
};
trainStep(); // Adam's slots exist from here on
for (const name of Object.keys(OLD)) {
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({
    ...NEW[name],
    kernelFunc: (a) => {
      const inputs: Record<string, tf.Tensor> = {};
      for (const [key, t] of Object.entries(a.inputs)) {
        const info = t as tf.TensorInfo;
        inputs[key] = tf.tensor(backend_readSync(info), info.shape, 'float32');
        tf.keep(inputs[key]);
      }
      const shape = (a.inputs as { dy: tf.TensorInfo }).dy.shape;
      calls.push({ name, label: `${name} dy [${shape.join(',')}]`, inputs, attrs: { ...a.attrs } });
      return (NEW[name].kernelFunc as (x: typeof a) => tf.TensorInfo)(a);
    },
  });
}
function backend_readSync(t: tf.TensorInfo): Float32Array {
  const o = byteOffset(backend, t) / 4;
  return heapF32(backend).slice(o, o + t.shape.reduce((p, q) => p * q, 1));
}
trainStep();
use('new');

const run = (c: Call) => (tf.engine().runKernel(c.name, c.inputs, c.attrs as tf.NamedAttrMap) as tf.Tensor).dispose();
const maxDiff = (c: Call) => {
  use('old');
  const a = (tf.engine().runKernel(c.name, c.inputs, c.attrs as tf.NamedAttrMap) as tf.Tensor).dataSync();
  use('new');
  const b = (tf.engine().runKernel(c.name, c.inputs, c.attrs as tf.NamedAttrMap) as tf.Tensor).dataSync();
  let d = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(a[i]));
  }
  return d / s;
};

/**
 * Interleaved medians: the functions alternate, each timed per call, as wall time and as this
 * process's CPU time (user + system), which a loaded machine inflates less (time spent
 * descheduled is not counted; contention for caches and the core's other thread still is).
 */
function ab(...fns: Array<() => void>): Array<{ wall: number; cpu: number }> {
  const wall: number[][] = fns.map(() => []);
  const cpu: number[][] = fns.map(() => []);
  for (let r = 0; r < PRIMING + REPS; r++) {
    fns.forEach((fn, i) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      fn();
      const t = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (r >= PRIMING) {
        wall[i].push(t);
        cpu[i].push((c.user + c.system) / 1000);
      }
    });
  }
  return fns.map((_, i) => ({ wall: median(wall[i]), cpu: median(cpu[i]) }));
}

const f2 = (x: number) => x.toFixed(2);
const lines: string[] = [];
lines.push(`load average before: ${load()} (2 cores)`, '');
lines.push(
  '| kernel call (benchmark CNN) | old ms | new ms | new ÷ old | old CPU ms | new CPU ms | new ÷ old (CPU) | max rel. diff |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
);
const sum = { ow: 0, nw: 0, oc: 0, nc: 0 };
for (const c of calls) {
  const diff = maxDiff(c);
  const [o, n] = ab(
    () => {
      use('old');
      run(c);
    },
    () => {
      use('new');
      run(c);
    },
  );
  sum.ow += o.wall;
  sum.nw += n.wall;
  sum.oc += o.cpu;
  sum.nc += n.cpu;
  lines.push(
    `| ${c.label} | ${f2(o.wall)} | ${f2(n.wall)} | ${f2(n.wall / o.wall)} | ${f2(o.cpu)} | ${f2(n.cpu)} | ` +
      `${f2(n.cpu / o.cpu)} | ${diff.toExponential(1)} |`,
  );
}
lines.push(
  `| all conv gradients of a step | ${f2(sum.ow)} | ${f2(sum.nw)} | ${f2(sum.nw / sum.ow)} | ${f2(sum.oc)} | ` +
    `${f2(sum.nc)} | ${f2(sum.nc / sum.oc)} | |`,
);
lines.push('', `load average: ${load()}`, '');

const [trainOld, trainNew, fwd] = ab(
  () => {
    use('old');
    trainStep();
  },
  () => {
    use('new');
    trainStep();
  },
  forward,
);
use('new');
lines.push('| CNN step | ms | ÷ forward | CPU ms | ÷ forward (CPU) |', '|---|---:|---:|---:|---:|');
for (const [name, t] of [
  ['train, old kernels', trainOld],
  ['train, new kernels', trainNew],
  ['forward', fwd],
] as const) {
  lines.push(`| ${name} | ${f2(t.wall)} | ${f2(t.wall / fwd.wall)} | ${f2(t.cpu)} | ${f2(t.cpu / fwd.cpu)} |`);
}
lines.push('', `load average after: ${load()}; medians of ${REPS} after ${PRIMING} priming rounds`);
process.stdout.write(lines.join('\n') + '\n');
for (const c of calls) tf.dispose(Object.values(c.inputs));
model.dispose();
