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

/**
 * An island: members that can talk to each other, drawn as the rounded hull of their nodes. The
 * drawn outline is the drop region: a point belongs to the island iff it is within `radius` of
 * the convex polygon `hull` (the Minkowski sum of the hull and a disc), so what the eye sees as
 * inside is what a drop treats as inside.
 */
export interface IslandShape {
  index: number;
  members: string[];
  /** Centre of the members (clients sit away from it; the label is centred on it). */
  cx: number;
  cy: number;
  /** Convex hull of the members' node centres and what hangs below them, in drawing order. */
  hull: Point[];
  radius: number;
  /** Topmost y of the outline (the label goes above it). */
  top: number;
}

export interface IslandLayout {
  positions: Map<string, Point>;
  islands: IslandShape[];
}

/** How far below its centre a member's label and log strip reach: the hull takes them in. */
const HANG_PX = 36;
/** Room around a node and its log strip inside the outline. */
const ISLAND_RADIUS_PX = 56;

/**
 * Lays islands out side by side, each a ring of its members; the width each gets grows with its
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
    const pts = g.flatMap((m) => {
      const p = layout.get(m)!;
      return [p, { x: p.x, y: p.y + HANG_PX }];
    });
    const hull = convexHull(pts);
    const mean = { x: pts.reduce((a, p) => a + p.x, 0) / pts.length, y: pts.reduce((a, p) => a + p.y, 0) / pts.length };
    shapes.push({ index: i, members: [...g], cx: mean.x, cy: mean.y, hull, radius: ISLAND_RADIUS_PX, top: Math.min(...hull.map((p) => p.y)) - ISLAND_RADIUS_PX });
    x0 += w;
  });
  return { positions, islands: shapes };
}

/** Convex hull by the monotone chain, clockwise on screen (y down); 1 or 2 points for degenerate sets. */
export function convexHull(points: readonly Point[]): Point[] {
  const ps = [...new Map(points.map((p) => [`${p.x},${p.y}`, p])).values()].sort((a, b) => a.x - b.x || a.y - b.y);
  if (ps.length <= 2) return ps;
  const cross = (o: Point, a: Point, b: Point): number => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const lower: Point[] = [];
  for (const p of ps) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = ps.length - 1; i >= 0; i--) {
    const p = ps[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/** Distance from a point to a segment. */
function segmentDistance(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/** Distance from a point to a convex polygon (0 inside it). */
export function hullDistance(p: Point, hull: readonly Point[]): number {
  if (hull.length === 0) return Infinity;
  if (hull.length === 1) return Math.hypot(p.x - hull[0]!.x, p.y - hull[0]!.y);
  let inside = hull.length >= 3;
  let sign = 0;
  let best = Infinity;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    best = Math.min(best, segmentDistance(p, a, b));
    const c = Math.sign((b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x));
    if (c !== 0) {
      if (sign === 0) sign = c;
      else if (c !== sign) inside = false;
    }
  }
  return inside ? 0 : best;
}

/** The outline of an island: its hull grown by its radius, as an SVG path. */
export function islandPath(s: Pick<IslandShape, 'hull' | 'radius'>): string {
  const r = s.radius;
  const h = s.hull;
  if (h.length === 0) return '';
  if (h.length === 1) {
    const { x, y } = h[0]!;
    return `M${x - r},${y}a${r},${r} 0 1 0 ${2 * r},0a${r},${r} 0 1 0 ${-2 * r},0z`;
  }
  // Clockwise on screen: an edge's outward normal is its direction turned left (dy, -dx).
  const ring = h.length === 2 ? [h[0]!, h[1]!] : h;
  const normals = ring.map((a, i) => {
    const b = ring[(i + 1) % ring.length]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    return { x: (b.y - a.y) / len, y: -(b.x - a.x) / len };
  });
  const f = (n: number): string => n.toFixed(1);
  let d = '';
  ring.forEach((a, i) => {
    const b = ring[(i + 1) % ring.length]!;
    const n = normals[i]!;
    const start = { x: a.x + n.x * r, y: a.y + n.y * r };
    const end = { x: b.x + n.x * r, y: b.y + n.y * r };
    d += i === 0 ? `M${f(start.x)},${f(start.y)}` : '';
    d += `L${f(end.x)},${f(end.y)}`;
    // Round the corner at b, from this edge's offset to the next one's.
    const m = normals[(i + 1) % ring.length]!;
    d += `A${r},${r} 0 0 1 ${f(b.x + m.x * r)},${f(b.y + m.y * r)}`;
  });
  return `${d}z`;
}

/** The island whose outline contains the point, or -1 for open water (a drop there founds a new island). */
export function islandAt(p: Point, shapes: readonly IslandShape[]): number {
  let best = -1;
  let bestD = Infinity;
  for (const s of shapes) {
    const d = hullDistance(p, s.hull);
    if (d <= s.radius && d < bestD) {
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
