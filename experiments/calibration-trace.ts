// The first refits of a GeN run on a benchmark task, one line per refit: step, reason (* while calibrating), smoothed
// and applied lr, proposal x*, the fit's a and b, and the step's loss. A custom loop with the task's full budget as
// the horizon and no validation reports, so not the benchmark's exact run (docs/algorithm.md §23 reads it).
// Usage: npx tsx experiments/calibration-trace.ts [task] [sgd|adamw] [seeds] [initial lr] [steps]
import { findTask } from '../bench/tasks/index.js';
import { setupBackend } from '../src/backend/index.js';
import { AdamW, GeN, SGDW } from '../src/index.js';
import { stepOnTask } from './task-step.js';

const [name = 'brown-genre', base = 'sgd', seeds = '0,1', lr0 = '1e-3', steps = '12'] = process.argv.slice(2);
const task = findTask(name);
if (!task || !['sgd', 'adamw'].includes(base)) {
  process.stderr.write('usage: calibration-trace.ts [task] [sgd|adamw] [seeds] [initial lr] [steps]\n');
  process.exit(2);
}
await setupBackend();
const p = (x: number) => x.toPrecision(2);
for (const seed of seeds.split(',').map(Number)) {
  const model = task.create(seed);
  const opt = new GeN(base === 'sgd' ? new SGDW({ momentum: 0.9 }) : new AdamW(), {
    horizon: { steps: task.steps.full },
    initialLr: Number(lr0),
  });
  process.stdout.write(`${name} GeN-${base} seed ${seed}\n`);
  for (let s = 0; s < Number(steps); s++) {
    stepOnTask(opt, model, s);
    const i = opt.lastStep!;
    if (!i.refit) continue;
    process.stdout.write(
      `  step ${s}: ${i.reason}${i.calibrating ? '*' : ''} lr ${p(i.smoothedLr)} applied ${p(i.appliedLr)} ` +
        `x* ${p(i.proposedLr)} a ${p(i.a)} b ${p(i.b)} loss ${i.loss.toFixed(3)}\n`,
    );
  }
  opt.dispose();
  model.dispose();
}
