import { describe, expect, it } from 'vitest';
import { feedFromEntries, feedFromEvents, feedFromMembers } from './feed.ts';
import { member } from './testMembers.ts';

describe('feed', () => {
  it('lists watch responses that carry events, delivered to a client', () => {
    const ev = (detail: string, actor = 'client-1') => ({ seq: 0, atMs: 10, kind: 'deliver', actor, peer: 'n2', envelopeId: 1, detail });
    const items = feedFromEvents([ev('watchResp#1 w0 ev2'), ev('watchResp#1 w0 ev0 created'), ev('watchResp#1 w0 ev1', 'n3'), ev('reply#4 ok')], new Set(['n2', 'n3']));
    expect(items).toHaveLength(1);
    expect(items[0]!.text).toContain('2 watch events');
  });
  it('reports committed lease revokes and compactions once each', () => {
    const entries = [
      { index: 5, term: 2, text: 'put a=1' },
      { index: 6, term: 2, text: 'lease revoke 694d1234' },
      { index: 7, term: 2, text: 'compact 3' },
      { index: 8, term: 2, text: 'lease revoke 694d9999' },
    ];
    const r = feedFromEntries(entries, 7, 0, 'n1', 100);
    expect(r.items.map((i) => i.kind)).toEqual(['lease', 'compaction']);
    expect(r.maxIndex).toBe(7);
    const again = feedFromEntries(entries, 8, r.maxIndex, 'n1', 200);
    expect(again.items).toHaveLength(1);
    expect(again.items[0]!.text).toContain('694d9999');
  });
  it('reports a new snapshot of a live member', () => {
    expect(feedFromMembers([member('n1', { snapshotIndex: 0 })], [member('n1', { snapshotIndex: 100 })], 0)).toHaveLength(1);
    expect(feedFromMembers([member('n1')], [member('n1')], 0)).toHaveLength(0);
  });
});
