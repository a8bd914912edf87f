import { describe, expect, it } from 'vitest';
import { circleLayout, clientPosition, convexHull, flightPosition, flightProgress, hullDistance, islandAt, islandLayout, islandPath, moveToIsland, ringArcPath, timeoutRemaining } from './geometry.ts';

describe('flightProgress', () => {
  it('is 0 at send, 1 at delivery and linear between', () => {
    expect(flightProgress(100, 200, 100)).toBe(0);
    expect(flightProgress(100, 200, 150)).toBe(0.5);
    expect(flightProgress(100, 200, 175)).toBe(0.75);
    expect(flightProgress(100, 200, 200)).toBe(1);
  });
  it('clamps before send and after delivery', () => {
    expect(flightProgress(100, 200, 50)).toBe(0);
    expect(flightProgress(100, 200, 900)).toBe(1);
  });
  it('handles zero-latency messages without dividing by zero', () => {
    expect(flightProgress(100, 100, 99)).toBe(0);
    expect(flightProgress(100, 100, 100)).toBe(1);
  });
  it('depends only on virtual times: the same now gives the same place whatever the speed', () => {
    const a = flightPosition({ x: 0, y: 0 }, { x: 100, y: 0 }, 1000, 1040, 1010);
    const b = flightPosition({ x: 0, y: 0 }, { x: 100, y: 0 }, 1000, 1040, 1010);
    expect(a).toEqual(b);
    expect(a.x).toBeCloseTo(25);
  });
});

describe('flightPosition', () => {
  it('runs along the link from sender to receiver', () => {
    const p = flightPosition({ x: 0, y: 0 }, { x: 0, y: 200 }, 0, 100, 50);
    expect(p.x).toBeCloseTo(0);
    expect(p.y).toBeCloseTo(100);
  });
  it('puts the two directions of a link in different lanes', () => {
    const a = { x: 0, y: 0 };
    const b = { x: 100, y: 0 };
    const there = flightPosition(a, b, 0, 10, 5, 6);
    const back = flightPosition(b, a, 0, 10, 5, 6);
    expect(there.x).toBeCloseTo(back.x);
    expect(there.y).toBeCloseTo(6);
    expect(back.y).toBeCloseTo(-6);
  });
});

describe('circleLayout', () => {
  it('puts the first member at the top and the rest evenly on the circle', () => {
    const l = circleLayout(['n1', 'n2', 'n3', 'n4'], 100, 100, 50);
    expect(l.get('n1')!.x).toBeCloseTo(100);
    expect(l.get('n1')!.y).toBeCloseTo(50);
    expect(l.get('n2')!.x).toBeCloseTo(150);
    expect(l.get('n3')!.y).toBeCloseTo(150);
    for (const p of l.values()) expect(Math.hypot(p.x - 100, p.y - 100)).toBeCloseTo(50);
  });
});

