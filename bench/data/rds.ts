// A small reader for R's XDR serialization (the format of .rds files and of the entries of a
// lazy-load database, Rdata.rdx + Rdata.rdb), enough to read data frames of numbers, strings and
// factors without R. Used once by convert-movielens.ts; not library code.
import { execFileSync } from 'node:child_process';
import { gunzipSync, inflateSync } from 'node:zlib';

/** A decoded R value. Vectors keep their attributes (names, class, levels, row.names). */
export type RValue =
  | { type: 'null' }
  | { type: 'int' | 'lgl'; data: Int32Array; attr: RAttrs }
  | { type: 'real'; data: Float64Array; attr: RAttrs }
  | { type: 'str'; data: (string | null)[]; attr: RAttrs }
  | { type: 'list'; data: RValue[]; attr: RAttrs }
  | { type: 'pairlist'; data: { tag: string | null; value: RValue }[]; attr: RAttrs }
  | { type: 'sym'; name: string }
  | { type: 'other'; sexp: number };
export type RAttrs = Record<string, RValue>;

const NA_INT = -2147483648;

class Reader {
  private pos = 0;
  private readonly view: DataView;
  private readonly refs: RValue[] = [];
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  int(): number {
    const v = this.view.getInt32(this.pos, false);
    this.pos += 4;
    return v;
  }
  double(): number {
    const v = this.view.getFloat64(this.pos, false);
    this.pos += 8;
    return v;
  }
  bytes(n: number): Uint8Array {
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  length(): number {
    const n = this.int();
    if (n !== -1) return n;
    const hi = this.int();
    const lo = this.int();
    return hi * 2 ** 32 + lo;
  }

  header(): void {
    const fmt = String.fromCharCode(this.buf[0], this.buf[1]);
    if (fmt !== 'X\n') throw new Error(`R data: only XDR serialization is supported (format '${JSON.stringify(fmt)}')`);
    this.pos = 2;
    const version = this.int();
    this.int();
    this.int();
    if (version === 3) this.bytes(this.int());
  }

  charsxp(): string | null {
    const n = this.int();
    return n === -1 ? null : new TextDecoder().decode(this.bytes(n));
  }

  item(): RValue {
    const flags = this.int();
    const type = flags & 0xff;
    const hasAttr = (flags & (1 << 9)) !== 0;
    const hasTag = (flags & (1 << 10)) !== 0;
    switch (type) {
      case 254:
      case 242:
      case 241:
      case 253:
      case 252:
      case 251:
      case 250:
        return { type: 'null' };
      case 255: {
        const i = flags >> 8 || this.int();
        return this.refs[i - 1];
      }
      case 247:
      case 249:
      case 248: {
        // persistent / namespace / package: a string vector
        if (this.int() !== 0) throw new Error('R data: unexpected persistent string header');
        const n = this.int();
        const names: (string | null)[] = [];
        for (let i = 0; i < n; i++) names.push(this.stringItem());
        const v: RValue = { type: 'other', sexp: type };
        this.refs.push(v);
        return v;
      }
      case 1: {
        const name = this.stringItem() ?? 'NA';
        const v: RValue = { type: 'sym', name };
        this.refs.push(v);
        return v;
      }
      case 4: {
        // environment
        const v: RValue = { type: 'other', sexp: 4 };
        this.refs.push(v);
        this.int();
        this.item();
        this.item();
        this.item();
        this.item();
        return v;
      }
      case 2:
      case 3:
      case 5:
      case 6:
      case 17:
      case 239:
      case 240: {
        // pairlist-like
        const out: { tag: string | null; value: RValue }[] = [];
        let attr: RAttrs = {};
        let f = flags;
        for (;;) {
          const a = (f & (1 << 9)) !== 0;
          const t = (f & (1 << 10)) !== 0;
          if (a) attr = { ...attr, ...this.attrs(this.item()) };
          const tag = t ? this.item() : null;
          const value = this.item();
          out.push({ tag: tag && tag.type === 'sym' ? tag.name : null, value });
          const next = this.int();
          const nt = next & 0xff;
          if (nt === 254) break;
          if (nt !== 2 && nt !== 239) {
            // cdr is not a pairlist: read it as an item and stop
            this.pos -= 4;
            this.item();
            break;
          }
          f = next;
        }
        return { type: 'pairlist', data: out, attr };
      }
      case 9:
        return { type: 'str', data: [this.charsxp()], attr: {} };
      case 10:
      case 13: {
        const n = this.length();
        const d = new Int32Array(n);
        for (let i = 0; i < n; i++) d[i] = this.int();
        return { type: type === 10 ? 'lgl' : 'int', data: d, attr: hasAttr ? this.attrs(this.item()) : {} };
      }
      case 14: {
        const n = this.length();
        const d = new Float64Array(n);
        for (let i = 0; i < n; i++) d[i] = this.double();
        return { type: 'real', data: d, attr: hasAttr ? this.attrs(this.item()) : {} };
      }
      case 15: {
        const n = this.length();
        this.bytes(16 * n);
        if (hasAttr) this.item();
        return { type: 'other', sexp: 15 };
      }
      case 16: {
        const n = this.length();
        const d: (string | null)[] = [];
        for (let i = 0; i < n; i++) d.push(this.stringItem());
        return { type: 'str', data: d, attr: hasAttr ? this.attrs(this.item()) : {} };
      }
      case 19:
      case 20: {
        const n = this.length();
        const d: RValue[] = [];
        for (let i = 0; i < n; i++) d.push(this.item());
        return { type: 'list', data: d, attr: hasAttr ? this.attrs(this.item()) : {} };
      }
      case 24: {
        const n = this.length();
        this.bytes(n);
        if (hasAttr) this.item();
        return { type: 'other', sexp: 24 };
      }
      case 25: {
        if (hasAttr) this.item();
        return { type: 'other', sexp: 25 };
      }
      case 238:
        return this.altrep();
      default:
        throw new Error(`R data: unsupported SEXP type ${type}${hasTag ? ' (tagged)' : ''}`);
    }
  }

  private stringItem(): string | null {
    const flags = this.int();
    if ((flags & 0xff) !== 9) throw new Error(`R data: expected CHARSXP, got type ${flags & 0xff}`);
    return this.charsxp();
  }

  private attrs(v: RValue): RAttrs {
    const out: RAttrs = {};
    if (v.type === 'pairlist') for (const { tag, value } of v.data) if (tag) out[tag] = value;
    return out;
  }

  private altrep(): RValue {
    const info = this.item();
    const state = this.item();
    const attr = this.attrs(this.item());
    const cls = info.type === 'pairlist' && info.data[0].value.type === 'sym' ? info.data[0].value.name : '?';
    if (cls === 'compact_intseq' || cls === 'compact_realseq') {
      const s = state as { data: Float64Array };
      const [n, start, inc] = [s.data[0], s.data[1], s.data[2]];
      const d = cls === 'compact_intseq' ? new Int32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) d[i] = start + i * inc;
      return cls === 'compact_intseq'
        ? { type: 'int', data: d as Int32Array, attr }
        : { type: 'real', data: d as Float64Array, attr };
    }
    if (cls.startsWith('wrap_')) {
      const inner = (state as { data: RValue[] }).data[0];
      return { ...inner, attr: { ...(inner as { attr?: RAttrs }).attr, ...attr } } as RValue;
    }
    if (cls === 'deferred_string') {
      const arg = state.type === 'pairlist' ? state.data[0].value : state;
      if (arg.type === 'int')
        return { type: 'str', data: Array.from(arg.data, (v) => (v === NA_INT ? null : String(v))), attr };
      if (arg.type === 'real') return { type: 'str', data: Array.from(arg.data, (v) => String(v)), attr };
      return arg;
    }
    throw new Error(`R data: unsupported ALTREP class ${cls}`);
  }
}

