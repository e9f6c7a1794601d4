// Time to first output of a command: spawns it `--runs` times (default 15) and reports the median,
// minimum and maximum milliseconds from spawn to the first byte on stdout (then the process is
// left to finish). Defaults to the built bin's help, `node dist/cli/bin.js --help`.
//
//   node scripts/startup-time.mjs [--runs N] [--json] [-- command args…]
import { spawn } from 'node:child_process';

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = dash < 0 ? argv : argv.slice(0, dash);
const command = dash < 0 ? [process.execPath, 'dist/cli/bin.js', '--help'] : argv.slice(dash + 1);
const runsAt = own.indexOf('--runs');
const runs = runsAt < 0 ? 15 : Number(own[runsAt + 1]);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`startup-time: --runs must be a positive integer; got ${own[runsAt + 1]}\n`);
  process.exit(2);
}

function once() {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    let first = null;
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', () => {
      first ??= Number(process.hrtime.bigint() - t0) / 1e6;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${command.join(' ')} exited with ${code}`));
      else if (first === null) reject(new Error(`${command.join(' ')} printed nothing`));
      else resolve(first);
    });
  });
}

const times = [];
for (let i = 0; i < runs; i++) times.push(await once());
times.sort((a, b) => a - b);
const median = runs % 2 ? times[(runs - 1) / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
const result = { command: command.join(' '), runs, medianMs: median, minMs: times[0], maxMs: times[runs - 1] };
if (own.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
else
  process.stdout.write(
    `${result.command}: time to first output, median ${median.toFixed(0)} ms over ${runs} runs (min ${times[0].toFixed(0)}, max ${times[runs - 1].toFixed(0)})\n`,
  );
