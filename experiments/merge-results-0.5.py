#!/usr/bin/env python3
# How docs/results/full.jsonl.gz of the 0.5 round was merged (README, results section):
#   python3 experiments/merge-results-0.5.py OUT.jsonl BASE.jsonl.gz FIRST_FIT.md FILE...
# BASE is the 0.4 results. Each FILE's records replace BASE's of the same run key, later files winning; only records
# of the commits in RUN_COMMITS are taken from a FILE (a results file seeded with BASE records so that the CLI skips
# them holds copies of those too). Then every GeN record of BASE that the 0.5 default can change is checked to have
# been replaced: the runs printed "ends" by experiments/first-fit-check.ts (FIRST_FIT.md), whose calibration ended
# at step 0 under the 0.4 rule. Every other GeN run takes the same steps under either rule (three re-runs checked
# identical, docs/algorithm.md §11).
import json, sys

from merge_results import merge

# 9238177: the 0.4 rule on this round's kernels (fashion-cnn's unaffected runs); 5adff4c and 762d74b: the 0.5 default;
# b9836f1: the grids and peers of fashion-cnn and fashion-resnet on this round's conv kernels.
RUN_COMMITS = ('9238177', '5adff4c', '762d74b', 'b9836f1')
out_path, base_path, first_fit, *files = sys.argv[1:]


records, order, replaced = merge(base_path, files, RUN_COMMITS)

affected = set()
with open(first_fit) as fh:
    for line in fh:
        if '**ends**' in line:
            c = [x.strip() for x in line.split('|')]
            affected.add((c[1], c[2], c[3], int(c[4])))
missing = []
for k in order:
    r = records[k]
    ident = (r['task'], r['optimizer'], json.dumps(r['config'], separators=(',', ':')), r['seed'])
    if ident in affected and r.get('commit', '')[:7] not in ('5adff4c', '762d74b'):
        missing.append(ident)
if missing:
    sys.exit('affected runs not re-run under the 0.5 default: %s' % missing)

# Every run of the two conv tasks was re-run on this round's kernels; a record of theirs from an earlier commit is one
# the re-run no longer has (fashion-resnet's SGD grid chose another best configuration, so the old best's extra seeds
# were not re-run) and is dropped rather than mixed in.
CONV_TASKS = ('fashion-cnn', 'fashion-resnet')
stale = [k for k in order if records[k]['task'] in CONV_TASKS and records[k].get('commit', '')[:7] not in RUN_COMMITS]
order = [k for k in order if k not in set(stale)]
print('dropped %d stale records of the conv tasks: %s' % (len(stale), stale))

with open(out_path, 'w') as w:
    for k in order:
        w.write(json.dumps(records[k]) + '\n')
print('%d records, %d from this round\'s files, %d affected runs all re-run' % (len(order), len(replaced), len(affected)))
