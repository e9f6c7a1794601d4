import { registerPeerOptimizers } from './peers/register.js';
import { registerOptimizers as registerBaseOptimizers } from './tfjs/register.js';

/**
 * Registers every optimizer of this package (GeN, AdamW, SGDW and the peers in `gen-optim/peers`)
 * with tfjs serialization, so that `tf.loadLayersModel` can restore a model saved with
 * `includeOptimizer`. Importing the package registers nothing; constructing one of these optimizers
 * registers its class, which covers saving and loading in one process. Call this before loading in
 * a process that has not constructed the optimizer being loaded. Idempotent.
 */
export function registerOptimizers(): void {
  registerBaseOptimizers();
  registerPeerOptimizers();
}
