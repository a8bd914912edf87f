/**
 * A revision names one change in the store: `main` is the revision of the write transaction
 * (one per transaction), `sub` the position of the change inside it (0, 1, ...).
 *
 * Invariants: main >= 1 for a change (0 is "none"); sub >= 0. Revisions are totally ordered by
 * (main, sub), which is also the order of the key bucket (etcd writes them big-endian, so byte
 * order and numeric order agree; IndexedDB array keys `[main, sub]` sort the same way).
 */
export interface Revision {
  main: number;
  sub: number;
}

/** The key bucket's key for a revision: sorts like etcd's 17-byte revision encoding. */
export type RevisionKey = [main: number, sub: number];

export const zeroRevision: Revision = Object.freeze({ main: 0, sub: 0 }) as Revision;

export function revision(main: number, sub = 0): Revision {
  return { main, sub };
}

export function compareRevision(a: Revision, b: Revision): number {
  if (a.main !== b.main) return a.main < b.main ? -1 : 1;
  if (a.sub !== b.sub) return a.sub < b.sub ? -1 : 1;
  return 0;
}

export function revisionGreaterThan(a: Revision, b: Revision): boolean {
  return compareRevision(a, b) > 0;
}

export function revisionEquals(a: Revision, b: Revision): boolean {
  return a.main === b.main && a.sub === b.sub;
}

export function revisionToKey(rev: Revision): RevisionKey {
  return [rev.main, rev.sub];
}

export function revisionFromKey(key: RevisionKey): Revision {
  return { main: key[0], sub: key[1] };
}

export function compareRevisionKeys(a: RevisionKey, b: RevisionKey): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

/** A string form usable as a Map/Set key ("main.sub", as etcd prints revisions in its docs). */
export function revisionString(rev: Revision): string {
  return `${rev.main}.${rev.sub}`;
}

/**
 * etcd's on-disk revision bytes: 8 bytes main (big-endian), '_', 8 bytes sub, plus a trailing
 * 't' for a tombstone. Used where byte-level fidelity matters (the KV hash).
 */
export function revisionBytes(rev: Revision, tombstone = false): string {
  return be64(rev.main) + '_' + be64(rev.sub) + (tombstone ? 't' : '');
}

function be64(n: number): string {
  let out = '';
  let hi = Math.floor(n / 2 ** 32);
  let lo = n >>> 0;
  const bytes: number[] = [];
  for (let i = 0; i < 4; i++) {
    bytes.unshift(lo & 0xff);
    lo = lo >>> 8;
  }
  for (let i = 0; i < 4; i++) {
    bytes.unshift(hi & 0xff);
    hi = hi >>> 8;
  }
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}
