/**
 * Fault schedules: a random plan of partitions (including one-way cuts), crashes, restarts and
 * windows of loss/duplication/reordering, drawn from a seeded stream, and "heal all" which ends
 * every fault. Clients, when named, are put on a side of some partitions and at an end of some
 * cuts (they are never crashed: a client's failures are its connections).
 * Plans are plain data (times + actions), so a run can print, record or replay them.
 */
import type { LinkFaults } from './network.ts';
import type { Prng } from './prng.ts';
import type { World } from './scheduler.ts';

export type FaultAction =
  | { kind: 'partition'; groups: string[][] }
  | { kind: 'cut'; from: string; to: string }
  | { kind: 'heal' }
  | { kind: 'crash'; actor: string }
  | { kind: 'restart'; actor: string }
  /** Starts (or ends, with the base faults) a window of lossy, duplicating or reordering links. */
  | { kind: 'linkFaults'; faults: Partial<LinkFaults> }
  | { kind: 'healAll' };

export interface PlannedFault {
  atMs: number;
  action: FaultAction;
}

export interface FaultPlanOptions {
  /** The actors faults may hit. */
  actors: readonly string[];
  /**
   * Client actors that partitions and cuts may also separate from actors (never crashed).
   * Default none; without clients a plan draws exactly what it drew before they existed.
   */
  clients?: readonly string[];
  /** Probability that a partition also places clients on its sides (default 0.5 when there are clients). */
  clientPartitionRate?: number;
  /** Probability that a cut runs between a client and an actor instead of two actors (default 0.3 when there are clients). */
  clientCutRate?: number;
  startMs: number;
  /** Faults happen before this time; a healAll is planned at exactly endMs. */
  endMs: number;
  /** Mean virtual time between two fault actions. */
  meanGapMs: number;
  /** At most this many actors are down at once (default: a minority of `actors`). */
  maxDown?: number;
  /** Link faults restored by heal-all and at the end of a window. */
  baseFaults: Partial<LinkFaults>;
  /**
   * Probability that a crash is followed by a quick restart (within about an election timeout),
   * which is when lost durability (a forgotten vote, say) turns into two leaders. Default 0.5.
   */
  quickRestartRate?: number;
  /** Worst link faults a window may bring (each window draws up to these). */
  worstFaults?: { lossRate?: number; duplicateRate?: number; jitterMs?: number };
}

export function describeAction(a: FaultAction): string {
  switch (a.kind) {
    case 'partition':
      return `partition ${a.groups.map((g) => g.join(',')).join(' | ')}`;
    case 'cut':
      return `cut ${a.from}->${a.to}`;
    case 'crash':
    case 'restart':
      return `${a.kind} ${a.actor}`;
    case 'linkFaults':
      return `linkFaults ${JSON.stringify(a.faults)}`;
    default:
      return a.kind;
  }
}

