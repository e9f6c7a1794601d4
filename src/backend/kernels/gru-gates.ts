/**
 * The element-wise blocks of a GRU step (tfjs-layers' `GRUCell`) as `wasm` kernels, two forward
 * and two gradient, so that a step costs 2 + 2 calls here instead of ~20 forward and ~40 backward
 * (see lstm-gates.ts for why calls matter). With mx = x·W + b = [x_z, x_r, x_h] and
 * mi = h₋·U₁ = [u_z, u_r] (the first 2·units columns of the recurrent kernel), as tfjs-layers:
 *
 *     GRU_A:  r = σ(x_r + u_r),  rh = r·h₋                      (then rec = rh·U₂, a matmul)
 *     GRU_B:  z = σ(x_z + u_z),  ĥ = tanh(x_h + rec),  h = z·h₋ + (1 − z)·ĥ
 *
 * Gradients, given d(rh) for GRU_A and dh for GRU_B (each writes only its own blocks of dmx and
 * dmi, zeros elsewhere; the tape adds them):
 *
 *     A:  dr = d(rh)·h₋,  dh₋ = d(rh)·r,  dx_r = du_r = σ'·dr
 *     B:  dz = dh·h₋ − dh·ĥ,  dh₋ = dh·z,  dĥ = dh·(1 − z),  dx_h = drec = (1 − ĥ²)·dĥ,  dx_z = du_z = σ'·dz
 *
 * σ as in lstm-gates.ts (hard sigmoid or logistic), float32 in tfjs's evaluation order, tanh on
 * the SIMD module (TypeScript `Math.tanh` without it). Rank-2 float32 only; the caller checks.
 */
import {
  getGradient,
  registerGradient,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import * as tfc from '@tensorflow/tfjs-core';
import { byteOffset, freeScratch, heapF32, scratch, type WasmBackend } from './heap.js';
import { sigma, sigmaGrad, tanhRows, type GateMode } from './lstm-gates.js';

export const GRU_A = 'GenOptimGruGatesA';
export const GRU_B = 'GenOptimGruGatesB';
export const GRU_A_GRAD = 'GenOptimGruGatesAGrad';
export const GRU_B_GRAD = 'GenOptimGruGatesBGrad';

const f32 = Math.fround;

interface Attrs {
  mode: GateMode;
}
type Args<I> = { inputs: I; backend: WasmBackend; attrs: Attrs };
type Ti = TensorInfo;

const off = (backend: WasmBackend, t: Ti) => byteOffset(backend, t) >> 2;

function gruA(args: Args<{ mx: Ti; mi: Ti; h: Ti }>) {
  const { backend } = args;
  const { mx, mi, h } = args.inputs;
  const { mode } = args.attrs;
  const [rows, units] = h.shape;
  const out = backend.makeOutput([rows, units], 'float32');
  const heap = heapF32(backend);
  const [xo, io, ho, oo] = [mx, mi, h, out].map((t) => off(backend, t));
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < units; j++) {
      const k = r * units + j;
      const rg = sigma(f32(heap[xo + r * 3 * units + units + j] + heap[io + r * 2 * units + units + j]), mode);
      heap[oo + k] = f32(rg * heap[ho + k]);
    }
  return out;
}

function gruAGrad(args: Args<{ mx: Ti; mi: Ti; h: Ti; dy: Ti }>) {
  const { backend } = args;
  const { mx, mi, h, dy } = args.inputs;
  const { mode } = args.attrs;
  const [rows, units] = h.shape;
  const dmx = backend.makeOutput([rows, 3 * units], 'float32');
  const dmi = backend.makeOutput([rows, 2 * units], 'float32');
  const dh = backend.makeOutput([rows, units], 'float32');
  const heap = heapF32(backend);
  const [xo, io, ho, yo, dxo, dio, dho] = [mx, mi, h, dy, dmx, dmi, dh].map((t) => off(backend, t));
  heap.fill(0, dxo, dxo + rows * 3 * units);
  heap.fill(0, dio, dio + rows * 2 * units);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < units; j++) {
      const k = r * units + j;
      const pre = f32(heap[xo + r * 3 * units + units + j] + heap[io + r * 2 * units + units + j]);
      const rg = sigma(pre, mode);
      const d = heap[yo + k];
      heap[dho + k] = f32(d * rg);
      const dpre = sigmaGrad(pre, f32(d * heap[ho + k]), mode);
      heap[dxo + r * 3 * units + units + j] = dpre;
      heap[dio + r * 2 * units + units + j] = dpre;
    }
  return [dmx, dmi, dh];
}

/** heap[dst + k] = tanh(x_h + rec) for every row and unit (scratch of rows·units floats). */
function candidate(backend: WasmBackend, xo: number, ro: number, dst: number, rows: number, units: number): void {
  const heap = heapF32(backend);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < units; j++) {
      const k = r * units + j;
      heap[dst + k] = f32(heap[xo + r * 3 * units + 2 * units + j] + heap[ro + k]);
    }
  tanhRows(backend, dst, rows * units, dst, 1, rows * units);
}

