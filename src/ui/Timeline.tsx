/**
 * Virtual time along the bottom: terms and their leaders as bands, and markers for elections,
 * new leaders, partitions, heals, crashes and restarts. d3 computes the scale and ticks; React
 * draws. Hover a marker for its detail; click it to select what it marks.
 *
 * By keyboard the marker area is one tab stop (a listbox): arrow keys, Home and End move an active
 * marker, which shows the hover detail and a focus ring and is announced through
 * aria-activedescendant; Enter or Space selects what it marks, as a click does. Focus stays on
 * the listbox itself because markers come and go while the clock runs, and a focused marker that
 * scrolled out of the window would drop focus to the page.
 */
import { useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { scaleLinear } from 'd3-scale';
import type { Marker, MarkerKind } from '../state/timeline.ts';
import { usePlayground, useStoreApi, useWidth } from './hooks.ts';
import { termColor } from './colors.ts';
import { formatVirtualTime } from './speedScale.ts';
import { HistoryLane } from './HistoryLane.tsx';

const AXIS_Y = 12;
const BAND_Y = 18;
const BAND_H = 28;
const GUTTER = 88;
const LANE_H = 26;

/** Marker lanes under the term bands, so kinds of event read as rows. */
const lanes: { label: string; kinds: MarkerKind[] }[] = [
  { label: 'elections', kinds: ['election', 'leader', 'invariant'] },
  { label: 'members', kinds: ['crash', 'restart', 'wipe', 'member'] },
  { label: 'network', kinds: ['partition', 'heal', 'link', 'drop'] },
];
const laneOf = (k: MarkerKind): number => lanes.findIndex((l) => l.kinds.includes(k));
const H = BAND_Y + BAND_H + lanes.length * LANE_H + 6;

const markerShape: Record<MarkerKind, { d: string; color: string; label: string }> = {
  election: { d: 'M0,-6L6,0L0,6L-6,0Z', color: '#b45309', label: 'election' },
  leader: { d: 'M0,-7L2,-2L7,-2L3,1L5,7L0,3L-5,7L-3,1L-7,-2L-2,-2Z', color: '#1d4ed8', label: 'new leader' },
  crash: { d: 'M-5,-5L5,5M5,-5L-5,5', color: '#b91c1c', label: 'crash' },
  restart: { d: 'M-5,5L0,-6L5,5Z', color: '#15803d', label: 'restart' },
  partition: { d: 'M-2,-7V7M2,-7V7', color: '#dc2626', label: 'partition' },
  heal: { d: 'M-6,0H6M0,-6V6', color: '#15803d', label: 'heal' },
  link: { d: 'M-6,2Q-3,-4 0,0T6,-2', color: '#c2410c', label: 'link settings' },
  wipe: { d: 'M-6,-6H6V6H-6Z', color: '#7f1d1d', label: 'wipe' },
  member: { d: 'M-6,0A6,6 0 1 0 6,0A6,6 0 1 0 -6,0', color: '#7c3aed', label: 'membership' },
  drop: { d: 'M-4,-4L4,4M4,-4L-4,4', color: '#dc2626', label: 'drop' },
  invariant: { d: 'M0,-8L8,7H-8Z', color: '#b91c1c', label: 'safety broken' },
};

/** The element id of a marker, for aria-activedescendant. */
const markerDomId = (id: number): string => `timeline-marker-${id}`;

/** Keys that move the active marker, as an index step or an end. */
const moves: Record<string, number | 'first' | 'last'> = {
  ArrowLeft: -1,
  ArrowUp: -1,
  ArrowRight: 1,
  ArrowDown: 1,
  Home: 'first',
  End: 'last',
};

const windows = [
  { label: '10 s', ms: 10_000 },
  { label: '30 s', ms: 30_000 },
  { label: '2 min', ms: 120_000 },
  { label: 'all', ms: Infinity },
];

export function Timeline() {
  const store = useStoreApi();
  const bands = usePlayground((s) => s.bands);
  const markers = usePlayground((s) => s.markers);
  const selectedMarker = usePlayground((s) => s.selectedMarker);
  const [windowMs, setWindowMs] = useState(30_000);
  const [hover, setHover] = useState<Marker | null>(null);
  /** The marker the keyboard is on (0: none yet), and whether the marker list has focus. */
  const [activeId, setActiveId] = useState(0);
  const [focused, setFocused] = useState(false);
  const [boxRef, W] = useWidth<HTMLDivElement>(1000);
  // The time shown while viewing the past (the whole run stays drawn, the rest of it greyed).
  const pastMs = usePlayground((s) => (s.travel.view.mode === 'past' ? s.travel.view.targetMs : null));
  const liveEndMs = usePlayground((s) => (s.travel.view.mode === 'past' ? s.travel.view.endMs : null));
  const bandEnd = bands.length ? bands[bands.length - 1]!.endMs : 0;
  const end = Math.max(bandEnd, liveEndMs ?? 0);
  const first = bands.length ? bands[0]!.startMs : 0;
  let start = Math.max(first, windowMs === Infinity ? first : end - windowMs);
  // A past time before the window widens it, so the cursor stays in sight.
  if (pastMs !== null && pastMs < start + 1000) start = Math.max(0, Math.min(first, pastMs - 2000));
  const dragging = useRef(false);
  const seekAt = (e: PointerEvent<SVGElement>): void => {
    const svg = (e.currentTarget as SVGElement).ownerSVGElement ?? (e.currentTarget as SVGSVGElement);
    const r = svg.getBoundingClientRect();
    const px = ((e.clientX - r.left) / r.width) * W;
    if (px < GUTTER - 4) return;
    store.getState().seek(Math.max(0, Math.round(x.invert(px))));
  };
  const x = useMemo(() => scaleLinear().domain([start, Math.max(end, start + 1000)]).range([GUTTER, W - 10]), [start, end, W]);
  const ticks = x.ticks(Math.max(2, Math.floor(W / 110)));
  const shown = markers.filter((m) => m.atMs >= start);
  // Keyboard order is time order (ties by arrival), whatever the drawing's stacking.
  const order = shown.slice().sort((a, b) => a.atMs - b.atMs || a.id - b.id);
  // The active marker, or where the keyboard lands first: the selected marker if shown, else the latest.
  const active = order.find((m) => m.id === activeId) ?? order.find((m) => m.id === selectedMarker) ?? order[order.length - 1];
  const detail = hover ?? (focused ? active : undefined);
  const onKeyDown = (e: KeyboardEvent<SVGGElement>): void => {
    if (e.ctrlKey || e.metaKey || e.altKey || !active) return;
    const move = moves[e.key];
    if (move !== undefined) {
      const i = order.indexOf(active);
      const next = move === 'first' ? order[0]! : move === 'last' ? order[order.length - 1]! : order[Math.min(order.length - 1, Math.max(0, i + move))]!;
      setActiveId(next.id);
    } else if (e.key === 'Enter' || e.key === ' ') {
      setActiveId(active.id);
      store.getState().selectMarker(active.id);
    } else return;
    // These keys belong to the list here: no page scroll, and Space must not also play/pause.
    e.preventDefault();
    e.stopPropagation();
  };
  // Stack markers that fall on the same pixel so each stays clickable.
  const stack = new Map<number, number>();
  return (
    <section className="timeline" aria-label="timeline">
      <header className="panel-head">
        <h3>Timeline</h3>
        <div className="seg" role="group" aria-label="timeline window">
          {windows.map((w) => (
            <button key={w.label} type="button" aria-pressed={windowMs === w.ms} onClick={() => setWindowMs(w.ms)}>
              {w.label}
            </button>
          ))}
        </div>
        <span className="hover-detail" aria-live="off" data-testid="timeline-detail">
          {detail ? `${formatVirtualTime(detail.atMs)} · ${detail.text}` : 'terms as bands (leader named); markers: ★ leader ◆ election ✕ crash ▲ restart ‖ partition + heal ~ link ● membership'}
        </span>
      </header>
      <div ref={boxRef} className="timeline-box">
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} className="timeline-svg" data-testid="timeline">
        {bands
          .filter((b) => b.endMs >= start)
          .map((b) => {
            const x0 = x(Math.max(b.startMs, start));
            const x1 = Math.max(x0 + 1, x(b.endMs));
            return (
              <g key={`${b.term}-${b.startMs}`} className="band">
                <rect x={x0} y={BAND_Y} width={x1 - x0} height={BAND_H} fill={b.leader ? termColor(b.term) : '#f1f5f9'} stroke="#fff" strokeWidth={1} />
                {!b.leader && <rect x={x0} y={BAND_Y} width={x1 - x0} height={BAND_H} fill="url(#no-leader)" />}
                {x1 - x0 > 44 && (
                  <text x={x0 + 4} y={BAND_Y + 19} className="band-label">
                    {`t${b.term} ${b.leader || 'no leader'}`}
                  </text>
                )}
                <title>{`term ${b.term}: ${b.leader ? `leader ${b.leader}` : 'no leader'} from ${formatVirtualTime(b.startMs)} to ${formatVirtualTime(b.endMs)}`}</title>
              </g>
            );
          })}
        {/* Press and drag along the axis or the term bands to travel in time. */}
        <rect
          x={GUTTER}
          y={0}
          width={Math.max(0, W - 10 - GUTTER)}
          height={BAND_Y + BAND_H}
          fill="transparent"
          className="scrub-area"
          data-testid="timeline-scrub"
          onPointerDown={(e) => {
            dragging.current = true;
            e.currentTarget.setPointerCapture(e.pointerId);
            seekAt(e);
          }}
          onPointerMove={(e) => {
            if (dragging.current) seekAt(e);
          }}
          onPointerUp={() => (dragging.current = false)}
          onPointerCancel={() => (dragging.current = false)}
        >
          <title>press and drag to see the run at an earlier time</title>
        </rect>
        {pastMs !== null && (
          <g className="timeline-cursor-group" data-testid="timeline-cursor" data-at={pastMs} pointerEvents="none">
            <rect x={x(pastMs)} y={BAND_Y} width={Math.max(0, x(end) - x(pastMs))} height={H - BAND_Y} className="future" />
            <line x1={x(pastMs)} x2={x(pastMs)} y1={0} y2={H} className="timeline-cursor" />
            <path d={`M${x(pastMs) - 6},0H${x(pastMs) + 6}L${x(pastMs)},8Z`} className="timeline-cursor-handle" />
          </g>
        )}
        <defs>
          <pattern id="no-leader" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <line x1="0" y1="0" x2="0" y2="6" stroke="#cbd5e1" strokeWidth="2" />
          </pattern>
        </defs>
        {ticks.map((t) => (
          <g key={t} transform={`translate(${x(t)},0)`} className="tick">
            <line y1={AXIS_Y + 2} y2={H} />
            <text y={AXIS_Y - 2}>{formatVirtualTime(t)}</text>
          </g>
        ))}
        <text x={6} y={BAND_Y + 18} className="lane-label">
          terms
        </text>
        {lanes.map((l, i) => (
          <g key={l.label}>
            <line x1={GUTTER} x2={W - 10} y1={BAND_Y + BAND_H + i * LANE_H + LANE_H / 2 + 3} y2={BAND_Y + BAND_H + i * LANE_H + LANE_H / 2 + 3} className="lane-line" />
            <text x={6} y={BAND_Y + BAND_H + i * LANE_H + LANE_H / 2 + 7} className="lane-label">
              {l.label}
            </text>
          </g>
        ))}
        <g
          className="marker-list"
          role="listbox"
          tabIndex={0}
          aria-label="timeline markers: arrow keys, Home and End move between them; Enter selects what one marks"
          aria-activedescendant={focused && active ? markerDomId(active.id) : undefined}
          data-testid="timeline-markers"
          onKeyDown={onKeyDown}
          onFocus={() => {
            setFocused(true);
            // Pin where focus landed, so markers arriving meanwhile do not move the ring.
            if (active && active.id !== activeId) setActiveId(active.id);
          }}
          onBlur={() => setFocused(false)}
        >
        {/* The list's own area, so its focus outline frames the marker lanes. */}
        <rect x={GUTTER - 8} y={BAND_Y + BAND_H + 6} width={Math.max(0, W - GUTTER - 2)} height={lanes.length * LANE_H - 6} fill="transparent" />
        {shown.map((m) => {
          const px = Math.round(x(m.atMs));
          const lane = Math.max(0, laneOf(m.kind));
          const slot = lane * 100000 + Math.round(px / 6);
          const level = stack.get(slot) ?? 0;
          stack.set(slot, level + 1);
          const shape = markerShape[m.kind];
          return (
            <g
              key={m.id}
              transform={`translate(${px + (level % 3) * 7},${BAND_Y + BAND_H + lane * LANE_H + LANE_H / 2 + 3})`}
              id={markerDomId(m.id)}
              className={`marker marker-${m.kind}${selectedMarker === m.id ? ' selected' : ''}${focused && active === m ? ' active' : ''}`}
              data-marker-kind={m.kind}
              data-marker-id={m.id}
              role="option"
              aria-selected={selectedMarker === m.id}
              aria-label={`${formatVirtualTime(m.atMs)}: ${m.text}`}
              onMouseEnter={() => setHover(m)}
              onMouseLeave={() => setHover(null)}
              onClick={() => {
                setActiveId(m.id);
                store.getState().selectMarker(m.id);
              }}
            >
              <rect x={-8} y={-9} width={16} height={18} fill="transparent" />
              {/* The keyboard's focus ring: a shape and a thick outline, not colour alone. */}
              {focused && active === m && <rect x={-10} y={-11} width={20} height={22} rx={4} fill="none" stroke="#f59e0b" strokeWidth={3} className="marker-ring" />}
              <path d={shape.d} fill={m.kind === 'crash' || m.kind === 'heal' || m.kind === 'partition' || m.kind === 'drop' || m.kind === 'link' ? 'none' : shape.color} stroke={shape.color} strokeWidth={2} />
              <title>{`${formatVirtualTime(m.atMs)} · ${m.text}`}</title>
            </g>
          );
        })}
        </g>
      </svg>
      <HistoryLane x={x} startMs={start} W={W} gutter={GUTTER} />
      </div>
    </section>
  );
}
