/**
 * @license
 * Copyright 2018 Google LLC. All Rights Reserved.
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 * http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 * =============================================================================
 */

// Vendored from tensorflow/tfjs-examples mnist-node/main.js at 0521725666e4504948eed00fe372b92510cc74f9.
// Changed (docs/mnist-node.md lists why):
//  (a) '@tensorflow/tfjs-node' → '@tensorflow/tfjs' (tfjs-node's install script downloads libtensorflow);
//  (b) the `argparse` package is not installed here: parseArgs (args.ts) reads the same three flags, same defaults;
//  (c) new flags: --setup_backend (`await setupBackend()` first: the "after" variant), --num_train and
//      --num_test (the first N images; default all, as in the original), --json (timings as one JSON line);
//  (d) prints tf.getBackend(), and times data loading, fit and evaluation for --json;
//  (e) ES modules, TypeScript types and Prettier's layout.

import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '../../src/backend/index.js';

import { JSON_PREFIX, parseArgs } from './args.js';
import data from './data.js';
import model from './model.js';

interface RunOptions {
  numTrain?: number;
  numTest?: number;
  setupBackend: boolean;
  json: boolean;
}

async function run(epochs: number, batchSize: number, modelSavePath: string | undefined, opts: RunOptions) {
  const runBegin = performance.now();
  if (opts.setupBackend) await setupBackend();
  await tf.ready();
  console.log(`Backend: ${tf.getBackend()}`);
  await data.loadData();

  const { images: trainImages, labels: trainLabels } = data.getTrainData(opts.numTrain);
  model.summary();
  const fitBegin = performance.now();

  /* eslint-disable @typescript-eslint/no-unused-vars -- unused in the original too */
  let epochBeginTime;
  let millisPerStep;
  const validationSplit = 0.15;
  const numTrainExamplesPerEpoch = trainImages.shape[0] * (1 - validationSplit);
  const numTrainBatchesPerEpoch = Math.ceil(numTrainExamplesPerEpoch / batchSize);
  /* eslint-enable @typescript-eslint/no-unused-vars */
  const history = await model.fit(trainImages, trainLabels, {
    epochs,
    batchSize,
    validationSplit,
  });
  const fitEnd = performance.now();

  const { images: testImages, labels: testLabels } = data.getTestData(opts.numTest);
  const evalOutput = model.evaluate(testImages, testLabels) as tf.Scalar[];

  console.log(
    `\nEvaluation result:\n` +
      `  Loss = ${evalOutput[0].dataSync()[0].toFixed(3)}; ` +
      `Accuracy = ${evalOutput[1].dataSync()[0].toFixed(3)}`,
  );
  const evalEnd = performance.now();

  if (modelSavePath != null) {
    // file:// needs tfjs-node's IO handler; with plain tfjs this fails with tfjs's own error.
    await model.save(`file://${modelSavePath}`);
    console.log(`Saved model to path: ${modelSavePath}`);
  }
  if (opts.json) {
    const result = {
      backend: tf.getBackend(),
      trainImages: trainImages.shape[0],
      testImages: testImages.shape[0],
      epochs,
      batchSize,
      validationSplit,
      // performance.now() counts from the process's start: everything before run() is start-up + imports.
      startupMs: runBegin,
      loadMs: fitBegin - runBegin,
      fitMs: fitEnd - fitBegin,
      evalMs: evalEnd - fitEnd,
      testLoss: evalOutput[0].dataSync()[0],
      testAccuracy: evalOutput[1].dataSync()[0],
      history: history.history,
    };
    console.log(`${JSON_PREFIX}${JSON.stringify(result)}`);
  }
}

const args = parseArgs(process.argv.slice(2));
await run(args.epochs, args.batch_size, args.model_save_path, {
  numTrain: args.num_train,
  numTest: args.num_test,
  setupBackend: args.setup_backend,
  json: args.json,
});
