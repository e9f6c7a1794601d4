import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { GeN, SGDW } from '../src/index.js';
import { normals, useCpu } from './helpers.js';

before(useCpu);

/**
 * Full-batch logistic regression. The exact optimal step along D = −g is
 * x* = −GᵀD / DᵀHD = gᵀg / gᵀHg, with Hg from a nested tf.grad (a Hessian-vector product).
 * GeN's 3-point estimate has error O(h²) in the probe distance h.
 */
test('the 3-point estimate matches the exact Gᵀd/dᵀHd from a Hessian-vector product, with O(h²) error', () => {
  const n = 256,
    d = 6;
  const X = tf.tensor2d(normals(n * d, 3), [n, d]);
  const trueW = tf.tensor1d(normals(d, 4));
  const y = tf.tidy(() => tf.cast(tf.greater(tf.matMul(X, tf.reshape(trueW, [d, 1])), 0), 'float32'));
  const w0 = tf.tensor1d(normals(d, 5).map((v) => 0.3 * v));
  // mean(softplus(z) − y·z), z = Xw: written out so that it is twice differentiable in tfjs.
  const lossAt = (w: tf.Tensor) => {
    const z = tf.matMul(X, tf.reshape(w, [d, 1]));
    return tf.mean(tf.sub(tf.softplus(z), tf.mul(y, z))) as tf.Scalar;
  };

  const [gg, gHg] = tf.tidy(() => {
    const g = tf.grad(lossAt)(w0);
    const hg = tf.grad((w: tf.Tensor) => tf.sum(tf.mul(tf.grad(lossAt)(w), g)))(w0);
    return [tf.sum(tf.mul(g, g)).dataSync()[0], tf.sum(tf.mul(g, hg)).dataSync()[0]];
  });
  const exact = gg / gHg;

  const estimate = (h: number) => {
    const w = tf.variable(w0.clone(), true, `w_hvp_${h}_${Math.random()}`);
    const opt = new GeN(new SGDW(), {
      initialLr: h,
      smoothing: 0,
      every: 1,
      clip: null,
      calibrate: false,
      probeDirection: 'current',
      slope: 'fitted',
    });
    opt.minimize(() => lossAt(w));
    const info = opt.lastStep!;
    assert.equal(info.reason, 'ok');
    opt.dispose();
    w.dispose();
    return info.proposedLr;
  };

  const small = estimate(exact / 16);
  assert.ok(Math.abs(small - exact) / exact < 1e-3, `at h = x*/16: ${small} vs exact ${exact}`);

  const errors = [exact * 2, exact].map((h) => Math.abs(estimate(h) - exact));
  const ratio = errors[0] / errors[1];
  assert.ok(ratio > 3 && ratio < 5, `halving h should cut the error ~4×: errors ${errors.join(', ')}, ratio ${ratio}`);
  tf.dispose([X, trueW, y, w0]);
});
