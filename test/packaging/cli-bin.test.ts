import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { HELP } from '../../cli/args.js';

// The gen-bench bin as the package ships it: JavaScript built into dist/cli by `npm run build`.
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const bin = pkg.bin['gen-bench'];
const gen = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

test('the bin is built JavaScript that Node runs directly', () => {
  assert.equal(bin, 'dist/cli/bin.js');
  assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  assert.match(readFileSync('dist/cli/main.js', 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

test('--help and no command print the help of cli/args.ts', () => {
  for (const args of [['--help'], [], ['run', '-h']]) {
    const r = gen(...args);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, HELP, `gen-bench ${args.join(' ')}`);
  }
});

test('anything else goes to the command runner, which validates it', () => {
  const r = gen('run', '--tasks', 'no-such-task');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^gen-bench: option --tasks: unknown 'no-such-task'/);
});
