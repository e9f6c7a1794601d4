// GeN against the learning-rate-free peers, task by task: is GeN ahead of, or level with, every
// peer that ran on the task? The second goal counts the tasks where it is. Unlike the
// target against the tuned grid this needs no deciding rule: a peer is one configuration, not a
// search, so every task where both ran says something.
import { isGenAnytime, isGenDefault, type Entry, type Summary, type TaskSummary } from './analyze.js';

export const PEER_RULE =
  'GeN is level with a peer on a task when its mean over seeds is better, or worse by at most one seed sd of ' +
  'the peer (GeN’s own spread does not count: an unstable GeN must not be level with everything); a peer whose ' +
  'every seed diverged is behind; a GeN entry with a diverged seed is level with no peer. Every task where GeN ' +
  'and at least one peer ran counts.';

/** One GeN variant against the peers of one task. */
export interface PeerTask {
  task: string;
  split: TaskSummary['split'];
  /** The peers that ran on the task. */
  peers: number;
  /** Labels of the peers GeN trails by more than one sd. */
  behind: string[];
}

export interface PeerStanding {
  optimizer: string;
  label: string;
  base: string;
  isDefault: boolean;
  tasks: PeerTask[];
  /** Tasks where GeN is ahead of or level with every peer. */
  level: number;
}

/** Whether GeN (`gen`) is ahead of or level with `peer` on a metric (see {@link PEER_RULE}). */
export function levelWith(gen: Entry, peer: Entry, higherIsBetter: boolean): boolean {
  if (gen.stat.diverged > 0 || gen.stat.n === 0) return false;
  if (peer.stat.n === 0) return true;
  const gap = higherIsBetter ? peer.stat.mean - gen.stat.mean : gen.stat.mean - peer.stat.mean;
  return gap <= (Number.isFinite(peer.stat.sd) ? peer.stat.sd : 0);
}

/** For GeN's defaults and its anytime mode over each base: the tasks where it is level with every peer. */
export function peerStandings(s: Summary): PeerStanding[] {
  const byVariant = new Map<string, PeerStanding>();
  for (const t of s.tasks) {
    const peers = t.entries.filter((e) => e.kind === 'peer');
    if (peers.length === 0) continue;
    for (const g of t.entries.filter((e) => isGenDefault(e) || isGenAnytime(e))) {
      const key = `${g.optimizer}|${JSON.stringify(g.config)}`;
      const v = byVariant.get(key) ?? {
        optimizer: g.optimizer,
        label: g.label,
        base: g.base,
        isDefault: isGenDefault(g),
        tasks: [],
        level: 0,
      };
      const behind = peers.filter((p) => !levelWith(g, p, t.metric.higherIsBetter)).map((p) => p.label);
      v.tasks.push({ task: t.task, split: t.split, peers: peers.length, behind });
      if (behind.length === 0) v.level++;
      byVariant.set(key, v);
    }
  }
  return [...byVariant.values()];
}

/** "fashion-cnn (Prodigy); imdb-embed (Schedule-Free AdamW, Prodigy)", or "nowhere". */
export function trailsText(tasks: readonly PeerTask[]): string {
  const trails = tasks.filter((t) => t.behind.length > 0).map((t) => `${t.task} (${t.behind.join(', ')})`);
  return trails.length ? trails.join('; ') : 'nowhere';
}
