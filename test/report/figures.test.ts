// The figures' encodings: one colour per method family and per step reason on every task, one line
// style per GeN variant, axes that diverged runs do not set, and the overview's rows and target band.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunRecord } from '../../bench/results.js';
import { summarise, type TaskSummary } from '../../report/analyze.js';
import { colorOf, REASON_COLORS, VARIANT_DASH, variantOf } from '../../report/encoding.js';
import { curvesSpec, overviewSpec, reasonsSpec } from '../../report/figures.js';
import { renderSvg } from '../../report/vega.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the tests walk Vega-Lite specs, which are deeply unioned types */

let n = 0;
function rec(p: Partial<RunRecord> & Pick<RunRecord, 'task' | 'optimizer' | 'optimizerKind' | 'base'>): RunRecord {
  const steps = p.steps ?? 4;
  return {
    kind: 'run',
    key: `k${n++}`,
    label: p.optimizer,
    config: {},
    seed: 0,
    phase: 'tune',
    mode: 'full',
    steps,
    batchSize: 8,
    metric: { name: 'rmse', higherIsBetter: false },
    versions: {},
    backend: 'cpu',
    startedAt: '2026-01-01T00:00:00.000Z',
    curve: { step: [1, 2, 3, 4], loss: [2, 1.5, 1, 0.5], lr: [0.1, 0.1, 0.1, 0.1], ms: [10, 20, 30, 40] },
    evals: [1, 2, 3, 4].map((s) => ({ step: s, ms: s * 10, metrics: { rmse: 1 / s } })),
    final: { val: { rmse: 0.3 }, test: { rmse: 0.3 } },
    value: 0.3,
    wallMs: 40,
    trainMs: 30,
    reasons: null,
    diverged: false,
    ...p,
  };
}

const taskOf = (records: RunRecord[], name: string): TaskSummary =>
  summarise(records).tasks.find((t) => t.task === name)!;
const scaleMap = (enc: any) =>
  new Map<string, unknown>(enc.scale.domain.map((d: string, i: number) => [d, enc.scale.range[i]]));
/** Every layer of every panel of a curves spec (vconcat of hconcats of layers). */
const curveLayers = (spec: any): any[][] => spec.vconcat.flatMap((row: any) => row.hconcat.map((p: any) => p.layer));

test('a step reason has the same colour on every task, whatever reasons each task has', async () => {
  const a = rec({
    task: 'a',
    optimizer: 'gen-adamw',
    optimizerKind: 'gen',
    base: 'adamw',
    config: { probe: 'default' },
    reasons: { ok: 3, skipped: 9 },
  });
  const b = rec({
    task: 'b',
    optimizer: 'gen-adamw',
    optimizerKind: 'gen',
    base: 'adamw',
    config: { probe: 'default' },
    reasons: { not_descent: 2, nonfinite: 1, skipped: 9 },
  });
  const specA = reasonsSpec(taskOf([a], 'a')) as any;
  const specB = reasonsSpec(taskOf([b], 'b')) as any;
  for (const reason of ['ok', 'skipped', 'not_descent', 'nonfinite'] as const) {
    assert.equal(scaleMap(specA.encoding.color).get(reason), REASON_COLORS[reason], `${reason} on task a`);
    assert.equal(scaleMap(specB.encoding.color).get(reason), REASON_COLORS[reason], `${reason} on task b`);
  }
  assert.deepEqual(specA.encoding.color.legend.values, ['ok', 'skipped'], 'the legend lists the reasons present');
  assert.equal(
    new Set(Object.values(REASON_COLORS)).size,
    Object.keys(REASON_COLORS).length,
    'no two reasons share one',
  );
  // and the rendered SVG draws "skipped" in its colour on both tasks
  for (const spec of [specA, specB]) assert.ok((await renderSvg(spec)).includes(`fill="${REASON_COLORS.skipped}"`));
});

