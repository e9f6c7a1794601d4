/**
 * Low-level access to the `wasm` backend's heap for this project's kernels.
 *
 * The stock backend keeps every tensor in one WebAssembly memory and addresses it by a
 * numeric id registered with its C++ side. Our kernels are plain TypeScript: they read and
 * write tensors through typed-array views of that memory, and reuse the backend's own
 * XNNPACK matrix multiplication by id. This file is the only place that knows the
 * backend's internal shape, so that a tfjs upgrade breaks in one spot.
 */
import {
  getKernel,
  type DataId,
  type DataType,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/** What we use of `BackendWasm` (kept structural so we never import its class at run time). */
export interface WasmBackend {
  wasm: {
    HEAPU8: Uint8Array;
    /** Kept current by Emscripten when the heap grows. */
    HEAP32: Int32Array;
    /** The C++ `BatchMatMul` entry point (shapes passed as pointers to int32 triples). */
    _BatchMatMul?: (
      aId: number,
      aShape: number,
      aRank: number,
      bId: number,
      bShape: number,
      bRank: number,
      transposeA: number,
      transposeB: number,
      outId: number,
    ) => void;
    cwrap(name: string, ret: null | 'number', args: string[]): (...args: unknown[]) => unknown;
    tfjs: {
      disposeData(id: number): void;
      registerTensor(id: number, size: number, memoryOffset: number): void;
      getThreadsCount(): number;
    };
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    /** Emscripten's instance exports (single-threaded build: the memory is exported here). */
    asm?: { memory?: WebAssembly.Memory };
    /** The memory of the threaded build, created in JS and imported by the module. */
    wasmMemory?: WebAssembly.Memory;
  };
  /** Next free tensor id, shared by the JS and C++ sides. */
  dataIdNextNumber: number;
  dataIdMap: {
    get(dataId: DataId): { id: number; memoryOffset: number; shape: number[]; dtype: DataType; refCount: number };
    has(dataId: DataId): boolean;
    delete(dataId: DataId): boolean;
  };
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number): TensorInfo;
  disposeData(dataId: DataId, force?: boolean): boolean;
  incRef(dataId: DataId): void;
}

/** The backend's numeric tensor id, as its C++ kernels know it. */
export function tensorId(backend: WasmBackend, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).id;
}

