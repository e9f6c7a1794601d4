// GeN's per-step finiteness check (src/tfjs/probe.ts `readLoss`): Σ‖g‖², the loss and, given a direction, the
// gradient's slope along it in one readback, on `cpu` and on `wasm` with our kernels. A gradient whose square overflows float32 counts as not
// finite (no optimizer can use it: docs/reliability.md).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readLoss } from '../../src/tfjs/probe.js';
import { bothBackends, tf } from './helpers.js';

before(bothBackends);

/** readLoss on fresh tensors, with the number of readbacks it made. */
function run(
  loss: number | null,
  gradients: number[][],
  along: number[][] | null = null,
): { loss: number; finite: boolean; gradSquares: number; gradientSlope: number; readbacks: number } {
  const value = loss === null ? null : tf.scalar(loss);
  const gs = gradients.map((g) => tf.tensor1d(g));
  const ds = along?.map((d) => tf.tensor1d(d)) ?? null;
  const proto = tf.Tensor.prototype;
  const real = proto.dataSync;
  let readbacks = 0;
  proto.dataSync = function (this: tf.Tensor) {
    readbacks++;
    return real.call(this);
  } as typeof real;
  try {
    return { ...readLoss(value as tf.Scalar | null, gs, ds), readbacks };
  } finally {
    proto.dataSync = real;
    tf.dispose([...(value ? [value] : []), ...gs, ...(ds ?? [])]);
  }
}

for (const backend of ['cpu', 'wasm']) {
  describe(`readLoss on ${backend}`, () => {
    before(() => tf.setBackend(backend));

    test('finite loss and gradients are finite, in one readback, and the loss is read back exactly', () => {
      const r = run(1.25, [
        [1, -2, 3],
        [0.5, 2],
      ]);
      assert.deepEqual(r, { loss: 1.25, finite: true, gradSquares: 18.25, gradientSlope: NaN, readbacks: 1 });
    });

    test("with a direction, the gradient's slope a_g = −Σ g·D comes in the same readback, exactly", () => {
      const grads = [
        [1, -2, 3],
        [0.5, 2],
      ];
      const along = [
        [2, 1, -1],
        [4, 0.25],
      ];
      // Σ g·D = (2 − 2 − 3) + (2 + 0.5) = −0.5
      const r = run(1.25, grads, along);
      assert.deepEqual(r, { loss: 1.25, finite: true, gradSquares: 18.25, gradientSlope: 0.5, readbacks: 1 });
    });

    test('a NaN, +∞ or −∞ entry in any gradient is not finite', () => {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const r = run(0.5, [
          [1, 2],
          [3, bad, 4],
        ]);
        assert.equal(r.finite, false, `entry ${bad}`);
        assert.equal(r.loss, 0.5);
      }
    });

    test('+∞ in one gradient and −∞ in another (their sum is NaN) is not finite', () => {
      assert.equal(run(0.5, [[Infinity], [-Infinity]]).finite, false);
    });

    test('a finite gradient whose square overflows float32 is not finite, still in one readback', () => {
      const r = run(2, [[1e30, 1]]);
      assert.equal(r.finite, false);
      assert.equal(r.readbacks, 1);
    });

    test('a non-finite loss is not finite; without a loss only the gradients count and the loss is NaN', () => {
      assert.equal(run(NaN, [[1]]).finite, false);
      assert.equal(run(Infinity, [[1]]).finite, false);
      const none = run(null, [[1, 2]]);
      assert.ok(Number.isNaN(none.loss));
      assert.equal(none.finite, true);
      assert.equal(run(null, [[1, NaN]]).finite, false);
      assert.equal(run(null, []).finite, true);
    });

    test('leaves no tensor behind, on either path', () => {
      const before = tf.memory().numTensors;
      run(1, [[1, 2, 3]]);
      run(1, [[3e38, 3e38]]);
      run(1, [[NaN]]);
      assert.equal(tf.memory().numTensors, before);
    });
  });
}
