import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_OPTIMIZERS, HELP, parseCli, UsageError } from '../../cli/args.js';
import { findOptimizer } from '../../bench/optimizers.js';

const known = { tasks: ['mnist-mlp', 'moby-char'], optimizers: ['gen-adamw', 'adamw-grid'] };
const parse = (s: string) => parseCli(s.split(' ').filter(Boolean), known);

test('defaults: quick mode, resume on, results in the git-ignored out/results/quick.jsonl', () => {
  const o = parse('run');
  assert.equal(o.command, 'run');
  assert.equal(o.mode, 'quick');
  assert.equal(o.resume, true);
  assert.equal(o.out, 'out/results/quick.jsonl');
  assert.equal(parse('run --full').out, 'out/results/full.jsonl');
  assert.equal(o.report, null, 'report picks its folder from the suite and --publish');
  assert.equal(o.publish, false);
});

test('report --from FILE --publish; --from excludes --out and belongs to report', () => {
  const o = parse('report --from docs/results/full.jsonl.gz --publish');
  assert.equal(o.from, 'docs/results/full.jsonl.gz');
  assert.equal(o.publish, true);
  assert.throws(() => parse('report --from a --out b'), /--from and --out both name the results report reads/);
  assert.throws(() => parse('run --publish'), /--from and --publish belong to 'report'; got them with 'run'/);
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

test('the help names every default optimizer, and each is in the registry', () => {
  for (const name of [...DEFAULT_OPTIMIZERS.always, ...DEFAULT_OPTIMIZERS.full]) {
    assert.ok(HELP.includes(name), `${name} in the help`);
    assert.ok(findOptimizer(name), `${name} in the registry`);
  }
});
