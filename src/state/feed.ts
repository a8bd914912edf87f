/**
 * The event feed: watch events reaching clients, leases expiring or revoked, compactions. Derived
 * from what the runtime reports (trace deliveries and the committed log), never invented.
 */
import type { EntrySummary, MemberInfo, PlaygroundEvent } from './types.ts';

export type FeedKind = 'watch' | 'lease' | 'compaction' | 'snapshot';

export interface FeedItem {
  id: number;
  atMs: number;
  kind: FeedKind;
  text: string;
  /** Where it happened (member) and who it concerns (client), when known. */
  member: string;
  client: string;
}

let feedSeq = 1;

const watchResp = /watchResp#\d+ w(\d+) ev(\d+)/;

/** Watch responses carrying events, delivered to a client. */
export function feedFromEvents(events: readonly PlaygroundEvent[], memberNames: ReadonlySet<string>): FeedItem[] {
  const out: FeedItem[] = [];
  for (const e of events) {
    if (e.kind !== 'deliver') continue;
    const m = watchResp.exec(e.detail);
    if (m && Number(m[2]) > 0 && !memberNames.has(e.actor)) {
      const n = Number(m[2]);
      out.push({ id: feedSeq++, atMs: e.atMs, kind: 'watch', member: e.peer, client: e.actor, text: `${e.actor} got ${n} watch event${n === 1 ? '' : 's'} (watch ${m[1]}) from ${e.peer}` });
    }
  }
  return out;
}

/**
 * Lease revocations (expiry proposes a revoke) and compactions newly committed in the leader's
 * log. `prevMaxIndex` is the highest index already looked at.
 */
export function feedFromEntries(entries: readonly EntrySummary[], commitIndex: number, prevMaxIndex: number, member: string, atMs: number): { items: FeedItem[]; maxIndex: number } {
  const items: FeedItem[] = [];
  let maxIndex = prevMaxIndex;
  for (const e of entries) {
    if (e.index <= prevMaxIndex || e.index > commitIndex) continue;
    maxIndex = Math.max(maxIndex, e.index);
    const t = e.text.toLowerCase();
    if (t.startsWith('lease revoke')) {
      items.push({ id: feedSeq++, atMs, kind: 'lease', member, client: '', text: `${e.text} committed at index ${e.index} (expiry or revoke; its keys are deleted)` });
    } else if (t.startsWith('compact')) {
      items.push({ id: feedSeq++, atMs, kind: 'compaction', member, client: '', text: `${e.text} committed at index ${e.index}` });
    }
  }
  return { items, maxIndex };
}

/** A compaction or snapshot observed through member summaries. */
export function feedFromMembers(prev: readonly MemberInfo[], next: readonly MemberInfo[], atMs: number): FeedItem[] {
  const out: FeedItem[] = [];
  const before = new Map(prev.map((m) => [m.name, m]));
  for (const m of next) {
    const p = before.get(m.name);
    if (!p || !m.alive || !p.alive) continue;
    if (m.snapshotIndex > p.snapshotIndex && p.snapshotIndex >= 0) {
      out.push({ id: feedSeq++, atMs, kind: 'snapshot', member: m.name, client: '', text: `${m.name} took a snapshot at index ${m.snapshotIndex}` });
    }
  }
  return out;
}
