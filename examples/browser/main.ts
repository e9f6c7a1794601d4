// GeN in a page built with Vite, on the wasm backend with the project's kernels.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { gen } from 'gen-optim';
import { setupBackend } from 'gen-optim/backend';
// The one option a bundler needs: where the .wasm binaries are served (Vite copies them into the build).
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

async function main(): Promise<string> {
  const wasmPaths = {
    'tfjs-backend-wasm.wasm': plain,
    'tfjs-backend-wasm-simd.wasm': simd,
    'tfjs-backend-wasm-threaded-simd.wasm': threaded,
  };
  const { backend } = await setupBackend({ backend: 'wasm', wasmPaths });
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
  model.compile({ optimizer: gen.sgd(), loss: 'meanSquaredError' });
  const xs = tf.randomNormal([128, 2], 0, 1, 'float32', 4);
  const ys = tf.matMul(xs, tf.tensor2d([[2], [-1]]));
  const { history } = await model.fit(xs, ys, { epochs: 10, batchSize: 32, verbose: 0 });
  const loss = history.loss as number[];
  return `${backend}: loss ${loss[0].toFixed(4)} → ${loss.at(-1)!.toFixed(4)}`;
}

const out = document.querySelector('#out')!;
main().then(
  (text) => (out.textContent = text),
  (e: Error) => (out.textContent = `error: ${e.message}`),
);
