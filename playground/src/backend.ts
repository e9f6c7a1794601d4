// Backends: @tensorflow/tfjs registers webgl and cpu, @tensorflow/tfjs-backend-wasm registers wasm;
// the library's own setupBackend (gen-optim/backend, browser entry) selects one and completes wasm
// with the project's kernels (Conv2DBackpropFilter among them, so a CNN trains on wasm too).
// The .wasm binaries are imported as asset URLs and passed as setupBackend's wasmPaths, so Vite
// serves them from node_modules in dev and copies them into the build: nothing is fetched from a CDN.
import * as tf from '@tensorflow/tfjs';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { setupBackend, type BackendReport } from '../../src/backend/browser.js';

const wasmPaths = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
};
// Also at load: the page reports tf.getBackend() while the data loads, which starts tfjs's
// preferred backend (possibly wasm) before activateBackend runs; it must find the files then too.
setWasmPaths(wasmPaths);

export type BackendChoice = 'auto' | 'webgl' | 'wasm' | 'cpu';

export interface BackendResult {
  backend: string;
  /** Whether wasm runs the library kernels' relaxed-SIMD build (fused multiply-adds); null on other backends. */
  relaxedSimd: boolean | null;
  /** Why the active backend differs from the one asked for, if it does. */
  note: string;
}

/**
 * Activates the requested backend through the library's setupBackend ('auto': tfjs's choice among
 * webgl, wasm, cpu); if it does not start, cpu. A CNN needs the Conv2DBackpropFilter kernel: a
 * backend without it (none of the three, with the library's wasm kernels) falls back to cpu.
 */
export async function activateBackend(choice: BackendChoice, needsConvGradient: boolean): Promise<BackendResult> {
  let note = '';
  let report: BackendReport;
  try {
    report = await setupBackend({ backend: choice, wasmPaths });
  } catch (e) {
    note = `${choice} did not initialize (${(e as Error).message}); `;
    report = await setupBackend({ backend: 'cpu' });
  }
  if (needsConvGradient && tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) === undefined) {
    note += `${tf.getBackend()} has no Conv2DBackpropFilter kernel (needed to train a CNN); `;
    report = await setupBackend({ backend: 'cpu' });
  }
  await tf.ready();
  return {
    backend: tf.getBackend(),
    relaxedSimd: report.relaxedSimd,
    note: note === '' ? '' : `${note}using ${tf.getBackend()}`,
  };
}
