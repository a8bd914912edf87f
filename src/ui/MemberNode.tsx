/**
 * One member in the cluster view: its shape says its role (label too, colour third), the ring
 * counts its election timeout down, the strip shows its latest log entries by term with the
 * commit and applied marks.
 */
import { memo, useEffect, useRef } from 'react';
import { drag } from 'd3-drag';
import { select } from 'd3-selection';
import type { MemberInfo, RoleName } from '../state/types.ts';
import { ringArcPath, timeoutRemaining } from './geometry.ts';
import { roleColor, termColor } from './colors.ts';

export const NODE_R = 27;
const RING_R = 34;
const STRIP_N = 8;
const BOX_W = 11;

export const roleMark: Record<RoleName, string> = {
  leader: '★ leader',
  follower: 'follower',
  candidate: '◆ candidate',
  'pre-candidate': '◇ pre-candidate',
  learner: '▢ learner',
  crashed: '✕ crashed',
  removed: 'removed',
};

export interface MemberNodeProps {
  m: MemberInfo;
  x: number;
  y: number;
  selected: boolean;
  /** A lesson step points at this member. */
  pointed?: boolean;
  /** The invariant monitor found a broken Raft property on this member. */
  broken?: boolean;
  dragging: boolean;
  onSelect(name: string): void;
  onDrag(name: string, x: number, y: number): void;
  onDrop(name: string, x: number, y: number): void;
  /** The element coordinates are taken in (the zoomed view group). */
  container(): SVGGElement | null;
}

/** The member's shape for its role (also drawn by live mode for a real cluster's members). */
export function Body({ role }: { role: RoleName }) {
  const c = roleColor[role];
  switch (role) {
    case 'leader':
      return (
        <g>
          <circle r={NODE_R} className="node-body" fill="#eff6ff" stroke={c} strokeWidth={4} />
          <circle r={NODE_R - 6} fill="none" stroke={c} strokeWidth={1.5} />
        </g>
      );
    case 'candidate':
      return <circle r={NODE_R} className="node-body" fill="#fffbeb" stroke={c} strokeWidth={3} strokeDasharray="7 4" />;
    case 'pre-candidate':
      return <circle r={NODE_R} className="node-body" fill="#fefce8" stroke={c} strokeWidth={3} strokeDasharray="2 4" strokeLinecap="round" />;
    case 'learner':
      return <rect x={-NODE_R} y={-NODE_R} width={NODE_R * 2} height={NODE_R * 2} rx={10} className="node-body" fill="#f5f3ff" stroke={c} strokeWidth={2.5} />;
    case 'crashed':
    case 'removed':
      return (
        <g>
          <circle r={NODE_R} className="node-body" fill="#f3f4f6" stroke={c} strokeWidth={2} strokeDasharray="3 3" />
          <path d={`M-15,-15L15,15M15,-15L-15,15`} stroke="#b91c1c" strokeWidth={3} strokeLinecap="round" opacity={0.55} />
        </g>
      );
    default:
      return <circle r={NODE_R} className="node-body" fill="#ffffff" stroke={c} strokeWidth={2.5} />;
  }
}

function lastIndexWhere<T>(xs: readonly T[], f: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (f(xs[i]!)) return i;
  return -1;
}

function LogStrip({ m }: { m: MemberInfo }) {
  const entries = m.recentEntries.slice(-STRIP_N);
  const x0 = -(STRIP_N * BOX_W) / 2;
  const y0 = 60;
  const lastCommitted = lastIndexWhere(entries, (e) => e.index <= m.commitIndex);
  const lastApplied = lastIndexWhere(entries, (e) => e.index <= m.appliedIndex);
  return (
    <g className="log-strip" aria-hidden="true">
      <rect x={x0 - 2} y={y0 - 2} width={STRIP_N * BOX_W + 4} height={16} rx={3} fill="#f8fafc" stroke="#e2e8f0" />
      {entries.map((e, i) => (
        <rect key={e.index} x={x0 + i * BOX_W} y={y0} width={BOX_W - 1.5} height={12} rx={1.5} fill={termColor(e.term)} stroke={e.index <= m.commitIndex ? '#334155' : '#94a3b8'} strokeWidth={e.index <= m.commitIndex ? 1 : 0.8} strokeDasharray={e.index <= m.commitIndex ? undefined : '2 1.5'}>
          <title>{`#${e.index} term ${e.term}${e.text ? `: ${e.text}` : ' (empty)'}${e.index <= m.commitIndex ? ', committed' : ', not committed'}${e.index <= m.appliedIndex ? ', applied' : ''}`}</title>
        </rect>
      ))}
      {lastCommitted >= 0 && (
        <path d={`M${x0 + (lastCommitted + 1) * BOX_W - 0.7},${y0 - 4}V${y0 + 16}`} stroke="#0f172a" strokeWidth={2} className="commit-mark" />
      )}
      {lastApplied >= 0 && (
        <path d={`M${x0 + lastApplied * BOX_W + BOX_W / 2 - 4},${y0 + 21}l4,-5l4,5z`} fill="#0f172a" className="applied-mark" />
      )}
      <text x={x0 + STRIP_N * BOX_W + 6} y={y0 + 10} className="strip-label">
        {m.commitIndex}
      </text>
    </g>
  );
}

