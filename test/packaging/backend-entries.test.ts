import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as browser from '../../src/backend/browser.js';
import * as node from '../../src/backend/index.js';
import { checkWasmPaths, WASM_FILES } from '../../src/backend/wasm-paths.js';

test("gen-optim/backend's browser entry exports the same names as its Node entry", () => {
  assert.deepEqual(Object.keys(browser).sort(), Object.keys(node).sort());
});

test('package.json sends bundlers that follow the browser condition to the browser entry', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  assert.deepEqual(Object.keys(pkg.exports['./backend']), ['types', 'browser', 'default']);
  assert.equal(pkg.exports['./backend'].browser, './dist/backend/browser.js');
  assert.equal(pkg.exports['./backend'].default, './dist/backend/index.js');
});

test('wasmPaths takes a folder URL ending in / or a URL for each of the three binaries', () => {
  assert.equal(checkWasmPaths('/assets/wasm/'), '/assets/wasm/');
  const all = Object.fromEntries(WASM_FILES.map((f) => [f, `/a/${f}`]));
  assert.deepEqual(checkWasmPaths(all), all);
  assert.equal(checkWasmPaths(null), null);
});

test('a wasmPaths the wasm backend would reject is an error naming the option and what is allowed', () => {
  assert.throws(() => checkWasmPaths('/assets/wasm'), {
    name: 'RangeError',
    message:
      /setupBackend: option 'wasmPaths' must be a folder URL ending in '\/' or an object of URLs for all of 'tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'; got "\/assets\/wasm"\./,
  });
  assert.throws(() => checkWasmPaths({ 'tfjs-backend-wasm.wasm': '/a.wasm' }), {
    name: 'TypeError',
    message: /option 'wasmPaths'/,
  });
  assert.throws(() => checkWasmPaths(42), { name: 'TypeError', message: /got 42\./ });
});

test('setupBackend validates wasmPaths with the other options, before touching any backend', async () => {
  await assert.rejects(node.setupBackend({ backend: 'wasm', wasmPaths: 'no-slash' }), /option 'wasmPaths'/);
  await assert.rejects(node.setupBackend({ backend: 'wasm', wasmPath: '/x/' } as never), /unknown option 'wasmPath'/);
});
