// The command line of the vendored mnist-node script (main.ts): the original's three argparse flags
// (`argparse` is not installed here) with the same defaults, plus the benchmark's. Not vendored code.

/** The prefix of the --json line, for the runner (bench/mnist-node/run.ts) to find it. */
export const JSON_PREFIX = 'mnist-node result: ';

/** The flags of the original's argparse parser, plus the benchmark's (main.ts, change (c)). */
export interface MainArgs {
  epochs: number;
  batch_size: number;
  model_save_path?: string;
  num_train?: number;
  num_test?: number;
  setup_backend: boolean;
  json: boolean;
}

const INT_FLAGS = ['epochs', 'batch_size', 'num_train', 'num_test'] as const;
const BOOLEAN_FLAGS = ['setup_backend', 'json'] as const;

/**
 * Parses `--name value`, `--name=value` and the boolean `--name`.
 * @throws {Error} an unknown flag, a missing value, or a value that is not a positive integer.
 */
export function parseArgs(argv: readonly string[]): MainArgs {
  const args: MainArgs = { epochs: 20, batch_size: 128, setup_backend: false, json: false };
  const known = [...INT_FLAGS, ...BOOLEAN_FLAGS, 'model_save_path'].map((f) => `--${f}`).join(', ');
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const name = flag.replace(/^--/, '');
    if (!flag.startsWith('--') || ![...INT_FLAGS, ...BOOLEAN_FLAGS, 'model_save_path'].includes(name)) {
      throw new Error(`mnist-node: unknown argument '${argv[i]}' (allowed: ${known})`);
    }
    if ((BOOLEAN_FLAGS as readonly string[]).includes(name)) {
      if (inline !== undefined) throw new Error(`mnist-node: --${name} takes no value (got '${inline}')`);
      args[name as (typeof BOOLEAN_FLAGS)[number]] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`mnist-node: --${name} needs a value`);
    if (name === 'model_save_path') {
      args.model_save_path = value;
      continue;
    }
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`mnist-node: --${name} must be a positive integer (got '${value}')`);
    }
    args[name as (typeof INT_FLAGS)[number]] = n;
  }
  return args;
}
