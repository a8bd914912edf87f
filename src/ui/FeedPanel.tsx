/** What happened, in words: watch events reaching clients, leases expiring, compactions, snapshots, and the timeline's markers. */
import { usePlayground } from './hooks.ts';
import { formatVirtualTime } from './speedScale.ts';

const icon = { watch: '👁', lease: '⏱', compaction: '🗜', snapshot: '▣' } as const;

export function FeedPanel() {
  const feed = usePlayground((s) => s.feed);
  const markers = usePlayground((s) => s.markers);
  const items = [
    ...feed.map((f) => ({ key: `f${f.id}`, atMs: f.atMs, kind: f.kind, text: f.text, mark: icon[f.kind] })),
    ...markers.filter((m) => m.kind !== 'election').map((m) => ({ key: `m${m.id}`, atMs: m.atMs, kind: m.kind, text: m.text, mark: '•' })),
  ]
    .sort((a, b) => b.atMs - a.atMs)
    .slice(0, 200);
  return (
    <div className="feed" data-testid="feed">
      {items.length === 0 && <p className="muted">Nothing yet. Watch events, lease expiry, compactions and cluster events will land here.</p>}
      <ol className="feed-list">
        {items.map((i) => (
          <li key={i.key} className={`feed-${i.kind}`} data-kind={i.kind}>
            <span className="t">{formatVirtualTime(i.atMs)}</span> <span aria-hidden="true">{i.mark}</span> <span className="kind">{i.kind}</span> {i.text}
          </li>
        ))}
      </ol>
    </div>
  );
}