/** Decodes one serialized R object (bytes starting with "X\n"). */
export function unserialize(bytes: Uint8Array): RValue {
  const r = new Reader(bytes);
  r.header();
  return r.item();
}

/** Decompresses one lazy-load database entry (4-byte length, then zlib, or a type byte Z/2/0). */
export function decompressEntry(entry: Uint8Array): Uint8Array {
  const body = entry.subarray(4);
  if (body[0] === 0x78) return new Uint8Array(inflateSync(body));
  const kind = String.fromCharCode(body[0]);
  const data = body.subarray(1);
  if (kind === '0') return data;
  if (kind === 'Z')
    return new Uint8Array(
      execFileSync('xz', ['--decompress', '--stdout', '--format=raw', '--lzma2'], { input: data, maxBuffer: 1 << 30 }),
    );
  if (kind === '2') return new Uint8Array(execFileSync('bzip2', ['-dc'], { input: data, maxBuffer: 1 << 30 }));
  throw new Error(`R data: unknown lazy-load compression '${kind}'`);
}

/** Reads the object `name` from a lazy-load database (Rdata.rdx + Rdata.rdb contents). */
export function readLazyLoad(rdx: Uint8Array, rdb: Uint8Array, name: string): RValue {
  const index = unserialize(new Uint8Array(gunzipSync(rdx)));
  if (index.type !== 'list') throw new Error('R data: unexpected lazy-load index');
  const names = (index.attr.names as { data: string[] }).data;
  const vars = index.data[names.indexOf('variables')];
  if (vars.type !== 'list') throw new Error('R data: no variables in the lazy-load index');
  const varNames = (vars.attr.names as { data: string[] }).data;
  const i = varNames.indexOf(name);
  if (i < 0) throw new Error(`R data: no object '${name}' (has: ${varNames.join(', ')})`);
  const pos = vars.data[i] as { data: Int32Array | Float64Array };
  const [offset, len] = [Number(pos.data[0]), Number(pos.data[1])];
  return unserialize(decompressEntry(rdb.subarray(offset, offset + len)));
}

/** The columns of an R data frame as plain arrays (factors as their labels). */
export function dataFrameColumns(v: RValue): Record<string, ArrayLike<number> | (string | null)[]> {
  if (v.type !== 'list') throw new Error('R data: not a data frame');
  const names = (v.attr.names as { data: string[] }).data;
  const out: Record<string, ArrayLike<number> | (string | null)[]> = {};
  v.data.forEach((col, j) => {
    if (col.type === 'int' && col.attr.levels && col.attr.levels.type === 'str') {
      const levels = col.attr.levels.data;
      out[names[j]] = Array.from(col.data, (k) => (k === NA_INT ? null : levels[k - 1]));
    } else if (col.type === 'int' || col.type === 'lgl' || col.type === 'real' || col.type === 'str') {
      out[names[j]] = col.data;
    }
  });
  return out;
}
