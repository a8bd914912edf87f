import { describe, expect, it } from 'vitest';
import {
  compareRevision,
  compareRevisionKeys,
  revision,
  revisionBytes,
  revisionFromKey,
  revisionGreaterThan,
  revisionToKey,
} from './revision.ts';

describe('revision', () => {
  it('orders by main, then sub', () => {
    expect(compareRevision(revision(1, 5), revision(2, 0))).toBe(-1);
    expect(compareRevision(revision(2, 1), revision(2, 0))).toBe(1);
    expect(compareRevision(revision(3, 3), revision(3, 3))).toBe(0);
    expect(revisionGreaterThan(revision(4, 1), revision(4, 0))).toBe(true);
    expect(revisionGreaterThan(revision(4, 0), revision(4, 0))).toBe(false);
  });

  it('round-trips through its [main, sub] key', () => {
    const r = revision(123456789, 7);
    expect(revisionToKey(r)).toEqual([123456789, 7]);
    expect(revisionFromKey(revisionToKey(r))).toEqual(r);
  });

  it('array keys sort like etcd revision bytes', () => {
    const revs = [revision(2, 0), revision(1, 3), revision(256, 0), revision(1, 0), revision(255, 9), revision(2 ** 33, 1)];
    const byKey = [...revs].sort((a, b) => compareRevisionKeys(revisionToKey(a), revisionToKey(b)));
    const byBytes = [...revs].sort((a, b) => {
      const x = revisionBytes(a);
      const y = revisionBytes(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    expect(byKey).toEqual(byBytes);
    expect(byKey[0]).toEqual(revision(1, 0));
    expect(byKey[byKey.length - 1]).toEqual(revision(2 ** 33, 1));
  });

  it('encodes etcd revision bytes: 8 bytes main, "_", 8 bytes sub, "t" for tombstones', () => {
    const b = revisionBytes(revision(258, 1), true);
    expect(b.length).toBe(18);
    expect([...b].map((c) => c.charCodeAt(0))).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 0x5f, 0, 0, 0, 0, 0, 0, 0, 1, 0x74]);
  });
});
