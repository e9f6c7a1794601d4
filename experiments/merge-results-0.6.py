#!/usr/bin/env python3
# How docs/results/full.jsonl.gz of the 0.6 round was merged (README, results section):
#   python3 experiments/merge-results-0.6.py OUT.jsonl BASE.jsonl.gz FILE...
# BASE is the 0.5 results. Each FILE's records replace BASE's of the same run key, later files winning; only records
# of the candidate commit (CANDIDATE, calibrationRefits 4 as the default, docs/algorithm.md §12) are taken from a FILE.
# The 0.6 default can change every GeN run that calibrates, so every record of GeN's default entries (both modes and
# the initial-lr runs) must have been replaced; the official-semantics entries do not calibrate and stay.
import gzip, json, sys

CANDIDATE = '633edf1'
REPLACED_ENTRIES = ('gen-adamw', 'gen-sgd', 'gen-adamw-anytime', 'gen-sgd-anytime', 'gen-adamw-lr0', 'gen-sgd-lr0')
out_path, base_path, *files = sys.argv[1:]


def read(path):
    op = gzip.open(path, 'rt') if path.endswith('.gz') else open(path)
    with op:
        return [json.loads(l) for l in op if l.strip()]


records = {}
order = []
for r in read(base_path):
    records[r['key']] = r
    order.append(r['key'])
taken = 0
for f in files:
    for r in read(f):
        if r.get('commit', '')[:7] != CANDIDATE:
            continue
        if r['key'] not in records:
            order.append(r['key'])
        records[r['key']] = r
        taken += 1

missing = [k for k in order if records[k]['optimizer'] in REPLACED_ENTRIES and records[k].get('commit', '')[:7] != CANDIDATE]
if missing:
    sys.exit('%d GeN runs not re-run under the 0.6 default, e.g. %s' % (len(missing), missing[:5]))
with open(out_path, 'w') as w:
    for k in order:
        w.write(json.dumps(records[k]) + '\n')
print('%d records, %d taken from the candidate commit %s; every GeN default, anytime and lr0 run replaced'
      % (len(order), taken, CANDIDATE))
