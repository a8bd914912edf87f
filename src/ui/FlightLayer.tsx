/**
 * Messages in flight, drawn outside React: every animation frame reads `inFlight()` and the
 * virtual clock and moves SVG nodes, so thousands of positions per second cost no re-render.
 * React only owns the empty <g>. A message is where `flightPosition` says, a pure function of
 * its send and delivery times and the clock, exact at every speed and still when paused.
 *
 * Hundreds of messages start and land each second under a workload, so their SVG groups are
 * recycled from a pool and the layer holds one click and one hover listener for all of them.
 *
 * With reduced motion nothing flies: each link carrying messages is highlighted, with a glyph
 * for its newest message and a count.
 */
import { useEffect, useRef } from 'react';
import type { FlightView } from '../state/types.ts';
import type { Point } from './geometry.ts';
import { flightPosition, towards } from './geometry.ts';
import { glyphFor, glyphPath } from './glyphs.ts';
import { familyColor } from './colors.ts';
import { useStoreApi } from './hooks.ts';
import { NODE_R } from './MemberNode.tsx';

const SVG = 'http://www.w3.org/2000/svg';
const LANE = 10;
const SIZE = 7;

interface Sprite {
  g: SVGGElement;
  f: FlightView;
  at: Point;
  /** The frame that last saw it in flight. */
  frame: number;
}

/** A glyph group: hit area, shape and label, filled in by `dress` for each message it shows. */
function makeGlyph(): SVGGElement {
  const g = document.createElementNS(SVG, 'g');
  g.setAttribute('role', 'button');
  const hit = document.createElementNS(SVG, 'circle');
  hit.setAttribute('r', String(SIZE + 2));
  hit.setAttribute('class', 'flight-hit');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('stroke-width', '2');
  const text = document.createElementNS(SVG, 'text');
  text.setAttribute('class', 'flight-label');
  g.append(hit, path, text);
  return g;
}

const pathCache = new Map<string, string>();
/** What each glyph group currently looks like, so a recycled one is only restyled when it must be. */
const looks = new WeakMap<SVGGElement, string>();

/** Makes a (new or recycled) glyph group show message `f`. */
function dress(g: SVGGElement, f: FlightView): void {
  const glyph = glyphFor(f.type, f.text);
  const look = `${glyph.shape}|${glyph.family}|${glyph.response}|${f.held}|${glyph.label}`;
  if (looks.get(g) !== look) {
    looks.set(g, look);
    g.setAttribute('class', `flight fam-${glyph.family}${glyph.response ? ' response' : ''}${f.held ? ' held' : ''}`);
    const path = g.querySelector('path')!;
    const text = g.querySelector('text')!;
    let d = pathCache.get(glyph.shape);
    if (d === undefined) pathCache.set(glyph.shape, (d = glyphPath(glyph.shape, SIZE)));
    path.setAttribute('d', d);
    const color = familyColor[glyph.family];
    path.setAttribute('fill', glyph.response ? '#ffffff' : color);
    path.setAttribute('stroke', color);
    text.setAttribute('fill', glyph.response ? color : '#ffffff');
    text.textContent = glyph.label;
  }
  g.setAttribute('data-flight-id', String(f.id));
  if (g.getAttribute('data-type') !== f.type) g.setAttribute('data-type', f.type);
  g.setAttribute('aria-label', `${glyph.name} ${f.from} to ${f.to}: ${f.text}`);
  // A recycled group may still carry the previous message's tooltip (made on first hover).
  if (g.firstChild?.nodeName === 'title') g.firstChild.remove();
}

function tooltip(f: FlightView): string {
  return `#${f.id} ${f.type} ${f.from} → ${f.to}\n${f.text}\nsent ${f.sentAtMs} ms, arrives ${f.deliverAtMs} ms${f.held ? ' (held)' : ''}\nclick to inspect or drop`;
}

/**
 * At most this many drop marks show at once: on a lossy network at real time hundreds of
 * messages vanish each second, and each mark is an animation the page restyles every frame.
 */
const MAX_VANISHING = 40;
let vanishing = 0;

