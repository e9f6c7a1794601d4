#!/usr/bin/env node
// gen-bench's entry point. `--help` (or no command) is answered from cli/args.ts alone, without
// loading TensorFlow.js and the benchmark (~0.6 s of imports): help appears at once. Everything
// else, including help mixed with options main must validate, goes to cli/main.ts.
import { HELP, parseCli } from './args.js';

function helpOnly(argv: string[]): string | null {
  try {
    const o = parseCli(argv, { tasks: [], optimizers: [] });
    return o.command === 'help' ? 'help' : null;
  } catch {
    return null;
  }
}

if (helpOnly(process.argv.slice(2)) !== null) {
  process.stdout.write(HELP);
} else {
  await import('./main.js');
}
