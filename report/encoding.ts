// One visual encoding per concept, shared by every figure of the report: colour says which method
// family a line belongs to (GeN over a base, the tuned grid of a base, each peer), the stroke says
// which GeN variant it is (defaults, cosine horizon, the paper's probes, the official code's probes),
// and each `StepInfo.reason` has one colour on every task. Everything is keyed on record fields and
// registry names, never on position, so the same thing looks the same wherever it is drawn.
import { STEP_REASONS, type StepReason } from '../src/index.js';
import { baseTitle, genVariant, type Entry } from './analyze.js';

/** GeN's variants as the benchmark runs them (bench/optimizers.ts `GenProbe` plus the horizon). */
export type Variant = 'defaults' | 'anytime' | 'horizon' | 'paper' | 'official' | 'lr0';

/** Stroke dash per variant, as Vega's `strokeDash` arrays (empty = solid). */
export const VARIANT_DASH: Record<Variant, number[]> = {
  defaults: [],
  anytime: [4, 2],
  horizon: [7, 3],
  paper: [2, 2],
  official: [8, 3, 2, 3],
  lr0: [1, 3],
};

/** What each variant means, for legends and captions. */
export const VARIANT_TEXT: Record<Variant, string> = {
  defaults: 'library defaults, run length known',
  anytime: 'anytime mode (no horizon)',
  horizon: 'with a horizon of a given shape',
  paper: "the paper's probes (current direction, own batch)",
  official: "the official code's semantics (fresh-batch probes)",
  lr0: 'another initial lr',
};

/** The variant of an entry; every non-GeN entry counts as 'defaults' (it has one line style). */
export function variantOf(e: Pick<Entry, 'kind' | 'config'>): Variant {
  if (e.kind !== 'gen' || !e.config) return 'defaults';
  const v = genVariant(e.config);
  if (v.probe === 'current') return 'paper';
  if (v.probe === 'next') return 'official';
  if (v.lr !== null) return 'lr0';
  if (v.horizon === 'none') return 'anytime';
  return v.horizon === 'run-length' || v.horizon === null ? 'defaults' : 'horizon';
}

/** The method family of an entry: the legend's colour entries. */
export function familyOf(e: Pick<Entry, 'kind' | 'base' | 'label'>): string {
  if (e.kind === 'gen') return `GeN-${baseTitle(e.base)}`;
  if (e.kind === 'grid-best' || e.kind === 'grid-median') return `tuned ${baseTitle(e.base)} grid`;
  return e.label;
}

/**
 * Fixed colours: GeN in saturated red (AdamW) and blue (SGD), each base's tuned grid in a lighter
 * tone of the same hue, so "GeN vs the grid of its base" reads as dark vs light of one colour.
 * Peers get colours by registry name (bench/optimizers.ts), so a peer has one colour on every task.
 */
const FAMILY_COLORS: Record<string, string> = {
  'GeN-AdamW': '#c62828',
  'GeN-SGD': '#1f4e9c',
  'tuned AdamW grid': '#f4a261',
  'tuned SGD grid': '#7fb3d5',
};
const PEER_COLORS: Record<string, string> = {
  prodigy: '#2ca02c',
  'dadapt-adam': '#9467bd',
  'dadapt-sgd': '#8c564b',
  dog: '#e377c2',
  ldog: '#7f7f7f',
  'schedule-free-adamw': '#bcbd22',
  sls: '#17becf',
  'schedule-free-plus': '#393b79',
};
const SPARE = ['#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd', '#e6550d'];

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

/** The colour of an entry's family (a peer by its registry name; an unknown peer by a hash of it). */
export function colorOf(e: Pick<Entry, 'kind' | 'base' | 'label' | 'optimizer'>): string {
  const family = familyOf(e);
  if (FAMILY_COLORS[family]) return FAMILY_COLORS[family];
  return PEER_COLORS[e.optimizer] ?? SPARE[hash(e.optimizer) % SPARE.length];
}

/**
 * One colour per `StepInfo.reason`, the same on every task: accepted fits in greens, refusals in
 * warm colours, carried-over steps in pale blue. Keyed by name (a `Record` over `StepReason`, so a new
 * reason does not compile until it has a colour).
 */
export const REASON_COLORS: Readonly<Record<StepReason, string>> = {
  ok: '#2e7d32',
  clipped: '#81c784',
  not_descent: '#d32f2f',
  nonconvex: '#ff8f00',
  poor_fit: '#8e24aa',
  off_parabola: '#c2185b',
  insignificant: '#90a4ae',
  nonfinite: '#000000',
  skipped: '#bbdefb',
  no_closure: '#795548',
  rolled_back: '#5d4037',
  spike: '#e91e63',
};

/** The reasons in their fixed order (src/core/reasons.ts), for a colour scale's domain. */
export const REASON_ORDER: readonly StepReason[] = STEP_REASONS;

/** The caption that says what the line styles and colours mean (the same words the legends use). */
export const ENCODING_CAPTION =
  'Colour: method family (GeN-AdamW dark red, GeN-SGD dark blue, the tuned grid of each base a light tone of ' +
  'the same hue, each peer its own colour on every task). Line style: the GeN variant — solid: ' +
  `${VARIANT_TEXT.defaults}; short dashes: ${VARIANT_TEXT.anytime}; dashed: ${VARIANT_TEXT.horizon}; dotted: ${VARIANT_TEXT.paper}; dash-dot: ${VARIANT_TEXT.official}. ` +
  'Grids and peers are solid. Seed 0 of each entry; ✕ marks the step where a run diverged (its line is left ' +
  'out of the axis range).';
