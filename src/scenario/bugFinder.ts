/**
 * The bug finder: with safety switches on, it runs seeded fault plans against in-process
 * clusters until a checker fails (the invariant monitor, or the history lane's linearizability
 * check), then shrinks the plan, one step or a run of steps at a time, while the same failure
 * still happens, and hands back the smallest plan as a scenario the page can load and step
 * through.
 *
 * A plan is a short list of operator moves (writes and reads through one member, isolate, heal,
 * crash, restart, campaign; with the switches that need them, a clock that drifts and a power
 * loss that takes every member down at once), each followed by some virtual time. Running a plan is deterministic
 * (the cluster's seed, the plan), so a shrunk plan that fails fails every time; the scenario is
 * what the cluster recorded while it ran the plan, so it replays to the same trace hash.
 */
import { Playground } from '../runtime/playground.ts';
import type { ClusterSettings, PlaygroundClient } from '../runtime/playgroundApi.ts';
import { Prng } from '../sim/prng.ts';
import { makeScenario, type Scenario } from './scenarioFormat.ts';

export type PlanStep =
  | { do: 'put'; via: string; key: string; value: string; afterMs: number }
  | { do: 'get'; via: string; key: string; afterMs: number }
  | { do: 'isolate'; member: string; afterMs: number }
  | { do: 'heal'; afterMs: number }
  | { do: 'crash'; member: string; afterMs: number }
  | { do: 'restart'; member: string; afterMs: number }
  | { do: 'campaign'; member: string; afterMs: number }
  /** The member's clock runs `rate` times as fast (1: in step). Drawn only with switch 4 on. */
  | { do: 'drift'; member: string; rate: number; afterMs: number }
  /** The link between two members is cut both ways (heal mends it). Drawn only with switch 4 on. */
  | { do: 'cut'; from: string; to: string; afterMs: number }
  /** Whoever leads when the move runs is put alone on one side. Drawn only with switch 4 on. */
  | { do: 'isolateLeader'; afterMs: number }
  /** The key read through every member that is up, at once. Drawn only with switch 4 on. */
  | { do: 'readAll'; key: string; afterMs: number }
  /** Every member crashes at once, then all restart. Drawn only with switch 5 on. */
  | { do: 'powerLoss'; afterMs: number }
  /** Every member's disk takes this long per WAL write (a slow disk widens switch 5's window). Drawn only with switch 5 on. */
  | { do: 'slowDisks'; fsyncMs: number; afterMs: number };

/** Moves only some experiments need; a plan without them draws exactly as it always did. */
export interface ExtraMoves {
  drift?: boolean;
  powerLoss?: boolean;
}

/** The extra moves the switches in these settings need to show what they break. */
export function extraMovesFor(settings: Partial<ClusterSettings>): ExtraMoves {
  const on = settings.unsafe ?? [];
  return { drift: on.includes('leaseReads'), powerLoss: on.includes('ackBeforeDurable') };
}

/** What failed: a Raft property (the monitor) or the clients' history (the lane). */
export interface FoundFailure {
  kind: 'invariant' | 'history';
  /** The monitor's light, or 'linearizability'. */
  what: string;
  /** In words. */
  text: string;
  atMs: number;
}

export interface PlanRun {
  failure: FoundFailure | null;
  scenario: Scenario;
}

export interface FinderOptions {
  settings: Partial<ClusterSettings>;
  /** Plan length before shrinking. */
  steps?: number;
  /** Seeds tried: firstSeed, firstSeed + 1, ... */
  firstSeed?: number;
  maxSeeds?: number;
  /** Called after each seed and each shrink trial (for a progress bar); return false to stop. */
  onProgress?: (p: { phase: 'search' | 'shrink'; seed: number; tried: number; planSteps: number }) => boolean | void;
}

export interface FinderResult {
  seed: number;
  plan: PlanStep[];
  /** The plan before shrinking. */
  originalSteps: number;
  failure: FoundFailure;
  scenario: Scenario;
  /** Runs made in all (search and shrink). */
  runs: number;
}

const KEYS = ['x', 'y'];

