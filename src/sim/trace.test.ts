import { describe, expect, it } from 'vitest';
import { TRACE_HASH_SEED, Trace, hashEvent } from './trace.ts';

describe('Trace', () => {
  it('hashes every field of every event in order, chained', () => {
    const t = new Trace();
    t.record(1, 'send', 'a', 'b', 7, '', 12, 0xdead);
    t.record(2 ** 40, 'deliver', 'b', 'a', 7);
    let h = TRACE_HASH_SEED;
    for (const e of t.events()) h = hashEvent(h, e);
    expect(t.hash).toBe(h.toString(16).padStart(8, '0'));
    // Each field counts, and field boundaries count.
    const one = (f: (x: Trace) => void) => {
      const x = new Trace();
      f(x);
      return x.hash;
    };
    const base = one((x) => x.record(1, 'send', 'a', 'b', 7, 'd', 12, 3));
    expect(one((x) => x.record(1, 'send', 'a', 'b', 7, 'd', 12, 4))).not.toBe(base);
    expect(one((x) => x.record(1, 'send', 'a', 'b', 7, 'd', 13, 3))).not.toBe(base);
    expect(one((x) => x.record(1, 'send', 'ab', '', 7, 'd', 12, 3))).not.toBe(base);
    expect(one((x) => x.record(1 + 2 ** 32, 'send', 'a', 'b', 7, 'd', 12, 3))).not.toBe(base);
    const swapped = new Trace();
    swapped.record(2, 'deliver', 'b', 'a', 7);
    swapped.record(1, 'send', 'a', 'b', 7, 'MsgApp');
    expect(swapped.hash).not.toBe(t.hash);
  });

  it('keeps a bounded ring of recent events while the hash covers all', () => {
    const small = new Trace({ capacity: 3 });
    const big = new Trace({ capacity: Infinity });
    for (let i = 0; i < 10; i++) {
      small.record(i, 'custom', 'x', '', 0, String(i));
      big.record(i, 'custom', 'x', '', 0, String(i));
    }
    expect(small.events().map((e) => e.seq)).toEqual([7, 8, 9]);
    expect(big.events()).toHaveLength(10);
    expect(small.totalCount).toBe(10);
    expect(small.hash).toBe(big.hash);
    const none = new Trace({ capacity: 0 });
    for (let i = 0; i < 10; i++) none.record(i, 'custom', 'x', '', 0, String(i));
    expect(none.events()).toEqual([]);
    expect(none.hash).toBe(big.hash);
  });

  it('tells subscribers and stops when unsubscribed; rejects a bad capacity', () => {
    const t = new Trace({ capacity: 0 });
    const seen: number[] = [];
    const off = t.subscribe((e) => seen.push(e.atMs));
    t.record(5, 'crash', 'a');
    off();
    t.record(6, 'restart', 'a');
    expect(seen).toEqual([5]);
    expect(() => new Trace({ capacity: -1 })).toThrow(/capacity/);
  });

  it('divert keeps records out until replayed, in order, with the hash of recording them directly', () => {
    const direct = new Trace({ capacity: 10 });
    direct.record(1, 'send', 'a', 'b', 1, 'x');
    direct.record(2, 'deliver', 'b', 'a', 1);
    direct.record(3, 'custom', 'b', '', 0, 'note');
    const diverted = new Trace({ capacity: 10 });
    diverted.record(1, 'send', 'a', 'b', 1, 'x');
    const sink: Parameters<Trace['divert']>[0] = [];
    expect(diverted.divert(sink)).toBeNull();
    diverted.record(2, 'deliver', 'b', 'a', 1);
    diverted.record(3, 'custom', 'b', '', 0, 'note');
    expect(diverted.totalCount).toBe(1);
    expect(diverted.divert(null)).toBe(sink);
    diverted.replay(sink!);
    expect(diverted.hash).toBe(direct.hash);
    expect(diverted.events().map((e) => [e.atMs, e.kind, e.detail])).toEqual(direct.events().map((e) => [e.atMs, e.kind, e.detail]));
  });
});
