#!/usr/bin/env python3
# How docs/results/full.jsonl.gz of the 1.0 round was merged (README, results section; docs/algorithm.md §19):
#   python3 experiments/merge-results-1.0.py OUT.jsonl BASE.jsonl.gz FILE...
# BASE is the 0.9 results (kept as docs/results/full-0.9.jsonl.gz). This round changes GeN's defaults for runs that
# report a validation loss, and the benchmark's default GeN entries (gen-adamw, gen-sgd) and their initial-lr runs
# (gen-adamw-lr0, gen-sgd-lr0) now report it, so their configurations (and run keys) gain `validationReports`. Every
# BASE record of those four entries is dropped, and each must have a re-run in FILE... with the same task, seed,
# phase, step budget and configuration apart from `validationReports`; only records of the commits in RUN_COMMITS
# are taken, and only of those four entries. No other run changes: the anytime entries report nothing, and without
# a report GeN is 0.9's GeN bit for bit (test/gen-step-factor-gate.test.ts).
import json, sys

from merge_results import read

# 15d14ab: the re-runs; its src/, bench/ and cli/ are 92e59ce's, the commit that adopted the defaults
# (`git diff 92e59ce 15d14ab -- src bench cli` is empty).
RUN_COMMITS = ('15d14ab',)
CHANGED = ('gen-adamw', 'gen-sgd', 'gen-adamw-lr0', 'gen-sgd-lr0')
out_path, base_path, *files = sys.argv[1:]


def identity(r):
    config = {k: v for k, v in r['config'].items() if k != 'validationReports'}
    return (r['task'], r['optimizer'], json.dumps(config, sort_keys=True), r['seed'], r['steps'], r['phase'])


base = read(base_path)
kept = [r for r in base if r.get('optimizer') not in CHANGED]
dropped = {identity(r) for r in base if r.get('optimizer') in CHANGED}
new = {}
for f in files:
    for r in read(f):
        if r.get('commit', '')[:7] not in RUN_COMMITS:
            continue
        if r.get('optimizer') not in CHANGED:
            sys.exit('a record of a run this round does not change: %s' % r['key'])
        if r['config'].get('validationReports') != 20:
            sys.exit('a re-run without the 20 validation reports: %s' % r['key'])
        new[identity(r)] = r
missing = sorted(dropped - set(new))
if missing:
    sys.exit('runs this round changes that were not re-run: %s' % missing)
extra = sorted(set(new) - dropped)
if extra:
    sys.exit('re-runs without a 0.9 counterpart: %s' % extra)
with open(out_path, 'w') as w:
    for r in kept + list(new.values()):
        w.write(json.dumps(r) + '\n')
print('%d records, %d re-run this round (every run of %s)' % (len(kept) + len(new), len(new), ', '.join(CHANGED)))
