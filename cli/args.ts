// Command-line parsing for gen-bench: subcommand, options, validation with messages that name the
// option, the value and what is allowed.
import { parseArgs } from 'node:util';
import { localResults } from '../report/paths.js';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const COMMANDS = ['run', 'report', 'list', 'overhead', 'help'] as const;
export type Command = (typeof COMMANDS)[number];

export interface CliOptions {
  command: Command;
  tasks: string[] | null;
  optimizers: string[] | null;
  seeds: number | null;
  steps: number | null;
  /** Worker processes for `run` (null: quick 1, full the number of cores). */
  jobs: number | null;
  mode: 'quick' | 'full';
  out: string;
  /** `--report-dir`; null: report picks out/report/<suite>, or docs/report/<suite> with --publish. */
  report: string | null;
  /** `report --from FILE`: the results to build from (default --out). */
  from: string | null;
  /** `report --publish`: results gzip-compressed to docs/results/, the report to docs/report/. */
  publish: boolean;
  resume: boolean;
  robustness: boolean;
  overhead: boolean;
  png: boolean;
  help: boolean;
}

export const HELP = `gen-bench: GeN against tuned learning rates on real data

Usage:
  gen-bench <command> [options]

Commands:
  list                 list tasks and optimizers (and whether their data/implementation is present)
  run                  run the suite, appending one JSON line per finished run to --out
  overhead             measure GeN's per-step overhead at every = 1, 4, 8 (also part of run)
  report               build the HTML report, Markdown summary and PNG plots from --out
  help                 show this help

Options:
  --tasks a,b          tasks to run (default: quick: the tasks whose data comes with npm; full: all)
  --optimizers a,b     optimizers to run (default: gen-adamw,gen-sgd,gen-adamw-cosine,gen-sgd-cosine,
                       adamw-grid,sgd-grid + available peers;
                       full mode adds gen-adamw-next,gen-sgd-next,gen-adamw-current,gen-sgd-current)
  --seeds N            seeds for GeN, peers and each grid's best config (default quick 1, full 3)
  --steps N            step budget per run, overriding each task's
  --jobs N             worker processes, one task each at a time (default quick 1, full: the number
                       of cores); the parent alone writes --out, so resume works the same
  --quick              quick suite (default): few steps, cosine-only grids, ~5 minutes on 2 cores
  --full               full suite: all tasks, grids over 3 schedules, 3 seeds, robustness table
  --out FILE           results file, JSON lines (default out/results/quick.jsonl or out/results/full.jsonl;
                       out/ is git-ignored). One process writes a file at a time (lock file FILE.lock)
  --from FILE          report: the results to build from (default --out; .jsonl or .jsonl.gz)
  --publish            report: also write the results gzip-compressed to docs/results/<suite>.jsonl.gz
                       and the report to docs/report/<suite>/ (committed; rebuild it with
                       report --from docs/results/<suite>.jsonl.gz --publish)
  --report-dir DIR     where report writes (default out/report/<suite>, or docs/report/<suite> with --publish)
  --resume             skip runs already in --out (default: on; --no-resume starts a fresh file)
  --no-robustness      skip the initial-lr robustness runs (quick: first task only; full: every task)
  --no-overhead        skip the overhead measurement in run
  --no-png             report: skip the PNG rendering (needs /usr/bin/chromium)
  -h, --help           show this help

Examples:
  gen-bench run --quick && gen-bench report
  gen-bench run --full && gen-bench report --full --publish
  gen-bench report --from docs/results/full.jsonl.gz --publish
  gen-bench run --full --resume
  gen-bench run --tasks mnist-mlp --optimizers gen-adamw,adamw-grid --steps 200
`;

function positiveInt(name: string, v: string | undefined, max: number): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n < 1 || n > max) {
    throw new UsageError(`option --${name}: expected an integer from 1 to ${max}; got '${v}'`);
  }
  return n;
}

function list(name: string, v: string | undefined, allowed: readonly string[]): string[] | null {
  if (v === undefined) return null;
  const items = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0)
    throw new UsageError(
      `option --${name}: expected a comma-separated list; got '${v}'. Allowed: ${allowed.join(', ')}`,
    );
  const bad = items.filter((s) => !allowed.includes(s));
  if (bad.length)
    throw new UsageError(
      `option --${name}: unknown ${bad.map((b) => `'${b}'`).join(', ')}. Allowed: ${allowed.join(', ')}`,
    );
  return items;
}

/** Parses argv (without node and script). @throws {UsageError} for bad input. */
export function parseCli(
  argv: string[],
  known: { tasks: readonly string[]; optimizers: readonly string[] },
): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        tasks: { type: 'string' },
        optimizers: { type: 'string' },
        seeds: { type: 'string' },
        steps: { type: 'string' },
        jobs: { type: 'string' },
        quick: { type: 'boolean' },
        full: { type: 'boolean' },
        out: { type: 'string' },
        from: { type: 'string' },
        publish: { type: 'boolean' },
        'report-dir': { type: 'string' },
        resume: { type: 'boolean' },
        'no-resume': { type: 'boolean' },
        'no-robustness': { type: 'boolean' },
        'no-overhead': { type: 'boolean' },
        'no-png': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(
      `${(e as Error).message.replace(/\s*To specify.*$/s, '')}. Run 'gen-bench --help' for the options.`,
    );
  }
  const { values: v, positionals } = parsed;
  const help = v.help === true;
  const command = (positionals[0] ?? 'help') as Command;
  if (!COMMANDS.includes(command))
    throw new UsageError(`unknown command '${positionals[0]}'; allowed: ${COMMANDS.join(', ')}`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}' after '${command}'`);
  if (v.quick && v.full) throw new UsageError('options --quick and --full exclude each other; pass one');
  if (v.resume && v['no-resume']) throw new UsageError('options --resume and --no-resume exclude each other; pass one');
  if (v.from !== undefined && v.out !== undefined)
    throw new UsageError('options --from and --out both name the results report reads; pass one');
  if ((v.from !== undefined || v.publish) && command !== 'report')
    throw new UsageError(`options --from and --publish belong to 'report'; got them with '${command}'`);
  const mode = v.full ? 'full' : 'quick';
  return {
    command: help ? 'help' : command,
    tasks: list('tasks', v.tasks, known.tasks),
    optimizers: list('optimizers', v.optimizers, known.optimizers),
    seeds: positiveInt('seeds', v.seeds, 100),
    steps: positiveInt('steps', v.steps, 1_000_000),
    jobs: positiveInt('jobs', v.jobs, 64),
    mode,
    out: v.out ?? localResults(mode),
    report: v['report-dir'] ?? null,
    from: v.from ?? null,
    publish: v.publish === true,
    resume: v['no-resume'] !== true,
    robustness: v['no-robustness'] !== true,
    overhead: v['no-overhead'] !== true,
    png: v['no-png'] !== true,
    help,
  };
}
