// Shared helpers of the backend tests: run the same computation on `wasm` (with our kernels)
// and on `cpu` (the oracle), and compare.
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/backend/index.js';
import { uniformArray } from '../../src/core/rng.js';

export { tf };

/** Relative error tolerance for every wasm-vs-cpu comparison (float32 on both sides). */
export const REL_TOL = 1e-5;

let ready: Promise<unknown> | undefined;
/** Initialises both backends once per test process and leaves `wasm` active. */
export async function bothBackends(): Promise<void> {
  ready ??= (async () => {
    await setupBackend({ backend: 'cpu' });
    await setupBackend({ backend: 'wasm' });
  })();
  await ready;
  await tf.setBackend('wasm');
}

/** Deterministic uniform(−1, 1) numbers (mulberry32), so a failure reproduces. */
export function randoms(n: number, seed: number): Float32Array {
  return uniformArray(n, seed, 1);
}

/** A random tensor of `shape` (float32 in (−1, 1)). */
export function rand(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(
    randoms(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}

/**
 * Runs `f` on `wasm` then on `cpu`; `f` builds its own tensors (so each backend owns its data)
 * and returns plain arrays. Returns both results.
 */
export async function onWasmAndCpu(
  f: () => tf.Tensor | tf.Tensor[],
): Promise<{ wasm: Float32Array[]; cpu: Float32Array[] }> {
  await bothBackends();
  const run = (): Float32Array[] => {
    const outs = tf.tidy(f);
    const list = Array.isArray(outs) ? outs : [outs];
    const values = list.map((t) => Float32Array.from(t.dataSync()));
    tf.dispose(list);
    return values;
  };
  await tf.setBackend('wasm');
  const wasm = run();
  await tf.setBackend('cpu');
  const cpu = run();
  await tf.setBackend('wasm');
  return { wasm, cpu };
}

/** max |a − b| / max |b|: the error relative to the reference's scale (0 when both are 0). */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Infinity;
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** The largest {@link relError} over pairs of outputs. */
export function worstRelError(r: { wasm: Float32Array[]; cpu: Float32Array[] }): number {
  return Math.max(...r.wasm.map((w, i) => relError(w, r.cpu[i])));
}

/**
 * A recurrent layer of 5 units over a [3, 4, 2] input, and a gradient step of it (the sum of its
 * outputs against its trainable weights, everything disposed), for leak checks.
 */
export function recurrentGradientStep(kind: 'lstm' | 'gru'): { step: () => void; dispose: () => void } {
  const layer = tf.layers[kind]({ units: 5, returnSequences: true });
  const x = rand([3, 4, 2], 60);
  tf.dispose(layer.apply(x) as tf.Tensor);
  const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = () => {
    const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x) as tf.Tensor) as tf.Scalar, vars);
    tf.dispose([value, ...Object.values(grads)]);
  };
  return { step, dispose: () => (layer.dispose(), x.dispose()) };
}
