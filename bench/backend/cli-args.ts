// The command line of the backend benchmark scripts: `--name value` pairs and bare flags.
export const args = process.argv.slice(2);

/** The value after `--name`, or undefined when the flag is absent. */
export function argValue(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
