// GeN's wall-clock overhead per step against its base optimizer, measured in one interleaved run:
// forward F (loss only), base training step F+B (AdamW minimize), and GeN-AdamW steps with
// every = 1, 4, 8, for probes on the same batch (with the default `slope: 'alternating'` and no calibration, one
// extra forward per refit; two with `slope: 'fitted'`) and on another batch (`probeLoss`: the slope is fitted, three
// extra forwards). Bound: 1 + k·F/(every·(F+B)) with k those forwards.
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, GEN_DEFAULTS, GeN } from '../src/index.js';
import type { OverheadRecord } from './results.js';
import type { TaskSpec } from './tasks/types.js';
import { median } from './stats.js';

/** Untimed steps of each optimizer before its timed ones (the first steps create its slots). */
const PRIMING_STEPS = 2;

export function measureOverhead(
  task: TaskSpec,
  o: {
    reps: number;
    stepsPerRep: number;
    backend: string;
    versions: Record<string, string>;
    onRep?: (i: number) => void;
  },
): OverheadRecord {
  const startedAt = new Date().toISOString();
  const model = task.create(0);
  const batch = model.batch(0);
  const other = model.batch(1);
  type Variant = { name: string; every: number; probe: string; make: () => tf.Optimizer };
  const variants: Variant[] = [{ name: 'base', every: 0, probe: '-', make: () => new AdamW({ lr: 1e-4 }) }];
  // GeN's step as the paper's bound counts it: without the anytime mode's iterate average (one more copy of the
  // parameters and one multiply-add per weight per step, outside the bound).
  for (const every of [1, 4, 8]) {
    variants.push({
      name: `gen${every}`,
      every,
      probe: 'same',
      make: () => new GeN(new AdamW(), { every, initialLr: 1e-4, calibrate: false, iterateAverage: null }),
    });
    variants.push({
      name: `gen${every}n`,
      every,
      probe: 'next',
      make: () =>
        new GeN(new AdamW(), {
          every,
          initialLr: 1e-4,
          calibrate: false,
          iterateAverage: null,
          probeLoss: () => other.loss(),
        }),
    });
  }
  // Step times split by kind: a GeN step either refits (probes + fit) or not. The cost per step at
  // refit period Φ is ((Φ − 1)·plain + refit)/Φ from the medians of each kind, which is robust to the
  // garbage-collection pauses and machine noise that a mean over a short window picks up.
  const plain: Record<string, number[]> = { forward: [] };
  const refit: Record<string, number[]> = {};
  for (const v of variants) {
    plain[v.name] = [];
    refit[v.name] = [];
  }
  const snapshot = model.vars.map((v) => tf.clone(v));
  const restore = () => model.vars.forEach((v, i) => v.assign(snapshot[i]));
  for (let rep = 0; rep < o.reps; rep++) {
    // forward: loss only, read back
    for (let k = 0; k < o.stepsPerRep; k++) {
      const t = performance.now();
      tf.tidy(() => batch.loss().dataSync());
      plain.forward.push(performance.now() - t);
    }
    for (const v of variants) {
      restore();
      const opt = v.make();
      for (let k = 0; k < o.stepsPerRep + PRIMING_STEPS; k++) {
        const t = performance.now();
        tf.tidy(() => (opt.minimize(() => batch.loss(), true, model.vars) as tf.Scalar).dataSync());
        const dt = performance.now() - t;
        if (k < PRIMING_STEPS) continue;
        ((opt as Partial<GeN>).lastStep?.refit ? refit : plain)[v.name].push(dt);
      }
      opt.dispose();
    }
    o.onRep?.(rep);
  }
  restore();
  tf.dispose(snapshot);
  batch.dispose();
  other.dispose();
  model.dispose();

  const F = median(plain.forward);
  const base = median(plain.base);
  const FB = base;
  const perStep = (name: string, every: number) =>
    ((every - 1) * (every > 1 ? median(plain[name]) : 0) + median(refit[name])) / every;
  return {
    kind: 'overhead',
    key: `overhead|${task.name}|${startedAt}`,
    task: task.name,
    backend: o.backend,
    versions: o.versions,
    startedAt,
    forwardMs: F,
    trainMs: FB,
    reps: o.reps,
    gen: variants
      .filter((v) => v.every > 0)
      .map((v) => {
        const ms = perStep(v.name, v.every);
        // Same batch: the default slope's probes after calibration; another batch: all three offsets, 0 included.
        const forwards = v.probe === 'same' ? (GEN_DEFAULTS.slope === 'fitted' ? 2 : 1) : 3;
        const plainMs = v.every > 1 ? median(plain[v.name]) : undefined;
        return {
          every: v.every,
          probe: v.probe,
          forwards,
          ms,
          plainMs,
          refitMs: median(refit[v.name]),
          ratio: ms / base,
          bound: 1 + (forwards * F) / (v.every * FB),
        };
      }),
  };
}
