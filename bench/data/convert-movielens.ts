// Converts dslabs' `movielens` (GroupLens ml-latest-small, 2016 snapshot) from R's lazy-load
// database to a CSV userId,movieId,rating,timestamp. Run by scripts/install-data.sh:
//   npx tsx bench/data/convert-movielens.ts <dslabs/data folder> <out.csv>
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataFrameColumns, readLazyLoad } from './rds.js';

const [dir, out] = process.argv.slice(2);
if (!dir || !out) {
  process.stderr.write('usage: npx tsx bench/data/convert-movielens.ts <dslabs data folder> <out.csv>\n');
  process.exit(2);
}
const df = dataFrameColumns(
  readLazyLoad(readFileSync(join(dir, 'Rdata.rdx')), readFileSync(join(dir, 'Rdata.rdb')), 'movielens'),
);
const cols = ['userId', 'movieId', 'rating', 'timestamp'] as const;
for (const c of cols) if (!df[c]) throw new Error(`movielens: column ${c} missing (has ${Object.keys(df).join(', ')})`);
const n = df.userId.length;
const lines = ['userId,movieId,rating,timestamp'];
for (let i = 0; i < n; i++) lines.push(cols.map((c) => String(df[c][i])).join(','));
writeFileSync(out + '.tmp', lines.join('\n') + '\n');
renameSync(out + '.tmp', out);
process.stderr.write(`convert-movielens: ${n} ratings written to ${out}\n`);
