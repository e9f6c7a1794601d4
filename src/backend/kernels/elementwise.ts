/**
 * Element-wise kernels for `wasm` on this project's SIMD module: Add, Sub, Multiply, RealDiv,
 * the six comparisons, LogicalAnd/Or, Select, Tanh, Exp, Sqrt, Square, Neg, ClipByValue, Step.
 *
 * The stock kernels pay a fixed cost per call (argument marshalling and, for the arithmetic
 * ones, an XNNPACK operator) that dominates on the small tensors of a recurrent layer (an
 * LSTM step of the benchmark runs ~3,600 of them on [32, 128]), compute comparisons against
 * a scalar through a per-element broadcasting loop, and evaluate tanh and exp one scalar
 * libm call at a time. Here one direct call into the SIMD module does the work.
 *
 * Broadcasting is handled when the output can be viewed as [outer, inner] with each operand
 * full, a row (trailing axes, e.g. a bias), a column (leading axes, e.g. a [N, 1] normaliser)
 * or a scalar; other shapes, other dtypes and runtimes without the SIMD module use the stock
 * kernels. Arithmetic, comparisons, sqrt, square and neg are IEEE float32 and so identical to
 * the `cpu` backend; tanh (Eigen's rational approximation) and exp (Cephes) are within a few
 * ulp of it (max relative error 3.6e-7 and 1.2e-7, measured over dense sweeps).
 */
