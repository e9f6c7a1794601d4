/**
 * ReLU's gradient in one pass on `wasm`. tfjs-core differentiates Relu as dy · step(x): a Step
 * kernel writing a tensor the size of the activation, then a Multiply reading it back. A conv
 * layer with `activation: 'relu'` trains unfused (tfjs fuses conv, bias and ReLU only without a
 * tape), so every ReLU of a CNN's forward costs both passes in its backward (~4% of the
 * benchmark CNN's step).
 *
 * {@link installFusedReluGradient} wraps the registered Relu gradient once: when the active
 * backend has {@link RELU_GRAD} (i.e. `wasm` with this project's kernels) and dy and x are float32
 * of one shape, the gradient is RELU_GRAD(dy, x), the same product and so the same bits; in every
 * other case it is the stock gradient, called unchanged. RELU_GRAD is itself differentiable in dy
 * (for a gradient of a gradient), with no gradient in x, as step(x) has none.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { fusedKernelApplies } from '../../tfjs/fused-ops.js';
import { byteOffset, heapF32, type WasmBackend } from './heap.js';
import { simdFor } from './simd.js';

export const RELU_GRAD = 'GenOptimReluGrad';

const WRAPPED = Symbol.for('gen-optim.backend.fusedReluGradient');

function reluGrad({
  inputs,
  backend,
}: {
  inputs: { dy: TensorInfo; x: TensorInfo };
  backend: WasmBackend;
}): TensorInfo {
  const { dy, x } = inputs;
  if (dy.dtype !== 'float32' || x.dtype !== 'float32' || !tfc.util.arraysEqual(dy.shape, x.shape)) {
    throw new Error(
      `${RELU_GRAD}: dy and x must be float32 of one shape, got ${dy.dtype} [${dy.shape}] and ${x.dtype} [${x.shape}]`,
    );
  }
  const n = tfc.util.sizeFromShape(x.shape);
  const out = backend.makeOutput([...x.shape], 'float32');
  if (n === 0) return out;
  const [d, xo, o] = [byteOffset(backend, dy), byteOffset(backend, x), byteOffset(backend, out)];
  const simd = simdFor(backend);
  if (simd !== undefined) {
    simd.relu_grad_f32(d, xo, o, n);
    return out;
  }
  const heap = heapF32(backend);
  for (let i = 0; i < n; i++) {
    const v = heap[(xo >> 2) + i];
    heap[(o >> 2) + i] = heap[(d >> 2) + i] * (v !== v ? v : v > 0 ? 1 : 0);
  }
  return out;
}

export const reluGradConfig: KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: 'wasm',
  kernelFunc: reluGrad as unknown as KernelFunc,
};

/** Wraps tfjs-core's Relu gradient once (idempotent; see the module comment). */
export function installFusedReluGradient(): void {
  const stock = tfc.getGradient('Relu') as (tfc.GradConfig & { [WRAPPED]?: true }) | undefined;
  if (stock === undefined || stock[WRAPPED]) return;
  const wrapped: tfc.GradConfig & { [WRAPPED]: true } = {
    ...stock,
    [WRAPPED]: true,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const g = dy as tfc.Tensor;
      if (!fusedKernelApplies(RELU_GRAD, g, x)) return stock.gradFunc(dy, saved, attrs);
      return { x: () => tfc.engine().runKernel(RELU_GRAD, { dy: g, x }) as tfc.Tensor };
    },
  };
  tfc.registerGradient(wrapped);
  if (tfc.getGradient(RELU_GRAD) === undefined) {
    tfc.registerGradient({
      kernelName: RELU_GRAD,
      inputsToSave: ['x'],
      gradFunc: (ddx, saved) => {
        const [x] = saved;
        const g = ddx as tfc.Tensor;
        return {
          dy: () =>
            fusedKernelApplies(RELU_GRAD, g, x)
              ? (tfc.engine().runKernel(RELU_GRAD, { dy: g, x }) as tfc.Tensor)
              : tfc.mul(g, tfc.step(x)),
          x: () => tfc.zerosLike(x),
        };
      },
    });
  }
}
