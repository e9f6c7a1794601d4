// IDX files (MNIST, Fashion-MNIST): big-endian magic 0x0000 <type> <ndim>, ndim uint32 sizes,
// then the raw data. Only unsigned-byte data (type 0x08) occurs in these sets. Gzipped input
// (first bytes 0x1f 0x8b) is decompressed first.
import { gunzipSync } from 'node:zlib';

/** A parsed IDX tensor: its shape and its uint8 data (row-major). */
export interface IdxTensor {
  shape: number[];
  data: Uint8Array;
}

/**
 * Parses an IDX buffer (optionally gzipped).
 * @throws {Error} a wrong magic number, an unsupported data type or a truncated file.
 */
export function parseIdx(input: Uint8Array, name = 'IDX data'): IdxTensor {
  const buf = input.length >= 2 && input[0] === 0x1f && input[1] === 0x8b ? new Uint8Array(gunzipSync(input)) : input;
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) {
    throw new Error(
      `${name}: not an IDX file (magic must start with two zero bytes; got ${Array.from(buf.slice(0, 4)).join(',')})`,
    );
  }
  if (buf[2] !== 0x08)
    throw new Error(`${name}: IDX data type 0x${buf[2].toString(16)} is not supported (only 0x08, unsigned byte)`);
  const ndim = buf[3];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const header = 4 + 4 * ndim;
  if (ndim === 0 || buf.length < header)
    throw new Error(`${name}: truncated IDX header (${ndim} dimensions, ${buf.length} bytes)`);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const size = shape.reduce((a, b) => a * b, 1);
  if (buf.length < header + size)
    throw new Error(
      `${name}: truncated IDX data (shape [${shape.join(', ')}] needs ${size} bytes, ${buf.length - header} present)`,
    );
  return { shape, data: buf.subarray(header, header + size) };
}
