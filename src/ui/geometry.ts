/**
 * Pure geometry of the cluster view: where members, clients and messages are. No DOM, no d3
 * selections, so every function here is exact and testable; components only read the numbers.
 */

export interface Point {
  x: number;
  y: number;
}

/** Members evenly on a circle (an ellipse when ry is given), the first at the top, going clockwise. */
export function circleLayout(names: readonly string[], cx: number, cy: number, r: number, ry = r): Map<string, Point> {
  const out = new Map<string, Point>();
  const n = names.length;
  names.forEach((name, i) => {
    if (n === 1) {
      out.set(name, { x: cx, y: cy });
      return;
    }
    const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
    out.set(name, { x: cx + r * Math.cos(a), y: cy + ry * Math.sin(a) });
  });
  return out;
}

/**
 * How far along its link a message is, in [0, 1]. A pure function of virtual times, so the
 * drawing is exact at every speed and stands still when the clock is paused.
 */
export function flightProgress(sentAtMs: number, deliverAtMs: number, nowMs: number): number {
  const span = deliverAtMs - sentAtMs;
  if (!(span > 0)) return nowMs >= deliverAtMs ? 1 : 0;
  const t = (nowMs - sentAtMs) / span;
  return t <= 0 ? 0 : t >= 1 ? 1 : t;
}

/**
 * A message's position: along the straight link from `from` to `to`, shifted sideways by
 * `laneOffset` to the right of its direction of travel, so the two directions of one link use
 * separate lanes and a vote and its answer never sit on top of each other.
 */
export function flightPosition(
  from: Point,
  to: Point,
  sentAtMs: number,
  deliverAtMs: number,
  nowMs: number,
  laneOffset = 0,
): Point & { t: number } {
  const t = flightProgress(sentAtMs, deliverAtMs, nowMs);
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const len = Math.hypot(dx, dy) || 1;
  // Right-hand normal in screen coordinates (y grows downwards).
  const nx = -dy / len;
  const ny = dx / len;
  return { x: from.x + dx * t + nx * laneOffset, y: from.y + dy * t + ny * laneOffset, t };
}

/** A point at `dist` from `p` towards `q` (used to end links at a node's rim, not its centre). */
export function towards(p: Point, q: Point, dist: number): Point {
  const dx = q.x - p.x;
  const dy = q.y - p.y;
  const len = Math.hypot(dx, dy);
  if (len === 0) return { ...p };
  return { x: p.x + (dx / len) * dist, y: p.y + (dy / len) * dist };
}

/** Fraction of the election timeout still left, in [0, 1] (1 = just reset by a heartbeat). */
export function timeoutRemaining(elapsedTicks: number, timeoutTicks: number): number {
  if (!(timeoutTicks > 0)) return 0;
  const left = 1 - elapsedTicks / timeoutTicks;
  return left <= 0 ? 0 : left >= 1 ? 1 : left;
}

/** An SVG arc path for a ring of radius r, covering `fraction` of the circle from the top, clockwise. */
export function ringArcPath(cx: number, cy: number, r: number, fraction: number): string {
  const f = Math.max(0, Math.min(1, fraction));
  if (f <= 0) return '';
  if (f >= 0.9999) {
    // A full circle cannot be one arc command: draw two halves.
    return `M${cx},${cy - r}A${r},${r} 0 1 1 ${cx},${cy + r}A${r},${r} 0 1 1 ${cx},${cy - r}`;
  }
  const a = -Math.PI / 2 + 2 * Math.PI * f;
  const x = cx + r * Math.cos(a);
  const y = cy + r * Math.sin(a);
  return `M${cx},${cy - r}A${r},${r} 0 ${f > 0.5 ? 1 : 0} 1 ${x.toFixed(2)},${y.toFixed(2)}`;
}

/** An island: members that can talk to each other, drawn as a disc that contains them. */
export interface IslandShape {
  index: number;
  members: string[];
  cx: number;
  cy: number;
  /** Half-width and half-height of the island's oval. */
  rx: number;
  ry: number;
}

export interface IslandLayout {
  positions: Map<string, Point>;
  islands: IslandShape[];
}

/**
 * Lays islands out side by side, each an oval of its members; the width each gets grows with its
 * size. With one island this is the plain ring filling the view. `pad` is the room a member
 * needs around its centre (its label and log strip hang below it, hence the larger bottom pad).
 */
export function islandLayout(
  islands: readonly (readonly string[])[],
  width: number,
  height: number,
  pad: { x: number; top: number; bottom: number } = { x: 70, top: 56, bottom: 96 },
): IslandLayout {
  const positions = new Map<string, Point>();
  const shapes: IslandShape[] = [];
  const groups = islands.filter((g) => g.length > 0);
  const weights = groups.map((g) => Math.max(1.4, Math.sqrt(g.length) + 0.4));
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  const cy = pad.top + (height - pad.top - pad.bottom) / 2;
  const ry = Math.max(10, (height - pad.top - pad.bottom) / 2);
  let x0 = 0;
  groups.forEach((g, i) => {
    const w = (width * weights[i]!) / total;
    const cx = x0 + w / 2;
    const rx = Math.max(10, Math.min(w / 2 - pad.x, ry * 1.6));
    const layout = g.length === 1 ? circleLayout(g, cx, cy, 0) : circleLayout(g, cx, cy, rx, ry);
    for (const [k, v] of layout) positions.set(k, v);
    const single = g.length === 1;
    shapes.push({ index: i, members: [...g], cx, cy: cy + 14, rx: (single ? 0 : rx) + pad.x - 8, ry: (single ? 0 : ry) + (pad.top + pad.bottom) / 2 - 6 });
    x0 += w;
  });
  return { positions, islands: shapes };
}

/** The island whose oval contains the point, or -1 for open water (a drop there founds a new island). */
export function islandAt(p: Point, shapes: readonly IslandShape[]): number {
  let best = -1;
  let bestD = Infinity;
  for (const s of shapes) {
    const d = Math.hypot((p.x - s.cx) / s.rx, (p.y - s.cy) / s.ry);
    if (d <= 1 && d < bestD) {
      best = s.index;
      bestD = d;
    }
  }
  return best;
}

/**
 * Moves a member to island `target` (-1: a new island of its own) and drops islands left empty.
 * Returns a new array; the input is not changed. Unknown members are added.
 */
export function moveToIsland(islands: readonly (readonly string[])[], name: string, target: number): string[][] {
  const out = islands.map((g) => g.filter((m) => m !== name));
  if (target >= 0 && target < out.length) out[target]!.push(name);
  else out.push([name]);
  return out.filter((g) => g.length > 0);
}

/**
 * Where a client actor sits: beside its endpoint member, on the side away from the island's
 * centre (the member's log strip hangs below it, so clients go left or right, never under).
 */
export function clientPosition(endpoint: Point, centre: Point, distance: number, slot: number): Point {
  const side = endpoint.x >= centre.x ? 1 : -1;
  return { x: endpoint.x + side * distance, y: endpoint.y - 14 + slot * 34 };
}