function gruB(args: Args<{ mx: Ti; mi: Ti; h: Ti; rec: Ti }>) {
  const { backend } = args;
  const { mx, mi, h, rec } = args.inputs;
  const { mode } = args.attrs;
  const [rows, units] = h.shape;
  const out = backend.makeOutput([rows, units], 'float32');
  const [xo, io, ho, ro, oo] = [mx, mi, h, rec, out].map((t) => off(backend, t));
  candidate(backend, xo, ro, oo, rows, units); // ĥ, written into the output first
  const heap = heapF32(backend);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < units; j++) {
      const k = r * units + j;
      const z = sigma(f32(heap[xo + r * 3 * units + j] + heap[io + r * 2 * units + j]), mode);
      heap[oo + k] = f32(f32(z * heap[ho + k]) + f32(f32(1 + f32(-z)) * heap[oo + k]));
    }
  return out;
}

function gruBGrad(args: Args<{ mx: Ti; mi: Ti; h: Ti; rec: Ti; dy: Ti }>) {
  const { backend } = args;
  const { mx, mi, h, rec, dy } = args.inputs;
  const { mode } = args.attrs;
  const [rows, units] = h.shape;
  const dmx = backend.makeOutput([rows, 3 * units], 'float32');
  const dmi = backend.makeOutput([rows, 2 * units], 'float32');
  const dh = backend.makeOutput([rows, units], 'float32');
  const drec = backend.makeOutput([rows, units], 'float32');
  const s = scratch(backend, rows * units * 4);
  const hh = s.ptr >> 2;
  const [xo, io, ho, ro, yo, dxo, dio, dho, dro] = [mx, mi, h, rec, dy, dmx, dmi, dh, drec].map((t) => off(backend, t));
  candidate(backend, xo, ro, hh, rows, units);
  const heap = heapF32(backend);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < units; j++) {
      const k = r * units + j;
      const pre = f32(heap[xo + r * 3 * units + j] + heap[io + r * 2 * units + j]);
      const z = sigma(pre, mode);
      const d = heap[yo + k];
      const c = heap[hh + k];
      heap[dho + k] = f32(d * z);
      const dz = f32(f32(d * heap[ho + k]) + f32(-f32(d * c)));
      const dpreH = f32(f32(1 - f32(c * c)) * f32(d * f32(1 + f32(-z))));
      const dpreZ = sigmaGrad(pre, dz, mode);
      heap[dxo + r * 3 * units + j] = dpreZ;
      heap[dxo + r * 3 * units + units + j] = 0;
      heap[dxo + r * 3 * units + 2 * units + j] = dpreH;
      heap[dio + r * 2 * units + j] = dpreZ;
      heap[dio + r * 2 * units + units + j] = 0;
      heap[dro + k] = dpreH;
    }
  freeScratch(backend, s);
  return [dmx, dmi, dh, drec];
}

const config = (kernelName: string, f: unknown): KernelConfig => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: f as KernelFunc,
});
export const gruKernelConfigs: readonly KernelConfig[] = [
  config(GRU_A, gruA),
  config(GRU_B, gruB),
  config(GRU_A_GRAD, gruAGrad),
  config(GRU_B_GRAD, gruBGrad),
];

const run = (name: string, inputs: tfc.NamedTensorMap, attrs: unknown) =>
  tfc.engine().runKernel(name, inputs, attrs as tfc.NamedAttrMap) as tfc.Tensor[];

/** The tape gradients of {@link GRU_A} and {@link GRU_B} (not themselves differentiable). */
export function registerGruGatesGradients(): void {
  if (getGradient(GRU_A) === undefined)
    registerGradient({
      kernelName: GRU_A,
      inputsToSave: ['mx', 'mi', 'h'],
      gradFunc: (dy, saved, attrs) => {
        const [mx, mi, h] = saved;
        const [dmx, dmi, dh] = run(GRU_A_GRAD, { mx, mi, h, dy: dy as tfc.Tensor }, attrs);
        return { mx: () => dmx, mi: () => dmi, h: () => dh };
      },
    });
  if (getGradient(GRU_B) === undefined)
    registerGradient({
      kernelName: GRU_B,
      inputsToSave: ['mx', 'mi', 'h', 'rec'],
      gradFunc: (dy, saved, attrs) => {
        const [mx, mi, h, rec] = saved;
        const [dmx, dmi, dh, drec] = run(GRU_B_GRAD, { mx, mi, h, rec, dy: dy as tfc.Tensor }, attrs);
        return { mx: () => dmx, mi: () => dmi, h: () => dh, rec: () => drec };
      },
    });
}
