import * as tf from '@tensorflow/tfjs-core';

/**
 * A restorable picture of an optimizer's state, taken before a step so that a step that throws
 * can be undone exactly (see {@link StateSnapshot.capture}).
 *
 * An optimizer (tfjs's or this library's) keeps its state in plain fields: numbers (the iteration
 * count, host-side scalars), arrays and small objects (slot lists), and `tf.Variable`s (moments,
 * Adam's β powers). The snapshot walks that object graph once, copies every field shallowly and
 * keeps a zero-copy reference to every variable's value: `Variable.assign` swaps the buffer a
 * variable points to and never mutates one, so the reference stays bit-exact while the step
 * writes. Frozen objects (resolved options) and functions are not state and are skipped.
 * Cost: no tensor is copied; the old buffers live until {@link StateSnapshot.release}.
 */
export class StateSnapshot {
  private constructor(
    private readonly fields: Map<object, unknown[] | Record<PropertyKey, unknown>>,
    private readonly values: Map<tf.Variable, tf.Tensor>,
    private readonly registered: ReadonlySet<tf.Variable>,
  ) {}

  /** Captures the state reachable from `roots`. Release or restore it exactly once. */
  static capture(roots: readonly object[]): StateSnapshot {
    const fields = new Map<object, unknown[] | Record<PropertyKey, unknown>>();
    const values = new Map<tf.Variable, tf.Tensor>();
    const visit = (x: unknown): void => {
      if (x instanceof tf.Variable) {
        if (!x.isDisposed && !values.has(x)) values.set(x, tf.keep(tf.reshape(x, x.shape)));
        return;
      }
      if (!isState(x) || fields.has(x)) return;
      if (Array.isArray(x)) {
        fields.set(x, x.slice());
        x.forEach(visit);
      } else {
        const copy: Record<PropertyKey, unknown> = {};
        for (const k of Object.keys(x)) copy[k] = (x as Record<string, unknown>)[k];
        fields.set(x, copy);
        Object.values(copy).forEach(visit);
      }
    };
    roots.forEach(visit);
    return new StateSnapshot(fields, values, new Set(Object.values(tf.engine().registeredVariables)));
  }

  /**
   * Puts every field and variable value back as captured, disposes the variables the step
   * created meanwhile (lazily made slots), and releases the snapshot.
   */
  restore(): void {
    const created = new Set<tf.Variable>();
    const collect = (x: unknown, seen: Set<object>): void => {
      if (x instanceof tf.Variable) {
        // Only variables that did not exist before: the step may also have started to track the
        // model's own weights (a reference to them is state, the weights are not the optimizer's).
        if (!this.registered.has(x) && !x.isDisposed) created.add(x);
        return;
      }
      if (!isState(x) || seen.has(x)) return;
      seen.add(x);
      Object.values(x).forEach((v) => collect(v, seen));
    };
    const seen = new Set<object>();
    for (const o of this.fields.keys()) collect(o, seen);
    for (const [o, saved] of this.fields) {
      if (Array.isArray(o)) {
        o.length = 0;
        o.push(...(saved as unknown[]));
      } else {
        for (const k of Object.keys(o)) if (!(k in (saved as object))) delete (o as Record<string, unknown>)[k];
        for (const [k, v] of Object.entries(saved as object)) {
          // A constant tensor the step replaced and disposed (tf.train.sgd's −lr scalar, reset by
          // setLearningRate) cannot come back; the replacement holds the same value and stays.
          if (v instanceof tf.Tensor && !(v instanceof tf.Variable) && v.isDisposed) continue;
          (o as Record<string, unknown>)[k] = v;
        }
      }
    }
    for (const [v, old] of this.values) if (!v.isDisposed) v.assign(old);
    for (const v of created) v.dispose();
    this.release();
  }

  /** Drops the references (the step is committed). */
  release(): void {
    tf.dispose([...this.values.values()]);
    this.values.clear();
    this.fields.clear();
  }
}

/** Whether `x` is an object whose fields are optimizer state (not a tensor, option set, function or host object). */
function isState(x: unknown): x is object {
  if (x === null || typeof x !== 'object' || x instanceof tf.Tensor || Object.isFrozen(x)) return false;
  if (ArrayBuffer.isView(x) || x instanceof Map || x instanceof Set || x instanceof Promise) return false;
  return true;
}
