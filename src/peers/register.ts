import * as tf from '@tensorflow/tfjs-core';
import { DAdaptAdam } from './dadapt-adam.js';
import { DAdaptSGD } from './dadapt-sgd.js';
import { DoG } from './dog.js';
import { LDoG } from './ldog.js';
import { Prodigy } from './prodigy.js';
import { ScheduleFreeAdamW } from './schedule-free-adamw.js';
import { ScheduleFreePlus } from './schedule-free-plus.js';
import { SLS } from './sls.js';

/**
 * Registers the learning-rate-free peers with tfjs serialization, so that `model.save` with
 * `includeOptimizer` and `tf.loadLayersModel` can restore them. Idempotent.
 */
export function registerPeerOptimizers(): void {
  for (const cls of [Prodigy, DAdaptAdam, DAdaptSGD, DoG, LDoG, ScheduleFreeAdamW, ScheduleFreePlus, SLS])
    tf.serialization.registerClass(cls);
}