test('each GeN variant has its own line style; grids and peers are solid', () => {
  const gen = (config: Record<string, unknown>) => variantOf({ kind: 'gen', config });
  assert.equal(gen({ probe: 'default' }), 'defaults');
  assert.equal(gen({ probe: 'default', horizon: 'cosine' }), 'horizon');
  assert.equal(gen({ probe: 'current' }), 'paper');
  assert.equal(gen({ probe: 'next' }), 'official');
  assert.equal(variantOf({ kind: 'grid-best', config: { lr: 0.1, schedule: 'cosine' } }), 'defaults');
  assert.equal(variantOf({ kind: 'peer', config: {} }), 'defaults');
  const dashes = Object.values(VARIANT_DASH).map((d) => JSON.stringify(d));
  assert.equal(new Set(dashes).size, dashes.length, 'no two variants share a dash');
  assert.deepEqual(VARIANT_DASH.defaults, [], 'defaults are solid');

  const records = [
    rec({ task: 't', optimizer: 'gen-adamw', optimizerKind: 'gen', base: 'adamw', config: { probe: 'default' } }),
    rec({
      task: 't',
      optimizer: 'gen-adamw-cosine',
      optimizerKind: 'gen',
      base: 'adamw',
      config: { probe: 'default', horizon: 'cosine' },
    }),
  ];
  const line = curveLayers(curvesSpec(taskOf(records, 't')))[0][0];
  const dash = scaleMap(line.encoding.strokeDash);
  const styles = new Map<string, string>(
    line.data.values.map((p: any) => [p.series, JSON.stringify(dash.get(p.variant))]),
  );
  assert.equal(styles.size, 2, 'two series');
  assert.equal(new Set(styles.values()).size, 2, 'the default and the horizon variant are drawn differently');
});

test('a method family has one colour on every task, whatever order its entries come in', () => {
  const entries = (order: string[]) =>
    order.map((o) =>
      rec({
        task: order.join(),
        optimizer: o,
        optimizerKind: o.startsWith('gen') ? 'gen' : 'peer',
        base: o.startsWith('gen') ? 'adamw' : o,
        label: o === 'prodigy' ? 'Prodigy' : o === 'dog' ? 'DoG' : 'GeN-AdamW',
        config: o.startsWith('gen') ? { probe: 'default' } : {},
      }),
    );
  const one = entries(['gen-adamw', 'prodigy', 'dog']);
  const two = entries(['dog', 'prodigy', 'gen-adamw']);
  const colours = (rs: RunRecord[]) => scaleMap(curveLayers(curvesSpec(taskOf(rs, rs[0].task)))[0][0].encoding.color);
  const [c1, c2] = [colours(one), colours(two)];
  for (const family of ['GeN-AdamW', 'Prodigy', 'DoG']) assert.equal(c1.get(family), c2.get(family), family);
  assert.equal(new Set(c1.values()).size, 3, 'three families, three colours');
  assert.equal(
    colorOf({ kind: 'gen', base: 'adamw', label: 'x', optimizer: 'gen-adamw' }),
    colorOf({ kind: 'gen', base: 'adamw', label: 'y', optimizer: 'gen-adamw-next' }),
    'every GeN-AdamW variant shares the colour; the dash tells them apart',
  );
});

test('a diverged run sets no axis: the loss axis stops at the highest start, and a ✕ marks where it diverged', () => {
  const records = [
    rec({ task: 't', optimizer: 'gen-adamw', optimizerKind: 'gen', base: 'adamw', config: { probe: 'default' } }),
    rec({
      task: 't',
      optimizer: 'adamw-grid',
      optimizerKind: 'grid',
      base: 'adamw',
      config: { lr: 1 },
      curve: { step: [1, 2, 3], loss: [2, 1e4, 1e9], lr: [1, 1, 1], ms: [10, 20, 30] },
      evals: [{ step: 1, ms: 10, metrics: { rmse: 5 } }],
      diverged: true,
      value: NaN,
    }),
    rec({ task: 't', optimizer: 'adamw-grid', optimizerKind: 'grid', base: 'adamw', config: { lr: 0.1 } }),
  ];
  // the diverged configuration is not the grid's best, so draw it through a peer entry of its own
  records[1] = { ...records[1], optimizer: 'sls', optimizerKind: 'peer', base: 'sls', label: 'SLS', config: {} };
  const [lossPanel, valPanel] = curveLayers(curvesSpec(taskOf(records, 't')));
  const domain = lossPanel[0].encoding.y.scale.domain;
  assert.ok(
    domain[1] <= 2,
    `the loss axis tops at the highest starting loss of runs that did not diverge, got ${domain[1]}`,
  );
  assert.equal(lossPanel[0].mark.clip, true, 'lines beyond the axis are clipped');
  const cross = lossPanel[1];
  assert.equal(cross.mark.text, '✕');
  assert.deepEqual(
    cross.data.values.map((c: any) => [c.family, c.x, c.y]),
    [['SLS', 3, domain[1]]],
    'at its last logged step, on the top edge',
  );
  const valDomain = valPanel[0].encoding.y.scale.domain;
  assert.ok(valDomain[1] < 5, 'the validation axis ignores the diverged run too');
});

