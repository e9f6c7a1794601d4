import * as tf from '@tensorflow/tfjs-core';

/**
 * t + s·D as one op. GeN computes it for every variable at each probe point (w₀ + x·D) and at
 * each update (w + s·D); on its own it is two element-wise passes over the weights (a multiply,
 * then an add) and a scalar upload, and the update's finiteness guard a third. A backend may
 * register a kernel under this name that does all of it in one pass: inputs `{ t, d }` (float32,
 * one shape), attribute `{ scale }`, outputs `[y, check]` with y = t + s·D rounded as the two ops
 * round (the product to float32, then the sum), so that y is bit-identical to `add(t, mul(d, s))`
 * on any backend, and the scalar check = Σ (y − y): 0 when every entry of y is finite, NaN
 * otherwise. This project's `wasm` kernels register one.
 */
export const PLUS_SCALED_KERNEL = 'GenOptimPlusScaled';

/**
 * t + s·D, and, where the backend's {@link PLUS_SCALED_KERNEL} computed it, the scalar Σ (y − y)
 * (0 when every entry of y is finite, NaN otherwise); `null` on the two-op path. The caller owns
 * both tensors.
 */
export function plusScaledChecked(t: tf.Tensor, d: tf.Tensor, s: number): [tf.Tensor, tf.Scalar | null] {
  if (
    t.dtype === 'float32' &&
    d.dtype === 'float32' &&
    tf.util.arraysEqual(t.shape, d.shape) &&
    tf.getKernel(PLUS_SCALED_KERNEL, tf.getBackend()) !== undefined
  ) {
    registerGradientOnce();
    const [y, check] = tf.engine().runKernel(PLUS_SCALED_KERNEL, { t, d }, { scale: s }) as tf.Tensor[];
    return [y, check as tf.Scalar];
  }
  return [tf.tidy(() => tf.add(t, tf.mul(d, s))), null];
}

/** t + s·D: the backend's {@link PLUS_SCALED_KERNEL} where it has one, else add(t, mul(D, s)). */
export function plusScaled(t: tf.Tensor, d: tf.Tensor, s: number): tf.Tensor {
  const [y, check] = plusScaledChecked(t, d, s);
  check?.dispose();
  return y;
}

/** ∂/∂t = dy, ∂/∂D = s·dy (the check has no gradient): as differentiable as the two ops it replaces. */
function registerGradientOnce(): void {
  if (tf.getGradient(PLUS_SCALED_KERNEL) !== undefined) return;
  tf.registerGradient({
    kernelName: PLUS_SCALED_KERNEL,
    gradFunc: (dys, _saved, attrs) => {
      const dy = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor;
      const { scale } = attrs as unknown as { scale: number };
      return { t: () => dy, d: () => tf.mul(dy, scale) };
    },
  });
}
