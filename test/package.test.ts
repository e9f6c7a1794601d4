import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// These check the built package (npm test builds it first), loaded by its own name through its
// "exports" map, in fresh Node processes: an ES-module-only build that CommonJS reaches through
// require(esm), and registration with tfjs serialization that no import performs.
const dir = join('.cache', 'package-test');

function write(name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

/** Runs a script file in a fresh process; returns the JSON its last stdout line holds. */
function run(path: string) {
  const r = spawnSync(process.execPath, [path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

const train = `
    await tf.setBackend('cpu');
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
    const opt = new GeN(new AdamW(), { every: 1 });
    m.compile({ optimizer: opt, loss: 'meanSquaredError' });
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
    const y = tf.tensor2d([[1], [2], [3], [4]]);
    const before = m.getWeights()[0].dataSync().slice();
    const history = await m.fit(x, y, { epochs: 3, batchSize: 2, verbose: 0 });
    const after = m.getWeights()[0].dataSync();`;

before(() => {
  mkdirSync(dir, { recursive: true });
});

test('the built package is ES modules only (npm run build)', () => {
  assert.ok(existsSync('dist/index.js') && existsSync('dist/peers/index.js'), 'run `npm run build` first');
  assert.equal(existsSync('dist/cjs'), false, 'a CommonJS build would be a second GeN class');
});

test('require("gen-optim") from a .cjs file and import from a .mjs file give the same GeN class', () => {
  write('class.cjs', "module.exports = { GeN: require('gen-optim').GeN, peers: require('gen-optim/peers') };\n");
  const path = write(
    'same-class.mjs',
    `import { GeN } from 'gen-optim';
import { Prodigy } from 'gen-optim/peers';
import required from './class.cjs';
process.stdout.write(JSON.stringify({ gen: required.GeN === GeN, peer: required.peers.Prodigy === Prodigy, name: GeN.name }) + '\\n');
`,
  );
  assert.deepEqual(run(path), { gen: true, peer: true, name: 'GeN' });
});

test('the root keeps its internals to itself; gen-optim/core has the numeric core', () => {
  const path = write(
    'surface.mjs',
    `import * as root from 'gen-optim';
import * as core from 'gen-optim/core';
const internals = ['mulberry32', 'checkNumber', 'withDefaults', 'baseDisplacement', 'resolveGeNOptions', 'providesDirection', 'fitParabola', 'Prodigy'];
process.stdout.write(JSON.stringify({
  leaked: internals.filter((n) => n in root),
  core: ['fitParabola', 'acceptProposal', 'decideRefit', 'CONTROLLER_DEFAULTS', 'STEP_REASONS'].filter((n) => typeof core[n] !== 'undefined'),
}) + '\\n');
`,
  );
  assert.deepEqual(run(path), {
    leaked: [],
    core: ['fitParabola', 'acceptProposal', 'decideRefit', 'CONTROLLER_DEFAULTS', 'STEP_REASONS'],
  });
});

test('GEN_DEFAULTS is what new GeN(base) resolves its options to', async () => {
  const { GEN_DEFAULTS, GeN, SGDW } = await import('../src/index.js');
  const opt = new GeN(new SGDW());
  assert.deepEqual(opt.options, GEN_DEFAULTS);
  assert.ok(Object.isFrozen(GEN_DEFAULTS));
  opt.dispose();
});

test('model.fit trains with GeN through require("gen-optim")', () => {
  const path = write(
    'fit.cjs',
    `const tf = require('@tensorflow/tfjs');
const { GeN, AdamW } = require('gen-optim');
(async () => {${train}
  process.stdout.write(JSON.stringify({
    isOptimizer: opt instanceof tf.Optimizer,
    losses: history.history.loss,
    steps: opt.lastStep.step + 1,
    moved: after.some((v, i) => v !== before[i]),
  }) + '\\n');
})().catch((e) => { console.error(e); process.exit(1); });
`,
  );
  const out = run(path);
  assert.equal(out.isOptimizer, true);
  assert.equal(out.steps, 6, '3 epochs of 2 batches');
  assert.ok(out.losses.length === 3 && out.losses.every(Number.isFinite), `losses ${out.losses}`);
  assert.equal(out.moved, true);
});

describe('registration with tfjs serialization', () => {
  const saved = join(dir, 'saved.json');

  /** A script that loads the two saved models, after `setup`; prints what came back or the errors. */
  const loader = (setup: string) => `
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
${setup}
const map = tf.serialization.SerializationMap.getMap().classNameMap;
const registered = ['GeN', 'AdamW', 'SGDW', 'Prodigy', 'DAdaptAdam', 'DAdaptSGD', 'DoG', 'LDoG', 'ScheduleFreeAdamW', 'SLS'].filter((n) => n in map);
await tf.setBackend('cpu');
const out = { registered, loaded: [], errors: [] };
for (const a of JSON.parse(readFileSync(${JSON.stringify(saved)}, 'utf8'))) {
  a.weightData = new Uint8Array(Buffer.from(a.weightData, 'base64')).buffer;
  try {
    const m = await tf.loadLayersModel(tf.io.fromMemory(a));
    out.loaded.push([m.optimizer.getClassName(), m.optimizer.base?.getClassName() ?? null]);
  } catch (e) {
    out.errors.push(String(e.message).split('\\n')[0]);
  }
}
process.stdout.write(JSON.stringify(out) + '\\n');
`;

  test('a model saved with includeOptimizer loads in the same process without a registration call', () => {
    const path = write(
      'save.mjs',
      `import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { GeN, AdamW } from 'gen-optim';
import { Prodigy } from 'gen-optim/peers';
${train}
const peer = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
peer.compile({ optimizer: new Prodigy(), loss: 'meanSquaredError' });
await peer.fit(x, y, { epochs: 1, verbose: 0 });
const artifacts = [];
for (const model of [m, peer]) {
  await model.save(tf.io.withSaveHandler(async (a) => {
    const parts = Array.isArray(a.weightData) ? a.weightData : [a.weightData];
    artifacts.push({ ...a, weightData: Buffer.concat(parts.map((p) => Buffer.from(p))).toString('base64') });
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }), { includeOptimizer: true });
}
const loaded = [];
for (const a of artifacts) {
  const copy = { ...a, weightData: new Uint8Array(Buffer.from(a.weightData, 'base64')).buffer };
  const back = await tf.loadLayersModel(tf.io.fromMemory(copy));
  loaded.push([back.optimizer.getClassName(), back.optimizer.base?.getClassName() ?? null]);
}
writeFileSync(${JSON.stringify(saved)}, JSON.stringify(artifacts));
process.stdout.write(JSON.stringify({ loaded }) + '\\n');
`,
    );
    assert.deepEqual(run(path).loaded, [
      ['GeN', 'AdamW'],
      ['Prodigy', null],
    ]);
  });

  test('importing the package registers nothing, so a fresh process cannot load them without the call', () => {
    const out = run(write('load-without.mjs', loader("import 'gen-optim';\nimport 'gen-optim/peers';")));
    assert.deepEqual(out.registered, []);
    assert.deepEqual(out.loaded, []);
    assert.equal(out.errors.length, 2);
    for (const [i, name] of ['GeN', 'Prodigy'].entries()) assert.match(out.errors[i], new RegExp(name));
  });

  test('registerOptimizers() registers GeN, its bases and every peer, and a fresh process then loads them', () => {
    const out = run(
      write('load-with.mjs', loader("import { registerOptimizers } from 'gen-optim';\nregisterOptimizers();")),
    );
    assert.equal(out.registered.length, 10, `registered ${out.registered}`);
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.loaded, [
      ['GeN', 'AdamW'],
      ['Prodigy', null],
    ]);
  });
});