test('the overview shows, per base, GeN with its defaults, the best and the median tuned, and the best peer', () => {
  const records = [
    ...[0, 1, 2].map((seed) =>
      rec({
        task: 't',
        optimizer: 'gen-adamw',
        optimizerKind: 'gen',
        base: 'adamw',
        config: { probe: 'default' },
        seed,
        value: 0.5 + seed * 0.01,
      }),
    ),
    ...[0.001, 0.01, 0.1].map((lr, i) =>
      rec({
        task: 't',
        optimizer: 'adamw-grid',
        optimizerKind: 'grid',
        base: 'adamw',
        config: { lr },
        value: [0.9, 0.4, 0.7][i],
        final: { val: { rmse: [0.9, 0.4, 0.7][i] }, test: { rmse: [0.9, 0.4, 0.7][i] } },
      }),
    ),
    ...[1, 2].map((seed) =>
      rec({
        task: 't',
        optimizer: 'adamw-grid',
        optimizerKind: 'grid',
        base: 'adamw',
        config: { lr: 0.01 },
        seed,
        value: 0.4,
      }),
    ),
    rec({ task: 't', optimizer: 'dog', optimizerKind: 'peer', base: 'dog', label: 'DoG', value: 0.6 }),
    rec({ task: 't', optimizer: 'prodigy', optimizerKind: 'peer', base: 'prodigy', label: 'Prodigy', value: 0.45 }),
    rec({ task: 't', optimizer: 'sls', optimizerKind: 'peer', base: 'sls', label: 'SLS', value: NaN, diverged: true }),
  ];
  const spec = overviewSpec(taskOf(records, 't')) as any;
  assert.equal(spec.vconcat.length, 1, 'one panel: the records have one base');
  const [band, , seeds, points] = spec.vconcat[0].layer;
  const rows = points.data.values.map((r: any) => [r.role, r.family, Number(r.value.toFixed(4))]);
  assert.deepEqual(rows, [
    ['GeN, defaults', 'GeN-AdamW', 0.51],
    ['best tuned', 'tuned AdamW grid', 0.4],
    ['median tuned', 'tuned AdamW grid', 0.7],
    ['best peer', 'Prodigy', 0.45],
  ]);
  assert.equal(seeds.data.values.filter((s: any) => s.role === 'GeN, defaults').length, 3, 'a tick per GeN seed');
  // lower is better: the band runs from the best (0.4) to 1% worse (0.404)
  assert.deepEqual(
    band.data.values.map((b: any) => [Number(b.from.toFixed(6)), Number(b.to.toFixed(6))]),
    [[0.4, 0.404]],
  );
  assert.equal(spec.title.subtitle[0], 'AdamW: decides; GeN defaults NOT within target');
  assert.match(spec.title.subtitle.at(-1), /^test-set size not recorded/);
});

test('an overview value that is not finite is a ✕ at the worse edge of the axis, never a point inside it', () => {
  const records = [
    ...[0, 1].map((seed) =>
      rec({
        task: 't',
        optimizer: 'gen-adamw',
        optimizerKind: 'gen',
        base: 'adamw',
        config: { probe: 'default' },
        seed,
        value: NaN,
        diverged: true,
      }),
    ),
    rec({ task: 't', optimizer: 'adamw-grid', optimizerKind: 'grid', base: 'adamw', config: { lr: 0.01 }, value: 0.4 }),
  ];
  const spec = overviewSpec(taskOf(records, 't')) as any;
  const points = spec.vconcat[0].layer[3];
  const gen = points.data.values.find((r: any) => r.role === 'GeN, defaults');
  assert.equal(gen.diverged, true);
  assert.equal(gen.value, points.encoding.x.scale.domain[1], 'lower is better: the right edge');
  assert.equal(points.encoding.shape.condition.value, 'cross');
});
