/**
 * The cluster in the centre: members on a circle (or on islands when partitioned), every link
 * between them in its state, clients outside the ring beside their endpoint, and the messages
 * in flight on top. Dragging a member to another island, or to open water, partitions the
 * network; dragging it back heals. Clicking a link cycles healthy -> cut one way -> cut both;
 * Shift+click (Shift+Enter) makes the first cut the other way.
 */
import { memo, useCallback, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ClientActorView } from '../state/store.ts';
import { linkPairState } from '../state/store.ts';
import { clientPosition, islandAt, islandLayout, islandPath, moveToIsland, towards, type Point } from './geometry.ts';
import { MemberNode, NODE_R } from './MemberNode.tsx';
import { FlightLayer } from './FlightLayer.tsx';
import { usePlayground, useSize, useStoreApi } from './hooks.ts';
import { FlightCard } from './FlightCard.tsx';
import { describeLink } from './linkText.ts';


/** How long (virtual ms) a client stays drawn after its last message. */
const CLIENT_LINGER_MS = 8_000;
const MAX_CLIENTS_PER_MEMBER = 3;

const Link = memo(function Link({ a, b, ax, ay, bx, by, state, onCycle }: { a: string; b: string; ax: number; ay: number; bx: number; by: number; state: ReturnType<typeof linkPairState>; onCycle(a: string, b: string, reverse: boolean): void }) {
  const pa = { x: ax, y: ay };
  const pb = { x: bx, y: by };
  const p = towards(pa, pb, NODE_R + 8);
  const q = towards(pb, pa, NODE_R + 8);
  const mid = { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
  const { desc, next, nextShift } = describeLink(a, b, state);
  // A one-way cut shows its ✕ near the end that no longer hears the other.
  const blocked = state === 'cut-ab' ? { x: p.x + (q.x - p.x) * 0.72, y: p.y + (q.y - p.y) * 0.72 } : state === 'cut-ba' ? { x: p.x + (q.x - p.x) * 0.28, y: p.y + (q.y - p.y) * 0.28 } : mid;
  // ...and the half on the sender's side stays solid: the link is dashed only toward the blocked end.
  const sender = state === 'cut-ab' ? p : state === 'cut-ba' ? q : null;
  const receiver = state === 'cut-ab' ? q : state === 'cut-ba' ? p : null;
  return (
    <g
      className={`link link-${state}`}
      data-link={`${a}|${b}`}
      data-state={state}
      data-blocked={state === 'cut-ab' ? `${a}→${b}` : state === 'cut-ba' ? `${b}→${a}` : state === 'cut-both' ? 'both' : 'none'}
      role="button"
      tabIndex={0}
      aria-label={`link ${a}–${b}: ${desc}. Activate to ${next}${nextShift !== next ? `; Shift to ${nextShift}` : ''}.`}
      onClick={(e) => onCycle(a, b, e.shiftKey)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          e.stopPropagation();
          onCycle(a, b, e.shiftKey);
        }
      }}
    >
      <title>{`${a}–${b}: ${desc}. Click to ${next}${nextShift !== next ? `; Shift+click to ${nextShift}` : ''}.`}</title>
      <line x1={p.x} y1={p.y} x2={q.x} y2={q.y} className="link-hit" />
      {/* A one-way cut's whole line only carries the arrowhead; its two halves below draw it. */}
      <line
        x1={p.x}
        y1={p.y}
        x2={q.x}
        y2={q.y}
        className="link-line"
        markerEnd={state === 'cut-ab' ? 'url(#blocked-arrow)' : undefined}
        markerStart={state === 'cut-ba' ? 'url(#blocked-arrow-rev)' : undefined}
        style={sender ? { stroke: 'transparent' } : undefined}
      />
      {sender && receiver && (
        <>
          <line x1={sender.x} y1={sender.y} x2={mid.x} y2={mid.y} className="link-open-half" stroke="#64748b" strokeWidth={2.5} />
          <line x1={mid.x} y1={mid.y} x2={receiver.x} y2={receiver.y} className="link-blocked-half" stroke="#dc2626" strokeWidth={2.5} strokeDasharray="6 4" />
        </>
      )}
      {state !== 'healthy' && (
        <g transform={`translate(${blocked.x},${blocked.y})`} className="cut-mark">
          <circle r={8} fill="#fff" />
          <path d="M-5,-5L5,5M5,-5L-5,5" />
        </g>
      )}
    </g>
  );
});

