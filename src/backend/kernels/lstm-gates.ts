/**
 * The element-wise block of an LSTM step as two `wasm` kernels, forward and gradient, so that a
 * step of tfjs-layers' `LSTMCell` costs one kernel call here instead of ~16 (split, three
 * hard-sigmoids of three ops each, two tanh, four products, a sum) and its backward one instead
 * of ~30. tfjs-core spends ~7 µs of JavaScript per kernel call, which on the benchmark's
 * [32, 128] gates is more than the arithmetic. With z = [z_i, z_f, z_g, z_o] (the four gate
 * blocks of the pre-activation, along the last axis) and the previous carry c₋:
 *
 *     i = σ(z_i),  f = σ(z_f),  g = tanh(z_g),  o = σ(z_o),
 *     c = f·c₋ + i·g,  h = o·tanh(c),
 *
 * with σ tfjs-layers' hard sigmoid clip(0.2·x + 0.5, 0, 1) (its LSTM default) or the logistic
 * 1 / (1 + e⁻ˣ). The gradient, given dh and dc (the carry's gradient from the next step):
 *
 *     dc' = dc + dh·o·(1 − tanh²c),   dc₋ = dc'·f,
 *     dz_i = σ'(z_i)·dc'·g,  dz_f = σ'(z_f)·dc'·c₋,  dz_g = (1 − g²)·dc'·i,  dz_o = σ'(z_o)·dh·tanh c,
 *
 * σ' = 0.2 inside the clip's closed interval and 0 outside (tfjs's ClipByValue gradient), or
 * σ(1 − σ). Every intermediate is rounded to float32 in the order tfjs-core's own ops and
 * gradients evaluate it; tanh runs on the SIMD module (as our `Tanh` kernel: within 3.6e-7
 * relative of `Math.tanh`, which the fallback without the module uses, as `cpu` does), exp is
 * `Math.exp`. Rank-2 float32 only; the caller checks.
 */
import {
  registerGradient,
  getGradient,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import * as tfc from '@tensorflow/tfjs-core';
import { byteOffset, freeScratch, heapF32, scratch, type WasmBackend } from './heap.js';
import { simdFor } from './simd.js';

export const LSTM_GATES = 'GenOptimLstmGates';
export const LSTM_GATES_GRAD = 'GenOptimLstmGatesGrad';

/** Gate nonlinearity σ: 0 = hard sigmoid, 1 = logistic. */
export type GateMode = 0 | 1;

const f32 = Math.fround;
const POINT2 = f32(0.2);

/** σ(x) in float32 as tfjs evaluates it (hard: add(0.5, mul(0.2, x)) then clip). */
export function sigma(x: number, mode: GateMode): number {
  if (mode === 1) return f32(1 / (1 + Math.exp(-x))); // in float64, rounded once (the cpu kernel)
  const y = f32(0.5 + f32(POINT2 * x));
  return y < 0 ? 0 : y > 1 ? 1 : y;
}

/** dy·σ'(x) in float32 as tfjs's gradients evaluate it. */
export function sigmaGrad(x: number, dy: number, mode: GateMode): number {
  if (mode === 1) {
    const s = sigma(x, 1);
    return f32(dy * f32(s * f32(1 - s)));
  }
  const y = f32(0.5 + f32(POINT2 * x));
  return y >= 0 && y <= 1 ? f32(dy * POINT2) : 0;
}

interface GateAttrs {
  mode: GateMode;
}

/**
 * heap[dst + k] = tanh(heap[src + k·stride + j]) for `rows` runs of `n` (float offsets): on the
 * SIMD module (Eigen's rational tanh, within 3.6e-7 relative of `Math.tanh`) or, without it,
 * `Math.tanh` in float64 rounded to float32, as the `cpu` backend.
 */
export function tanhRows(
  backend: WasmBackend,
  src: number,
  stride: number,
  dst: number,
  rows: number,
  n: number,
): void {
  const simd = simdFor(backend);
  if (simd !== undefined) {
    if (stride === n) simd.unary_f32(0, src * 4, dst * 4, rows * n);
    else for (let r = 0; r < rows; r++) simd.unary_f32(0, (src + r * stride) * 4, (dst + r * n) * 4, n);
    return;
  }
  const heap = heapF32(backend);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < n; j++) heap[dst + r * n + j] = Math.tanh(heap[src + r * stride + j]);
}

/** Float offset of 4-byte-aligned scratch for `floats` floats, and its handle. */
function scratchFloats(backend: WasmBackend, floats: number): { at: number; handle: { raw: number } } {
  const s = scratch(backend, floats * 4);
  return { at: s.ptr >> 2, handle: s };
}

