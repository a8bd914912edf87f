/**
 * Keys and values in etcd are byte strings. The playground carries them as JS strings in which
 * every UTF-16 code unit is one byte (0..255). Invariant: no code unit above 0xff.
 *
 * Why strings and not Uint8Array: they compare with `<` in exactly etcd's byte order, work as Map
 * keys, are structured-cloneable and JSON-able (worker boundary, WAL records, trace), and cost
 * nothing to copy. Text typed by a user enters through `bytesFromUtf8` and leaves through
 * `utf8FromBytes`.
 */
export type Bytes = string;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

export function bytesFromUtf8(text: string): Bytes {
  const u8 = encoder.encode(text);
  return bytesFromUint8Array(u8);
}

export function utf8FromBytes(bytes: Bytes): string {
  return decoder.decode(uint8ArrayFromBytes(bytes));
}

export function bytesFromUint8Array(u8: Uint8Array): Bytes {
  let out = '';
  const chunk = 0x8000;
  for (let i = 0; i < u8.length; i += chunk) {
    out += String.fromCharCode.apply(null, Array.from(u8.subarray(i, i + chunk)));
  }
  return out;
}

export function uint8ArrayFromBytes(bytes: Bytes): Uint8Array {
  const u8 = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) u8[i] = bytes.charCodeAt(i) & 0xff;
  return u8;
}

export function bytesToBase64(bytes: Bytes): string {
  return btoa(bytes);
}

export function bytesFromBase64(b64: string): Bytes {
  return atob(b64);
}

export function bytesToHex(bytes: Bytes): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += bytes.charCodeAt(i).toString(16).padStart(2, '0');
  return out;
}

/** True when every code unit is a byte; use at trust boundaries (imports, the scripting API). */
export function isBytes(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

/**
 * The smallest key greater than every key with this prefix, as clientv3.GetPrefixRangeEnd does:
 * increment the last byte below 0xff and cut after it; a prefix of only 0xff bytes (or empty)
 * gives "\0", which etcd reads as "to the end of the key space".
 */
export function prefixRangeEnd(prefix: Bytes): Bytes {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix.charCodeAt(i);
    if (c < 0xff) return prefix.slice(0, i) + String.fromCharCode(c + 1);
  }
  return '\0';
}

/** etcd's byte order for keys (the order of the B-tree index and of range results). */
export function compareBytes(a: Bytes, b: Bytes): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
