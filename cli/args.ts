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
  /** The initial-lr robustness runs: on for the default optimizers, off with --optimizers unless --robustness. */
  robustness: boolean;
  /**
   * The overhead measurement after `run`. 'auto' (the default suite): measured when this call ran
   * something or --out has no measurement yet; 'on' (--overhead): always; 'off' (--no-overhead, or
   * --optimizers without --overhead): never.
   */
  overhead: 'auto' | 'on' | 'off';
  png: boolean;
  help: boolean;
}

/** The GeN variants and grids `run` runs without --optimizers (peers are added: every one available). */
export const DEFAULT_OPTIMIZERS = Object.freeze({
  always: ['gen-adamw', 'gen-sgd', 'gen-adamw-anytime', 'gen-sgd-anytime', 'adamw-grid', 'sgd-grid'],
  full: ['gen-adamw-official', 'gen-sgd-official'],
} as const);

export const HELP = `gen-bench: GeN against tuned learning rates on real data

Usage:
  gen-bench <command> [options]

Commands:
  list                 list tasks and optimizers (and whether their data/implementation is present)
  run                  run the suite, appending one JSON line per finished run to --out
  overhead             measure GeN's per-step overhead at every = 1, 4, 8 (also part of the default run)
  report               build the HTML report, Markdown summary and PNG figures from --out
  help                 show this help

Options:
  --tasks a,b          tasks to run (default: quick: the tasks whose data comes with npm; full: all)
  --optimizers a,b     optimizers to run, and only those. Default: ${DEFAULT_OPTIMIZERS.always.slice(0, 2).join(', ')},
                       ${DEFAULT_OPTIMIZERS.always.slice(2, 4).join(', ')},
                       ${DEFAULT_OPTIMIZERS.always.slice(4).join(', ')} and every available peer; full mode adds
                       ${DEFAULT_OPTIMIZERS.full.join(', ')}. With --optimizers
                       the extras (robustness runs, overhead) run only if asked: --robustness, --overhead
  --seeds N            seeds for GeN, peers and each grid's best config (default quick 1, full 3)
  --steps N            step budget per run, overriding each task's
  --jobs N             worker processes, one task each at a time, the longest tasks first (default
                       quick 1, full: the number of cores); the parent alone writes --out, so resume
                       works the same
  --quick              quick suite (default): few steps, cosine-only grids, ~10 minutes on 2 cores
  --full               full suite: all tasks, grids over 3 schedules, 3 seeds, robustness table
  --out FILE           results file, JSON lines (default out/results/quick.jsonl or out/results/full.jsonl;
                       out/ is git-ignored). One process writes a file at a time (lock file FILE.lock)
  --from FILE          report: the results to build from (default --out; .jsonl or .jsonl.gz)
  --publish            report: also write the results gzip-compressed to docs/results/<suite>.jsonl.gz
                       and the report to docs/report/<suite>/ (committed; rebuild it with
                       report --from docs/results/<suite>.jsonl.gz --publish)
  --report-dir DIR     where report writes (default out/report/<suite>, or docs/report/<suite> with --publish)
  --resume             skip runs already in --out (default: on; --no-resume starts a fresh file)
  --robustness         run the initial-lr robustness runs of GeN-AdamW and GeN-SGD (default: on without
                       --optimizers; quick: first task only; full: every task); --no-robustness skips them
  --overhead           measure the overhead after run (default without --optimizers: only when the run did
                       something or --out has no measurement yet); --no-overhead never
  --no-png             report: skip the PNG figures (rendered in Node with resvg; no browser needed)
  -h, --help           show this help

Progress: one line on a terminal (label cut to fit, numbers kept), plain lines otherwise. ETA: median
seconds per step of this task's finished runs × the steps left in the phase ('ETA ?' before a run has
finished, 'ETA >…' while some task of the phase has none). Ctrl-C stops once the current run's record is
written (a run is not interruptible half-way) and prints the command that resumes.

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
        robustness: { type: 'boolean' },
        'no-robustness': { type: 'boolean' },
        overhead: { type: 'boolean' },
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
  for (const f of ['robustness', 'overhead'] as const)
    if (v[f] && v[`no-${f}`]) throw new UsageError(`options --${f} and --no-${f} exclude each other; pass one`);
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
    robustness: v['no-robustness'] ? false : v.robustness === true || v.optimizers === undefined,
    overhead: v['no-overhead'] ? 'off' : v.overhead ? 'on' : v.optimizers === undefined ? 'auto' : 'off',
    png: v['no-png'] !== true,
    help,
  };
}
