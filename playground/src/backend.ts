// Backends: @tensorflow/tfjs registers webgl and cpu, @tensorflow/tfjs-backend-wasm registers wasm.
// The .wasm binaries are imported as asset URLs, so Vite serves them from node_modules in dev and
// copies them into the build: nothing is fetched from a CDN.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});

export type BackendChoice = 'auto' | 'webgl' | 'wasm' | 'cpu';

export interface BackendResult {
  backend: string;
  /** Why the active backend differs from the one asked for, if it does. */
  note: string;
}

/**
 * Activates the requested backend ('auto': the first of webgl, wasm, cpu that initializes). A CNN
 * needs the Conv2DBackpropFilter kernel, which stock wasm lacks: it then trains on cpu.
 */
export async function activateBackend(choice: BackendChoice, needsConvGradient: boolean): Promise<BackendResult> {
  let note = '';
  if (choice === 'auto') {
    await tf.ready();
  } else if (!(await tf.setBackend(choice))) {
    note = `${choice} did not initialize; `;
    await tf.setBackend('cpu');
  }
  if (needsConvGradient && tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) === undefined) {
    note += `${tf.getBackend()} has no Conv2DBackpropFilter kernel (needed to train a CNN); `;
    await tf.setBackend('cpu');
  }
  await tf.ready();
  return { backend: tf.getBackend(), note: note === '' ? '' : `${note}using ${tf.getBackend()}` };
}
