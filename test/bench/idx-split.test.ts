import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parseIdx } from '../../bench/data/idx.js';
import { seededSplit } from '../../bench/data/split.js';
import { permutation } from '../../bench/rng.js';

function idx(shape: number[], data: number[]): Uint8Array {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((s, i) => header.writeUInt32BE(s, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([header, Buffer.from(data)]));
}

test('parseIdx reads the shape and the bytes of a tiny 2×2×3 image file', () => {
  const t = parseIdx(idx([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]));
  assert.deepEqual(t.shape, [2, 2, 3]);
  assert.deepEqual(Array.from(t.data), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
});

test('parseIdx reads a gzipped label file', () => {
  const t = parseIdx(new Uint8Array(gzipSync(idx([4], [3, 1, 4, 1]))));
  assert.deepEqual(t.shape, [4]);
  assert.deepEqual(Array.from(t.data), [3, 1, 4, 1]);
});

test('parseIdx rejects a bad magic number, a non-byte type and truncated data', () => {
  assert.throws(() => parseIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 1, 7])), /not an IDX file/);
  const float = idx([1], [0]);
  float[2] = 0x0d;
  assert.throws(() => parseIdx(float), /data type 0xd is not supported/);
  assert.throws(() => parseIdx(idx([2, 2], [1, 2, 3])), /truncated IDX data/);
});

test('seededSplit is a partition, identical for the same seed and different for another', () => {
  const a = seededSplit(100, 7, 0.2, 0.1);
  const b = seededSplit(100, 7, 0.2, 0.1);
  const c = seededSplit(100, 8, 0.2, 0.1);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.train, c.train);
  assert.equal(a.val.length, 20);
  assert.equal(a.test.length, 10);
  assert.equal(a.train.length, 70);
  const all = [...a.train, ...a.val, ...a.test].sort((x, y) => x - y);
  assert.deepEqual(
    all,
    Array.from({ length: 100 }, (_, i) => i),
  );
});

test('seededSplit rejects fractions that leave no training data', () => {
  assert.throws(() => seededSplit(10, 1, 0.6, 0.4), /val \(0.6\) and test \(0.4\)/);
});

test('permutation is reproducible by seed', () => {
  assert.deepEqual(permutation(50, 3), permutation(50, 3));
  assert.notDeepEqual(permutation(50, 3), permutation(50, 4));
});