describe('islands', () => {
  it('lays out one disc per island, each containing its members', () => {
    const { positions, islands } = islandLayout([['n1', 'n2', 'n3'], ['n4', 'n5']], 1000, 600);
    expect(islands).toHaveLength(2);
    for (const s of islands) {
      for (const m of s.members) {
        const p = positions.get(m)!;
        expect(islandAt(p, islands)).toBe(s.index);
      }
    }
    expect(islands[0]!.cx).toBeLessThan(islands[1]!.cx);
  });
  it('draws the drop region: a point is inside exactly when it is within the radius of the hull', () => {
    const { islands } = islandLayout([['n1', 'n2', 'n3']], 880, 400);
    const s = islands[0]!;
    // Three members: the hull is a hexagon-ish polygon around the ring and the strips below it.
    expect(s.hull.length).toBeGreaterThanOrEqual(3);
    for (const p of s.hull) expect(hullDistance(p, s.hull)).toBe(0);
    // Just inside and just outside the outline, straight above the top member.
    const topY = Math.min(...s.hull.map((p) => p.y));
    const top = s.hull.find((p) => p.y === topY)!;
    expect(islandAt({ x: top.x, y: topY - s.radius + 2 }, islands)).toBe(0);
    expect(islandAt({ x: top.x, y: topY - s.radius - 2 }, islands)).toBe(-1);
    expect(s.top).toBeCloseTo(topY - s.radius);
    // The ring's middle is inside; the far corners of the view are open water.
    expect(islandAt({ x: s.cx, y: s.cy }, islands)).toBe(0);
    expect(islandAt({ x: 10, y: 10 }, islands)).toBe(-1);
    expect(islandAt({ x: 870, y: 390 }, islands)).toBe(-1);
    // The outline passes through every point at exactly the radius from the hull.
    const d = islandPath(s);
    const nums = [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
    expect(nums.length).toBeGreaterThan(2);
    for (const p of nums) expect(hullDistance(p, s.hull)).toBeCloseTo(s.radius, 0);
  });
  it('hulls: a square is its four corners, collinear points are a segment, one point is itself', () => {
    const sq = convexHull([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }, { x: 0, y: 10 }, { x: 5, y: 5 }]);
    expect(sq).toHaveLength(4);
    expect(hullDistance({ x: 5, y: 5 }, sq)).toBe(0);
    expect(hullDistance({ x: 13, y: 5 }, sq)).toBeCloseTo(3);
    expect(convexHull([{ x: 0, y: 0 }, { x: 5, y: 0 }, { x: 10, y: 0 }])).toEqual([{ x: 0, y: 0 }, { x: 10, y: 0 }]);
    expect(hullDistance({ x: 5, y: 4 }, [{ x: 0, y: 0 }, { x: 10, y: 0 }])).toBeCloseTo(4);
    expect(hullDistance({ x: 3, y: 4 }, [{ x: 0, y: 0 }])).toBeCloseTo(5);
  });
  it('finds the island under a point and open water elsewhere', () => {
    const { islands } = islandLayout([['n1', 'n2', 'n3'], ['n4']], 1000, 600);
    expect(islandAt({ x: islands[1]!.cx, y: islands[1]!.cy }, islands)).toBe(1);
    expect(islandAt({ x: islands[0]!.cx, y: 10_000 }, islands)).toBe(-1);
  });
  it('moves a member between islands, founds new ones and drops empty ones', () => {
    expect(moveToIsland([['a', 'b', 'c']], 'c', -1)).toEqual([['a', 'b'], ['c']]);
    expect(moveToIsland([['a', 'b'], ['c']], 'c', 0)).toEqual([['a', 'b', 'c']]);
    expect(moveToIsland([['a', 'b'], ['c']], 'b', 1)).toEqual([['a'], ['c', 'b']]);
  });
});

describe('election timeout ring', () => {
  it('counts down from full to empty and clamps', () => {
    expect(timeoutRemaining(0, 10)).toBe(1);
    expect(timeoutRemaining(4, 10)).toBeCloseTo(0.6);
    expect(timeoutRemaining(12, 10)).toBe(0);
    expect(timeoutRemaining(3, 0)).toBe(0);
  });
  it('draws nothing when empty, a closed circle when full, and a large arc past half', () => {
    expect(ringArcPath(0, 0, 10, 0)).toBe('');
    expect(ringArcPath(0, 0, 10, 1).match(/A/g)).toHaveLength(2);
    expect(ringArcPath(0, 0, 10, 0.75)).toContain(' 0 1 1 ');
    expect(ringArcPath(0, 0, 10, 0.25)).toContain(' 0 0 1 ');
  });
});

describe('clientPosition', () => {
  it('places a client beside its endpoint, on the side away from the centre', () => {
    expect(clientPosition({ x: 100, y: 0 }, { x: 0, y: 0 }, 80, 0).x).toBeCloseTo(180);
    expect(clientPosition({ x: -100, y: 0 }, { x: 0, y: 0 }, 80, 0).x).toBeCloseTo(-180);
    const second = clientPosition({ x: 100, y: 0 }, { x: 0, y: 0 }, 80, 1);
    expect(second.y).toBeGreaterThan(clientPosition({ x: 100, y: 0 }, { x: 0, y: 0 }, 80, 0).y);
  });
});
