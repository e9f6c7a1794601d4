#!/usr/bin/env python3
# How docs/results/full.jsonl.gz of §25's adoption was merged (README, results section; docs/algorithm.md §25):
#   python3 experiments/merge-results-1.4.py OUT.jsonl BASE.jsonl.gz FILE...
# BASE is the results before the adoption (`git show b17a506:docs/results/full.jsonl.gz`). The default changed
# (`insignificantCurvature: 'grow-if-downhill'`, commit b17a506) without changing any registry configuration, so every
# record of GeN's default, anytime and initial-lr entries is replaced by its re-run at b17a506 with the same
# configuration; nothing else changes.
import sys

from merge_results import replace_entries

RUN_COMMITS = ('b17a506',)
CHANGED = ('gen-adamw', 'gen-sgd', 'gen-adamw-anytime', 'gen-sgd-anytime', 'gen-adamw-lr0', 'gen-sgd-lr0')
out_path, base_path, *files = sys.argv[1:]
replace_entries(out_path, base_path, files, RUN_COMMITS, CHANGED)