function forward(args: { inputs: { z: TensorInfo; c: TensorInfo }; backend: WasmBackend; attrs: GateAttrs }) {
  const { backend } = args;
  const { z, c } = args.inputs;
  const mode = args.attrs.mode;
  const [rows, units] = c.shape;
  const hOut = backend.makeOutput([rows, units], 'float32');
  const cOut = backend.makeOutput([rows, units], 'float32');
  const g = scratchFloats(backend, rows * units);
  const zo = byteOffset(backend, z) >> 2;
  const co = byteOffset(backend, c) >> 2;
  const ho = byteOffset(backend, hOut) >> 2;
  const no = byteOffset(backend, cOut) >> 2;
  tanhRows(backend, zo + 2 * units, 4 * units, g.at, rows, units);
  let heap = heapF32(backend);
  for (let r = 0; r < rows; r++) {
    const zr = zo + r * 4 * units;
    for (let j = 0; j < units; j++) {
      const k = r * units + j;
      const i = sigma(heap[zr + j], mode);
      const f = sigma(heap[zr + units + j], mode);
      heap[no + k] = f32(f32(f * heap[co + k]) + f32(i * heap[g.at + k]));
    }
  }
  tanhRows(backend, no, rows * units, ho, 1, rows * units);
  heap = heapF32(backend);
  for (let r = 0; r < rows; r++) {
    const zr = zo + r * 4 * units;
    for (let j = 0; j < units; j++)
      heap[ho + r * units + j] = f32(sigma(heap[zr + 3 * units + j], mode) * heap[ho + r * units + j]);
  }
  freeScratch(backend, g.handle);
  return [hOut, cOut];
}

function gradient(args: {
  inputs: { z: TensorInfo; c: TensorInfo; cNew: TensorInfo; dh: TensorInfo; dc: TensorInfo };
  backend: WasmBackend;
  attrs: GateAttrs;
}) {
  const { backend } = args;
  const { z, c, cNew, dh, dc } = args.inputs;
  const mode = args.attrs.mode;
  const [rows, units] = c.shape;
  const dzOut = backend.makeOutput([rows, 4 * units], 'float32');
  const dcOut = backend.makeOutput([rows, units], 'float32');
  const t = scratchFloats(backend, 2 * rows * units); // tanh(z_g), then tanh(c)
  const [zo, co, no, dho, dco] = [z, c, cNew, dh, dc].map((x) => byteOffset(backend, x) >> 2);
  const dzo = byteOffset(backend, dzOut) >> 2;
  const dpo = byteOffset(backend, dcOut) >> 2;
  const go = t.at;
  const tco = t.at + rows * units;
  tanhRows(backend, zo + 2 * units, 4 * units, go, rows, units);
  tanhRows(backend, no, rows * units, tco, 1, rows * units);
  const heap = heapF32(backend);
  for (let r = 0; r < rows; r++) {
    const zr = zo + r * 4 * units;
    const dzr = dzo + r * 4 * units;
    for (let j = 0; j < units; j++) {
      const k = r * units + j;
      const zi = heap[zr + j];
      const zf = heap[zr + units + j];
      const zz = heap[zr + 3 * units + j];
      const i = sigma(zi, mode);
      const f = sigma(zf, mode);
      const g = heap[go + k];
      const o = sigma(zz, mode);
      const tc = heap[tco + k];
      const dhk = heap[dho + k];
      // h = o·tanh(c): d(tanh c) = dh·o, then Tanh's gradient (1 − y²)·dy; added to the carry's.
      const dcTotal = f32(heap[dco + k] + f32(f32(1 - f32(tc * tc)) * f32(dhk * o)));
      heap[dpo + k] = f32(dcTotal * f);
      heap[dzr + j] = sigmaGrad(zi, f32(dcTotal * g), mode);
      heap[dzr + units + j] = sigmaGrad(zf, f32(dcTotal * heap[co + k]), mode);
      heap[dzr + 2 * units + j] = f32(f32(1 - f32(g * g)) * f32(dcTotal * i));
      heap[dzr + 3 * units + j] = sigmaGrad(zz, f32(dhk * tc), mode);
    }
  }
  freeScratch(backend, t.handle);
  return [dzOut, dcOut];
}

export const lstmGatesConfig: KernelConfig = {
  kernelName: LSTM_GATES,
  backendName: 'wasm',
  kernelFunc: forward as unknown as KernelFunc,
};

export const lstmGatesGradConfig: KernelConfig = {
  kernelName: LSTM_GATES_GRAD,
  backendName: 'wasm',
  kernelFunc: gradient as unknown as KernelFunc,
};

/**
 * The tape gradient of {@link LSTM_GATES} (one {@link LSTM_GATES_GRAD} call). It is not itself
 * differentiable: a second derivative through the fused LSTM step is not available.
 */
export function registerLstmGatesGradient(): void {
  if (getGradient(LSTM_GATES) !== undefined) return;
  registerGradient({
    kernelName: LSTM_GATES,
    inputsToSave: ['z', 'c'],
    outputsToSave: [false, true],
    gradFunc: (dys, saved, attrs) => {
      const [dh, dc] = dys as tfc.Tensor[];
      const [z, c, cNew] = saved;
      const [dz, dcPrev] = tfc
        .engine()
        .runKernel(LSTM_GATES_GRAD, { z, c, cNew, dh, dc }, attrs as unknown as tfc.NamedAttrMap) as tfc.Tensor[];
      return { z: () => dz, c: () => dcPrev };
    },
  });
}
