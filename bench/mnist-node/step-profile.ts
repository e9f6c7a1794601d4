// Where one training step of the vendored mnist-node CNN spends its time: kernel milliseconds from
// tf.profile, summed by kernel name, on `cpu` (what @tensorflow/tfjs picks in Node without tfjs-node) or,
// with --setup_backend, on what setupBackend() picks. Explains why run.ts times "before" on one step
// instead of the full two epochs.
//
//   npx tsx bench/mnist-node/step-profile.ts [--batch 8] [--setup_backend]
//
// The inputs are random: a kernel's time does not depend on the pixel values.
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/backend/index.js';
import model from './model.js';

const argv = process.argv.slice(2);
const at = argv.indexOf('--batch');
const batch = at >= 0 ? Number(argv[at + 1]) : 8;
if (!Number.isInteger(batch) || batch < 1)
  throw new Error(`--batch must be a positive integer (got '${argv[at + 1]}')`);
if (argv.includes('--setup_backend')) await setupBackend();
await tf.ready();

const x = tf.randomUniform([batch, 28, 28, 1]);
const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10).toFloat();
await model.trainOnBatch(x.slice(0, 1), y.slice(0, 1)); // builds the optimizer's slots outside the timing
const t0 = performance.now();
const info = await tf.profile(async () => {
  await model.trainOnBatch(x, y);
});
const stepMs = performance.now() - t0;
const byKernel = new Map<string, number>();
for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + Number(k.kernelTimeMs));
const rows = [...byKernel].sort((a, b) => b[1] - a[1]);
const total = rows.reduce((a, [, ms]) => a + ms, 0);
process.stdout.write(
  `backend ${tf.getBackend()}, one training step of ${batch} images (RMSProp, as compiled in model.ts): ` +
    `${(stepMs / 1000).toFixed(2)} s wall, ${(total / 1000).toFixed(2)} s in kernels\n\n` +
    '| kernel | ms | share |\n|---|---:|---:|\n' +
    rows
      .slice(0, 8)
      .map(([name, ms]) => `| ${name} | ${ms.toFixed(0)} | ${((100 * ms) / total).toFixed(1)}% |`)
      .join('\n') +
    '\n',
);