/** A random plan for a cluster of `members` (m1..mN), drawn from `seed` alone. */
export function randomPlan(seed: number, members: number, steps: number, extra: ExtraMoves = {}): PlanStep[] {
  const rng = new Prng(seed).fork('bug-finder-plan');
  const names = Array.from({ length: members }, (_, i) => `m${i + 1}`);
  const pick = (): string => names[rng.int(names.length)]!;
  const after = (): number => [50, 200, 600, 1500, 3000][rng.int(5)]!;
  const plan: PlanStep[] = [];
  const extras: Array<() => PlanStep> = [];
  if (extra.drift) {
    extras.push(() => ({ do: 'drift', member: pick(), rate: [0.25, 0.5, 1, 2, 4][rng.int(5)]!, afterMs: after() }));
    extras.push(() => {
      const from = pick();
      const others = names.filter((n) => n !== from);
      return { do: 'cut', from, to: others[rng.int(others.length)]!, afterMs: after() };
    });
    extras.push(() => ({ do: 'isolateLeader', afterMs: after() }));
    extras.push(() => ({ do: 'readAll', key: KEYS[rng.int(KEYS.length)]!, afterMs: after() }));
  }
  if (extra.powerLoss) {
    extras.push(() => ({ do: 'powerLoss', afterMs: after() }));
    extras.push(() => ({ do: 'slowDisks', fsyncMs: [300, 1000][rng.int(2)]!, afterMs: after() }));
  }
  // A clock that never drifts cannot break a lease: drift plans start with one member drifting.
  if (extra.drift) plan.push({ do: 'drift', member: pick(), rate: [0.25, 0.5, 2, 4][rng.int(4)]!, afterMs: after() });
  for (let i = plan.length; i < steps; i++) {
    if (extras.length > 0 && rng.int(100) < 30) {
      plan.push(extras[rng.int(extras.length)]!());
      continue;
    }
    const r = rng.int(100);
    if (r < 35) plan.push({ do: 'put', via: pick(), key: KEYS[rng.int(KEYS.length)]!, value: `v${i}`, afterMs: after() });
    else if (r < 50) plan.push({ do: 'get', via: pick(), key: KEYS[rng.int(KEYS.length)]!, afterMs: after() });
    else if (r < 62) plan.push({ do: 'isolate', member: pick(), afterMs: after() });
    else if (r < 72) plan.push({ do: 'heal', afterMs: after() });
    else if (r < 81) plan.push({ do: 'crash', member: pick(), afterMs: after() });
    else if (r < 89) plan.push({ do: 'restart', member: pick(), afterMs: after() });
    else plan.push({ do: 'campaign', member: pick(), afterMs: after() });
  }
  return plan;
}

/** Time a run goes on after its last step, so answers arrive and the checkers see them. */
const SETTLE_MS = 6000;

/**
 * Runs a plan on a fresh in-process cluster. Steps that do not apply (crash a member that is
 * down, restart one that is up) are skipped, so any sub-plan of a plan is a plan.
 */
