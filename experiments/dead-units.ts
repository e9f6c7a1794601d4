// Why GeN-SGD ends on brown-genre's majority-class plateau (44.08%) on seed 0 and from four of five initial lrs
// (docs/algorithm.md §18): counts the hidden ReLU units of the bag-of-embeddings model that are dead, i.e. whose
// column of the first dense kernel gets an exactly zero gradient on each of 4 training batches, along the first
// 100 steps of GeN-SGD (defaults, the task's full budget as the horizon) and of the tuned SGD configuration at the
// same steps (momentum 0.9, constant lr 0.1), seeds 0–2; with each run's applied lr and the validation accuracy.
// The GeN run's probes: 'default' (the library's), 'next' (`probeLoss` on the next training batch, as the
// benchmark's `gen-*-next` entries) or 'current' (`probeDirection: 'current'`); docs/algorithm.md §22.
// Usage: npx tsx experiments/dead-units.ts [steps] [default|next|current]
import * as tf from '@tensorflow/tfjs-core';
import { findTask } from '../bench/tasks/index.js';
import type { TaskInstance } from '../bench/tasks/types.js';
import { setupBackend } from '../src/backend/index.js';
import { GeN, SGDW } from '../src/index.js';
import { stepOnTask } from './task-step.js';

const steps = Number(process.argv[2] ?? '100');
const probes = process.argv[3] ?? 'default';
if (!['default', 'next', 'current'].includes(probes)) {
  process.stderr.write(`probes must be default, next or current; got ${probes}\n`);
  process.exit(2);
}
const task = findTask('brown-genre')!;
await setupBackend();

/** Number of hidden units (columns of the first kernel) with a zero gradient on all of 4 batches from `from`. */
function countDead(model: TaskInstance, from: number): number {
  const w1 = model.vars[1];
  const hidden = w1.shape[1]!;
  const alive = new Uint8Array(hidden);
  for (let k = 0; k < 4; k++) {
    const batch = model.batch(from + k);
    const { grads } = tf.variableGrads(() => batch.loss(), [w1]);
    const g = tf.tidy(() => tf.sum(tf.abs(grads[w1.name]), 0).dataSync());
    tf.dispose(grads);
    batch.dispose();
    g.forEach((v, j) => {
      if (v > 0) alive[j] = 1;
    });
  }
  return hidden - alive.reduce((p, q) => p + q, 0);
}

const checkpoints = [0, 4, 10, 25, 50, 100].filter((s) => s <= steps);
for (const which of ['GeN-SGD', 'SGD 0.1'] as const) {
  for (const seed of [0, 1, 2]) {
    const model = task.create(seed);
    const sgd = new SGDW({ momentum: 0.9, lr: 0.1 });
    let next: ReturnType<TaskInstance['batch']> | null = null;
    const probeOptions =
      probes === 'next'
        ? { probeLoss: () => next!.loss() }
        : probes === 'current'
          ? { probeDirection: 'current' as const }
          : {};
    const opt =
      which === 'GeN-SGD'
        ? new GeN(new SGDW({ momentum: 0.9 }), { horizon: { steps: task.steps.full }, ...probeOptions })
        : sgd;
    const cells: string[] = [];
    for (let s = 0; s <= steps; s++) {
      if (checkpoints.includes(s)) {
        const lr = opt instanceof GeN ? (opt.lastStep?.appliedLr ?? NaN) : 0.1;
        cells.push(`step ${s}: ${countDead(model, 10_000 + s)} dead, lr ${lr.toPrecision(2)}`);
      }
      if (s < steps) {
        next = probes === 'next' ? model.batch(s + 1) : null;
        stepOnTask(opt, model, s);
        next?.dispose();
      }
    }
    const val = model.evaluate('val') as { accuracy: number };
    console.log(
      `${which}${which === 'GeN-SGD' ? ` (${probes} probes)` : ''} seed ${seed} | ${cells.join(' | ')} | val ${(100 * val.accuracy).toFixed(2)}%`,
    );
    opt.dispose();
    if (opt !== sgd) sgd.dispose();
    model.dispose();
  }
}