import {
  backend_util,
  util,
  type DataType,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { byteOffset, type WasmBackend } from './heap.js';
import { simdFor, type SimdKernels } from './simd.js';

/** Operand modes of the SIMD loops: full, row (trailing axes), column (leading axes), scalar. */
const FULL = 0;
const ROW = 1;
const COLUMN = 2;
const SCALAR = 3;

interface Layout {
  shape: number[];
  outer: number;
  inner: number;
  amode: number;
  bmode: number;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** How `x` (right-aligned against `out`) enters an [outer, inner] split at axis k, or -1. */
function modeAt(x: readonly number[], out: readonly number[], k: number): number {
  const pad = out.length - x.length;
  let lead1 = true;
  let leadEq = true;
  let tail1 = true;
  let tailEq = true;
  for (let d = 0; d < out.length; d++) {
    const v = d < pad ? 1 : x[d - pad];
    if (d < k) {
      lead1 &&= v === 1;
      leadEq &&= v === out[d];
    } else {
      tail1 &&= v === 1;
      tailEq &&= v === out[d];
    }
  }
  if (leadEq && tailEq) return FULL;
  if (lead1 && tail1) return SCALAR;
  if (lead1 && tailEq) return ROW;
  if (leadEq && tail1) return COLUMN;
  return -1;
}

/** The [outer, inner] view of a broadcast a ⊕ b that the SIMD loops handle, or undefined. */
export function broadcastLayout(a: readonly number[], b: readonly number[]): Layout | undefined {
  if (sameShape(a, b)) {
    const shape = [...a];
    return { shape, outer: 1, inner: util.sizeFromShape(shape), amode: FULL, bmode: FULL };
  }
  const shape = backend_util.assertAndGetBroadcastShape([...a], [...b]);
  const size = util.sizeFromShape(shape);
  for (let k = 0; k <= shape.length; k++) {
    const amode = modeAt(a, shape, k);
    const bmode = modeAt(b, shape, k);
    if (amode < 0 || bmode < 0) continue;
    const inner = util.sizeFromShape(shape.slice(k));
    return { shape, outer: inner === 0 ? 0 : size / inner, inner, amode, bmode };
  }
  return undefined;
}

type Args = { inputs: Record<string, TensorInfo>; backend: WasmBackend; attrs?: unknown };

function binaryLike(
  name: string,
  inDtype: DataType,
  outDtype: DataType,
  run: (
    simd: SimdKernels,
    a: number,
    am: number,
    b: number,
    bm: number,
    out: number,
    outer: number,
    inner: number,
  ) => void,
) {
  return (stock: KernelFunc): KernelConfig => {
    const kernelFunc = (args: Args): TensorInfo => {
      const { a, b } = args.inputs;
      const simd = a.dtype === inDtype && b.dtype === inDtype ? simdFor(args.backend) : undefined;
      const layout = simd === undefined ? undefined : broadcastLayout(a.shape, b.shape);
      if (simd === undefined || layout === undefined || layout.outer * layout.inner === 0)
        return stock(args as never) as TensorInfo;
      const { backend } = args;
      const out = backend.makeOutput(layout.shape, outDtype);
      run(
        simd,
        byteOffset(backend, a),
        layout.amode,
        byteOffset(backend, b),
        layout.bmode,
        byteOffset(backend, out),
        layout.outer,
        layout.inner,
      );
      return out;
    };
    return { kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
  };
}

const arithmetic = (name: string, op: number) =>
  binaryLike(name, 'float32', 'float32', (s, a, am, b, bm, o, outer, inner) =>
    s.binary_f32(op, a, am, b, bm, o, outer, inner),
  );
const comparison = (name: string, op: number) =>
  binaryLike(name, 'float32', 'bool', (s, a, am, b, bm, o, outer, inner) =>
    s.compare_f32(op, a, am, b, bm, o, outer, inner),
  );
const logical = (name: string, op: number) =>
  binaryLike(name, 'bool', 'bool', (s, a, am, b, bm, o, outer, inner) =>
    s.logical_u8(op, a, am, b, bm, o, outer, inner),
  );

function unary(name: string, op: number) {
  return (stock: KernelFunc): KernelConfig => {
    const kernelFunc = (args: Args): TensorInfo => {
      const { x } = args.inputs;
      const simd = x.dtype === 'float32' ? simdFor(args.backend) : undefined;
      const size = util.sizeFromShape(x.shape);
      if (simd === undefined || size === 0) return stock(args as never) as TensorInfo;
      const out = args.backend.makeOutput([...x.shape], 'float32');
      simd.unary_f32(op, byteOffset(args.backend, x), byteOffset(args.backend, out), size);
      return out;
    };
    return { kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
  };
}

/** ClipByValue and Step: unary ops with two / one scalar attributes. */
function makeClipConfig(stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: Args & { attrs: { clipValueMin: number; clipValueMax: number } }): TensorInfo => {
    const { x } = args.inputs;
    const simd = x.dtype === 'float32' ? simdFor(args.backend) : undefined;
    const size = util.sizeFromShape(x.shape);
    if (simd === undefined || size === 0) return stock(args as never) as TensorInfo;
    const out = args.backend.makeOutput([...x.shape], 'float32');
    simd.clip_f32(
      byteOffset(args.backend, x),
      byteOffset(args.backend, out),
      size,
      args.attrs.clipValueMin,
      args.attrs.clipValueMax,
    );
    return out;
  };
  return { kernelName: 'ClipByValue', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

function makeStepConfig(stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: Args & { attrs: { alpha: number } }): TensorInfo => {
    const { x } = args.inputs;
    const simd = x.dtype === 'float32' ? simdFor(args.backend) : undefined;
    const size = util.sizeFromShape(x.shape);
    if (simd === undefined || size === 0) return stock(args as never) as TensorInfo;
    const out = args.backend.makeOutput([...x.shape], 'float32');
    simd.step_f32(byteOffset(args.backend, x), byteOffset(args.backend, out), size, args.attrs.alpha);
    return out;
  };
  return { kernelName: 'Step', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

function makeSelectConfig(stock: KernelFunc): KernelConfig {
  const kernelFunc = (args: Args): TensorInfo => {
    const { condition, t, e } = args.inputs;
    const size = util.sizeFromShape(t.shape);
    const simd =
      t.dtype === 'float32' && e.dtype === 'float32' && condition.dtype === 'bool' ? simdFor(args.backend) : undefined;
    if (
      simd === undefined ||
      size === 0 ||
      util.sizeFromShape(e.shape) !== size ||
      util.sizeFromShape(condition.shape) !== size
    ) {
      return stock(args as never) as TensorInfo;
    }
    const { backend } = args;
    const out = backend.makeOutput([...t.shape], 'float32');
    simd.select_f32(
      byteOffset(backend, condition),
      byteOffset(backend, t),
      byteOffset(backend, e),
      byteOffset(backend, out),
      size,
    );
    return out;
  };
  return { kernelName: 'Select', backendName: 'wasm', kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** Replacement factories by kernel name (each wraps the stock kernel for what it does not handle). */
export const ELEMENTWISE: Readonly<Record<string, (stock: KernelFunc) => KernelConfig>> = {
  Add: arithmetic('Add', 0),
  Sub: arithmetic('Sub', 1),
  Multiply: arithmetic('Multiply', 2),
  RealDiv: arithmetic('RealDiv', 3),
  GreaterEqual: comparison('GreaterEqual', 0),
  Greater: comparison('Greater', 1),
  LessEqual: comparison('LessEqual', 2),
  Less: comparison('Less', 3),
  Equal: comparison('Equal', 4),
  NotEqual: comparison('NotEqual', 5),
  LogicalAnd: logical('LogicalAnd', 0),
  LogicalOr: logical('LogicalOr', 1),
  Select: makeSelectConfig,
  Tanh: unary('Tanh', 0),
  Exp: unary('Exp', 1),
  Sqrt: unary('Sqrt', 2),
  Square: unary('Square', 3),
  Neg: unary('Neg', 4),
  ClipByValue: makeClipConfig,
  Step: makeStepConfig,
};
