import type { Bytes } from './bytes.ts';
import type { KeyValue } from './types.ts';

/**
 * mvccpb.KeyValue in protobuf wire format, as etcd stores it in its key bucket. The playground
 * stores plain objects; this encoding exists so that the KV hash covers the same bytes etcd's
 * does (a single member with the same history hashes to the same value as a real etcd).
 * Fields in number order, zero values omitted (proto3).
 */
export function encodeKeyValue(kv: KeyValue): Bytes {
  let out = '';
  if (kv.key.length > 0) out += '\x0a' + varint(kv.key.length) + kv.key;
  if (kv.create_revision !== 0) out += '\x10' + varint(kv.create_revision);
  if (kv.mod_revision !== 0) out += '\x18' + varint(kv.mod_revision);
  if (kv.version !== 0) out += '\x20' + varint(kv.version);
  if (kv.value.length > 0) out += '\x2a' + varint(kv.value.length) + kv.value;
  if (kv.lease !== '0' && kv.lease !== '') out += '\x30' + varintBig(BigInt('0x' + kv.lease));
  return out;
}

/** A non-negative integer below 2^53 as a protobuf varint. */
function varint(n: number): Bytes {
  if (n < 0) return varintBig(BigInt(n));
  let out = '';
  while (n >= 0x80) {
    out += String.fromCharCode((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  return out + String.fromCharCode(n);
}

/** An int64 as a protobuf varint (negative values take ten bytes, as in Go). */
function varintBig(v: bigint): Bytes {
  let u = BigInt.asUintN(64, v);
  let out = '';
  while (u >= 0x80n) {
    out += String.fromCharCode(Number(u & 0x7fn) | 0x80);
    u >>= 7n;
  }
  return out + String.fromCharCode(Number(u));
}
