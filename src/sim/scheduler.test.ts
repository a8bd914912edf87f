import { describe, expect, it } from 'vitest';
import { World, type Actor, type ActorBatch, type ActorOutput } from './scheduler.ts';

type Msg = { n: number };

/** Answers each message to the sender with n+1 (up to a limit) and broadcasts on each tick. */
class Echo implements Actor<Msg, string> {
  seen: string[] = [];
  crashes = 0;
  restarts = 0;
  constructor(
    readonly id: string,
    private readonly peers: string[],
  ) {}
  handle(b: ActorBatch<Msg, string>): ActorOutput<Msg> {
    const messages: ActorOutput<Msg>['messages'] = [];
    for (const e of b.envelopes) {
      this.seen.push(`${b.nowMs}:${e.from}:${e.payload.n}`);
      if (e.payload.n < 3) messages.push({ to: e.from, payload: { n: e.payload.n + 1 } });
    }
    for (let i = 0; i < b.ticks; i++) {
      this.seen.push(`${b.nowMs}:tick`);
      for (const p of this.peers) messages.push({ to: p, payload: { n: 0 } });
    }
    for (const c of b.commands) this.seen.push(`${b.nowMs}:cmd:${c}`);
    return { messages };
  }
  crash() {
    this.crashes++;
  }
  restart() {
    this.restarts++;
  }
}

/** The same behaviour, answering after a random-length wait, to show finish order does not matter. */
class SlowEcho implements Actor<Msg, string> {
  private readonly inner: Echo;
  constructor(
    readonly id: string,
    peers: string[],
    private readonly waitTurns: number,
  ) {
    this.inner = new Echo(id, peers);
  }
  async handle(b: ActorBatch<Msg, string>): Promise<ActorOutput<Msg>> {
    for (let i = 0; i < this.waitTurns; i++) await Promise.resolve();
    return this.inner.handle(b);
  }
}

const ids = ['a', 'b', 'c'];
const peersOf = (id: string) => ids.filter((x) => x !== id);

function syncWorld(seed: number) {
  const w = new World<Msg, string>({ seed, network: { jitterMs: 20, reorder: true }, fingerprint: (m) => m.n });
  const actors = ids.map((id) => new Echo(id, peersOf(id)));
  for (const a of actors) w.addActor(a);
  return { w, actors };
}