/** Byte offset of a tensor's data in the heap. */
export function byteOffset(backend: WasmBackend, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/**
 * A float32 view of the whole heap. Any allocation may grow (and so detach) the heap,
 * so call this again after every `makeOutput` or stock kernel call.
 */
export function heapF32(backend: WasmBackend): Float32Array {
  return new Float32Array(backend.wasm.HEAPU8.buffer);
}

/** A view of the whole heap in the element type of `dtype` (float32, int32, bool). */
export function heapOf(backend: WasmBackend, dtype: DataType): Float32Array | Int32Array | Uint8Array {
  const buf = backend.wasm.HEAPU8.buffer;
  if (dtype === 'float32') return new Float32Array(buf);
  if (dtype === 'int32') return new Int32Array(buf);
  if (dtype === 'bool') return new Uint8Array(buf);
  throw new TypeError(`gen-optim wasm kernels: unsupported dtype '${dtype}'`);
}

/** The WebAssembly memory holding the heap, for modules that work on it directly (simd.ts). */
export function wasmMemory(backend: WasmBackend): WebAssembly.Memory | undefined {
  const m = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
  return m instanceof WebAssembly.Memory && m.buffer === backend.wasm.HEAPU8.buffer ? m : undefined;
}

/** Threads of the backend's XNNPACK pool (1 unless set up with threads). */
export function threadCount(backend: WasmBackend): number {
  return backend.wasm.tfjs.getThreadsCount();
}

/** Bytes per element of the heap dtypes. */
export function bytesPer(dtype: DataType): number {
  return dtype === 'bool' ? 1 : 4;
}

/**
 * Registers a tensor that aliases `shape` elements of existing heap memory at `offset` bytes,
 * without allocating. It gets a fresh id, which matters for matmul: XNNPACK caches its packed
 * right-hand operand by id, so a fresh id can never hit a stale packing of another view.
 * Release it with {@link releaseView}, never with `disposeData` (that would free memory the
 * view does not own).
 */
export function heapView(
  backend: WasmBackend,
  offset: number,
  shape: number[],
  dtype: DataType = 'float32',
): TensorInfo {
  return backend.makeOutput(shape, dtype, offset);
}

/** Forgets a view from {@link heapView}; the C++ side also drops any operator cached on it. */
export function releaseView(backend: WasmBackend, view: TensorInfo): void {
  const id = tensorId(backend, view);
  backend.dataIdMap.delete(view.dataId);
  backend.wasm.tfjs.disposeData(id);
}

/** Frees a temporary tensor that one of our kernels allocated. */
export function free(backend: WasmBackend, t: TensorInfo): void {
  backend.disposeData(t.dataId);
}

/** Calls a kernel of the wasm backend as currently registered (stock or ours). */
export function callKernel(
  name: string,
  backend: WasmBackend,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const config = getKernel(name, 'wasm');
  if (config == null) throw new Error(`gen-optim wasm kernels: kernel '${name}' is not registered for 'wasm'`);
  return (config.kernelFunc as KernelFunc)({ inputs, backend: backend as never, attrs }) as TensorInfo;
}

/** `Transpose` of a tensor (as registered: ours, which falls back to stock): a fresh buffer. */
export function transpose(backend: WasmBackend, x: TensorInfo, perm: number[]): TensorInfo {
  return callKernel('Transpose', backend, { x }, { perm });
}

/** Per module: 24 bytes of heap for the two shape triples passed to `_BatchMatMul`. */
const shapeScratch = new WeakMap<object, number>();

/**
 * out[M, N] = a[M, K] · b[K, N] through the backend's C++ `BatchMatMul` entry point with both
 * operands untransposed and batch 1, which is the only case it sends to XNNPACK (13–20 GFLOP/s
 * against ~1 for its fallback loop). All three are tensor ids; `out` must hold M·N floats.
 * The shapes go through a small persistent heap buffer, called directly (no `ccall` arrays).
 */
export function matMul2d(
  backend: WasmBackend,
  aId: number,
  m: number,
  k: number,
  bId: number,
  n: number,
  outId: number,
): void {
  const wasm = backend.wasm;
  let ptr = shapeScratch.get(wasm);
  if (ptr === undefined) {
    ptr = wasm._malloc(24) >>> 0; // lives as long as the module: never freed
    shapeScratch.set(wasm, ptr);
  }
  const i = ptr >>> 2;
  const h = wasm.HEAP32.length > i + 5 ? wasm.HEAP32 : new Int32Array(wasm.HEAPU8.buffer);
  h[i] = 1;
  h[i + 1] = m;
  h[i + 2] = k;
  h[i + 3] = 1;
  h[i + 4] = k;
  h[i + 5] = n;
  wasm._BatchMatMul!(aId, ptr, 3, bId, ptr + 12, 3, 0, 0, outId);
}

/**
 * A tensor id known to the C++ side only: registered for `size` floats at byte `offset`, with
 * no entry in the backend's JS `dataIdMap` (so the engine's data-id counts never see it) and
 * no JS bookkeeping cost. For per-call views (batches of a matmul) and for caches that must
 * outlive one kernel call. `owned` memory was allocated by {@link rawAlloc} and is freed with it.
 */
export interface RawTensor {
  id: number;
  offset: number;
  size: number;
  owned: boolean;
}

/** Registers `size` floats at byte `offset` under a fresh id (no allocation). */
export function rawView(backend: WasmBackend, offset: number, size: number): RawTensor {
  const id = backend.dataIdNextNumber++;
  backend.wasm.tfjs.registerTensor(id, size, offset);
  return { id, offset, size, owned: false };
}

/** Allocates `size` floats on the heap under a fresh C++-only id. */
export function rawAlloc(backend: WasmBackend, size: number): RawTensor {
  const offset = backend.wasm._malloc(Math.max(1, size) * 4) >>> 0;
  return { ...rawView(backend, offset, size), owned: true };
}

/**
 * Turns a tensor our kernel allocated into a {@link RawTensor}: it leaves the JS bookkeeping
 * (so it is no longer counted as a data id) but keeps its memory and C++ id until
 * {@link rawRelease}. For caches that outlive the kernel call.
 */
export function detach(backend: WasmBackend, t: TensorInfo, size: number): RawTensor {
  const raw: RawTensor = { id: tensorId(backend, t), offset: byteOffset(backend, t), size, owned: true };
  backend.dataIdMap.delete(t.dataId);
  return raw;
}

/** `bytes` of 8-byte-aligned scratch heap memory; give the returned handle to {@link freeScratch}. */
export function scratch(backend: WasmBackend, bytes: number): { ptr: number; raw: number } {
  const raw = backend.wasm._malloc(bytes + 8) >>> 0;
  return { ptr: (raw + 7) & ~7, raw };
}

export function freeScratch(backend: WasmBackend, s: { raw: number }): void {
  backend.wasm._free(s.raw);
}

/** Unregisters a raw tensor (dropping any XNNPACK operator cached on its id) and frees owned memory. */
export function rawRelease(backend: WasmBackend, raw: RawTensor): void {
  backend.wasm.tfjs.disposeData(raw.id);
  if (raw.owned) backend.wasm._free(raw.offset);
}

/** Callbacks run once when the backend really frees a data id (its last reference goes). */
interface DisposeHooks {
  callbacks: Map<DataId, () => void>;
}
const disposeHooks = new Map<WasmBackend, DisposeHooks>();

/**
 * Runs `fn` when `dataId` is freed by the backend (refCount reaching 0, or a forced dispose).
 * The backend's `disposeData` is wrapped once per backend instance; with no callbacks pending
 * the wrapper costs one map lookup. Used to tie a cache entry's life to its source tensor.
 */
export function onDataFreed(backend: WasmBackend, dataId: DataId, fn: () => void): void {
  let hooks = disposeHooks.get(backend);
  if (hooks === undefined) {
    const callbacks = new Map<DataId, () => void>();
    hooks = { callbacks };
    disposeHooks.set(backend, hooks);
    const original = backend.disposeData.bind(backend);
    backend.disposeData = (id: DataId, force?: boolean) => {
      const freed = original(id, force);
      if (callbacks.size > 0) {
        const cb = callbacks.get(id);
        if (cb !== undefined && !backend.dataIdMap.has(id)) {
          callbacks.delete(id);
          cb();
        }
      }
      return freed;
    };
  }
  hooks.callbacks.set(dataId, fn);
}

/** Runs and forgets every pending {@link onDataFreed} callback on every backend (cache flush). */
export function runDataFreedCallbacks(): void {
  for (const hooks of disposeHooks.values()) {
    const pending = [...hooks.callbacks.values()];
    hooks.callbacks.clear();
    for (const cb of pending) cb();
  }
}
