/**
 * Messages in flight, drawn outside React: every animation frame reads `inFlight()` and the
 * virtual clock and moves SVG nodes, so thousands of positions per second cost no re-render.
 * React only owns the empty <g>. A message is where `flightPosition` says, a pure function of
 * its send and delivery times and the clock, exact at every speed and still when paused.
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
}

function makeGlyph(f: FlightView, onPick: (f: FlightView) => void): SVGGElement {
  const glyph = glyphFor(f.type, f.text);
  const g = document.createElementNS(SVG, 'g');
  g.setAttribute('class', `flight fam-${glyph.family}${glyph.response ? ' response' : ''}${f.held ? ' held' : ''}`);
  g.setAttribute('data-flight-id', String(f.id));
  g.setAttribute('data-type', f.type);
  g.setAttribute('role', 'button');
  g.setAttribute('aria-label', `${glyph.name} ${f.from} to ${f.to}: ${f.text}`);
  const hit = document.createElementNS(SVG, 'circle');
  hit.setAttribute('r', String(SIZE + 2));
  hit.setAttribute('class', 'flight-hit');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', glyphPath(glyph.shape, SIZE));
  const color = familyColor[glyph.family];
  path.setAttribute('fill', glyph.response ? '#ffffff' : color);
  path.setAttribute('stroke', color);
  path.setAttribute('stroke-width', '2');
  const text = document.createElementNS(SVG, 'text');
  text.setAttribute('class', 'flight-label');
  text.setAttribute('fill', glyph.response ? color : '#ffffff');
  text.textContent = glyph.label;
  g.append(hit, path, text);
  // The tooltip is made on first hover: most messages are never hovered.
  g.addEventListener(
    'pointerenter',
    () => {
      const title = document.createElementNS(SVG, 'title');
      title.textContent = `#${f.id} ${f.type} ${f.from} → ${f.to}\n${f.text}\nsent ${f.sentAtMs} ms, arrives ${f.deliverAtMs} ms${f.held ? ' (held)' : ''}\nclick to inspect or drop`;
      g.prepend(title);
    },
    { once: true },
  );
  g.addEventListener('click', (e) => {
    e.stopPropagation();
    onPick(f);
  });
  return g;
}

function vanish(layer: SVGGElement, at: Point, reduced: boolean): void {
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
  setTimeout(() => g.remove(), 900);
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
    const highlights = new Map<string, { line: SVGLineElement; g: SVGGElement; label: SVGTextElement }>();
    let dropCursor = store.getState().hot.drops.length;
    /** Where recently removed messages were last drawn, so a drop reported after shows there. */
    const lastSeen = new Map<number, { at: Point; vanished: boolean }>();
    let raf = 0;
    const pick = (f: FlightView): void => store.getState().selectFlight(f);

    const endpoints = (f: FlightView): [Point, Point] | null => {
      const pos = positions.current;
      const a = pos?.get(f.from);
      const b = pos?.get(f.to);
      if (!a || !b) return null;
      return [towards(a, b, NODE_R + 6), towards(b, a, NODE_R + 6)];
    };

    const drawMoving = (flights: readonly FlightView[], now: number): void => {
      const live = new Set<number>();
      for (const f of flights) {
        const ends = endpoints(f);
        if (!ends) continue;
        live.add(f.id);
        let s = sprites.get(f.id);
        if (!s) {
          s = { g: makeGlyph(f, pick), f, at: ends[0] };
          sprites.set(f.id, s);
          layer.append(s.g);
        }
        const p = flightPosition(ends[0], ends[1], f.sentAtMs, f.deliverAtMs, now, LANE);
        if (p.x !== s.at.x || p.y !== s.at.y) {
          s.g.setAttribute('transform', `translate(${p.x.toFixed(1)},${p.y.toFixed(1)})`);
          s.at = p;
        }
      }
      for (const [id, s] of sprites) {
        if (live.has(id)) continue;
        // Gone before its delivery time: the network dropped it.
        const early = now < s.f.deliverAtMs;
        if (early) vanish(layer, s.at, false);
        lastSeen.set(id, { at: s.at, vanished: early });
        if (lastSeen.size > 500) lastSeen.delete(lastSeen.keys().next().value!);
        s.g.remove();
        sprites.delete(id);
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
        const ends = endpoints(newest);
        if (!ends) continue;
        let h = highlights.get(k);
        const glyph = glyphFor(newest.type, newest.text);
        const color = familyColor[glyph.family];
        if (!h) {
          const line = document.createElementNS(SVG, 'line');
          line.setAttribute('class', 'link-highlight');
          const g = makeGlyph(newest, pick);
          const label = document.createElementNS(SVG, 'text');
          label.setAttribute('class', 'highlight-count');
          layer.append(line, g, label);
          h = { line, g, label };
          highlights.set(k, h);
        }
        if (h.g.getAttribute('data-flight-id') !== String(newest.id)) {
          const g = makeGlyph(newest, pick);
          h.g.replaceWith(g);
          h.g = g;
        }
        h.line.setAttribute('x1', ends[0].x.toFixed(1));
        h.line.setAttribute('y1', ends[0].y.toFixed(1));
        h.line.setAttribute('x2', ends[1].x.toFixed(1));
        h.line.setAttribute('y2', ends[1].y.toFixed(1));
        h.line.setAttribute('stroke', color);
        const mx = (ends[0].x + ends[1].x) / 2;
        const my = (ends[0].y + ends[1].y) / 2;
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
      layer.replaceChildren();
    };
  }, [reduced, store, positions]);
  return <g ref={ref} className={`flights${reduced ? ' reduced' : ''}`} data-testid="flights" />;
}
