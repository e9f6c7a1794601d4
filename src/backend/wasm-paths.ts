/** The `wasmPaths` option of `setupBackend`: what `setWasmPaths` of tfjs-backend-wasm accepts. */
import { formatValue, isPlainObject } from '../core/validate.js';

/** The three binaries of `@tensorflow/tfjs-backend-wasm`, the keys of a per-file {@link WasmPaths}. */
export const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

/** A folder URL (ending in `/`) holding the binaries, or one URL per binary. */
export type WasmPaths = string | { [file in (typeof WASM_FILES)[number]]: string };

/** Validates a `wasmPaths` option; returns it (null: none). */
export function checkWasmPaths(value: unknown): WasmPaths | null {
  if (value === null) return null;
  const what = `a folder URL ending in '/' or an object of URLs for all of ${WASM_FILES.map((f) => `'${f}'`).join(', ')}`;
  if (typeof value === 'string') {
    if (!value.endsWith('/'))
      throw new RangeError(`setupBackend: option 'wasmPaths' must be ${what}; got ${formatValue(value)}.`);
    return value;
  }
  // tfjs-backend-wasm's own setWasmPaths refuses a map without all three binaries.
  if (
    !isPlainObject(value) ||
    Object.keys(value).length !== WASM_FILES.length ||
    !WASM_FILES.every((f) => typeof value[f] === 'string')
  )
    throw new TypeError(`setupBackend: option 'wasmPaths' must be ${what}; got ${formatValue(value)}.`);
  return value as WasmPaths;
}
