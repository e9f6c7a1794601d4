/**
 * tfjs-layers' `LSTMCell` on the fused gate kernels (lstm-gates.ts) whenever they can serve it,
 * so that a user's `tf.layers.lstm` trains faster on this backend without a change to the model.
 *
 * `LSTMCell.prototype.call` is wrapped once: a step takes the fused path when the active backend
 * has the {@link LSTM_GATES} kernel registered (i.e. `wasm` with this project's kernels), the
 * cell has no dropout, its activation is `tanh` and its recurrent activation `hardSigmoid` (the
 * default) or `sigmoid`, and the inputs are rank-2 float32. Then
 *
 *     z = h₋·U + (x·W + b)   (two fused matmuls, the first's bias the second's),
 *     [h, c] = LSTM_GATES(z, c₋),
 *
 * which is the stock step's arithmetic but for the order of the three-term sum z (the stock cell
 * adds x·W + h₋·U, then b). Any other case calls the stock `call` unchanged.
 */
import * as tfc from '@tensorflow/tfjs-core';
// Registers LSTMCell (with every layer class) in tfjs-core's serialization registry, read below.
import '@tensorflow/tfjs-layers';
import { LSTM_GATES, registerLstmGatesGradient, type GateMode } from './lstm-gates.js';

export interface Activation {
  getClassName(): string;
}

/** The fields of tfjs-layers' `LSTMCell` this path reads (internal, stable across 4.x). */
interface LstmCellLike {
  dropout: number;
  recurrentDropout: number;
  useBias: boolean;
  activation: Activation;
  recurrentActivation: Activation;
  kernel: { read(): tfc.Tensor };
  recurrentKernel: { read(): tfc.Tensor };
  bias: { read(): tfc.Tensor } | null;
  call(inputs: tfc.Tensor | tfc.Tensor[], kwargs: Record<string, unknown>): tfc.Tensor | tfc.Tensor[];
}

const WRAPPED = Symbol.for('gen-optim.backend.fusedLstmCell');

/** What {@link fusedGateMode} reads of an LSTM or GRU cell. */
export interface GatedCell {
  dropout: number;
  recurrentDropout: number;
  activation: Activation;
  recurrentActivation: Activation;
}

/**
 * The gate mode for this cell's fused step, or null when the fused kernel `kernel` cannot compute
 * it: not registered for the active backend, dropout, other activations, or `arity` rank-2
 * float32 inputs expected and not given.
 */
export function fusedGateMode(cell: GatedCell, inputs: tfc.Tensor[], kernel: string, arity: number): GateMode | null {
  if (tfc.getKernel(kernel, tfc.getBackend()) === undefined) return null;
  if (cell.dropout > 0 || cell.recurrentDropout > 0) return null;
  if (cell.activation.getClassName() !== 'tanh') return null;
  const recurrent = cell.recurrentActivation.getClassName();
  if (recurrent !== 'hardSigmoid' && recurrent !== 'sigmoid') return null;
  if (inputs.length !== arity || inputs.some((t) => t.rank !== 2 || t.dtype !== 'float32')) return null;
  return recurrent === 'hardSigmoid' ? 0 : 1;
}

/** A tfjs-layers class by name, from the serialization registry every layer registers in. */
export function layerClass<T>(name: string): { prototype: T } | undefined {
  const entry = tfc.serialization.SerializationMap.getMap().classNameMap[name];
  return entry?.[0] as unknown as { prototype: T } | undefined;
}

/**
 * Routes `LSTMCell` steps through the fused kernels where they apply (idempotent). Harmless on
 * every other backend and after `unregisterWasmKernels`: each step checks that the kernel is
 * registered for the active backend. Does nothing if tfjs-layers is not loaded.
 */
export function installFusedLstmCell(): void {
  const cls = layerClass<LstmCellLike>('LSTMCell');
  if (cls === undefined) return;
  const proto = cls.prototype as LstmCellLike & { [WRAPPED]?: boolean };
  if (proto[WRAPPED]) return;
  registerLstmGatesGradient();
  const stock = proto.call;
  proto.call = function (this: LstmCellLike, inputs, kwargs) {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const mode = fusedGateMode(this, list, LSTM_GATES, 3);
    if (mode === null) return stock.call(this, inputs, kwargs);
    return tfc.tidy(() => {
      const [x, hPrev, cPrev] = list;
      const b = this.useBias && this.bias !== null ? this.bias.read() : undefined;
      const xw = tfc.fused.matMul({ a: x, b: this.kernel.read(), bias: b });
      const z = tfc.fused.matMul({ a: hPrev, b: this.recurrentKernel.read(), bias: xw });
      const [h, c] = tfc.engine().runKernel(LSTM_GATES, { z, c: cPrev }, { mode }) as tfc.Tensor[];
      return [h, h, c];
    });
  };
  proto[WRAPPED] = true;
}
