// Command-line flags of the experiments, with errors that name the flag, the value and what is allowed.
import { parseArgs } from 'node:util';

/** A flag's value as numbers (comma-separated, or exactly one); `integer` also requires whole numbers >= 1. */
function numbers(script: string, name: string, v: string, integer: boolean, single = false): number[] {
  const xs = v.split(',').map(Number);
  const bad = xs.find((x) => !Number.isFinite(x) || (integer && (!Number.isInteger(x) || x < 1)));
  if (v.trim() === '' || bad !== undefined || (single && xs.length > 1)) {
    const what = single ? 'a whole number >= 1' : `${integer ? 'whole numbers >= 1' : 'numbers'}, comma-separated`;
    process.stderr.write(`${script}: option --${name} must be ${what}; got '${v}'\n`);
    process.exit(2);
  }
  return xs;
}

/** A flag's value as one of `allowed` per comma-separated item. */
function choices(script: string, name: string, v: string, allowed: readonly string[]): string[] {
  const xs = v.split(',');
  const bad = xs.filter((x) => !allowed.includes(x));
  if (bad.length > 0) {
    process.stderr.write(
      `${script}: option --${name}: unknown '${bad.join("', '")}'; allowed: ${allowed.join(', ')}\n`,
    );
    process.exit(2);
  }
  return xs;
}

/** Flags of one experiment: each has a default (its documented setting) and a help line. */
export type FlagSpec = Record<
  string,
  {
    default: string;
    help: string;
    kind: 'int' | 'int?' | 'ints' | 'numbers' | 'strings' | { oneOf: readonly string[] };
  }
>;

/** Parses `--name value` flags (and --help) for an experiment; prints usage and exits on bad input. */
export function experimentFlags<S extends FlagSpec>(
  script: string,
  spec: S,
): {
  [K in keyof S]: S[K]['kind'] extends 'int'
    ? number
    : S[K]['kind'] extends 'int?'
      ? number | undefined
      : S[K]['kind'] extends { oneOf: unknown } | 'strings'
        ? string[]
        : number[];
} {
  const usage = `usage: npx tsx ${script} ${Object.entries(spec)
    .map(([k, s]) => `[--${k} ${s.default || 'N'}]`)
    .join(' ')}\n${Object.entries(spec)
    .map(([k, s]) => `  --${k.padEnd(10)} ${s.help}${s.default ? ` (default ${s.default})` : ''}`)
    .join('\n')}\n`;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      options: {
        ...Object.fromEntries(Object.keys(spec).map((k) => [k, { type: 'string' as const }])),
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`${script}: ${(e as Error).message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  const out: Record<string, number | number[] | string[] | undefined> = {};
  for (const [k, s] of Object.entries(spec)) {
    const v = (values[k] as string | undefined) ?? s.default;
    if (s.kind === 'int') out[k] = numbers(script, k, v, true, true)[0];
    else if (s.kind === 'int?') out[k] = v === '' ? undefined : numbers(script, k, v, true, true)[0];
    else if (s.kind === 'ints') out[k] = numbers(script, k, v, true);
    else if (s.kind === 'numbers') out[k] = numbers(script, k, v, false);
    else if (s.kind === 'strings') out[k] = v.split(',').filter((x) => x.length > 0);
    else out[k] = choices(script, k, v, s.kind.oneOf);
  }
  return out as ReturnType<typeof experimentFlags<S>>;
}
