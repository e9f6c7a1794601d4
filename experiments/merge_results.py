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
