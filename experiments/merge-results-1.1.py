#!/usr/bin/env python3
# How docs/results/full.jsonl.gz of §20's round was merged (README, results section; docs/algorithm.md §20):
#   python3 experiments/merge-results-1.1.py OUT.jsonl BASE.jsonl.gz FILE...
# BASE is the 1.0 results (`git show f23d97f:docs/results/full.jsonl.gz`). The anytime entries (gen-adamw-anytime,
# gen-sgd-anytime) now report the validation loss 20 times per run, at the trained weights, so their configurations
# (and run keys) gain `validationReports`. Every BASE record of those two entries is dropped, and each must have a
# re-run in FILE... (commit b10c4ef); nothing else changes (the runner's reports for the entries without an iterate
# average are those of 1.0 to the last bit: test/bench/runner-fit.test.ts).
import sys

from merge_results import replace_with_reports

RUN_COMMITS = ('b10c4ef',)
CHANGED = ('gen-adamw-anytime', 'gen-sgd-anytime')
out_path, base_path, *files = sys.argv[1:]
replace_with_reports(out_path, base_path, files, RUN_COMMITS, CHANGED)
