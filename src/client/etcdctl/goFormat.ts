/**
 * The handful of Go formatting rules etcdctl's output depends on (strconv.Quote, %x of IDs,
 * humanize.Bytes, time.Duration.String, encoding/json), so that output matches byte for byte.
 * Byte strings here are `Bytes` (one byte per code unit); results are byte strings too.
 */
import { bytesFromUtf8, id64ToBigInt, type Bytes, type Id64 } from '../../server/api.ts';

/** Go's strconv.Quote of a byte string: printable UTF-8 kept, everything else escaped. */
export function goQuote(b: Bytes): Bytes {
  let out = '"';
  let i = 0;
  while (i < b.length) {
    const c = b.charCodeAt(i);
    if (c < 0x80) {
      out += quoteAscii(c);
      i++;
      continue;
    }
    const [rune, size] = decodeRune(b, i);
    if (rune < 0) {
      out += '\\x' + hex2(c);
      i++;
      continue;
    }
    if (isPrintableRune(rune)) out += b.slice(i, i + size);
    else if (rune < 0x10000) out += '\\u' + rune.toString(16).padStart(4, '0');
    else out += '\\U' + rune.toString(16).padStart(8, '0');
    i += size;
  }
  return out + '"';
}

function hex2(c: number): string {
  return c.toString(16).padStart(2, '0');
}

function quoteAscii(c: number): string {
  switch (c) {
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
  }
  if (c < 0x20 || c === 0x7f) return '\\x' + hex2(c);
  return String.fromCharCode(c);
}

/** Decodes one UTF-8 sequence at i: [rune, size], or [-1, 1] when invalid (as Go does). */
function decodeRune(b: Bytes, i: number): [number, number] {
  const c0 = b.charCodeAt(i);
  const cont = (k: number) => {
    const c = b.charCodeAt(i + k);
    return i + k < b.length && (c & 0xc0) === 0x80 ? c & 0x3f : -1;
  };
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    const c1 = cont(1);
    return c1 < 0 ? [-1, 1] : [((c0 & 0x1f) << 6) | c1, 2];
  }
  if (c0 >= 0xe0 && c0 <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 < 0 || c2 < 0) return [-1, 1];
    const r = ((c0 & 0x0f) << 12) | (c1 << 6) | c2;
    if (r < 0x800 || (r >= 0xd800 && r <= 0xdfff)) return [-1, 1];
    return [r, 3];
  }
  if (c0 >= 0xf0 && c0 <= 0xf4) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 < 0 || c2 < 0 || c3 < 0) return [-1, 1];
    const r = ((c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    if (r < 0x10000 || r > 0x10ffff) return [-1, 1];
    return [r, 4];
  }
  return [-1, 1];
}

/** An approximation of unicode.IsPrint: controls, separators and private/unassigned use are not. */
function isPrintableRune(r: number): boolean {
  if (r < 0xa0) return false;
  if (r === 0xad) return false;
  if (r >= 0x2000 && r <= 0x200f) return r < 0x200b;
  if (r >= 0x2028 && r <= 0x202e) return false;
  if (r >= 0x2060 && r <= 0x206f) return false;
  if (r >= 0xd800 && r <= 0xf8ff) return false;
  if (r === 0xfeff || (r >= 0xfff0 && r <= 0xfffb) || r === 0xfffe || r === 0xffff) return false;
  return /\p{L}|\p{M}|\p{N}|\p{P}|\p{S}|\p{Zs}/u.test(String.fromCodePoint(r));
}

/** %x of a uint64 ID (lowercase, no padding). */
export function hexId(id: Id64): string {
  return id64ToBigInt(id).toString(16);
}

/** %016x of an int64 lease ID (zero-padded, as etcdctl prints leases). */
export function hexLease(id: Id64): string {
  return id64ToBigInt(id).toString(16).padStart(16, '0');
}

/** %16x (space-padded, as etcdctl prints member and cluster IDs in member commands). */
export function hexIdPadded(id: Id64): string {
  return id64ToBigInt(id).toString(16).padStart(16, ' ');
}

/** A uint64 ID as a decimal JSON/fields number. */
export function uintDecimal(id: Id64): string {
  return id64ToBigInt(id).toString(10);
}

/** An int64 (e.g. a lease ID) as a signed decimal, as Go prints int64 fields. */
export function intDecimal(id: Id64): string {
  return BigInt.asIntN(64, id64ToBigInt(id)).toString(10);
}

/** dustin/go-humanize Bytes(): SI units, one decimal below 10. */
export function humanizeBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const e = Math.floor(Math.log(n) / Math.log(1000));
  const val = Math.floor((n / Math.pow(1000, e)) * 10 + 0.5) / 10;
  return `${val < 10 ? val.toFixed(1) : goRound0(val)} ${units[e]}`;
}

/** %.0f in Go rounds exact halves to even; toFixed would round them up. */
function goRound0(v: number): string {
  const f = Math.floor(v);
  if (v - f === 0.5) return String(f % 2 === 0 ? f : f + 1);
  return v.toFixed(0);
}

/** Go's time.Duration.String() for a duration in nanoseconds (non-negative, below an hour). */
export function goDuration(ns: number): string {
  ns = Math.round(ns);
  if (ns === 0) return '0s';
  if (ns < 1000) return `${ns}ns`;
  if (ns < 1_000_000) return `${trimFrac(ns, 1000)}µs`;
  if (ns < 1_000_000_000) return `${trimFrac(ns, 1_000_000)}ms`;
  let s = ns / 1e9;
  let out = '';
  if (s >= 3600) {
    const h = Math.floor(s / 3600);
    out += `${h}h`;
    s -= h * 3600;
  }
  if (s >= 60 || out !== '') {
    const m = Math.floor(s / 60);
    out += `${m}m`;
    s -= m * 60;
  }
  const whole = Math.floor(ns / 1e9) % 60;
  const fracNs = ns % 1e9;
  return out + trimFrac(whole * 1e9 + fracNs, 1e9) + 's';
}

function trimFrac(v: number, unit: number): string {
  const whole = Math.floor(v / unit);
  const frac = v % unit;
  if (frac === 0) return String(whole);
  const digits = String(unit).length - 1;
  return `${whole}.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`;
}

/** A number that JSON must print as these exact digits (uint64 beyond 2^53). */
export class RawJsonNumber {
  constructor(readonly digits: string) {}
}

export type GoJson = string | number | boolean | null | RawJsonNumber | GoJson[] | { [k: string]: GoJson };

/** encoding/json's compact form: insertion-ordered objects, HTML-safe string escaping. */
export function goJson(v: GoJson): string {
  if (v === null) return 'null';
  if (v instanceof RawJsonNumber) return v.digits;
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return '[' + v.map(goJson).join(',') + ']';
  return '{' + Object.entries(v).map(([k, x]) => goJsonString(k) + ':' + goJson(x)).join(',') + '}';
}

function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}

/** A UTF-16 string (typed text, names, URLs) as a byte string for the byte-oriented output. */
export function textBytes(s: string): Bytes {
  return bytesFromUtf8(s);
}
