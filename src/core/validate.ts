/**
 * One message template for every invalid option in the library:
 *     "<Owner>: option '<name>' must be <what is allowed>; got <value>."
 * Wrong types throw TypeError, values out of range RangeError.
 */

/** Formats a user value for an error message (strings quoted, arrays and objects as JSON). */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number' || value === undefined || value === null) return String(value);
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
  } catch {
    return String(value);
  }
}

function fail(
  Kind: typeof TypeError | typeof RangeError,
  owner: string,
  name: string,
  what: string,
  value: unknown,
): never {
  throw new Kind(`${owner}: option '${name}' must be ${what}; got ${formatValue(value)}.`);
}

/** Rejects keys that are not options (catches typos such as `learningRate` for `lr`). */
export function assertKnownKeys(owner: string, given: object | undefined | null, allowed: readonly string[]): void {
  if (given === undefined) return;
  if (!isPlainObject(given)) {
    throw new TypeError(
      `${owner}: options must be a plain object such as { ... } (or omitted); got ${describeKind(given)}.`,
    );
  }
  for (const key of Object.keys(given)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${owner}: unknown option '${key}'. Allowed options: ${allowed.join(', ')}.`);
    }
  }
}

/** Whether `v` is an object literal (prototype Object.prototype or null): not null, an array, a Map or a class instance. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describeKind(v: unknown): string {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const name = (Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null)?.constructor?.name;
    if (name) return `a ${name}`;
  }
  return formatValue(v);
}

/** Bounds for {@link checkNumber}. */
export interface NumberBounds {
  min?: number;
  max?: number;
  /** Exclude `min` itself (default false). */
  minExclusive?: boolean;
  /** Exclude `max` itself (default false). */
  maxExclusive?: boolean;
  integer?: boolean;
  /** Allow +Infinity (default false). */
  allowInfinity?: boolean;
}

function describeBounds(b: NumberBounds): string {
  const parts: string[] = [b.integer ? 'an integer' : 'a number'];
  if (b.min !== undefined) parts.push(`${b.minExclusive ? '>' : '>='} ${b.min}`);
  if (b.max !== undefined) parts.push(`${b.maxExclusive ? '<' : '<='} ${b.max}`);
  return parts.join(' ').replace(/(>=? \S+) (<)/, '$1 and $2');
}

/** Checks that `value` is a number within `bounds`; returns it. */
export function checkNumber(owner: string, name: string, value: unknown, bounds: NumberBounds = {}): number {
  const what = describeBounds(bounds);
  if (typeof value !== 'number') fail(TypeError, owner, name, what, value);
  const v = value as number;
  if (Number.isNaN(v) || (!Number.isFinite(v) && !(bounds.allowInfinity && v === Infinity))) {
    fail(RangeError, owner, name, `${what}${bounds.allowInfinity ? '' : ' (finite)'}`, v);
  }
  if (bounds.integer && !Number.isInteger(v) && v !== Infinity) fail(RangeError, owner, name, what, v);
  if (bounds.min !== undefined && (bounds.minExclusive ? v <= bounds.min : v < bounds.min))
    fail(RangeError, owner, name, what, v);
  if (bounds.max !== undefined && (bounds.maxExclusive ? v >= bounds.max : v > bounds.max))
    fail(RangeError, owner, name, what, v);
  return v;
}

/** Checks that `value` is one of `allowed`; returns it. */
export function checkOneOf<T extends string>(owner: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(
      typeof value === 'string' ? RangeError : TypeError,
      owner,
      name,
      `one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
      value,
    );
  }
  return value as T;
}

/** Checks that `value` is a boolean; returns it. */
export function checkBoolean(owner: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(TypeError, owner, name, 'true or false', value);
  return value as boolean;
}

/** Checks that `value` is a function or null/undefined (meaning none); returns it. */
export function checkOptionalFunction<F>(owner: string, name: string, value: unknown): F | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'function') fail(TypeError, owner, name, 'a function (or null)', value);
  return value as F;
}

/** Fills defaults: every key of `defaults` missing (undefined) in `given` takes its default. */
export function withDefaults<T extends object>(defaults: T, given: Partial<T> | undefined): T {
  const out = { ...defaults };
  if (given) {
    for (const key of Object.keys(given) as (keyof T)[]) {
      if (given[key] !== undefined) out[key] = given[key] as T[keyof T];
    }
  }
  return out;
}

/** How one option is checked by {@link resolveOptions}. */
export type OptionRule =
  | ({ kind: 'number'; nullable?: boolean } & NumberBounds)
  | { kind: 'boolean' }
  | { kind: 'oneOf'; values: readonly string[] };

/**
 * Fills defaults and validates an options object against one rule per option: unknown keys are
 * rejected, every value is checked with the library's message template. Returns a frozen copy.
 * @throws {TypeError} an unknown option or a value of the wrong type.
 * @throws {RangeError} a value out of range.
 */
export function resolveOptions<T extends object>(
  owner: string,
  given: Partial<T> | undefined,
  defaults: Readonly<T>,
  rules: { readonly [K in keyof T]: OptionRule },
): Readonly<T> {
  assertKnownKeys(owner, given, Object.keys(defaults));
  const o = withDefaults(defaults as T, given);
  for (const key of Object.keys(rules) as (keyof T & string)[]) {
    const rule = rules[key];
    const value = o[key];
    if (rule.kind === 'boolean') checkBoolean(owner, key, value);
    else if (rule.kind === 'oneOf') checkOneOf(owner, key, value, rule.values);
    else if (!(rule.nullable && value === null)) checkNumber(owner, key, value, rule);
  }
  return Object.freeze(o);
}