function MemberNodeImpl(p: MemberNodeProps) {
  const { m } = p;
  const ref = useRef<SVGGElement>(null);
  const handlers = useRef(p);
  handlers.current = p;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let dx = 0;
    let dy = 0;
    const behaviour = drag<SVGGElement, unknown>()
      .container(() => handlers.current.container() ?? (el.parentNode as SVGGElement))
      .clickDistance(4)
      .on('start', (ev: { x: number; y: number }) => {
        dx = handlers.current.x - ev.x;
        dy = handlers.current.y - ev.y;
      })
      .on('drag', (ev: { x: number; y: number }) => handlers.current.onDrag(m.name, ev.x + dx, ev.y + dy))
      .on('end', (ev: { x: number; y: number }) => handlers.current.onDrop(m.name, ev.x + dx, ev.y + dy));
    select(el).call(behaviour);
    return () => {
      select(el).on('.drag', null);
    };
  }, [m.name]);
  const remaining = m.alive && m.role !== 'leader' ? timeoutRemaining(m.electionElapsedTicks, m.electionTimeoutTicks) : 0;
  const label = `${m.name}, ${m.role}, term ${m.term}, commit ${m.commitIndex}, applied ${m.appliedIndex}${m.alive && m.role !== 'leader' ? `, election timeout ${m.electionElapsedTicks} of ${m.electionTimeoutTicks} ticks` : ''}${m.alive && m.walFsyncMs >= SLOW_DISK_MS ? `, slow disk ${fmtMs(m.walFsyncMs)} per WAL write${m.syncingUntilMs !== undefined ? ', syncing now' : ''}` : ''}`;
  return (
    <g
      ref={ref}
      transform={`translate(${p.x.toFixed(1)},${p.y.toFixed(1)})`}
      className={`member role-${m.role}${p.selected ? ' selected' : ''}${p.dragging ? ' dragging' : ''}`}
      data-member={m.name}
      data-role={m.role}
      role="button"
      tabIndex={0}
      aria-pressed={p.selected}
      aria-label={label}
      onClick={() => p.onSelect(m.name)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          p.onSelect(m.name);
        }
      }}
    >
      <title>{label}</title>
      {p.broken && <circle r={RING_R + 20} className="invariant-broken" data-testid={`invariant-broken-${m.name}`} />}
      {p.pointed && <circle r={RING_R + 15} className="lesson-point" data-testid={`lesson-point-${m.name}`} />}
      {p.selected && <circle r={RING_R + 9} className="select-halo" />}
      <circle r={RING_R} fill="none" stroke="#e5e7eb" strokeWidth={4} />
      {remaining > 0 && <path d={ringArcPath(0, 0, RING_R, remaining)} fill="none" stroke={roleColor[m.role]} strokeWidth={4} strokeLinecap="round" className="timeout-ring" />}
      {m.role === 'leader' && <circle r={RING_R} fill="none" stroke={roleColor.leader} strokeWidth={4} opacity={0.35} />}
      <Body role={m.role} />
      <text y={-3} className="node-name">
        {m.name}
      </text>
      <text y={13} className="node-term">
        t{m.term}
      </text>
      <text y={RING_R + 15} className="node-role" fill={roleColor[m.role]}>
        {roleMark[m.role]}
      </text>
      {m.alive && <LogStrip m={m} />}
      {m.alive && m.walFsyncMs >= SLOW_DISK_MS && (
        <text y={-RING_R - 8} className={`node-disk${m.syncingUntilMs !== undefined ? ' syncing' : ''}`}>
          {m.syncingUntilMs !== undefined ? `syncing WAL (${fmtMs(m.walFsyncMs)})…` : `slow disk ${fmtMs(m.walFsyncMs)}`}
        </text>
      )}
      {m.clockRate !== 1 && (
        <text y={-RING_R - 8 - (m.alive && m.walFsyncMs >= SLOW_DISK_MS ? 15 : 0)} className="node-clock" data-testid={`node-clock-${m.name}`}>
          {`clock ×${m.clockRate} ${m.clockRate > 1 ? 'fast' : 'slow'}`}
        </text>
      )}
    </g>
  );
}

/** A disk this slow (virtual ms per WAL write) is worth pointing out on the node: it stalls the member visibly. */
const SLOW_DISK_MS = 50;

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

function same(a: MemberNodeProps, b: MemberNodeProps): boolean {
  const x = a.m;
  const y = b.m;
  return (
    a.x === b.x &&
    a.y === b.y &&
    a.selected === b.selected &&
    a.pointed === b.pointed &&
    a.broken === b.broken &&
    a.dragging === b.dragging &&
    x.role === y.role &&
    x.alive === y.alive &&
    x.term === y.term &&
    x.commitIndex === y.commitIndex &&
    x.appliedIndex === y.appliedIndex &&
    x.electionElapsedTicks === y.electionElapsedTicks &&
    x.electionTimeoutTicks === y.electionTimeoutTicks &&
    x.walFsyncMs === y.walFsyncMs &&
    x.clockRate === y.clockRate &&
    x.syncingUntilMs === y.syncingUntilMs &&
    x.recentEntries.length === y.recentEntries.length &&
    x.recentEntries[x.recentEntries.length - 1]?.index === y.recentEntries[y.recentEntries.length - 1]?.index &&
    x.recentEntries[x.recentEntries.length - 1]?.term === y.recentEntries[y.recentEntries.length - 1]?.term
  );
}

export const MemberNode = memo(MemberNodeImpl, same);
