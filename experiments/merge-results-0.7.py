#!/usr/bin/env python3
# How docs/results/full.jsonl.gz of the 0.7 round was merged (README, results section; docs/algorithm.md §13):
#   python3 experiments/merge-results-0.7.py OUT.jsonl BASE.jsonl.gz FILE...
# BASE is the 0.6 results. Each FILE's records replace BASE's of the same run key; only records of the commits in
# RUN_COMMITS are taken. Then every record of BASE that this round changes is checked to have been replaced: the
# anytime runs (gen-adamw-anytime, gen-sgd-anytime; evaluated at GeN's iterate average since 0.7, their trajectory
# unchanged) and the DoG / L-DoG runs (evaluated at their iterate average since this round). No other run is changed
# by either: GeN keeps no average with a horizon, and no other optimizer has an eval mode it did not have.
import json, sys

from merge_results import merge

# f3f5d5d: iterateAverage defaults to 8 (the anytime runs); 42d09b6: DoG and L-DoG evaluated at their average;
# bf1ccb3: the L-DoG runs, the same src/, bench/ and cli/ as 42d09b6 (`git diff 42d09b6 bf1ccb3 -- src bench cli`
# is empty).
RUN_COMMITS = ('f3f5d5d', '42d09b6', 'bf1ccb3')
CHANGED = ('gen-adamw-anytime', 'gen-sgd-anytime', 'dog', 'ldog')
out_path, base_path, *files = sys.argv[1:]


records, order, replaced = merge(base_path, files, RUN_COMMITS)

missing = [k for k in order if records[k]['optimizer'] in CHANGED and k not in replaced]
if missing:
    sys.exit('runs this round changes that were not re-run: %s' % missing)
added = [k for k in replaced if records[k]['optimizer'] not in CHANGED]
if added:
    sys.exit('records of runs this round does not change: %s' % added)

with open(out_path, 'w') as w:
    for k in order:
        w.write(json.dumps(records[k]) + '\n')
print('%d records, %d from this round\'s files (every run of %s)' % (len(order), len(replaced), ', '.join(CHANGED)))