/** Draws a fault plan; the same stream state and options always give the same plan. */
export function planFaults(rng: Prng, options: FaultPlanOptions): PlannedFault[] {
  const { actors, startMs, endMs, meanGapMs } = options;
  if (actors.length === 0) throw new Error('planFaults: no actors');
  if (!(endMs >= startMs)) throw new Error(`planFaults: endMs (${endMs}) is before startMs (${startMs})`);
  if (!(meanGapMs > 0)) throw new Error(`planFaults: meanGapMs must be > 0, got ${meanGapMs}`);
  const maxDown = options.maxDown ?? Math.floor((actors.length - 1) / 2);
  const clients = options.clients ?? [];
  for (const cl of clients) if (actors.includes(cl)) throw new Error(`planFaults: ${cl} is both an actor and a client`);
  const clientPartitionRate = options.clientPartitionRate ?? 0.5;
  const clientCutRate = options.clientCutRate ?? 0.3;
  const worst = options.worstFaults ?? { lossRate: 0.2, duplicateRate: 0.1, jitterMs: 40 };
  const plan: PlannedFault[] = [];
  /** Actor -> when its planned quick restart happens (Infinity: down until a random restart). */
  const downUntil = new Map<string, number>();
  const pending: PlannedFault[] = [];
  let t = startMs;
  for (;;) {
    // Exponential gaps (a Poisson process), rounded to whole ms.
    t += Math.max(1, Math.round(-Math.log(1 - rng.float()) * meanGapMs));
    if (t >= endMs) break;
    for (const [a, until] of downUntil) if (until < t) downUntil.delete(a);
    const r = rng.float();
    let action: FaultAction;
    if (r < 0.2) {
      const shuffled = rng.shuffle(actors);
      const cutAt = 1 + rng.int(Math.max(1, shuffled.length - 1));
      const groups = [shuffled.slice(0, cutAt), shuffled.slice(cutAt)].filter((g) => g.length > 0);
      if (clients.length > 0 && rng.chance(clientPartitionRate)) {
        // Each client joins a side or stays out (an actor in no group reaches everyone).
        for (const cl of clients) {
          const side = rng.int(groups.length + 1);
          if (side < groups.length) groups[side]!.push(cl);
        }
      }
      action = { kind: 'partition', groups };
    } else if (r < 0.35) {
      if (clients.length > 0 && rng.chance(clientCutRate)) {
        const cl = rng.pick(clients);
        const actor = rng.pick(actors);
        action = rng.chance(0.5) ? { kind: 'cut', from: cl, to: actor } : { kind: 'cut', from: actor, to: cl };
        plan.push({ atMs: t, action });
        continue;
      }
      const from = rng.pick(actors);
      const others = actors.filter((a) => a !== from);
      if (others.length === 0) continue;
      action = { kind: 'cut', from, to: rng.pick(others) };
    } else if (r < 0.5) {
      action = { kind: 'heal' };
    } else if (r < 0.65) {
      const up = actors.filter((a) => !downUntil.has(a));
      if (downUntil.size >= maxDown || up.length === 0) continue;
      const actor = rng.pick(up);
      action = { kind: 'crash', actor };
      const quickDraw = rng.float();
      const restartAfterMs = 20 + rng.int(1500);
      if (quickDraw < (options.quickRestartRate ?? 0.5) && t + restartAfterMs < endMs) {
        pending.push({ atMs: t + restartAfterMs, action: { kind: 'restart', actor } });
        downUntil.set(actor, t + restartAfterMs);
      } else {
        downUntil.set(actor, Infinity);
      }
    } else if (r < 0.8) {
      const down = [...downUntil].filter(([, until]) => until === Infinity).map(([a]) => a);
      if (down.length === 0) continue;
      const actor = rng.pick(down.sort());
      downUntil.delete(actor);
      action = { kind: 'restart', actor };
    } else if (r < 0.92) {
      action = {
        kind: 'linkFaults',
        faults: {
          lossRate: rng.float() * (worst.lossRate ?? 0),
          duplicateRate: rng.float() * (worst.duplicateRate ?? 0),
          jitterMs: Math.round(rng.float() * (worst.jitterMs ?? 0)),
          reorder: rng.chance(0.5),
        },
      };
    } else {
      action = { kind: 'linkFaults', faults: { ...options.baseFaults } };
    }
    plan.push({ atMs: t, action });
  }
  plan.push(...pending);
  plan.push({ atMs: endMs, action: { kind: 'healAll' } });
  // Stable sort: quick restarts fall into place among the other actions.
  return plan.map((p, i) => ({ p, i })).sort((a, b) => a.p.atMs - b.p.atMs || a.i - b.i).map(({ p }) => p);
}

/**
 * Ends every fault: restarts every actor that is down, removes cuts and partitions, releases held
 * messages and restores the base link faults.
 */
export function healAll<P, C>(world: World<P, C>, baseFaults: Partial<LinkFaults>): void {
  world.heal();
  world.network.releaseAll(world.nowMs);
  world.setFaults(baseFaults);
  for (const id of world.actorIds()) if (!world.isUp(id)) world.restart(id);
}

/** Applies one action now. Actions naming actors the world does not have are skipped. */
export function applyFault<P, C>(world: World<P, C>, action: FaultAction, baseFaults: Partial<LinkFaults>): void {
  switch (action.kind) {
    case 'partition': {
      const groups = action.groups.map((g) => g.filter((a) => world.hasActor(a))).filter((g) => g.length > 0);
      world.partition(groups);
      return;
    }
    case 'cut':
      world.cut(action.from, action.to);
      return;
    case 'heal':
      world.heal();
      return;
    case 'crash':
      if (world.hasActor(action.actor)) world.crash(action.actor);
      return;
    case 'restart':
      if (world.hasActor(action.actor)) world.restart(action.actor);
      return;
    case 'linkFaults':
      world.setFaults(action.faults);
      return;
    case 'healAll':
      healAll(world, baseFaults);
      return;
  }
}

/** Schedules a whole plan as control actions of `world`. */
export function schedulePlan<P, C>(world: World<P, C>, plan: readonly PlannedFault[], baseFaults: Partial<LinkFaults>): void {
  for (const f of plan) world.at(f.atMs, describeAction(f.action), () => applyFault(world, f.action, baseFaults));
}
