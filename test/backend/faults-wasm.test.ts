// The fault-injection suite of test/reliability again on `wasm`, where GeN's probe points, its
// guarded update and its Σ‖g‖² run on the fused kernels (src/backend/kernels/fused-ops.ts) and the
// Relu gradient on its own: injected NaN/∞/huge losses, gradients and probe losses and throwing
// closures, for GeN over every base and every peer, never leave a non-finite weight, nor a tensor behind on the error path or after dispose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLUS_SCALED_KERNEL, SUM_OF_SQUARES_KERNEL } from '../../src/tfjs/fused-ops.js';
import { faultInjection } from '../reliability/fault-suite.js';
import { ALL } from '../reliability/optimizers.js';
import { bothBackends, tf } from './helpers.js';

test('on wasm, injected faults never leave a non-finite weight or a tensor behind, fused kernels in use', async () => {
  await bothBackends();
  assert.equal(tf.getBackend(), 'wasm');
  for (const name of [PLUS_SCALED_KERNEL, SUM_OF_SQUARES_KERNEL]) assert.ok(tf.getKernel(name, 'wasm') !== undefined);
  const t = faultInjection(2, 40, 20261203);
  assert.equal(t.failures, 0, t.examples.join('\n'));
  assert.equal(t.counts.steps, ALL.length * 2 * 40);
  assert.ok(t.counts.thrown > 0, 'some injected throws fired');
});
