import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

// These check the built package (npm test builds it first): the CommonJS and ESM entry points,
// resolved by the package's own name through its "exports" map, driving the user's tfjs.
const script = `
  const tf = require('@tensorflow/tfjs');
  const { GeN, AdamW } = require('gen-optim');
  (async () => {
    await tf.setBackend('cpu');
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
    const opt = new GeN(new AdamW(), { every: 1 });
    m.compile({ optimizer: opt, loss: 'meanSquaredError' });
    await m.trainOnBatch(tf.ones([4, 2]), tf.ones([4, 1]));
    process.stdout.write(JSON.stringify({ reason: opt.lastStep.reason, isOptimizer: opt instanceof tf.Optimizer }));
  })().catch((e) => { console.error(e); process.exit(1); });
`;

function run(args: string[]) {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('the built package is present (npm run build)', () => {
  assert.ok(existsSync('dist/cjs/index.js') && existsSync('dist/esm/index.js'), 'run `npm run build` first');
});

test('require("gen-optim") works from CommonJS and trains through model.compile', () => {
  const out = run(['-e', script]);
  assert.equal(out.isOptimizer, true);
  assert.ok(typeof out.reason === 'string');
});

test('import("gen-optim") works from ESM with the same tfjs instance', () => {
  const esm = script
    .replace("const { GeN, AdamW } = require('gen-optim');", '')
    .replace('(async () => {', "(async () => { const { GeN, AdamW } = await import('gen-optim');");
  const out = run(['--input-type=commonjs', '-e', esm]);
  assert.equal(out.isOptimizer, true);
});
