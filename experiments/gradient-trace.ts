// The gradient norm of each variable along the first steps of a benchmark run, to see a layer die: on brown-genre,
// GeN-SGD runs that end on the majority-class plateau lose every gradient but the output bias's (docs/algorithm.md
// §12). Each listed step prints the training loss, GeN's applied lr and ‖∂L/∂v‖ for every variable v of the task, in
// the order of `model.vars`, measured on the next batch. Custom-loop tasks only.
// Usage: npx tsx experiments/gradient-trace.ts [--task brown-genre] [--optimizer gen-sgd] [--seeds 0,1,2] [--steps 60]
import * as tf from '@tensorflow/tfjs-core';
import { findOptimizer } from '../bench/optimizers.js';
import { TASKS } from '../bench/tasks/index.js';
import { setupBackend } from '../src/backend/index.js';
import { GeN } from '../src/index.js';
import { experimentFlags } from './args.js';
import { stepOnTask } from './task-step.js';

const flags = experimentFlags('experiments/gradient-trace.ts', {
  task: { default: 'brown-genre', help: 'a custom-loop task of the suite', kind: 'strings' },
  optimizer: { default: 'gen-sgd', help: 'a GeN registry entry (its first configuration)', kind: 'strings' },
  seeds: { default: '0,1,2', help: 'seeds', kind: 'strings' },
  steps: { default: '60', help: 'steps to take', kind: 'strings' },
});
await setupBackend();
const task = TASKS.find((t) => t.name === flags.task[0]);
if (!task) throw new Error(`gradient-trace: no task '${flags.task[0]}'`);
const entry = findOptimizer(flags.optimizer[0]);
if (!entry) throw new Error(`gradient-trace: no optimizer '${flags.optimizer[0]}'`);
const steps = Number(flags.steps[0]);
const shown = (k: number) => k < 7 || k === steps - 1 || [8, 10, 15, 20, 30, 45].includes(k);
const noNextBatch = (): tf.Scalar => {
  throw new Error('gradient-trace: no next-batch probes here');
};
for (const seed of flags.seeds.map(Number)) {
  const model = task.create(seed);
  if (model.layers) throw new Error('gradient-trace: custom-loop tasks only');
  const opt = entry.configs('full')[0].build({ totalSteps: task.steps.full, fit: false, nextBatchLoss: noNextBatch });
  if (!(opt instanceof GeN)) throw new Error(`${flags.optimizer[0]} is not GeN`);
  console.log(`${task.name}, ${flags.optimizer[0]}, seed ${seed}: step, loss, applied lr, gradient norm per variable`);
  for (let k = 0; k < steps; k++) {
    const loss = stepOnTask(opt, model, k);
    if (!shown(k)) continue;
    const batch = model.batch(k + 1);
    const norms = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => batch.loss(), model.vars);
      return model.vars.map((v) => tf.norm(grads[v.name]).dataSync()[0]);
    });
    batch.dispose();
    const g = norms.map((x) => x.toPrecision(2)).join(' ');
    console.log(`  ${k}: loss ${loss.toFixed(3)}, lr ${opt.lastStep!.appliedLr.toPrecision(2)}, |g| ${g}`);
  }
  opt.dispose();
  model.dispose();
}
