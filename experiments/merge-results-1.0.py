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
import sys

from merge_results import replace_with_reports

# 15d14ab: the re-runs; its src/, bench/ and cli/ are 92e59ce's, the commit that adopted the defaults
# (`git diff 92e59ce 15d14ab -- src bench cli` is empty).
RUN_COMMITS = ('15d14ab',)
CHANGED = ('gen-adamw', 'gen-sgd', 'gen-adamw-lr0', 'gen-sgd-lr0')
out_path, base_path, *files = sys.argv[1:]
replace_with_reports(out_path, base_path, files, RUN_COMMITS, CHANGED)