describe('World (lock-step scheduler)', () => {
  it('ticks each actor every interval, at its own phase', () => {
    const { w, actors } = syncWorld(1);
    w.runUntil(1000);
    for (const a of actors) {
      const ticks = a.seen.filter((s) => s.endsWith(':tick')).map((s) => Number(s.split(':')[0]));
      expect(ticks.length).toBe(10);
      for (let i = 1; i < ticks.length; i++) expect(ticks[i]! - ticks[i - 1]!).toBe(100);
    }
    expect(w.nowMs).toBe(1000);
  });

  it('an actor whose clock runs fast gets its ticks at its own interval; the others keep the world\'s', () => {
    const w = new World<Msg, string>({ seed: 4, network: { latencyMs: 10, jitterMs: 0 } });
    const fast = new Echo('fast', []);
    const steady = new Echo('steady', []);
    w.addActor(fast, { tickPhaseMs: 0 });
    w.addActor(steady, { tickPhaseMs: 0 });
    w.addActor(new Echo('client', []), { ticks: false });
    w.runUntil(200);
    w.setTickInterval('fast', 25);
    expect(w.tickIntervalOf('fast')).toBe(25);
    w.runUntil(1200);
    const ticksOf = (a: Echo, after: number): number[] => a.seen.filter((x) => x.endsWith(':tick')).map((x) => Number(x.split(':')[0])).filter((t) => t > after);
    const f = ticksOf(fast, 200);
    expect(f.length).toBe(40);
    for (let i = 1; i < f.length; i++) expect(f[i]! - f[i - 1]!).toBe(25);
    expect(ticksOf(steady, 200).length).toBe(10);
    // Back to the world's clock.
    w.setTickInterval('fast', null);
    w.runUntil(2200);
    expect(ticksOf(fast, 1200).length).toBe(10);
    expect(() => w.setTickInterval('client', 50)).toThrow(/no ticks/);
    expect(() => w.setTickInterval('fast', 0.5)).toThrow(/whole number/);
  });

  it('hands every actor its batch before any output is sent, and sends in registration order', () => {
    const w = new World<Msg, string>({ seed: 3, network: { latencyMs: 10, jitterMs: 0 } });
    const sendsSeenAtHandle: number[] = [];
    for (const id of ['x', 'y']) {
      w.addActor(
        {
          id,
          handle: (b) => {
            sendsSeenAtHandle.push(w.network.inFlight().length);
            return { messages: b.commands.map(() => ({ to: id === 'x' ? 'y' : 'x', payload: { n: 9 } })) };
          },
        },
        { ticks: false },
      );
    }
    w.command(5, 'y', 'go');
    w.command(5, 'x', 'go');
    w.step();
    expect(sendsSeenAtHandle).toEqual([0, 0]);
    // x registered first, so its message got the lower id even though y's command came first.
    expect(w.network.inFlight().map((e) => e.from)).toEqual(['x', 'y']);
  });

  it('runs control actions before the deliveries of the same instant', () => {
    const w = new World<Msg, string>({ seed: 3, network: { latencyMs: 10, jitterMs: 0 } });
    const a = new Echo('a', []);
    const b = new Echo('b', []);
    w.addActor(a, { ticks: false });
    w.addActor(b, { ticks: false });
    w.network.send('a', 'b', { n: 5 }, 0);
    w.at(10, 'split', () => w.partition([['a'], ['b']]));
    w.runUntil(100);
    expect(b.seen).toEqual([]);
    expect(w.trace.events().some((e) => e.kind === 'drop' && e.detail === 'partition')).toBe(true);
  });

  it('a crashed actor gets nothing and messages to it are dropped; restart brings it back', () => {
    const { w, actors } = syncWorld(5);
    w.at(150, '', () => w.crash('b'));
    w.at(600, '', () => w.restart('b'));
    w.runUntil(1000);
    const b = actors[1]!;
    expect(b.crashes).toBe(1);
    expect(b.restarts).toBe(1);
    const times = b.seen.map((s) => Number(s.split(':')[0]));
    expect(times.some((t) => t > 150 && t < 600)).toBe(false);
    expect(times.some((t) => t >= 600)).toBe(true);
    expect(w.trace.events().some((e) => e.kind === 'drop' && e.peer === 'b' && e.detail === 'down')).toBe(true);
  });

  it('delivers commands at their time and refuses to schedule in the past', () => {
    const { w, actors } = syncWorld(2);
    w.command(250, 'c', 'hello');
    w.runUntil(300);
    expect(actors[2]!.seen).toContain('250:cmd:hello');
    expect(() => w.command(10, 'c', 'late')).toThrow(/cannot schedule/);
    expect(() => w.addActor(new Echo('a', []))).toThrow(/already exists/);
  });

  it('same seed gives the same trace hash; another seed gives another', () => {
    const run = (seed: number) => {
      const { w } = syncWorld(seed);
      w.runUntil(5000);
      return w.trace.hash;
    };
    expect(run(42)).toBe(run(42));
    expect(run(42)).not.toBe(run(43));
  });

  it('describing payloads changes the trace text but not the hash when a fingerprint is given', () => {
    const run = (describe: boolean) => {
      const w = new World<Msg, string>({
        seed: 8,
        trace: { capacity: 1000 },
        fingerprint: (m) => m.n,
        describe: describe ? (m) => `n=${m.n}` : undefined,
      });
      for (const id of ids) w.addActor(new Echo(id, peersOf(id)));
      w.runUntil(1000);
      return w.trace;
    };
    const plain = run(false);
    const described = run(true);
    expect(described.hash).toBe(plain.hash);
    expect(described.events().find((e) => e.kind === 'send')!.detail).toMatch(/^n=\d$/);
    // Without a fingerprint the text is what the hash covers.
    const textOnly = (text: string) => {
      const w = new World<Msg, string>({ seed: 8, describe: () => text });
      for (const id of ids) w.addActor(new Echo(id, peersOf(id)));
      w.runUntil(1000);
      return w.trace.hash;
    };
    expect(textOnly('a')).not.toBe(textOnly('b'));
  });

  it('async actors that finish in any order give the same trace as synchronous ones', async () => {
    const { w } = syncWorld(9);
    w.runUntil(3000);
    const slow = new World<Msg, string>({ seed: 9, network: { jitterMs: 20, reorder: true }, fingerprint: (m) => m.n });
    // c answers first, a last: the reverse of registration order.
    ids.forEach((id, i) => slow.addActor(new SlowEcho(id, peersOf(id), 3 - i)));
    await slow.runUntilAsync(3000);
    expect(slow.trace.totalCount).toBe(w.trace.totalCount);
    expect(slow.trace.hash).toBe(w.trace.hash);
    expect(() => slow.step()).toThrow(/asynchronously/);
  });
});

