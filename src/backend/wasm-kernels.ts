/**
 * Registration of this project's kernels for the `wasm` backend.
 *
 * Missing kernels are added; slow or wrong ones are replaced after `unregisterKernel` (a plain
 * re-registration would make tfjs-core print a warning). A replacement keeps the stock
 * kernel's `setupFunc`, because the stock C++ bindings are created there and tfjs-core only
 * runs the setup of kernels registered when the backend initialises; our own kernels need no
 * setup. The bookkeeping lives on `globalThis` (like tfjs-core's own registry), so the ESM and
 * CommonJS builds of this module loaded side by side agree on what is registered.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core';
import { batchMatMulConfig } from './kernels/batch-mat-mul.js';
import { conv2DBackpropFilterConfig } from './kernels/conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './kernels/conv2d-backprop-input.js';
import { depthwiseBackpropFilterConfig } from './kernels/depthwise-backprop-filter.js';
import { depthwiseBackpropInputConfig } from './kernels/depthwise-backprop-input.js';
import { makeCastConfig } from './kernels/cast.js';
import { makeConcatConfig, makePackConfig } from './kernels/concat.js';
import { makeConv2DConfig, makeFusedConv2DConfig } from './kernels/conv2d.js';
import { ELEMENTWISE } from './kernels/elementwise.js';
import { plusScaledConfig, sumOfSquaresConfig } from './kernels/fused-ops.js';
import { makeFusedMatMulConfig } from './kernels/fused-mat-mul.js';
import { makeGatherV2Config } from './kernels/gather-v2.js';
import { runDataFreedCallbacks } from './kernels/heap.js';
import { makeIdentityConfig } from './kernels/identity.js';
import { installFusedGruCell } from './kernels/gru-cell.js';
import { gruKernelConfigs } from './kernels/gru-gates.js';
import { installFusedLstmCell } from './kernels/lstm-cell.js';
import { lstmGatesConfig, lstmGatesGradConfig } from './kernels/lstm-gates.js';
import { maxPoolGradConfig } from './kernels/max-pool-grad.js';
import { installFusedReluGradient, reluGradConfig } from './kernels/relu-grad.js';
import { makeSliceConfig } from './kernels/slice.js';
import { makeSplitVConfig } from './kernels/split-v.js';
import { makeSumConfig } from './kernels/sum.js';
import { makeTransposeConfig } from './kernels/transpose.js';
import { makeUnpackConfig } from './kernels/unpack.js';
import { unsortedSegmentSumConfig } from './kernels/unsorted-segment-sum.js';

/** Kernels the stock backend lacks. */
const ADDED: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  unsortedSegmentSumConfig,
  depthwiseBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  lstmGatesConfig,
  lstmGatesGradConfig,
  ...gruKernelConfigs,
  plusScaledConfig,
  sumOfSquaresConfig,
  reluGradConfig,
];

/** Kernels the stock backend has, but wrong or slow; some wrap the stock one for strings. */
const REPLACED: Readonly<Record<string, (stock: KernelFunc) => KernelConfig>> = {
  MaxPoolGrad: () => maxPoolGradConfig,
  BatchMatMul: () => batchMatMulConfig,
  Conv2DBackpropInput: () => conv2DBackpropInputConfig,
  Slice: makeSliceConfig,
  SplitV: makeSplitVConfig,
  Unpack: makeUnpackConfig,
  Identity: makeIdentityConfig,
  Sum: makeSumConfig,
  GatherV2: makeGatherV2Config,
  Transpose: makeTransposeConfig,
  Concat: makeConcatConfig,
  Pack: makePackConfig,
  Cast: makeCastConfig,
  _FusedMatMul: makeFusedMatMulConfig,
  Conv2D: makeConv2DConfig,
  FusedConv2D: makeFusedConv2DConfig,
  ...ELEMENTWISE,
};

/** Every kernel name this module registers for `wasm`, in registration order. */
export const WASM_KERNEL_NAMES: readonly string[] = [...ADDED.map((c) => c.kernelName), ...Object.keys(REPLACED)];

interface Registry {
  stock: Map<string, KernelConfig>;
  ours: Map<string, KernelConfig>;
}

function registry(): Registry {
  const key = Symbol.for('gen-optim.backend.wasmKernels');
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  g[key] ??= { stock: new Map(), ours: new Map() };
  return g[key];
}

function isOurs(name: string): boolean {
  const current = getKernel(name, 'wasm');
  return current !== undefined && registry().ours.get(name) === current;
}

/**
 * Registers this project's `wasm` kernels (idempotent) and returns the names of all of them
 * that are active. `@tensorflow/tfjs-backend-wasm` must already be imported, since importing
 * it registers the stock kernels we replace; call this before `tf.setBackend('wasm')` or
 * after, either works.
 */
export function registerWasmKernels(): string[] {
  if (getKernel('Slice', 'wasm') === undefined) {
    throw new Error(
      "registerWasmKernels: import '@tensorflow/tfjs-backend-wasm' first (its stock kernels are what we complete)",
    );
  }
  const reg = registry();
  for (const config of ADDED) {
    if (isOurs(config.kernelName)) continue;
    if (getKernel(config.kernelName, 'wasm') !== undefined) continue; // someone else provides it: leave theirs
    registerKernel(config);
    reg.ours.set(config.kernelName, config);
  }
  for (const [name, make] of Object.entries(REPLACED)) {
    if (isOurs(name)) continue;
    const stock = getKernel(name, 'wasm');
    if (stock === undefined) continue;
    const ours: KernelConfig = {
      ...make(stock.kernelFunc),
      ...(stock.setupFunc ? { setupFunc: stock.setupFunc } : {}),
      ...(stock.disposeFunc ? { disposeFunc: stock.disposeFunc } : {}),
    };
    unregisterKernel(name, 'wasm');
    registerKernel(ours);
    reg.stock.set(name, stock);
    reg.ours.set(name, ours);
  }
  installFusedLstmCell();
  installFusedGruCell();
  installFusedReluGradient();
  return activeWasmKernels();
}

/** Names of this project's kernels currently registered for `wasm`. */
export function activeWasmKernels(): string[] {
  return WASM_KERNEL_NAMES.filter(isOurs);
}

/**
 * Undoes {@link registerWasmKernels}: restores the stock kernels and removes the added ones.
 * Meant for benchmarks and tests that compare against the stock backend.
 */
export function unregisterWasmKernels(): void {
  runDataFreedCallbacks(); // drop kernel caches (e.g. cached transposed matmul operands)
  const reg = registry();
  for (const name of WASM_KERNEL_NAMES) {
    if (!isOurs(name)) continue;
    unregisterKernel(name, 'wasm');
    const stock = reg.stock.get(name);
    if (stock !== undefined) registerKernel(stock);
    reg.ours.delete(name);
  }
}