export async function runPlan(settings: Partial<ClusterSettings>, plan: readonly PlanStep[]): Promise<PlanRun> {
  const pg = Playground.inProcess({ settings, paused: true, traceCapacity: 0 });
  try {
    await pg.ready();
    await pg.runFor(3000);
    const clients = new Map<string, PlaygroundClient>();
    const via = (m: string): PlaygroundClient => {
      let c = clients.get(m);
      if (!c) clients.set(m, (c = pg.client({ endpoints: [m] })));
      return c;
    };
    const up = (m: string): boolean => pg.members().some((x) => x.name === m && x.alive);
    const exists = (m: string): boolean => pg.members().some((x) => x.name === m);
    let failure: FoundFailure | null = null;
    const look = (): FoundFailure | null => {
      const v = pg.invariants().violation;
      if (v) return { kind: 'invariant', what: v.light, text: `${v.invariant}: ${v.detail}`, atMs: v.atMs };
      const lane = pg.historyLane(Infinity, { now: true }).check;
      if (lane.result === 'illegal') return { kind: 'history', what: 'linearizability', text: lane.words ?? lane.text, atMs: pg.now() };
      return null;
    };
    for (const s of plan) {
      switch (s.do) {
        case 'put':
          if (up(s.via)) void via(s.via).put({ key: s.key, value: s.value }).catch(() => undefined);
          break;
        case 'get':
          if (up(s.via)) void via(s.via).range({ key: s.key }).catch(() => undefined);
          break;
        case 'isolate':
          if (exists(s.member)) await pg.partition([[s.member], pg.members().map((m) => m.name).filter((n) => n !== s.member)]);
          break;
        case 'heal':
          await pg.heal();
          break;
        case 'crash':
          if (up(s.member)) await pg.crash(s.member);
          break;
        case 'restart':
          if (exists(s.member) && !up(s.member)) await pg.restart(s.member);
          break;
        case 'campaign':
          if (up(s.member)) await pg.campaign(s.member);
          break;
        case 'cut':
          if (exists(s.from) && exists(s.to)) await pg.cut(s.from, s.to);
          break;
        case 'isolateLeader': {
          const l = pg.leader()?.name;
          if (l) await pg.partition([[l], pg.members().map((m) => m.name).filter((n) => n !== l)]);
          break;
        }
        case 'readAll':
          for (const m of pg.members()) if (m.alive) void via(m.name).range({ key: s.key }).catch(() => undefined);
          break;
        case 'drift':
          if (exists(s.member)) await pg.setClock(s.member, { rate: s.rate === 1 ? null : s.rate });
          break;
        case 'slowDisks':
          for (const m of pg.members()) await pg.setDisk(m.name, { fsyncMs: s.fsyncMs });
          break;
        case 'powerLoss': {
          const names = pg.members().map((m) => m.name);
          for (const n of names) if (up(n)) await pg.crash(n);
          for (const n of names) await pg.restart(n);
          break;
        }
      }
      await pg.runFor(s.afterMs);
      failure = look();
      if (failure) break;
    }
    if (!failure) {
      await pg.runFor(SETTLE_MS);
      failure = look();
    }
    for (const c of clients.values()) c.close();
    const scenario = makeScenario(await pg.capture(), { title: failure ? `Counterexample: ${failure.what}` : 'No failure', description: failure ? failure.text : '' });
    return { failure, scenario };
  } finally {
    await pg.close();
  }
}

const sameFailure = (a: FoundFailure, b: FoundFailure | null): boolean => !!b && a.kind === b.kind && a.what === b.what;

/**
 * Searches seeds for a failing plan, then shrinks it: removes runs of steps, halving their length
 * down to one step, keeping each removal after which the same kind of failure still happens.
 */
export async function findFailure(o: FinderOptions): Promise<FinderResult | null> {
  const members = o.settings.members ?? 3;
  const extra = extraMovesFor(o.settings);
  // A lease breaks only when a drifting clock, a cut and a read line up: longer plans find it sooner.
  const steps = o.steps ?? (extra.drift ? 60 : 30);
  const first = o.firstSeed ?? 1;
  const max = o.maxSeeds ?? 50;
  let runs = 0;
  for (let seed = first; seed < first + max; seed++) {
    const plan = randomPlan(seed, members, steps, extra);
    const r = await runPlan(o.settings, plan);
    runs++;
    if (o.onProgress?.({ phase: 'search', seed, tried: runs, planSteps: plan.length }) === false) return null;
    if (!r.failure) continue;
    let best = { plan, run: r };
    const failure = r.failure;
    let size = Math.max(1, Math.floor(best.plan.length / 2));
    for (;;) {
      for (let at = 0; at < best.plan.length; ) {
        const trial = [...best.plan.slice(0, at), ...best.plan.slice(at + size)];
        const t = await runPlan(o.settings, trial);
        runs++;
        if (o.onProgress?.({ phase: 'shrink', seed, tried: runs, planSteps: best.plan.length }) === false) return null;
        if (sameFailure(failure, t.failure)) best = { plan: trial, run: t };
        else at += size;
      }
      if (size === 1) break;
      size = Math.max(1, Math.floor(size / 2));
    }
    return { seed, plan: best.plan, originalSteps: plan.length, failure: best.run.failure!, scenario: best.run.scenario, runs };
  }
  return null;
}
