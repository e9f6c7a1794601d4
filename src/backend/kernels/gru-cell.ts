/**
 * tfjs-layers' `GRUCell` on the fused gate kernels (gru-gates.ts) whenever they can serve it, as
 * lstm-cell.ts does for `LSTMCell` (same conditions: kernels registered for the active backend,
 * no dropout, `tanh` with `hardSigmoid` or `sigmoid` gates, rank-2 float32 inputs). A step is
 *
 *     mx = x·W + b,  mi = h₋·U₁,  rh = GRU_A(mx, mi, h₋),  rec = rh·U₂,  h = GRU_B(mx, mi, h₋, rec),
 *
 * the stock step's arithmetic in the stock order (U = [U₁ | U₂] split at 2·units columns).
 */
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { GRU_A, GRU_B, registerGruGatesGradients } from './gru-gates.js';
import { fusedGateMode, layerClass, type GatedCell } from './lstm-cell.js';

interface GruCellLike extends GatedCell {
  units: number;
  useBias: boolean;
  kernel: { read(): tfc.Tensor };
  recurrentKernel: { read(): tfc.Tensor };
  bias: { read(): tfc.Tensor } | null;
  call(inputs: tfc.Tensor | tfc.Tensor[], kwargs: Record<string, unknown>): tfc.Tensor | tfc.Tensor[];
}

const WRAPPED = Symbol.for('gen-optim.backend.fusedGruCell');

/** Routes `GRUCell` steps through the fused kernels where they apply (idempotent). */
export function installFusedGruCell(): void {
  const cls = layerClass<GruCellLike>('GRUCell');
  if (cls === undefined) return;
  const proto = cls.prototype as GruCellLike & { [WRAPPED]?: boolean };
  if (proto[WRAPPED]) return;
  registerGruGatesGradients();
  const stock = proto.call;
  proto.call = function (this: GruCellLike, inputs, kwargs) {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const mode = fusedGateMode(this, list, GRU_A, 2);
    if (mode === null) return stock.call(this, inputs, kwargs);
    return tfc.tidy(() => {
      const [x, h] = list;
      const b = this.useBias && this.bias !== null ? this.bias.read() : undefined;
      const mx = tfc.fused.matMul({ a: x, b: this.kernel.read(), bias: b });
      const [u1, u2] = tfc.split(this.recurrentKernel.read(), [2 * this.units, this.units], 1);
      const mi = tfc.matMul(h, u1);
      const rh = tfc.engine().runKernel(GRU_A, { mx, mi, h }, { mode }) as tfc.Tensor;
      const rec = tfc.matMul(rh, u2);
      const next = tfc.engine().runKernel(GRU_B, { mx, mi, h, rec }, { mode }) as tfc.Tensor;
      return [next, next];
    });
  };
  proto[WRAPPED] = true;
}
