import { describe, expect, it } from 'vitest';
import { appendMarkers, extendBands, markersFromEvents, markersFromMembers, observeLeadership } from './timeline.ts';
import { member } from './testMembers.ts';

describe('term bands', () => {
  it('stretches the current band while term and leader stay, and starts a new one on change', () => {
    let b = extendBands([], 0, 1, '');
    b = extendBands(b, 500, 1, '');
    expect(b).toEqual([{ term: 1, leader: '', startMs: 0, endMs: 500 }]);
    b = extendBands(b, 700, 2, 'n2');
    b = extendBands(b, 900, 2, 'n2');
    expect(b).toEqual([
      { term: 1, leader: '', startMs: 0, endMs: 700 },
      { term: 2, leader: 'n2', startMs: 700, endMs: 900 },
    ]);
  });
  it('returns the same array when nothing changed (no re-render)', () => {
    const b = extendBands([], 100, 1, 'n1');
    expect(extendBands(b, 100, 1, 'n1')).toBe(b);
  });
  it('keeps at most maxBands bands', () => {
    let b = extendBands([], 0, 1, '');
    for (let t = 2; t < 20; t++) b = extendBands(b, t * 10, t, '', 5);
    expect(b).toHaveLength(5);
    expect(b[b.length - 1]!.term).toBe(19);
  });
});

describe('observeLeadership', () => {
  it('takes the highest term among live members and its leader', () => {
    const ms = [member('n1', { term: 3, role: 'leader' }), member('n2', { term: 4, role: 'candidate' }), member('n3', { term: 9, alive: false, role: 'crashed' })];
    expect(observeLeadership(ms)).toEqual({ term: 4, leader: '' });
    expect(observeLeadership([member('n1', { term: 3, role: 'leader' }), member('n2', { term: 3 })])).toEqual({ term: 3, leader: 'n1' });
  });
});

describe('markers', () => {
  it('marks crashes, restarts, partitions and heals from trace events and ignores the rest', () => {
    const ev = (kind: string, actor = 'n1') => ({ seq: 0, atMs: 5, kind, actor, peer: '', envelopeId: 0, detail: '' });
    const ms = markersFromEvents([ev('crash'), ev('send'), ev('restart'), ev('partition'), ev('heal'), ev('deliver')]);
    expect(ms.map((m) => m.kind)).toEqual(['crash', 'restart', 'partition', 'heal']);
    expect(ms[0]!.text).toBe('n1 crashed');
  });
  it('marks a new leader with its term, an election, and membership changes', () => {
    const prev = [member('n1', { role: 'leader', term: 2 }), member('n2'), member('n3')];
    const next = [member('n1', { term: 3 }), member('n2', { role: 'leader', term: 3 }), member('n4')];
    const ms = markersFromMembers(prev, next, 1000);
    expect(ms.map((m) => m.text)).toEqual(['n2 became leader in term 3', 'n4 joined', 'n3 removed']);
    const e = markersFromMembers([member('n1')], [member('n1', { role: 'candidate', term: 2 })], 0);
    expect(e[0]!.kind).toBe('election');
  });
  it('keeps the newest markers when over the cap', () => {
    const ev = { seq: 0, atMs: 0, kind: 'crash', actor: 'n1', peer: '', envelopeId: 0, detail: '' };
    let m = appendMarkers([], markersFromEvents([ev, ev, ev]), 2);
    expect(m).toHaveLength(2);
    m = appendMarkers(m, [], 2);
    expect(m).toHaveLength(2);
  });
});
