import { describe, expect, it } from 'vitest';
import { Network, type DropReason, type Envelope, type NetworkEventKind } from './network.ts';
import { Prng } from './prng.ts';

function make(faults = {}) {
  const log: string[] = [];
  const net = new Network<string>(new Prng(1), faults, (kind: NetworkEventKind, env: Envelope<string>, reason?: DropReason) =>
    log.push(`${kind}:${env.id}${reason ? ':' + reason : ''}`),
  );
  return { net, log };
}

/** Delivers everything up to `untilMs`, returning [time, payload] pairs. */
function drain(net: Network<string>, untilMs = Infinity): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (;;) {
    const t = net.nextDeliveryMs();
    if (t === Infinity || t > untilMs) return out;
    const due: Envelope<string>[] = [];
    net.takeDue(t, due);
    for (const e of due) out.push([t, e.payload]);
  }
}

describe('Network', () => {
  it('delivers after base latency plus jitter, stamping id, send and delivery time', () => {
    const { net } = make({ latencyMs: 10, jitterMs: 5 });
    net.send('a', 'b', 'm1', 100);
    const [env] = net.inFlight();
    expect(env!.id).toBe(1);
    expect(env!.sentAtMs).toBe(100);
    expect(env!.deliverAtMs).toBeGreaterThanOrEqual(110);
    expect(env!.deliverAtMs).toBeLessThanOrEqual(115);
    expect(Network.progress(env!, 100)).toBe(0);
    expect(Network.progress(env!, env!.deliverAtMs)).toBe(1);
    expect(drain(net)).toEqual([[env!.deliverAtMs, 'm1']]);
    expect(net.inFlight()).toEqual([]);
  });

  it('keeps a link FIFO unless reordering is on, and reorders with jitter when it is', () => {
    const order = (reorder: boolean) => {
      const { net } = make({ latencyMs: 1, jitterMs: 50, reorder });
      for (let i = 0; i < 50; i++) net.send('a', 'b', String(i), i);
      return drain(net).map(([, p]) => Number(p));
    };
    const fifo = order(false);
    expect(fifo).toEqual([...fifo].sort((x, y) => x - y));
    const mixed = order(true);
    expect(mixed).not.toEqual([...mixed].sort((x, y) => x - y));
    expect([...mixed].sort((x, y) => x - y)).toEqual(fifo);
  });

  it('loses and duplicates messages at the configured rates', () => {
    const { net, log } = make({ lossRate: 0.3, duplicateRate: 0.2 });
    for (let i = 0; i < 2000; i++) net.send('a', 'b', String(i), 0);
    const lost = log.filter((l) => l.endsWith(':loss')).length;
    const delivered = drain(net);
    expect(lost / 2000).toBeGreaterThan(0.25);
    expect(lost / 2000).toBeLessThan(0.35);
    const copies = delivered.length - (2000 - lost);
    expect(copies / (2000 - lost)).toBeGreaterThan(0.15);
    expect(copies / (2000 - lost)).toBeLessThan(0.25);
    expect(net.counts).toEqual({ sent: delivered.length, delivered: delivered.length, dropped: lost });
  });

  it('with retransmitMs, loss delays a message instead of dropping it, and a FIFO link keeps the rest behind it', () => {
    const { net, log } = make({ latencyMs: 5, jitterMs: 0, lossRate: 0.3, retransmitMs: 200 });
    for (let i = 0; i < 200; i++) net.send('a', 'b', String(i), i);
    const delivered = drain(net);
    expect(log.some((l) => l.includes('dropped'))).toBe(false);
    expect(delivered.map(([, p]) => Number(p))).toEqual(Array.from({ length: 200 }, (_, i) => i));
    // Some message waited for a retransmission: one at least 200 ms after it was sent.
    expect(delivered.some(([t, p]) => t - Number(p) >= 205)).toBe(true);
    expect(() => net.setFaults({ retransmitMs: 0 })).toThrow(/retransmitMs/);
  });

  it('a one-way cut drops only that direction; heal restores it', () => {
    const { net, log } = make();
    net.cut('a', 'b');
    expect(net.send('a', 'b', 'x', 0)).toBe(0);
    expect(net.send('b', 'a', 'y', 0)).toBe(1);
    expect(log).toContain('dropped:1:cut');
    net.heal();
    expect(net.send('a', 'b', 'z', 0)).toBe(1);
    expect(drain(net).map(([, p]) => p).sort()).toEqual(['y', 'z']);
  });

  it('partitions split groups; unnamed actors still reach everyone; messages in flight across a new cut are lost', () => {
    const { net, log } = make();
    net.send('a', 'c', 'inflight', 0);
    net.partition([['a', 'b'], ['c']]);
    expect(net.canReach('a', 'b')).toBe(true);
    expect(net.canReach('a', 'c')).toBe(false);
    expect(net.canReach('c', 'a')).toBe(false);
    expect(net.canReach('client', 'c')).toBe(true);
    expect(drain(net)).toEqual([]);
    expect(log).toContain('dropped:1:partition');
    expect(() => net.partition([['a'], ['a']])).toThrow(/more than one/);
  });

  it('holds a link until released; a released message arrives no earlier than planned', () => {
    const { net } = make({ latencyMs: 10, jitterMs: 0 });
    net.holdLink('a', 'b');
    net.send('a', 'b', 'held', 0);
    net.send('b', 'a', 'free', 0);
    expect(drain(net, 1000)).toEqual([[10, 'free']]);
    expect(net.heldEnvelopes().map((e) => e.payload)).toEqual(['held']);
    net.releaseLink('a', 'b', 1000);
    expect(drain(net)).toEqual([[1001, 'held']]);
    // A single envelope can be held and released by id too.
    net.send('a', 'b', 'one', 2000);
    const id = net.inFlight()[0]!.id;
    expect(net.hold(id)).toBe(true);
    expect(net.release(id, 2001)).toBe(true);
    expect(drain(net)).toEqual([[2010, 'one']]);
  });

  it('drops one in-flight envelope by id and reports unknown ids', () => {
    const { net, log } = make();
    net.send('a', 'b', 'keep', 0);
    net.send('a', 'b', 'lose', 0);
    const lose = net.inFlight().find((e) => e.payload === 'lose')!;
    expect(net.drop(lose.id)).toBe(true);
    expect(net.drop(lose.id)).toBe(false);
    expect(log).toContain(`dropped:${lose.id}:dropped`);
    expect(drain(net).map(([, p]) => p)).toEqual(['keep']);
  });

  it('per-link overrides apply to one direction only; bad options are rejected and change nothing', () => {
    const { net } = make({ latencyMs: 5, jitterMs: 0 });
    net.setLinkFaults('a', 'b', { latencyMs: 50 });
    net.send('a', 'b', 'slow', 0);
    net.send('b', 'a', 'fast', 0);
    expect(drain(net)).toEqual([[5, 'fast'], [50, 'slow']]);
    expect(() => net.setFaults({ lossRate: 2 })).toThrow(/probability/);
    expect(() => net.setFaults({ latencyMs: 0 })).toThrow(/latencyMs/);
    expect(net.getFaults().lossRate).toBe(0);
  });

  it('the same seed and sends give the same deliveries; draws do not depend on outcomes', () => {
    const run = (cutFirst: boolean) => {
      const net = new Network<string>(new Prng(77), { jitterMs: 30, reorder: true });
      if (cutFirst) net.cut('a', 'b');
      net.send('a', 'b', 'x', 0);
      net.heal();
      for (let i = 0; i < 20; i++) net.send('a', 'c', String(i), 0);
      return drain(net);
    };
    expect(run(false).filter(([, p]) => p !== 'x')).toEqual(run(true));
    expect(run(false)).toEqual(run(false));
  });

  it('minDelayMs is the smallest latency of any link, rounded as deliveries are, and at least 1', () => {
    const { net } = make({ latencyMs: 5, jitterMs: 5 });
    expect(net.minDelayMs()).toBe(5);
    net.setLinkFaults('a', 'b', { latencyMs: 2.4 });
    expect(net.minDelayMs()).toBe(2);
    net.setLinkFaults('a', 'c', { lossRate: 0.5 });
    expect(net.minDelayMs()).toBe(2);
    net.setLinkFaults('a', 'b', undefined);
    expect(net.minDelayMs()).toBe(5);
    net.setFaults({ latencyMs: 1 });
    expect(net.minDelayMs()).toBe(1);
    // No send ever arrives sooner than it says.
    const { net: n2 } = make({ latencyMs: 3, jitterMs: 4 });
    for (let i = 0; i < 200; i++) n2.send('a', 'b', `m${i}`, 10);
    expect(Math.min(...n2.inFlight().map((e) => e.deliverAtMs - e.sentAtMs))).toBeGreaterThanOrEqual(n2.minDelayMs());
  });
});