/** Records its batches; every batch makes it busy for `busyMs` and answers each message once. */
class Disk implements Actor<Msg, string> {
  batches: { nowMs: number; ns: number[]; ticks: number; commands: string[] }[] = [];
  constructor(
    readonly id: string,
    private readonly busyMs: number,
  ) {}
  handle(b: ActorBatch<Msg, string>): ActorOutput<Msg> {
    this.batches.push({ nowMs: b.nowMs, ns: b.envelopes.map((e) => e.payload.n), ticks: b.ticks, commands: [...b.commands] });
    const messages = b.envelopes.map((e) => ({ to: e.from, payload: { n: e.payload.n + 100 } }));
    return { messages, busyMs: this.busyMs };
  }
}

/** Sends one message per command to `to`, and records what comes back with its arrival time. */
class Sender implements Actor<Msg, string> {
  got: string[] = [];
  constructor(
    readonly id: string,
    private readonly to: string,
  ) {}
  handle(b: ActorBatch<Msg, string>): ActorOutput<Msg> {
    for (const e of b.envelopes) this.got.push(`${b.nowMs}:${e.payload.n}`);
    return { messages: b.commands.map((c) => ({ to: this.to, payload: { n: Number(c) } })) };
  }
}

describe('World.call: timers of an actor in the scheduler thread', () => {
  it('runs in the actor batch at its time, before that instant envelopes; dropped for an actor that is gone', () => {
    const w = new World<Msg, string>({ seed: 4, network: { latencyMs: 10, jitterMs: 0 } });
    const order: string[] = [];
    const page = {
      id: 'page',
      handle(b: ActorBatch<Msg, string>): ActorOutput<Msg> {
        if (b.calls) for (const run of b.calls) run();
        for (const e of b.envelopes) order.push(`${b.nowMs}:env ${e.payload.n}`);
        return { messages: [] };
      },
    };
    w.addActor(new Echo('a', []), { ticks: false });
    w.addActor(page, { ticks: false });
    w.network.send('a', 'page', { n: 7 }, 0);
    w.call(10, 'page', () => order.push(`${w.nowMs}:timer`));
    w.call(15, 'nobody', () => order.push('never'));
    // A call is no control action: it does not make the steps before it finish first.
    expect((w as unknown as { controls: { size: number } }).controls.size).toBe(0);
    w.runUntil(50);
    expect(order).toEqual(['10:timer', '10:env 7']);
    expect(() => w.call(5, 'page', () => undefined)).toThrow(/cannot schedule/);
  });
});

