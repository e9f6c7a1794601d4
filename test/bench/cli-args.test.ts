import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCli, UsageError } from '../../cli/args.js';

const known = { tasks: ['mnist-mlp', 'moby-char'], optimizers: ['gen-adamw', 'adamw-grid'] };
const parse = (s: string) => parseCli(s.split(' ').filter(Boolean), known);

test('defaults: quick mode, resume on, results/quick.jsonl', () => {
  const o = parse('run');
  assert.equal(o.command, 'run');
  assert.equal(o.mode, 'quick');
  assert.equal(o.resume, true);
  assert.equal(o.out, 'results/quick.jsonl');
  assert.equal(parse('run --full').out, 'results/full.jsonl');
});

test('parses lists and numbers', () => {
  const o = parse('run --tasks mnist-mlp,moby-char --optimizers gen-adamw --seeds 3 --steps 50');
  assert.deepEqual(o.tasks, ['mnist-mlp', 'moby-char']);
  assert.deepEqual(o.optimizers, ['gen-adamw']);
  assert.equal(o.seeds, 3);
  assert.equal(o.steps, 50);
});

test('an unknown task names the value and the allowed ones', () => {
  assert.throws(
    () => parse('run --tasks cifar10'),
    (e: Error) =>
      e instanceof UsageError && /option --tasks: unknown 'cifar10'. Allowed: mnist-mlp, moby-char/.test(e.message),
  );
});

test('bad numbers name the option, the value and the range', () => {
  assert.throws(() => parse('run --seeds 0'), /option --seeds: expected an integer from 1 to 100; got '0'/);
  assert.throws(() => parse('run --steps 1.5'), /option --steps: expected an integer from 1 to 1000000; got '1.5'/);
  assert.throws(() => parse('run --steps abc'), /option --steps: expected an integer/);
});

test('conflicting and unknown options are rejected', () => {
  assert.throws(() => parse('run --quick --full'), /--quick and --full exclude each other/);
  assert.throws(
    () => parse('run --fast'),
    (e: Error) => e instanceof UsageError && /--fast/.test(e.message),
  );
  assert.throws(() => parse('frobnicate'), /unknown command 'frobnicate'; allowed: run, report, list, overhead, help/);
  assert.throws(() => parse('run extra'), /unexpected argument 'extra'/);
});

test('--help wins over the command', () => {
  assert.equal(parse('run --help').command, 'help');
  assert.equal(parse('').command, 'help');
});