function vanish(layer: SVGGElement, at: Point, reduced: boolean): void {
  if (vanishing >= MAX_VANISHING) return;
  vanishing++;
  // The position is the outer group's attribute; the animation scales the inner group with CSS
  // (a CSS transform on the same element would replace the translate).
  const g = document.createElementNS(SVG, 'g');
  g.setAttribute('transform', `translate(${at.x.toFixed(1)},${at.y.toFixed(1)})`);
  g.setAttribute('aria-hidden', 'true');
  const inner = document.createElementNS(SVG, 'g');
  inner.setAttribute('class', `vanish${reduced ? ' still' : ''}`);
  g.append(inner);
  const x = document.createElementNS(SVG, 'path');
  x.setAttribute('d', 'M-6,-6L6,6M6,-6L-6,6');
  x.setAttribute('stroke', '#dc2626');
  x.setAttribute('stroke-width', '3');
  x.setAttribute('stroke-linecap', 'round');
  inner.append(x);
  layer.append(g);
  setTimeout(() => {
    g.remove();
    vanishing--;
  }, 900);
}

export interface FlightLayerProps {
  /** Current positions of members and clients, updated by the cluster view. */
  positions: React.RefObject<Map<string, Point>>;
  reduced: boolean;
}

export function FlightLayer({ positions, reduced }: FlightLayerProps) {
  const ref = useRef<SVGGElement>(null);
  const store = useStoreApi();
  useEffect(() => {
    const layer = ref.current;
    if (!layer) return;
    const sprites = new Map<number, Sprite>();
    const pool: SVGGElement[] = [];
    const highlights = new Map<string, { line: SVGLineElement; g: SVGGElement; label: SVGTextElement; f: FlightView }>();
    let dropCursor = store.getState().hot.drops.length;
    /** Where recently removed messages were last drawn, so a drop reported after shows there. */
    const lastSeen = new Map<number, { at: Point; vanished: boolean }>();
    let raf = 0;
    let frame = 0;

    /** The message a glyph group shows, moving or highlighted. */
    const flightOf = (g: Element): FlightView | undefined => {
      const id = Number(g.getAttribute('data-flight-id'));
      const s = sprites.get(id);
      if (s) return s.f;
      for (const h of highlights.values()) if (h.f.id === id) return h.f;
      return undefined;
    };
    const onClick = (e: MouseEvent): void => {
      const g = (e.target as Element).closest?.('[data-flight-id]');
      if (!g || !layer.contains(g)) return;
      e.stopPropagation();
      const f = flightOf(g);
      if (f) store.getState().selectFlight(f);
    };
    // The tooltip is made on first hover: most messages are never hovered.
    const onOver = (e: PointerEvent): void => {
      const g = (e.target as Element).closest?.('[data-flight-id]');
      if (!g || !layer.contains(g) || g.firstChild?.nodeName === 'title') return;
      const f = flightOf(g);
      if (!f) return;
      const title = document.createElementNS(SVG, 'title');
      title.textContent = tooltip(f);
      g.prepend(title);
    };
    layer.addEventListener('click', onClick);
    layer.addEventListener('pointerover', onOver);

    // Link ends at the members' rims, per pair, until the positions change.
    let endsFor: Map<string, Point> | null = null;
    const ends = new Map<string, [Point, Point] | null>();
    const endpoints = (f: FlightView): [Point, Point] | null => {
      const pos = positions.current;
      if (pos !== endsFor) {
        endsFor = pos;
        ends.clear();
      }
      const k = `${f.from}>${f.to}`;
      let e = ends.get(k);
      if (e === undefined) {
        const a = pos?.get(f.from);
        const b = pos?.get(f.to);
        e = a && b ? [towards(a, b, NODE_R + 6), towards(b, a, NODE_R + 6)] : null;
        ends.set(k, e);
      }
      return e;
    };

    const drawMoving = (flights: readonly FlightView[], now: number): void => {
      frame++;
      for (const f of flights) {
        const e = endpoints(f);
        if (!e) continue;
        let s = sprites.get(f.id);
        if (!s) {
          let g = pool.pop();
          if (g) g.removeAttribute('visibility');
          else layer.append((g = makeGlyph()));
          dress(g, f);
          s = { g, f, at: { x: NaN, y: NaN }, frame };
          sprites.set(f.id, s);
        }
        s.frame = frame;
        const p = flightPosition(e[0], e[1], f.sentAtMs, f.deliverAtMs, now, LANE);
        const x = Math.round(p.x * 10) / 10;
        const y = Math.round(p.y * 10) / 10;
        if (x !== s.at.x || y !== s.at.y) {
          s.g.setAttribute('transform', `translate(${x},${y})`);
          s.at = { x, y };
        }
      }
      for (const [id, s] of sprites) {
        if (s.frame === frame) continue;
        // Gone before its delivery time: the network dropped it.
        const early = now < s.f.deliverAtMs;
        if (early) vanish(layer, s.at, false);
        lastSeen.set(id, { at: s.at, vanished: early });
        if (lastSeen.size > 500) lastSeen.delete(lastSeen.keys().next().value!);
        sprites.delete(id);
        // At real time most messages live less than a frame: the group stays in the layer,
        // hidden and unnamed, for the next one (cheaper than removing and inserting nodes).
        if (pool.length < 300) {
          s.g.setAttribute('visibility', 'hidden');
          s.g.removeAttribute('data-flight-id');
          pool.push(s.g);
        } else s.g.remove();
      }
    };

    const drawStill = (flights: readonly FlightView[]): void => {
      const byLink = new Map<string, FlightView[]>();
      for (const f of flights) {
        const k = f.from < f.to ? `${f.from}|${f.to}` : `${f.to}|${f.from}`;
        const list = byLink.get(k);
        if (list) list.push(f);
        else byLink.set(k, [f]);
      }
      for (const [k, list] of byLink) {
        const newest = list[list.length - 1]!;
        const e = endpoints(newest);
        if (!e) continue;
        let h = highlights.get(k);
        const glyph = glyphFor(newest.type, newest.text);
        const color = familyColor[glyph.family];
        if (!h) {
          const line = document.createElementNS(SVG, 'line');
          line.setAttribute('class', 'link-highlight');
          const g = makeGlyph();
          dress(g, newest);
          const label = document.createElementNS(SVG, 'text');
          label.setAttribute('class', 'highlight-count');
          layer.append(line, g, label);
          h = { line, g, label, f: newest };
          highlights.set(k, h);
        }
        if (h.f.id !== newest.id) {
          dress(h.g, newest);
          h.f = newest;
        }
        h.line.setAttribute('x1', e[0].x.toFixed(1));
        h.line.setAttribute('y1', e[0].y.toFixed(1));
        h.line.setAttribute('x2', e[1].x.toFixed(1));
        h.line.setAttribute('y2', e[1].y.toFixed(1));
        h.line.setAttribute('stroke', color);
        const mx = (e[0].x + e[1].x) / 2;
        const my = (e[0].y + e[1].y) / 2;
        h.g.setAttribute('transform', `translate(${mx.toFixed(1)},${my.toFixed(1)})`);
        h.label.setAttribute('x', (mx + 12).toFixed(1));
        h.label.setAttribute('y', (my - 10).toFixed(1));
        h.label.textContent = list.length > 1 ? `×${list.length}` : '';
      }
      for (const [k, h] of highlights) {
        if (byLink.has(k)) continue;
        h.line.remove();
        h.g.remove();
        h.label.remove();
        highlights.delete(k);
      }
    };

    const showDrops = (): void => {
      const drops = store.getState().hot.drops;
      if (dropCursor > drops.length) dropCursor = 0;
      for (; dropCursor < drops.length; dropCursor++) {
        const d = drops[dropCursor]!;
        if (sprites.has(d.envelopeId)) continue;
        const seen = lastSeen.get(d.envelopeId);
        if (seen) {
          if (!seen.vanished) vanish(layer, seen.at, reduced);
          continue;
        }
        const a = positions.current?.get(d.from);
        const b = positions.current?.get(d.to);
        if (!a || !b) continue;
        vanish(layer, towards(a, b, NODE_R + 18), reduced);
      }
    };

    const loop = (): void => {
      const api = store.getState().api;
      if (api) {
        const flights = api.inFlight();
        if (reduced) drawStill(flights);
        else drawMoving(flights, api.now());
        showDrops();
      }
      raf = requestAnimationFrame(loop);
    };
    raf = requestAnimationFrame(loop);
    return () => {
      cancelAnimationFrame(raf);
      layer.removeEventListener('click', onClick);
      layer.removeEventListener('pointerover', onOver);
      layer.replaceChildren();
    };
  }, [reduced, store, positions]);
  return <g ref={ref} className={`flights${reduced ? ' reduced' : ''}`} data-testid="flights" />;
}