describe('World: busy actors (ActorOutput.busyMs)', () => {
  function busyWorld(busyMs: number) {
    const w = new World<Msg, string>({ seed: 1, network: { latencyMs: 5, jitterMs: 0 } });
    const disk = new Disk('d', busyMs);
    const s = new Sender('s', 'd');
    w.addActor(disk, { ticks: false });
    w.addActor(s, { ticks: false });
    return { w, disk, s };
  }

  it('holds the messages until the busy time is up, and batches what arrives meanwhile into one batch at the wake', () => {
    const { w, disk, s } = busyWorld(4);
    // Arrivals at the disk at 5, 6, 7, 8 and 12 ms.
    w.command(0, 's', '1');
    w.command(1, 's', '2');
    w.command(2, 's', '3');
    w.command(3, 's', '4');
    w.command(7, 's', '5');
    w.runUntil(100);
    // 5: handles 1 and is busy until 9; 2, 3, 4 wait and come together at 9 (busy until 13);
    // 5 arrives at 12 and waits for 13.
    expect(disk.batches.map((b) => [b.nowMs, b.ns])).toEqual([
      [5, [1]],
      [9, [2, 3, 4]],
      [13, [5]],
    ]);
    // Answers leave when the busy time is up (9, 13, 17) and take 5 ms.
    expect(s.got).toEqual(['14:101', '18:102', '18:103', '18:104', '22:105']);
  });

  it('without busy time every arrival is its own batch and answers leave at once', () => {
    const { w, disk, s } = busyWorld(0);
    for (let i = 0; i < 4; i++) w.command(i, 's', String(i + 1));
    w.runUntil(100);
    expect(disk.batches.map((b) => b.nowMs)).toEqual([5, 6, 7, 8]);
    expect(s.got).toEqual(['10:101', '11:102', '12:103', '13:104']);
  });

  it('ticks and commands that fall in a busy time wait for the wake too', () => {
    const w = new World<Msg, string>({ seed: 1, tickIntervalMs: 3, network: { latencyMs: 5, jitterMs: 0 } });
    const disk = new Disk('d', 7);
    w.addActor(disk, { tickPhaseMs: 0 });
    w.command(2, 'd', 'x');
    w.runUntil(12);
    // Ticks at 1, 4, 7, 10...: the first makes it busy until 8; the tick at 4, the command at 2
    // and the tick at 7 come at 8 in one batch (busy until 15).
    expect(disk.batches.slice(0, 2)).toEqual([
      { nowMs: 1, ns: [], ticks: 1, commands: [] },
      { nowMs: 8, ns: [], ticks: 2, commands: ['x'] },
    ]);
    expect(w.isBusy('d')).toBe(true);
  });

  it('a crash while busy loses the held messages and what was waiting; a restart starts idle', () => {
    const { w, disk, s } = busyWorld(10);
    w.command(0, 's', '1');
    w.command(1, 's', '2');
    w.at(8, 'crash d', () => w.crash('d'));
    w.at(9, 'restart d', () => w.restart('d'));
    w.command(10, 's', '3');
    w.runUntil(100);
    // 1 was handled at 5 (busy until 15), 2 waited; the crash at 8 took both the held answer
    // and the waiting batch. After the restart, 3 arrives at 15 and is handled at once.
    expect(disk.batches.map((b) => [b.nowMs, b.ns])).toEqual([
      [5, [1]],
      [15, [3]],
    ]);
    expect(s.got).toEqual(['30:103']);
    const sends = w.trace.events().filter((e) => e.kind === 'send' && e.actor === 'd');
    expect(sends.map((e) => e.atMs)).toEqual([25]);
  });

  it('is deterministic: the same seed gives the same trace hash with busy actors', () => {
    const run = () => {
      const w = new World<Msg, string>({ seed: 9, network: { latencyMs: 2, jitterMs: 9, reorder: true }, fingerprint: (m) => m.n });
      w.addActor(new Disk('d', 3), { ticks: false });
      w.addActor(new Sender('s', 'd'), { ticks: false });
      for (let i = 0; i < 40; i++) w.command(i, 's', String(i));
      w.runUntil(500);
      return w.trace.hash;
    };
    expect(run()).toBe(run());
  });
});
