import * as tf from '@tensorflow/tfjs-core';
import { AdamW } from './adamw.js';
import { GeN } from './gen.js';
import { SGDW } from './sgdw.js';

/**
 * Registers the library's optimizers with tfjs serialization, so that `model.save` with
 * `includeOptimizer` and `tf.loadLayersModel` can restore them. Idempotent. The package's
 * `registerOptimizers()` (src/register.ts) calls it together with the peers'.
 */
export function registerOptimizers(): void {
  for (const cls of [GeN, AdamW, SGDW]) tf.serialization.registerClass(cls);
}
