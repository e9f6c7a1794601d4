#!/usr/bin/env python3
# How docs/results/full.jsonl.gz of the 0.4 round was merged (README, results section): python3
# experiments/merge-results-0.4.py OUT.jsonl FILE... (FILE: .jsonl or .jsonl.gz; adopt:FILE adopts the gen-*-grow runs).
import json,gzip,sys,collections
# Later files win on a repeated run key. A GeN record from before the 0.4 default (commit 387d151) is kept only if
# it had no `nonconvex` refit: the 0.4 rule acts only on those, so such a run is what the current code computes.
NEW=('387d151',)
out={}; order=[]
def adopt(r):
    # gen-<base>-grow(-anytime) ran the 0.4 default with the option spelled out: the same computation (the
    # re-runs under the default reproduced every value), adopted under the default's name.
    o=r['optimizer']
    if not (o.endswith('-grow') or o.endswith('-grow-anytime')): return None
    name=o.replace('-grow','')
    cfg=dict(r['config']); cfg.pop('options',None)
    r=dict(r, optimizer=name, config=cfg, adoptedFrom=o, label=r['label'].replace(' (grow on downhill negative curvature)',''))
    r['key']='|'.join([r['task'], name, json.dumps(cfg,separators=(',',':')), 'seed=%d'%r['seed'], 'steps=%d'%r['steps'], r['phase']])
    return r
for f in sys.argv[2:]:
    adopting = f.startswith('adopt:')
    f = f[6:] if adopting else f
    op = gzip.open(f,'rt') if f.endswith('.gz') else open(f)
    for l in op:
        l=l.strip()
        if not l: continue
        r=json.loads(l)
        if adopting:
            r=adopt(r)
            if r is None: continue
            l=json.dumps(r)
        k=r['key']
        if k not in out: order.append(k)
        out[k]=(l,r)
dropped=collections.Counter()
with open(sys.argv[1],'w') as w:
    n=0
    for k in order:
        l,r=out[k]
        gen = r.get('optimizerKind')=='gen' or r['optimizer'].startswith('gen-')
        official = 'official' in r['optimizer']
        old = not r.get('commit','').startswith(NEW)
        if gen and not official and old and not r.get('adoptedFrom','').endswith(('-grow','-grow-anytime')) and (r.get('reasons') or {}).get('nonconvex',0) > 0:
            dropped[(r['task'],r['optimizer'])]+=1; continue
        w.write(l+'\n'); n+=1
print(n,'runs kept;', sum(dropped.values()),'stale GeN records dropped:')
for k,v in sorted(dropped.items()): print('  ',k,v)
