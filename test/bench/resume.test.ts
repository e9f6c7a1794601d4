import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadPeers } from '../../bench/optimizers.js';
import { readResults } from '../../bench/results.js';
import { runSuite } from '../../bench/suite.js';
import type { TaskSpec } from '../../bench/tasks/types.js';

/** A 2-parameter least-squares task: fast on the cpu backend. */
const tiny: TaskSpec = {
  name: 'tiny',
  family: 'tabular',
  description: 'tiny',
  data: 'synthetic',
  splitSeed: 1,
  batchSize: 4,
  steps: { quick: 5, full: 5 },
  metric: { name: 'loss', higherIsBetter: false, format: 'number' },
  evals: 1,
  npmData: true,
  create(seed) {
    const w = tf.variable(tf.tensor1d([seed, 1]));
    const x = tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
    const y = tf.tensor1d([1, 2, 3, 4]);
    const loss = () =>
      tf.tidy(() => tf.mean(tf.square(tf.sub(tf.squeeze(tf.matMul(x, tf.reshape(w, [2, 1]))), y))) as tf.Scalar);
    return {
      vars: [w],
      batch: () => ({ loss, dispose: () => undefined }),
      evaluate: () => ({ loss: loss().dataSync()[0] }),
      dispose: () => tf.dispose([w, x, y]),
    };
  },
};

test('an interrupted suite resumes: finished runs are skipped, a torn or missing run is redone', async () => {
  await tf.setBackend('cpu');
  await loadPeers();
  const dir = mkdtempSync(join(tmpdir(), 'gen-bench-resume-'));
  const out = join(dir, 'r.jsonl');
  const opts = {
    tasks: [tiny],
    optimizers: ['gen-sgd', 'sgd-grid'],
    seeds: 1,
    steps: null,
    mode: 'quick' as const,
    out,
    resume: true,
    robustness: false,
    backend: 'cpu',
    versions: {},
  };
  try {
    assert.equal(await runSuite(opts), 8); // GeN-SGD + 7 grid lrs (quick: cosine only)
    assert.equal(readResults(out).length, 8);
    assert.equal(await runSuite(opts), 0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    writeFileSync(out, lines.slice(0, 6).join('\n') + '\n' + lines[6].slice(0, 20)); // 6 whole runs + a torn line
    assert.equal(await runSuite(opts), 2);
    assert.equal(new Set(readResults(out).map((r) => r.key)).size, 8);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
