import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { loadMnist } from '../../bench/data/mnist.js';
import { parseArgs } from '../../bench/mnist-node/args.js';
import data from '../../bench/mnist-node/data.js';

test("mnist-node's command line has the original's defaults: 20 epochs, batch 128, the stock backend", () => {
  assert.deepEqual(parseArgs([]), { epochs: 20, batch_size: 128, setup_backend: false, json: false });
});

test('mnist-node reads --name value, --name=value and boolean flags', () => {
  assert.deepEqual(parseArgs(['--epochs', '2', '--num_train=6000', '--setup_backend', '--json']), {
    epochs: 2,
    batch_size: 128,
    num_train: 6000,
    setup_backend: true,
    json: true,
  });
});

test('mnist-node rejects an unknown flag, a missing value and a non-integer, naming the flag', () => {
  assert.throws(() => parseArgs(['--epoch', '2']), /unknown argument '--epoch' \(allowed: --epochs/);
  assert.throws(() => parseArgs(['--epochs']), /--epochs needs a value/);
  assert.throws(() => parseArgs(['--batch_size', '12.5']), /--batch_size must be a positive integer \(got '12.5'\)/);
  assert.throws(() => parseArgs(['--json=yes']), /--json takes no value/);
});

test("the vendored loader's first 6,000 training images are bench/data's MNIST, as [n, 28, 28, 1] in [0, 1] with one-hot labels", async () => {
  await data.loadData();
  const before = tf.memory().numTensors;
  const { images, labels } = data.getTrainData(6000);
  assert.deepEqual(images.shape, [6000, 28, 28, 1]);
  assert.deepEqual(labels.shape, [6000, 10]);
  const reference = loadMnist().train; // an independent IDX parser
  assert.deepEqual(images.dataSync(), reference.x.subarray(0, 6000 * 784));
  const classes = tf.tidy(() => labels.argMax(1).dataSync());
  assert.deepEqual(Int32Array.from(classes), reference.y.subarray(0, 6000));
  assert.equal(
    tf.tidy(() => labels.sum().dataSync()[0]),
    6000,
  );
  images.dispose();
  labels.dispose();
  // The original's getData_ leaves two tensors per call undisposed: the int32 label vector and its
  // int32 one-hot, of which .toFloat() returns a copy. Kept as in the original.
  assert.equal(tf.memory().numTensors, before + 2);
});

test('the vendored loader gives all 10,000 test images when no number is asked for', async () => {
  await data.loadData();
  const { images, labels } = data.getTestData();
  assert.deepEqual(images.shape, [10000, 28, 28, 1]);
  assert.deepEqual(labels.shape, [10000, 10]);
  images.dispose();
  labels.dispose();
});
