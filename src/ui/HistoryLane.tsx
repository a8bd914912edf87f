/**
 * The history lane under the timeline: each client's operations as intervals from call to
 * return (as Jepsen and Porcupine draw them), on the timeline's time axis, and the
 * linearizability checker's answer over the whole history. An operation that never answered runs
 * on as a dashed line (it may take effect at any time after its call). When the history cannot be
 * put in any order, the operations the checker names turn red and the reason is given in words.
 */
import type { ScaleLinear } from 'd3-scale';
import { usePlayground } from './hooks.ts';
import type { LaneOperation } from '../state/types.ts';

const ROW_H = 16;
const HEAD_H = 20;

const statusColor: Record<LaneOperation['status'], string> = {
  ok: '#15803d',
  failed: '#94a3b8',
  indeterminate: '#d97706',
  pending: '#2563eb',
};

function secondsOf(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

export function HistoryLane({ x, startMs, W, gutter }: { x: ScaleLinear<number, number>; startMs: number; W: number; gutter: number }) {
  const { operations, check } = usePlayground((s) => s.history);
  const nowMs = usePlayground((s) => s.nowMs);
  const shown = operations.filter((o) => (o.returnMs ?? o.gaveUpMs ?? nowMs) >= startMs);
  const clients = [...new Set(shown.map((o) => o.client))].sort();
  const involved = new Set(check.involved);
  const H = HEAD_H + Math.max(1, clients.length) * ROW_H + 4;
  const verdict =
    check.result === 'illegal'
      ? `✕ not linearizable: ${check.words ?? check.text}`
      : check.result === 'ok'
        ? `✓ linearizable (${check.checked} operation${check.checked === 1 ? '' : 's'} checked; serializable reads left out)`
        : check.result === 'unknown'
          ? `? ${check.text}`
          : 'no client operations yet';
  return (
    <div className={`history-lane ${check.result}`} data-testid="history-lane" data-result={check.result}>
      <p className="history-verdict" data-testid="history-verdict" title={check.result === 'illegal' ? check.text : undefined} role={check.result === 'illegal' ? 'alert' : undefined}>
        <b>History</b> {verdict}
      </p>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} aria-label={`client operations by client: ${verdict}`}>
        {clients.length === 0 && (
          <text x={gutter} y={HEAD_H - 6} className="lane-label">
            client operations appear here
          </text>
        )}
        {clients.map((c, i) => {
          const y = HEAD_H + i * ROW_H;
          return (
            <g key={c}>
              <text x={6} y={y + 4} className="lane-label" data-testid={`history-client-${c}`}>
                {c.length > 11 ? `${c.slice(0, 10)}…` : c}
              </text>
              <line x1={gutter} x2={W - 10} y1={y} y2={y} className="lane-line" />
            </g>
          );
        })}
        {shown.map((o) => {
          const row = clients.indexOf(o.client);
          const y = HEAD_H + row * ROW_H;
          const x0 = Math.max(gutter, x(o.callMs));
          const endMs = o.returnMs ?? o.gaveUpMs ?? nowMs;
          const x1 = Math.max(x0 + 3, x(endMs));
          const bad = involved.has(o.id);
          const color = bad ? '#b91c1c' : statusColor[o.status];
          const answered = o.returnMs !== null;
          const when = `${secondsOf(o.callMs)} → ${answered ? secondsOf(o.returnMs!) : o.status === 'pending' ? 'waiting' : 'no answer'}`;
          return (
            <g key={o.id} className={`lane-op ${o.status}${bad ? ' involved' : ''}`} data-testid={`history-op-${o.id}`} data-status={o.status} data-involved={bad ? 'true' : undefined}>
              <line x1={x0} x2={x1} y1={y} y2={y} stroke={color} strokeWidth={bad ? 7 : 5} strokeLinecap="round" strokeDasharray={answered || o.status === 'pending' ? undefined : '3 3'} />
              <title>{`#${o.id} ${o.client}: ${o.label} (${o.status}) ${when}`}</title>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
