/**
 * WebAssembly relaxed SIMD in Node versions whose V8 ships it behind a flag (Node 20: V8 11.3).
 * The flag only makes the instructions valid; V8 reads it when it validates a module, so setting
 * it at run time, before our relaxed build is compiled, is enough.
 */

/** Sets V8's `--experimental-wasm-relaxed-simd` for this process. */
export async function enableRelaxedSimd(): Promise<void> {
  const v8 = await import('node:v8');
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
}
