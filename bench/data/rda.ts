// R's `.rda` files (what `save()` writes, and what mlbench ships): a gzip, bzip2 or xz container
// around "RDX2\n"/"RDX3\n" and one serialized pairlist of the saved objects, read with rds.ts.
import { execFileSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { unserialize, type RValue } from './rds.js';

/** Decompresses an .rda container by its magic bytes (uncompressed files pass through). */
export function decompressRda(bytes: Uint8Array): Uint8Array {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return new Uint8Array(gunzipSync(bytes));
  const magic = String.fromCharCode(...bytes.subarray(0, 3));
  if (magic === 'BZh') return new Uint8Array(execFileSync('bzip2', ['-dc'], { input: bytes, maxBuffer: 1 << 30 }));
  if (bytes[0] === 0xfd && magic.slice(1) === '7z')
    return new Uint8Array(execFileSync('xz', ['-dc'], { input: bytes, maxBuffer: 1 << 30 }));
  return bytes;
}

/** The objects saved in an .rda file, by name. */
export function readRda(bytes: Uint8Array): Record<string, RValue> {
  const raw = decompressRda(bytes);
  const head = String.fromCharCode(...raw.subarray(0, 5));
  if (head !== 'RDX2\n' && head !== 'RDX3\n')
    throw new Error(`R data: not an .rda file (starts with ${JSON.stringify(head)}, expected "RDX2\\n" or "RDX3\\n")`);
  const saved = unserialize(raw.subarray(5));
  if (saved.type !== 'pairlist') throw new Error(`R data: an .rda file holds a pairlist, got ${saved.type}`);
  const out: Record<string, RValue> = {};
  for (const { tag, value } of saved.data) if (tag) out[tag] = value;
  return out;
}
