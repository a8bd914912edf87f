/**
 * Identifiers as etcd derives them, so a playground cluster's IDs are computed the way a real
 * etcd computes them from the same inputs:
 * - a member ID is the first 8 bytes (big-endian) of SHA-1(sorted peer URLs joined + cluster
 *   name [+ decimal unix seconds when the member is added at runtime]);
 * - a cluster ID is the first 8 bytes of SHA-1 of the sorted member IDs, each as 8 big-endian bytes;
 * - request IDs come from a generator whose top 16 bits are the member ID's low 16 bits, so two
 *   members never hand out the same request ID.
 * SHA-1 is written here (synchronously) because SubtleCrypto is async-only and the member
 * derives IDs inside synchronous apply code.
 */
import type { Id64 } from './api.ts';
import { id64FromBigInt, id64ToBigInt } from './api.ts';

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** SHA-1 digest of a byte array. */
export function sha1(bytes: Uint8Array): Uint8Array {
  const bitLen = bytes.length * 8;
  const padded = new Uint8Array(((bytes.length + 9 + 63) >> 6) << 6);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const dv = new DataView(padded.buffer);
  // Message length in bits, big-endian 64-bit; JS numbers cover every realistic length.
  dv.setUint32(padded.length - 8, Math.floor(bitLen / 0x100000000));
  dv.setUint32(padded.length - 4, bitLen >>> 0);
  let h0 = 0x67452301, h1 = 0xefcdab89, h2 = 0x98badcfe, h3 = 0x10325476, h4 = 0xc3d2e1f0;
  const w = new Int32Array(80);
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = dv.getInt32(off + i * 4);
    for (let i = 16; i < 80; i++) w[i] = rotl(w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!, 1);
    let a = h0, b = h1, c = h2, d = h3, e = h4;
    for (let i = 0; i < 80; i++) {
      let f: number, k: number;
      if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
      else { f = b ^ c ^ d; k = 0xca62c1d6; }
      const t = (rotl(a, 5) + f + e + k + w[i]!) | 0;
      e = d; d = c; c = rotl(b, 30); b = a; a = t;
    }
    h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0; h4 = (h4 + e) | 0;
  }
  const out = new Uint8Array(20);
  const ov = new DataView(out.buffer);
  [h0, h1, h2, h3, h4].forEach((h, i) => ov.setInt32(i * 4, h));
  return out;
}

function first8(hash: Uint8Array): Id64 {
  const dv = new DataView(hash.buffer, hash.byteOffset, 8);
  const v = (BigInt(dv.getUint32(0)) << 32n) | BigInt(dv.getUint32(4));
  return id64FromBigInt(v);
}

/** etcd's computeMemberId: sorted peer URLs concatenated, then the cluster name, then (for a runtime add) unix seconds. */
export function computeMemberId(peerURLs: readonly string[], clusterName: string, nowUnixSeconds?: number): Id64 {
  let s = [...peerURLs].sort().join('') + clusterName;
  if (nowUnixSeconds !== undefined) s += String(Math.floor(nowUnixSeconds));
  return first8(sha1(new TextEncoder().encode(s)));
}

/** etcd's RaftCluster.genID: SHA-1 over the sorted member IDs as big-endian uint64s. */
export function computeClusterId(memberIds: readonly Id64[]): Id64 {
  const sorted = [...memberIds].map(id64ToBigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const buf = new Uint8Array(8 * sorted.length);
  const dv = new DataView(buf.buffer);
  sorted.forEach((id, i) => {
    dv.setUint32(8 * i, Number(id >> 32n));
    dv.setUint32(8 * i + 4, Number(id & 0xffffffffn));
  });
  return first8(sha1(buf));
}

/**
 * etcd's idutil.Generator: 16 bits of member prefix, 40 bits of start time (ms), 8 bits of count;
 * the low 48 bits increment as one counter, so IDs stay unique even if time goes backwards.
 * Invariant: every ID returned is distinct for one generator.
 */
export class IdGenerator {
  private readonly prefix: bigint;
  private suffix: bigint;
  constructor(memberId: Id64, nowMs: number) {
    this.prefix = (id64ToBigInt(memberId) & 0xffffn) << 48n;
    this.suffix = (BigInt(Math.floor(nowMs)) & 0xffffffffffn) << 8n;
  }
  next(): Id64 {
    this.suffix = (this.suffix + 1n) & 0xffffffffffffn;
    return id64FromBigInt(this.prefix | this.suffix);
  }
}