export function ClusterView() {
  const store = useStoreApi();
  const members = usePlayground((s) => s.members);
  const islands = usePlayground((s) => s.islands);
  const links = usePlayground((s) => s.links);
  const oneWay = usePlayground((s) => s.oneWay);
  const clients = usePlayground(useShallow((s) => s.clients));
  const nowMs = usePlayground((s) => Math.floor(s.nowMs / 1000));
  const selected = usePlayground((s) => s.selectedMember);
  const pointed = usePlayground((s) => s.lessons.pointed);
  const broken = usePlayground((s) => s.invariants.violation?.members);
  const reducedPref = usePlayground((s) => s.reducedMotion);
  const [drag, setDrag] = useState<{ name: string; x: number; y: number } | null>(null);
  const viewRef = useRef<SVGGElement>(null);
  const [boxRef, size] = useSize<HTMLDivElement>({ w: 900, h: 480 });
  // The drawing grows with big screens (and more in projector mode) and shrinks below a minimum.
  const projector = usePlayground((s) => s.projector);
  const scale = Math.max(1, Math.min(size.w / 900, size.h / 500, 1.7)) * (projector ? 1.2 : 1);
  const VIEW_W = Math.max(size.w / scale, 640);
  const VIEW_H = Math.max(size.h / scale, 400);
  const positionsRef = useRef<Map<string, Point>>(new Map());

  const visible = useMemo(() => members.filter((m) => m.role !== 'removed'), [members]);
  const groups = useMemo(() => {
    const names = new Set(visible.map((m) => m.name));
    const g = islands.map((i) => i.filter((n) => names.has(n))).filter((i) => i.length);
    const placed = new Set(g.flat());
    const rest = visible.map((m) => m.name).filter((n) => !placed.has(n));
    if (rest.length) {
      if (g.length === 0) g.push([]);
      g[0]!.push(...rest);
    }
    return g;
  }, [islands, visible]);
  // With islands drawn, leave room above the top member for the island's label.
  const layout = useMemo(
    () => islandLayout(groups, VIEW_W, VIEW_H, groups.length > 1 ? { x: 70, top: 78, bottom: 96 } : undefined),
    [groups, VIEW_W, VIEW_H],
  );

  const clientSpots = useMemo(() => {
    const out: { c: ClientActorView; at: Point; ep: Point }[] = [];
    const slots = new Map<string, number>();
    // The most recent few per member: the console is one client, scripts and --endpoints open more.
    const recent = clients.filter((c) => nowMs * 1000 - c.lastSeenMs <= CLIENT_LINGER_MS).sort((a, b) => b.lastSeenMs - a.lastSeenMs);
    for (const c of recent) {
      if ((slots.get(c.endpoint) ?? 0) >= MAX_CLIENTS_PER_MEMBER) continue;
      const ep = layout.positions.get(c.endpoint);
      if (!ep) continue;
      const island = layout.islands.find((i) => i.members.includes(c.endpoint))!;
      const slot = slots.get(c.endpoint) ?? 0;
      slots.set(c.endpoint, slot + 1);
      out.push({ c, ep, at: clientPosition(ep, { x: island.cx, y: island.cy }, 84, slot) });
    }
    return out;
  }, [clients, layout, nowMs]);

  // The flight layer reads positions every frame from this ref.
  const positions = new Map(layout.positions);
  if (drag) positions.set(drag.name, { x: drag.x, y: drag.y });
  for (const s of clientSpots) positions.set(s.c.name, s.at);
  positionsRef.current = positions;

  const onDrag = useCallback((name: string, x: number, y: number) => setDrag({ name, x, y }), []);
  const onDrop = useCallback(
    (name: string, x: number, y: number) => {
      setDrag(null);
      const from = layout.islands.findIndex((i) => i.members.includes(name));
      const target = islandAt({ x, y }, layout.islands);
      const home = layout.positions.get(name);
      if (home && Math.hypot(home.x - x, home.y - y) < 30) return;
      if (target === from && target >= 0) return;
      if (target < 0 && layout.islands[from]?.members.length === 1) return;
      store.getState().setIslands(moveToIsland(groups, name, target));
    },
    [layout, groups, store],
  );
  const onSelect = useCallback((name: string) => store.getState().select(store.getState().selectedMember === name ? '' : name), [store]);
  const container = useCallback(() => viewRef.current, []);
  // Shift cycles from the other end, so the first one-way cut blocks b→a instead of a→b.
  const onCycle = useCallback((a: string, b: string, reverse: boolean) => (reverse ? store.getState().cycleLink(b, a) : store.getState().cycleLink(a, b)), [store]);

  const dragTarget = drag ? islandAt(drag, layout.islands) : -2;
  const partitioned = layout.islands.length > 1;
  const islandIndex = new Map<string, number>();
  layout.islands.forEach((isl) => isl.members.forEach((n) => islandIndex.set(n, isl.index)));
  const majority = Math.floor(visible.filter((m) => !m.isLearner).length / 2) + 1;

  const pairs: [string, string][] = [];
  for (let i = 0; i < visible.length; i++) for (let j = i + 1; j < visible.length; j++) pairs.push([visible[i]!.name, visible[j]!.name]);

  return (
    <div className="cluster-view" ref={boxRef}>
      <svg viewBox={`0 0 ${VIEW_W} ${VIEW_H}`} role="group" aria-label="cluster: members, links and messages in flight" data-testid="cluster-svg" onClick={() => store.getState().selectFlight(null)}>
        <defs>
          <marker id="blocked-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0L10,5L0,10z" fill="#dc2626" />
          </marker>
          <marker id="blocked-arrow-rev" viewBox="0 0 10 10" refX="1" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M10,0L0,5L10,10z" fill="#dc2626" />
          </marker>
        </defs>
        <g ref={viewRef}>
          {(partitioned || drag) &&
            layout.islands.map((isl) => {
              const voters = isl.members.filter((n) => !visible.find((m) => m.name === n)?.isLearner).length;
              return (
                <g key={isl.index} className={`island${dragTarget === isl.index ? ' target' : ''}`} data-island={isl.index}>
                  <path className="island-outline" d={islandPath(isl)} />
                  <text x={isl.cx} y={Math.max(14, isl.top - 6)} className="island-label">
                    {`island ${isl.index + 1} · ${isl.members.length} member${isl.members.length === 1 ? '' : 's'}${voters >= majority ? ' · has a majority' : ' · no majority'}`}
                  </text>
                </g>
              );
            })}
          {drag && dragTarget === -1 && (
            <text x={drag.x} y={drag.y - 52} className="drop-hint">
              drop here: new island
            </text>
          )}
          {pairs.map(([a, b]) => {
            const pa = positions.get(a);
            const pb = positions.get(b);
            if (!pa || !pb) return null;
            const st = linkPairState(links, a, b, oneWay);
            // Between islands the outline already says "no link": draw only links someone restored.
            if (partitioned && !drag && st === 'cut-both' && islandIndex.get(a) !== islandIndex.get(b)) return null;
            return <Link key={`${a}|${b}`} a={a} b={b} ax={pa.x} ay={pa.y} bx={pb.x} by={pb.y} state={st} onCycle={onCycle} />;
          })}
          {clientSpots.map(({ c, at, ep }) => {
            const e = towards(ep, at, NODE_R + 8);
            return (
              <g key={c.name} className="client-actor" data-client={c.name}>
                <line x1={e.x} y1={e.y} x2={at.x} y2={at.y} className="client-link" />
                <g transform={`translate(${at.x},${at.y})`}>
                  {(() => {
                    const label = clientLabel(c.name);
                    const w = Math.max(44, label.length * 7 + 14);
                    return (
                      <>
                        <rect x={-w / 2} y={-13} width={w} height={26} rx={6} />
                        <text y={4}>{label}</text>
                      </>
                    );
                  })()}
                  <title>{`client ${c.name}, talking to ${c.endpoint}`}</title>
                </g>
              </g>
            );
          })}
          {visible.map((m) => {
            const p = drag?.name === m.name ? drag : layout.positions.get(m.name);
            if (!p) return null;
            return (
              <MemberNode
                key={m.name}
                m={m}
                x={p.x}
                y={p.y}
                selected={selected === m.name}
                pointed={pointed.includes(m.name)}
                broken={broken?.includes(m.name) ?? false}
                dragging={drag?.name === m.name}
                onSelect={onSelect}
                onDrag={onDrag}
                onDrop={onDrop}
                container={container}
              />
            );
          })}
        </g>
      </svg>
      {/* Messages move every frame: on a layer of their own, the cluster under them is not repainted. */}
      <svg viewBox={`0 0 ${VIEW_W} ${VIEW_H}`} className="flight-overlay">
        <FlightLayer positions={positionsRef} reduced={reducedPref} />
      </svg>
      <FlightCard />
    </div>
  );
}

/** A client's short name on its box: client-7 is c7; the console's session is "console". */
function clientLabel(name: string): string {
  if (/^console(-\d+)?$/.test(name)) return 'console';
  return name.replace(/^client-?/, 'c');
}

