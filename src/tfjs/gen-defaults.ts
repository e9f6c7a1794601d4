import { resolveGeNOptions, type GeNOptions } from './gen-options.js';

/** Defaults of {@link GeNOptions}: what `new GeN(base)` resolves its options to (frozen). */
export const GEN_DEFAULTS: Readonly<GeNOptions> = /* @__PURE__ */ resolveGeNOptions();
