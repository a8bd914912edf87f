import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LeaseQueue } from './leaseQueue.ts';
import { compareLeaseIds } from './leaseId.ts';

describe('LeaseQueue', () => {
  it('pops by time, then by numeric ID', () => {
    const q = new LeaseQueue();
    q.set('a', 200);
    q.set('10', 100);
    q.set('9', 100);
    q.set('b', 50);
    expect([q.pop()!.id, q.pop()!.id, q.pop()!.id, q.pop()!.id]).toEqual(['b', '9', '10', 'a']);
    expect(q.pop()).toBeUndefined();
  });

  it('keeps one entry per ID: set moves it', () => {
    const q = new LeaseQueue();
    q.set('1', 100);
    q.set('2', 200);
    q.set('1', 300);
    expect(q.size).toBe(2);
    expect(q.pop()).toEqual({ id: '2', timeMs: 200 });
    expect(q.pop()).toEqual({ id: '1', timeMs: 300 });
  });

  it('matches a sorted-list model under random set/delete/pop (fast-check prints the seed on failure)', () => {
    const id = fc.integer({ min: 1, max: 40 }).map((n) => n.toString(16));
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), id, timeMs: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ kind: fc.constant('delete' as const), id }),
      fc.record({ kind: fc.constant('pop' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200, size: 'max' }), (ops) => {
        const q = new LeaseQueue();
        const model = new Map<string, number>();
        const sortedModel = () =>
          [...model].sort((a, b) => a[1] - b[1] || compareLeaseIds(a[0], b[0]));
        for (const o of ops) {
          if (o.kind === 'set') {
            q.set(o.id, o.timeMs);
            model.set(o.id, o.timeMs);
          } else if (o.kind === 'delete') {
            q.delete(o.id);
            model.delete(o.id);
          } else {
            const want = sortedModel()[0];
            const got = q.pop();
            expect(got && [got.id, got.timeMs]).toEqual(want);
            if (want) model.delete(want[0]);
          }
          expect(q.size).toBe(model.size);
        }
        const drained: [string, number][] = [];
        for (let e = q.pop(); e; e = q.pop()) drained.push([e.id, e.timeMs]);
        expect(drained).toEqual(sortedModel());
      }),
      { numRuns: 200 },
    );
  });
});
