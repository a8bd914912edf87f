import { describe, expect, it } from 'vitest';
import { leaseIdGenerator } from './leaseIdGenerator.ts';
import { isLeaseId } from './leaseId.ts';
import { LeaseError } from './errors.ts';

describe('leaseIdGenerator', () => {
  it('reproduces an ID a real etcd 3.4 handed out, from its member ID and creation time', () => {
    // Observed: member bdae9bbc11dd390d granted lease 390da1ff4a996b07 (its 7th request ID);
    // the 40 time bits of that ID are 0xa1ff4a996b.
    const gen = leaseIdGenerator('bdae9bbc11dd390d', 0xa1ff4a996b);
    const ids = Array.from({ length: 7 }, () => gen.next());
    expect(ids[6]).toBe('390da1ff4a996b07');
  });

  it('puts the member ID low 16 bits on top, time and counter below', () => {
    const gen = leaseIdGenerator('abcd1234', 1_700_000_000_000);
    const id = BigInt('0x' + gen.next());
    expect(id >> 48n).toBe(0x1234n);
    expect((id >> 8n) & ((1n << 40n) - 1n)).toBe(BigInt(1_700_000_000_000) & ((1n << 40n) - 1n));
  });

  it('hands out canonical, positive, distinct IDs', () => {
    const gen = leaseIdGenerator('ffff', 123_456_789);
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const id = gen.next();
      expect(isLeaseId(id)).toBe(true);
      expect(id).not.toBe('0');
      expect(BigInt('0x' + id) < 1n << 63n).toBe(true);
      seen.add(id);
    }
    expect(seen.size).toBe(5_000);
  });

  it('clears the sign bit and skips 0 when the suffix wraps', () => {
    // Member low bits 0x8000 vanish under the positive mask; the time bits are all ones, so
    // the 48-bit suffix wraps to 0 at the 256th ID, which would be the ID 0.
    const gen = leaseIdGenerator('8000', 2 ** 40 - 1);
    const ids = Array.from({ length: 300 }, () => gen.next());
    expect(ids).not.toContain('0');
    expect(new Set(ids).size).toBe(300);
    expect(ids[254]).toBe('ffffffffffff');
    expect(ids[255]).toBe('1');
  });

  it('differs between members started at the same instant', () => {
    const a = leaseIdGenerator('1111', 5000);
    const b = leaseIdGenerator('2222', 5000);
    expect(a.next()).not.toBe(b.next());
  });

  it('rejects a malformed member ID or time', () => {
    expect(() => leaseIdGenerator('XYZ', 0)).toThrow(LeaseError);
    expect(() => leaseIdGenerator('0012', 0)).toThrow(/invalid lease ID/);
    expect(() => leaseIdGenerator('12', -1)).toThrow(/invalid generator time/);
    expect(() => leaseIdGenerator('12', 1.5)).toThrow(/invalid generator time/);
  });
});
