// The report's analysis on a hand-written fixture (fixtures/gaps.jsonl) whose answers are worked
// out below by hand. Tolerance 1e-12: the inputs are short decimals and every quantity is a few
// additions and one square root in float64.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadResults, type ResultRecord } from '../../bench/results.js';
import { groupsText, summarise, type Entry, type TaskSummary } from '../../report/analyze.js';

const fixture = fileURLToPath(new URL('./fixtures/gaps.jsonl', import.meta.url));
const { records, duplicates } = loadResults(fixture);
const s = summarise(records);
const task = (name: string) => s.tasks.find((t) => t.task === name) as TaskSummary;
const entry = (t: TaskSummary, pred: (e: Entry) => boolean) => {
  const found = t.entries.filter(pred);
  assert.equal(found.length, 1, `exactly one entry expected, got ${found.map((e) => e.label).join(', ')}`);
  return found[0];
};
const near = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} vs ${expected}`);
const byOptimizer = (name: string) => (e: Entry) => e.optimizer === name && e.kind === 'gen';

test('loading drops the earlier of two records of the same run and keeps the later one', () => {
  assert.equal(duplicates, 1);
  const gen = entry(task('toy-acc'), byOptimizer('gen-adamw'));
  // the dropped record had 0.5 on seed 0; the kept one 0.885
  assert.deepEqual(
    gen.runs.map((r) => r.value),
    [0.885, 0.875, 0.88],
  );
});

test('the best grid configuration is chosen on validation, not test (lr 0.01, although lr 0.1 tests better)', () => {
  const best = entry(task('toy-acc'), (e) => e.kind === 'grid-best');
  assert.deepEqual(best.config, { lr: 0.01, schedule: 'cosine' });
  assert.deepEqual(
    best.runs.map((r) => r.seed),
    [0, 1, 2],
  );
  // test values 0.89, 0.88, 0.90: mean 0.89, sample sd 0.01
  near(best.stat.mean, 0.89, 'best mean');
  near(best.stat.sd, 0.01, 'best sd');
  // the grid's cost is its whole seed-0 grid: 5 runs of 100 ms
  assert.equal(best.costMs, 500);
});

test('the grid median counts the diverged configuration as the worst value', () => {
  const median = entry(task('toy-acc'), (e) => e.kind === 'grid-median');
  // seed-0 test values: diverged, 0.61, 0.81, 0.89, 0.91 → median 0.81 (dropping the diverged one would give 0.85)
  near(median.stat.mean, 0.81, 'median');
  assert.equal(median.stat.diverged, 1);
  // toy-one has an even count: (0.7 + 0.8) / 2
  near(entry(task('toy-one'), (e) => e.kind === 'grid-median').stat.mean, 0.75, 'even median');
});

test("GeN's gap to the best grid: relative, and in points of accuracy", () => {
  const t = task('toy-acc');
  const c = t.comparisons.find((x) => x.gen.optimizer === 'gen-adamw')!;
  near(c.gen.stat.mean, 0.88, 'GeN mean');
  near(c.gen.stat.sd, 0.005, 'GeN sd');
  near(c.relGap, 0.01 / 0.89, 'relative gap');
  near(c.pointsGap, 1, 'points gap');
  assert.equal(c.within, false, '1.12% relative and 1 point: outside both thresholds');
  const cos = t.comparisons.find((x) => x.gen.optimizer === 'gen-adamw-cosine')!;
  near(cos.relGap, 0.003 / 0.89, 'horizon relative gap');
  assert.equal(cos.within, true);
  // lower is better: (GeN − best) / best
  const r = task('toy-rmse').comparisons.find((x) => x.gen.optimizer === 'gen-adamw')!;
  near(r.relGap, (1.025 - 1.02) / 1.02, 'rmse relative gap');
  assert.ok(Number.isNaN(r.pointsGap));
  assert.equal(r.within, true);
});

test("a task decides only when |best − median| exceeds twice the seed sd of the grid's best", () => {
  const acc = task('toy-acc').decisions[0];
  near(acc.spread, 0.08, 'toy-acc spread');
  near(acc.noise, 0.01, 'toy-acc noise = the grid best sd 0.01');
  assert.equal(acc.decides, true);
  const rmse = task('toy-rmse').decisions[0];
  near(rmse.spread, 0.01, 'toy-rmse spread');
  near(rmse.noise, 0.02, 'toy-rmse noise = the grid best sd 0.02');
  assert.equal(rmse.decides, false);
  const one = task('toy-one').decisions[0];
  assert.equal(one.decides, null, 'one seed: the noise is unknown');
  assert.match(one.reason, /fewer than 2/);
});

/** The fixture with GeN-AdamW's test accuracy on toy-acc replaced, seed by seed. */
const withGenAccuracy = (values: number[]) =>
  summarise(
    records.map((r) =>
      r.kind === 'run' && r.task === 'toy-acc' && r.optimizer === 'gen-adamw' && r.seed < values.length
        ? { ...r, value: values[r.seed], final: { ...r.final, test: { ...r.final.test, accuracy: values[r.seed] } } }
        : r,
    ),
  ).tasks.find((t) => t.task === 'toy-acc') as TaskSummary;

test("an unstable GeN does not make the task stop deciding: GeN's own seed spread is not the noise", () => {
  const t = withGenAccuracy([0.3, 0.88, 0.88]); // one collapsed seed: GeN's sd ≈ 0.33
  const d = t.decisions[0];
  near(d.noise, 0.01, 'noise = the grid best sd');
  assert.equal(d.decides, true);
  assert.equal(t.comparisons.find((x) => x.gen.optimizer === 'gen-adamw')!.within, false);
});

test('an accuracy 0.7 points below the best is outside the target, although that is under 1% relative', () => {
  const c = withGenAccuracy([0.883, 0.883, 0.883]).comparisons.find((x) => x.gen.optimizer === 'gen-adamw')!;
  near(c.pointsGap, 0.7, 'points gap');
  assert.ok(c.relGap < 0.01);
  assert.equal(c.within, false);
  const close = withGenAccuracy([0.886, 0.886, 0.886]).comparisons.find((x) => x.gen.optimizer === 'gen-adamw')!;
  assert.equal(close.within, true, '0.4 points: within');
});

test('a GeN entry with a diverged seed keeps its finite mean but misses the target', () => {
  const c = task('toy-rmse').comparisons.find((x) => x.gen.optimizer === 'gen-adamw-cosine')!;
  assert.equal(c.gen.stat.n, 2);
  assert.equal(c.gen.stat.diverged, 1);
  near(c.gen.stat.mean, 1.03, 'finite mean');
  assert.equal(c.within, false);
});

test('two GeN variants with the same label stay apart, and only the one with default config is "defaults"', () => {
  const t = task('toy-acc');
  const gens = t.entries.filter((e) => e.kind === 'gen');
  assert.deepEqual(
    gens.map((e) => e.label),
    ['GeN-AdamW', 'GeN-AdamW'],
  );
  assert.deepEqual(
    gens.map((e) => e.optimizer),
    ['gen-adamw', 'gen-adamw-cosine'],
  );
  assert.deepEqual(
    s.variants.map((v) => [v.optimizer, v.isDefault]),
    [
      ['gen-adamw', true],
      ['gen-adamw-cosine', false],
    ],
  );
  // the decision's noise comes from the default variant (sd 0.005), not the horizon one (sd 0.001)
  assert.equal(t.decisions[0].genDefault?.optimizer, 'gen-adamw');
});

test('the verdict counts deciding tasks only, and per split when the records carry one', () => {
  const v = (name: string) => s.variants.find((x) => x.optimizer === name)!;
  // defaults: toy-acc decides and is lost; toy-rmse is within but does not decide; toy-one is undecided
  assert.deepEqual([v('gen-adamw').within, v('gen-adamw').deciding], [0, 1]);
  assert.deepEqual([v('gen-adamw').allWithin, v('gen-adamw').all], [1, 3]);
  assert.deepEqual(v('gen-adamw').bySplit, [
    { split: 'development', within: 0, deciding: 1 },
    { split: 'held-out', within: 0, deciding: 0 },
  ]);
  assert.deepEqual([v('gen-adamw-cosine').within, v('gen-adamw-cosine').deciding], [1, 1]);
  assert.deepEqual([v('gen-adamw-cosine').allWithin, v('gen-adamw-cosine').all], [1, 2]);
});

test('split and test-set resolution come from the records when present', () => {
  assert.equal(task('toy-acc').split, 'development');
  assert.equal(task('toy-acc').testSize, 200);
  near(task('toy-acc').resolution!, 0.5, 'one of 200 examples is 0.5 points');
  assert.equal(task('toy-rmse').split, 'held-out');
  assert.equal(task('toy-rmse').resolution, null, 'no resolution in points for rmse');
  assert.equal(task('toy-one').split, null);
  assert.equal(task('toy-one').testSize, null);
});

test("grouped test examples come from the task's definition: brown-genre's 50 files, up to 2 points each", () => {
  assert.equal(task('toy-acc').testGroups, null, 'a task the registry does not know has no groups');
  assert.equal(groupsText(task('toy-acc')), null);
  const renamed = records.map((r) => (r.kind === 'run' && r.task === 'toy-acc' ? { ...r, task: 'brown-genre' } : r));
  const brown = summarise(renamed).tasks.find((t) => t.task === 'brown-genre') as TaskSummary;
  assert.deepEqual(brown.testGroups, { count: 50, unit: 'files', resolution: 2 });
  assert.equal(groupsText(brown), '50 files: 1 file = up to 2.0 pts');
  near(brown.resolution!, 0.5, 'the per-example resolution still comes from the records');
});

test("tasks come in the registry's order whatever order their runs finished in; unknown tasks after, as first seen", () => {
  const run = records.find((r) => r.kind === 'run' && r.task === 'toy-acc')!;
  const as = (task: string) => ({ ...run, task, key: `${task}|${run.key}` });
  const names = summarise([as('toy-b'), as('brown-genre'), as('toy-a'), as('mnist-mlp')]).tasks.map((t) => t.task);
  assert.deepEqual(names, ['mnist-mlp', 'brown-genre', 'toy-b', 'toy-a']);
});

test('peers and robustness runs stay out of the comparisons', () => {
  assert.ok(task('toy-rmse').comparisons.every((c) => c.gen.kind === 'gen'));
  assert.equal(entry(task('toy-rmse'), (e) => e.kind === 'peer').optimizer, 'dog');
  assert.deepEqual(
    task('toy-acc').robustness.map((r) => [r.optimizer, r.lr, r.value]),
    [['gen-adamw-lr0', 0.00001, 0.87]],
  );
});

test('provenance counts runs per commit, dirty ones, and old records without a commit', () => {
  // toy-acc's 14 kept runs carry the commit (one of them dirty); toy-rmse and toy-one's 15 do not
  assert.deepEqual(s.provenance, {
    commits: [{ commit: 'a'.repeat(40), runs: 14, dirty: 1 }],
    unknown: 15,
  });
});

test('the analysis reads no label: relabelling every run leaves every number unchanged', () => {
  const relabelled = records.map((r, i) => (r.kind === 'run' ? { ...r, label: `x${i % 2}` } : r)) as ResultRecord[];
  const t = summarise(relabelled);
  const strip = (x: ReturnType<typeof summarise>) =>
    JSON.stringify(x.tasks.map((k) => k.comparisons.map((c) => [c.gen.optimizer, c.relGap, c.within, c.decides])));
  assert.equal(strip(t), strip(s));
  assert.deepEqual(
    t.variants.map((v) => [v.within, v.deciding]),
    s.variants.map((v) => [v.within, v.deciding]),
  );
});
