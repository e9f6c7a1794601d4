// The headline verdict in words, shared by the page, the Markdown summary and the CLI: for GeN with
// its defaults over each base, how many of the deciding tasks it is within target on, which tasks
// those are and what one test example is worth on each; the tasks that do not decide are named
// apart and never counted (a tie where every optimizer scores the same says nothing about GeN).
import { baseTitle, groupsText, type Summary, type TaskSummary } from './analyze.js';

/** "1 example = 0.010 pts" for accuracy, the test-set size otherwise, or null when not recorded. */
export function resolutionShort(t: TaskSummary): string | null {
  if (t.testSize === null) return null;
  const size = t.resolution !== null ? `1 example = ${t.resolution.toPrecision(2)} pts` : `${t.testSize} test examples`;
  return [size, groupsText(t)].filter(Boolean).join('; ');
}

/** One line per default GeN variant (one per base), e.g. "GeN-AdamW (defaults): within target on 2 of 5 deciding tasks …". */
export function headlineLines(s: Summary): string[] {
  return s.variants
    .filter((v) => v.isDefault)
    .map((v) => {
      const task = (name: string) => s.tasks.find((t) => t.task === name)!;
      const deciding = v.tasks
        .filter((t) => t.decides === true)
        .map((t) => {
          const res = resolutionShort(task(t.task));
          return `${t.task} ${t.within ? '✓' : '✗'}${res ? ` (${res})` : ''}`;
        });
      const not = v.tasks.filter((t) => t.decides !== true).map((t) => t.task);
      return (
        `GeN-${baseTitle(v.base)} with its defaults: within target on ${v.within} of ${v.deciding} deciding tasks` +
        (deciding.length ? `: ${deciding.join(', ')}` : '') +
        (not.length ? `; not counted (tuning does not matter there, or undecided): ${not.join(', ')}` : '')
      );
    });
}
