# The part the merge-results-*.py scripts share: read a results file, and replace a base's records by those of
# a round's files (same run key, later files winning), taking only records of the round's commits.
import gzip, json


def read(path):
    op = gzip.open(path, 'rt') if path.endswith('.gz') else open(path)
    with op:
        return [json.loads(l) for l in op if l.strip()]


def merge(base_path, files, run_commits):
    """Returns (records by key, keys in order, {key: file} of the replaced or added records)."""
    records = {}
    order = []
    for r in read(base_path):
        records[r['key']] = r
        order.append(r['key'])
    replaced = {}
    for f in files:
        for r in read(f):
            if r.get('commit', '')[:7] not in run_commits:
                continue
            if r['key'] not in records:
                order.append(r['key'])
            records[r['key']] = r
            replaced[r['key']] = f
    return records, order, replaced



def replace_entries(out_path, base_path, files, run_commits, changed, ignore=(), check=None):
    """Writes BASE with every record of the `changed` entries replaced by its re-run in FILES: a re-run matches its
    BASE record by task, entry, seed, phase, step budget and configuration apart from the keys in `ignore`; only
    records of `run_commits` are taken, only of `changed` (and `check(record)` must return None, else the error), and
    every dropped record must have exactly its re-run (the script stops with the runs that do not match)."""

    def identity(r):
        config = {k: v for k, v in r['config'].items() if k not in ignore}
        return (r['task'], r['optimizer'], json.dumps(config, sort_keys=True), r['seed'], r['steps'], r['phase'])

    base = read(base_path)
    kept = [r for r in base if r.get('optimizer') not in changed]
    dropped = {identity(r) for r in base if r.get('optimizer') in changed}
    new = {}
    for f in files:
        for r in read(f):
            if r.get('commit', '')[:7] not in run_commits:
                continue
            if r.get('optimizer') not in changed:
                raise SystemExit('a record of a run this round does not change: %s' % r['key'])
            problem = check(r) if check else None
            if problem:
                raise SystemExit('%s: %s' % (problem, r['key']))
            if r.get('dirty'):
                raise SystemExit('a re-run from a dirty checkout: %s' % r['key'])
            new[identity(r)] = r
    missing = sorted(dropped - set(new))
    if missing:
        raise SystemExit('runs this round changes that were not re-run: %s' % missing)
    extra = sorted(set(new) - dropped)
    if extra:
        raise SystemExit('re-runs without a counterpart in the base: %s' % extra)
    with open(out_path, 'w') as w:
        for r in kept + list(new.values()):
            w.write(json.dumps(r) + '\n')
    print('%d records, %d re-run this round (every run of %s)' % (len(kept) + len(new), len(new), ', '.join(changed)))


def replace_with_reports(out_path, base_path, files, run_commits, changed, reports=20):
    """replace_entries for a round whose re-runs gained `validationReports` (each must report `reports` times)."""

    def check(r):
        if r['config'].get('validationReports') != reports:
            return 'a re-run without the %d validation reports' % reports
        return None

    replace_entries(out_path, base_path, files, run_commits, changed, ignore=('validationReports',), check=check)
