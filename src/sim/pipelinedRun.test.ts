import { describe, expect, it } from 'vitest';
import { World, type Actor, type ActorBatch, type ActorOutput } from './scheduler.ts';
import { Prng } from './prng.ts';

/**
 * A pipelined run (World.runPipelinedAsync) overlaps steps, yet must give exactly the lock-step
 * run's trace: same deliveries, same delays drawn, same order of records. These actors make every
 * case the pipeline handles happen often: answers that come back late and in any order, busy times
 * that end while nobody is waiting for the actor, controls in the middle, and page actors whose
 * answers set off promise callbacks that schedule more work at the same instant.
 */
type Msg = { hop: number; tag: number };

const seeds = Number(process.env.PIPELINE_SEEDS ?? 40);

/** A peer: answers some messages, gossips on ticks, sometimes stays busy; answers after a random wait. */
class Peer implements Actor<Msg, string> {
  private readonly logic: Prng;
  private readonly wait: Prng;
  constructor(
    readonly id: string,
    private readonly peers: string[],
    seed: number,
    waitSeed: number,
    private readonly async: boolean,
  ) {
    this.logic = new Prng(seed).fork(id);
    // The wait comes from its own stream, which differs between the runs compared: the outcome
    // must not depend on it.
    this.wait = new Prng(waitSeed).fork(`wait:${id}`);
  }

  handle(b: ActorBatch<Msg, string>): ActorOutput<Msg> | Promise<ActorOutput<Msg>> {
    const messages: ActorOutput<Msg>['messages'] = [];
    const events: NonNullable<ActorOutput<Msg>['events']> = [];
    for (const e of b.envelopes) {
      if (e.payload.hop < 4 && this.logic.chance(0.7)) messages.push({ to: this.logic.pick([...this.peers, e.from]), payload: { hop: e.payload.hop + 1, tag: e.payload.tag } });
    }
    for (let i = 0; i < b.ticks; i++) messages.push({ to: this.logic.pick(this.peers), payload: { hop: 0, tag: this.logic.int(1000) } });
    for (const c of b.commands) {
      events.push({ kind: 'custom', detail: `cmd ${c}` });
      messages.push({ to: this.logic.pick(this.peers), payload: { hop: 0, tag: c.length } });
    }
    const busyMs = this.logic.chance(0.4) ? 1 + this.logic.int(6) : 0;
    const out: ActorOutput<Msg> = { messages, events, busyMs };
    if (!this.async) return out;
    const hops = this.wait.int(6);
    return new Promise((resolve) => {
      const go = (n: number): void => {
        if (n === 0) resolve(out);
        else setImmediate(() => go(n - 1));
      };
      go(hops);
    });
  }
}

/**
 * A page actor (synchronous, like a client): each delivery resolves a promise, and the callback,
 * a few promise hops later, asks the world to send another request at the current instant.
 */
class PageClient implements Actor<Msg, string> {
  sent = 0;
  constructor(
    readonly id: string,
    private readonly world: World<Msg, string>,
    private readonly peers: string[],
    private readonly limit: number,
  ) {}
  handle(b: ActorBatch<Msg, string>): ActorOutput<Msg> {
    if (b.calls) for (const run of b.calls) run();
    for (const e of b.envelopes) {
      void Promise.resolve(e.payload.tag)
        .then((x) => x + 1)
        .then(async (x) => {
          await null;
          if (this.sent++ < this.limit) this.world.command(this.world.nowMs, this.id, `again ${x}`);
        });
    }
    return { messages: b.commands.map((c, i) => ({ to: this.peers[(c.length + i) % this.peers.length]!, payload: { hop: 0, tag: c.length } })) };
  }
}

function build(seed: number, waitSeed: number, async: boolean): World<Msg, string> {
  const names = ['a', 'b', 'c', 'd'];
  const w = new World<Msg, string>({ seed, network: { latencyMs: 3, jitterMs: 4 }, tickIntervalMs: 20, fingerprint: (m) => m.hop * 1000 + m.tag });
  for (const n of names) w.addActor(new Peer(n, names.filter((x) => x !== n), seed, waitSeed, async));
  const client = new PageClient('client', w, names, 60);
  w.addActor(client, { ticks: false });
  w.command(1, 'client', 'first');
  // A timer of the page actor's own, and controls that cut and heal in the middle of things.
  w.call(57, 'client', () => w.command(w.nowMs, 'client', 'timer'));
  w.at(120, 'cut a->b', () => w.cut('a', 'b'));
  w.at(180, '', () => w.uncut('a', 'b'));
  w.at(240, 'slower', () => w.setFaults({ latencyMs: 7 }));
  return w;
}

describe('World.runPipelinedAsync', () => {
  it('gives the lock-step trace, whatever order and time the answers come in (seeded sweep)', async () => {
    for (let seed = 1; seed <= seeds; seed++) {
      const lock = build(seed, 0, true);
      await lock.runUntilAsync(400);
      const piped = build(seed, seed * 7919, true);
      await piped.runPipelinedAsync(400);
      if (piped.trace.hash !== lock.trace.hash || piped.nowMs !== lock.nowMs) {
        throw new Error(`seed ${seed}: pipelined trace ${piped.trace.hash} at ${piped.nowMs} ms, lock-step ${lock.trace.hash} at ${lock.nowMs} ms (replay: PIPELINE_SEEDS=${seed})`);
      }
      expect(lock.trace.totalCount).toBeGreaterThan(200);
    }
  });

  it('stopping and resuming at any step gives the same trace as one run', async () => {
    for (let seed = 1; seed <= Math.min(seeds, 15); seed++) {
      const whole = build(seed, 1, true);
      await whole.runPipelinedAsync(400);
      const chunked = build(seed, 2, true);
      const cut = new Prng(seed).fork('chunks');
      let budget = 1 + cut.int(20);
      while (chunked.nextEventMs() <= 400) {
        await chunked.runPipelinedAsync(400, () => --budget <= 0);
        budget = 1 + cut.int(20);
      }
      expect(chunked.trace.hash, `seed ${seed}`).toBe(whole.trace.hash);
    }
  });

  it('matches a synchronous lock-step run of the same actors', async () => {
    const sync = build(5, 0, false);
    // The page actor's promise callbacks need the event loop, so the synchronous world is driven
    // by the asynchronous lock-step loop too; only the peers differ (they answer at once).
    await sync.runUntilAsync(400);
    const piped = build(5, 3, true);
    await piped.runPipelinedAsync(400);
    expect(piped.trace.hash).toBe(sync.trace.hash);
  });

  it('overlaps steps: later steps are gathered while earlier answers are still out', async () => {
    const w = build(3, 11, true);
    let maxOut = 0;
    const inner = w.runPipelinedAsync(400, () => {
      maxOut = Math.max(maxOut, (w as unknown as { unrouted: unknown[] }).unrouted.length);
      return false;
    });
    await inner;
    expect(maxOut).toBeGreaterThan(1);
  });
});
