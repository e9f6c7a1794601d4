// The data set shipped with the page: playground/public/mnist14.bin (see playground/make-data.ts).
import * as tf from '@tensorflow/tfjs';
import { permutation } from './rng.js';

export interface Digits {
  side: number;
  nTrain: number;
  nVal: number;
  /** Images whose loss the page reports to GeN (`reportValidationLoss`), disjoint from the validation images. */
  nReport: number;
  /** Pixels scaled to [0, 1], one row of side² per image. */
  trainX: Float32Array;
  trainY: Uint8Array;
  valX: Float32Array;
  valY: Uint8Array;
  reportX: Float32Array;
  reportY: Uint8Array;
}

/** Fetches and parses the 14×14 MNIST slice, format `MNv2` (a relative URL, so the built page works from any path). */
export async function loadDigits(url = './mnist14.bin'): Promise<Digits> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== 'MNv2') throw new Error(`${url}: not a playground data file of format MNv2 (magic '${magic}')`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nTrain = view.getUint32(4, true);
  const nVal = view.getUint32(8, true);
  const nReport = view.getUint32(12, true);
  const side = view.getUint32(16, true);
  const px = side * side;
  let at = 20;
  const take = (n: number) => {
    const out = bytes.subarray(at, at + n);
    at += n;
    return out;
  };
  const scale = (u: Uint8Array) => Float32Array.from(u, (v) => v / 255);
  const trainX = scale(take(nTrain * px));
  const trainY = take(nTrain).slice();
  const valX = scale(take(nVal * px));
  const valY = take(nVal).slice();
  const reportX = scale(take(nReport * px));
  const reportY = take(nReport).slice();
  if (at !== bytes.length) throw new Error(`${url}: expected ${at} bytes, got ${bytes.length}`);
  return { side, nTrain, nVal, nReport, trainX, trainY, valX, valY, reportX, reportY };
}

/**
 * Mini-batches in a seeded order: epoch e visits the training images in permutation(n, seed + e).
 * Every run sees the same batch at the same step.
 */
export class Batches {
  private readonly orders = new Map<number, Int32Array>();

  constructor(
    private readonly data: Digits,
    readonly batchSize: number,
    private readonly seed: number,
  ) {}

  /** The batch of `step` as tensors (the caller disposes them). */
  get(step: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
    const { data, batchSize } = this;
    const px = data.side * data.side;
    const x = new Float32Array(batchSize * px);
    const labels = new Int32Array(batchSize);
    for (let i = 0; i < batchSize; i++) {
      const k = step * batchSize + i;
      const epoch = Math.floor(k / data.nTrain);
      let order = this.orders.get(epoch);
      if (order === undefined) {
        order = permutation(data.nTrain, this.seed + epoch);
        this.orders.set(epoch, order);
        this.orders.delete(epoch - 2);
      }
      const idx = order[k % data.nTrain];
      x.set(data.trainX.subarray(idx * px, (idx + 1) * px), i * px);
      labels[i] = data.trainY[idx];
    }
    return tf.tidy(() => ({
      x: tf.tensor2d(x, [batchSize, px]),
      y: tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat() as tf.Tensor2D,
    }));
  }
}
