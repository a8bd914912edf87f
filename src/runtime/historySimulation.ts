/**
 * One seeded run of the real in-process etcd cluster under random faults, with every client
 * operation and watch stream recorded, then checked: the KV history must be linearizable and
 * every watch stream must keep etcd's watch guarantees against the committed log, which is read
 * at the end from a member's MVCC backend (every revision, nothing compacted).
 *
 * Sizing: runs are short (a few dozen operations over about two virtual seconds of faults) so
 * that a thousand seeds fit in a CI run; the variety comes from the number of seeds.
 *
 * Everything happens in virtual time: the harness advances the World in small slices and, between
 * slices, applies the fault plan through the cluster's API (so clients learn of crashes as a
 * broken connection), moves the resuming watcher, and drives membership changes. Client loops
 * are async functions whose waits (think time, answers) are World events.
 *
 * Partitions and cuts take clients in too: a client cut off from its member notices through its
 * keep-alive (scaled down like every other timeout here, see SIM_KEEPALIVE), moves to its next
 * endpoint and resumes its watch there, and the watch checker verifies that the stream went on
 * with no gap and no repeat across every such break.
 */
import { Prng } from '../sim/prng.ts';
import { describeAction, planFaults, type PlannedFault } from '../sim/faults.ts';
import type { LinkFaults } from '../sim/network.ts';
import {
  HistoryRecorder,
  checkHistory,
  describeOperation,
  type CommittedRevision,
  type Event,
  type History,
  type HistoryCheckResult,
  type KvLog,
} from '../sim/checkers/index.ts';
import { createMemoryStorageFactory } from '../storage/memory/memoryStorageFactory.ts';
import type { Id64, WatchCreateRequest } from '../server/api.ts';
import type { EtcdMember } from '../server/member.ts';
import { InProcessCluster } from './inProcessCluster.ts';
import { HistoryClient, type RecordedWatch } from './historyClient.ts';
import type { PlaygroundClient } from './playgroundClient.ts';

export interface HistorySimOptions {
  seed: number;
  /** Voting members at bootstrap; default 3 or 5, drawn from the seed. */
  size?: number;
  /** Concurrent KV clients; default 3..8, drawn from the seed. */
  clients?: number;
  /** Operations over all clients; default 20..60, drawn from the seed. */
  operations?: number;
  /** Virtual ms of faults; default 2000. */
  faultMs?: number;
  /** Add a learner, promote it, remove it, under the faults; default: one seed in three. */
  membership?: boolean;
}

export interface HistorySimStats {
  runs: number;
  operations: number;
  ok: number;
  failed: number;
  indeterminate: number;
  serializableReads: number;
  crashes: number;
  restarts: number;
  partitions: number;
  cuts: number;
  linkFaultWindows: number;
  /** Learner adds, promotions and removals that the cluster confirmed. */
  membershipChanges: number;
  /** Learners still behind the leader at the end (a liveness problem, reported, not failed). */
  learnersBehind: number;
  watchers: number;
  watchResumes: number;
  /** Partitions that placed clients on a side, and cuts between a client and a member. */
  clientPartitions: number;
  clientCuts: number;
  /** Client connections broken by the keep-alive (member unreachable), over all clients. */
  clientBreaks: number;
  /** Watch streams re-created inside a client on a new connection (after a break or a crash), all checked. */
  clientWatchResumes: number;
  watchEventsChecked: number;
  finalRevision: number;
}

export function emptyHistorySimStats(): HistorySimStats {
  return {
    runs: 0, operations: 0, ok: 0, failed: 0, indeterminate: 0, serializableReads: 0, crashes: 0, restarts: 0,
    partitions: 0, cuts: 0, linkFaultWindows: 0, membershipChanges: 0, learnersBehind: 0, watchers: 0, watchResumes: 0,
    clientPartitions: 0, clientCuts: 0, clientBreaks: 0, clientWatchResumes: 0, watchEventsChecked: 0, finalRevision: 0,
  };
}

export function addHistorySimStats(into: HistorySimStats, s: HistorySimStats): void {
  for (const k of Object.keys(into) as (keyof HistorySimStats)[]) into[k] += s[k];
}

export interface HistorySimRun {
  seed: number;
  stats: HistorySimStats;
  history: History;
  check: HistoryCheckResult;
  /** The committed log read from a member at the end. */
  log: KvLog;
}

/** A failed seed: the run threw, or its history failed a check. `history` is what was recorded. */
export class HistorySimFailure extends Error {
  constructor(
    readonly seed: number,
    readonly explanation: string,
    readonly history: History | null,
  ) {
    super(`history simulation seed ${seed} failed:\n${explanation}\nreplay: HISTORY_SEED=${seed} npx vitest run src/runtime/historySim.test.ts`);
    this.name = 'HistorySimFailure';
  }
}

const BASE_FAULTS: Partial<LinkFaults> = { latencyMs: 2, jitterMs: 3, lossRate: 0, duplicateRate: 0, reorder: false };
/**
 * Client timings scaled to the run's two seconds of faults (etcdctl's are 5 s for a command,
 * 2 s + 6 s for the keep-alive): a cut-off client notices within 750 virtual ms, so breaks and
 * resumes happen while the faults go on.
 */
const SIM_CLIENT = { commandTimeoutMs: 1200, keepaliveTimeMs: 250, keepaliveTimeoutMs: 500, reconnectBackoffMs: 100 } as const;
const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4'];
/** Every key the workload touches lies in ['k', 'l'). */
const PREFIX = { key: 'k', range_end: 'l' };

/**
 * The committed log as one member's MVCC backend holds it: every revision's events in
 * sub-revision order. Valid only while nothing was compacted (the workload never compacts).
 */
export function kvLogFromMember(member: EtcdMember): KvLog {
  const store = member.kvStore();
  const entries = store.backendRef().rangeKeys([0, 0], [Number.MAX_SAFE_INTEGER, 0]);
  const revisions: CommittedRevision[] = [];
  for (const [[main], v] of entries) {
    const event: Event = v.tombstone
      ? { type: 'DELETE', kv: { key: v.kv.key, mod_revision: main, create_revision: 0, version: 0, value: '', lease: '0' } }
      : { type: 'PUT', kv: { ...v.kv } };
    const last = revisions[revisions.length - 1];
    if (last && last.revision === main) last.events.push(event);
    else revisions.push({ revision: main, events: [event] });
  }
  return { baseRevision: 1, baseKvs: [], revisions, lastRevision: store.rev() };
}

/** The checker's findings in plain words, operations described. */
export function explainCheck(check: HistoryCheckResult): string {
  const lines: string[] = [];
  const lin = check.linearizability;
  if (lin.result === 'illegal') {
    const x = lin.explanation;
    lines.push(`not linearizable (${x.kind}): ${x.text}`);
    for (const c of x.candidates.slice(0, 8)) lines.push(`  candidate #${c.operationId}: ${c.reason}`);
    lines.push('  operations involved:');
    for (const o of x.operations.slice(0, 20)) lines.push(`    ${describeOperation(o)}`);
  } else if (lin.result === 'unknown') {
    lines.push(`linearizability unknown: ${lin.reason}`);
  }
  if (check.watches && !check.watches.ok) {
    for (const v of check.watches.violations.slice(0, 10)) lines.push(`watch ${v.watcherId} broke "${v.guarantee}"${v.revision !== undefined ? ` at revision ${v.revision}` : ''}: ${v.message}`);
  }
  if (check.logMismatch) lines.push(`committed log disagrees with an answer: ${check.logMismatch}`);
  if (check.historicalReadMismatch) lines.push(`historical read disagrees with the log: ${check.historicalReadMismatch}`);
  if (check.finalReadMismatch) lines.push(`final read disagrees with the log: ${check.finalReadMismatch}`);
  return lines.length > 0 ? lines.join('\n') : 'ok';
}

/** Wall-clock budget per linearizability check; `now` is injected by the caller (tests pass performance.now). */
export interface CheckClock {
  now: () => number;
  timeoutMs: number;
}

export async function runHistorySimulation(o: HistorySimOptions, clock?: CheckClock): Promise<HistorySimRun> {
  const rng = new Prng(o.seed).fork('history-sim');
  const size = o.size ?? rng.pick([3, 3, 5]);
  const clientCount = o.clients ?? 3 + rng.int(6);
  const totalOps = o.operations ?? 20 + rng.int(41);
  const faultMs = o.faultMs ?? 2000;
  const membership = o.membership ?? rng.chance(1 / 3);
  const stats = emptyHistorySimStats();
  stats.runs = 1;
  const recorder = new HistoryRecorder();

  const c = await InProcessCluster.create({
    size,
    seed: o.seed,
    storageFactory: createMemoryStorageFactory(),
    autoRun: false,
    network: BASE_FAULTS,
    settings: { snapshotCount: 30, snapshotCatchUpEntries: 10, requestTimeoutMs: 1500 },
  });
  const originals = c.memberNames();
  /** Members taken out of the cluster for good: never restarted. */
  const stopped = new Set<string>();
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => c.at(c.nowMs + ms, resolve));

  try {
    await c.waitForLeader(10_000);
    // etcd refuses membership changes until its peers have been connected for 5 s.
    if (membership) await c.runFor(5000);
    const start = c.nowMs;
    const stopAt = start + faultMs;
    const clientNames = [
      ...Array.from({ length: clientCount }, (_, i) => `c${i + 1}`),
      'watch-a',
      ...originals.map((m) => `watch-b-${m}`),
      ...(membership ? ['admin'] : []),
    ];
    const plan: PlannedFault[] = planFaults(rng.fork('faults'), {
      actors: originals,
      clients: clientNames,
      startMs: start + 100,
      endMs: stopAt,
      meanGapMs: 220,
      baseFaults: BASE_FAULTS,
    });

    // ---- clients: each with its own endpoint order (failover goes down its list) ----
    const clients: HistoryClient[] = [];
    /** Every client of the run, for their connection figures and the final wait for their watches. */
    const all: PlaygroundClient[] = [];
    for (let i = 0; i < clientCount; i++) {
      const name = `c${i + 1}`;
      const pc = c.client({ name, endpoints: rng.shuffle(originals), ...SIM_CLIENT });
      all.push(pc);
      clients.push(new HistoryClient(name, pc, recorder, c));
    }

    // ---- watchers ----
    // A: the client's own failover (the stream resumes inside the client after a crash).
    const wa = c.client({ name: 'watch-a', endpoints: rng.shuffle(originals), ...SIM_CLIENT });
    all.push(wa);
    const watchReqA: WatchCreateRequest = { ...PREFIX, start_revision: 1, ...(rng.chance(0.5) ? { prev_kv: true } : {}) };
    new HistoryClient('watch-a', wa, recorder, c).watch(watchReqA);
    stats.watchers++;
    // B: pinned to one member; when that member goes down the harness re-creates it on another
    // member at the last revision + 1, recorded as a new stream that resumes the old one.
    const pinned = new Map<string, HistoryClient>();
    for (const m of originals) {
      // One endpoint: when cut off it keeps reconnecting to that member until the network heals.
      const pc = c.client({ name: `watch-b-${m}`, endpoints: [m], ...SIM_CLIENT });
      all.push(pc);
      pinned.set(m, new HistoryClient(`watch-b`, pc, recorder, c));
    }
    const watchReqB: WatchCreateRequest = { ...PREFIX, start_revision: 1, ...(rng.chance(0.3) ? { filters: ['NODELETE' as const] } : {}) };
    let bMember = rng.pick(originals);
    let bWatch: RecordedWatch = pinned.get(bMember)!.watch(watchReqB);
    let bStart = watchReqB.start_revision!;
    stats.watchers++;
    const moveWatcherB = (): void => {
      if (c.isUp(bMember)) return;
      const up = originals.filter((m) => c.isUp(m) && !stopped.has(m));
      if (up.length === 0) return;
      const next = rng.pick(up);
      // Continue after the last event, or where this stream started if it delivered none.
      const from = bWatch.lastRevision > 0 ? bWatch.lastRevision + 1 : bStart;
      bWatch.close();
      bWatch = pinned.get(next)!.watch({ ...watchReqB, start_revision: from }, { resumes: bWatch.watcherId });
      bStart = from;
      bMember = next;
      stats.watchers++;
      stats.watchResumes++;
    };

    // ---- workload ----
    const perClient = Math.max(1, Math.ceil(totalOps / clientCount));
    const thinkMs = Math.max(5, Math.floor(faultMs / perClient));
    const loops = clients.map((cl, i) => clientLoop(cl, rng.fork(`client${i}`), perClient, thinkMs, () => c.nowMs >= stopAt, sleep, stats));

    // ---- membership (some seeds): add a learner, launch it, promote it, remove it ----
    const admin = membership ? c.client({ name: 'admin', endpoints: rng.shuffle(originals), ...SIM_CLIENT }) : null;
    if (admin) all.push(admin);
    for (const pc of all) if (!clientNames.includes(pc.name)) throw new Error(`history simulation: client ${pc.name} missing from the fault plan's clients`);
    const mship = new MembershipDriver(c, admin, rng.fork('membership'), stopped, stats);
    const membershipStartMs = start + 200 + rng.int(600);

    // ---- drive: slices of virtual time; faults and harness moves between slices ----
    let planIndex = 0;
    const applyDue = async (): Promise<void> => {
      while (planIndex < plan.length && plan[planIndex]!.atMs <= c.nowMs) {
        await applyFault(c, plan[planIndex]!, stopped, stats, clientNames);
        planIndex++;
      }
    };
    while (c.nowMs < stopAt) {
      const nextFault = planIndex < plan.length ? plan[planIndex]!.atMs : Infinity;
      const until = Math.min(nextFault, c.nowMs + 50, stopAt);
      await c.runFor(Math.max(1, until - c.nowMs));
      await applyDue();
      moveWatcherB();
      if (admin && c.nowMs >= membershipStartMs) await mship.step();
    }
    await applyDue(); // the plan ends with heal-all at stopAt
    // Healed: the clients finish; pending requests are answered or time out.
    const drainUntil = c.nowMs + 2500;
    let loopsDone = false;
    void Promise.all(loops).then(() => (loopsDone = true));
    while (c.nowMs < drainUntil && !(loopsDone && mship.settled())) {
      await c.runFor(50);
      moveWatcherB();
      if (admin) await mship.step();
    }
    await Promise.all(loops);

    // Converge: every live member applied everything; then give watchers time to catch up.
    // The voters in the leader's view (a removal may have applied without its answer) must all
    // catch up. A learner is checked after the settling time below: one still behind is counted
    // (learnersBehind) and the test fails on it.
    const live = (): string[] => {
      const l = c.leader();
      const ids = l ? new Set(c.member(l).membershipView().list().filter((x) => !x.isLearner).map((x) => x.ID)) : null;
      return c.members().filter((m) => !stopped.has(m.name) && (ids ? ids.has(m.id) : mship.isMember(m.name))).map((m) => m.name);
    };
    await c
      .runUntil(() => {
        const ms = live().map((n) => c.members().find((x) => x.name === n)!);
        if (ms.some((m) => !m.up || !m.member)) return false;
        const commit = Math.max(...ms.map((m) => m.member!.summary().commitIndex));
        // Clients cut off during the faults have noticed and resumed their watches.
        return ms.every((m) => m.member!.summary().appliedIndex === commit) && c.leader() !== undefined && all.every((pc) => pc.watchesEstablished());
      }, 20_000)
      .catch(() => {
        const l = c.leader();
        const view = l ? { progress: c.member(l).raftStatus().progress, members: c.member(l).membershipView().list() } : null;
        const waiting = all.filter((pc) => !pc.watchesEstablished()).map((pc) => pc.name);
        throw new Error(
          `members did not converge after healing: ${JSON.stringify(c.members().map((m) => ({ name: m.name, up: m.up, s: m.member?.summary() })))}\nleader's view: ${JSON.stringify(view)}` +
            `\nclients whose watches are not re-established: ${waiting.join(', ') || 'none'}`,
        );
      });
    await c.runFor(300);
    moveWatcherB();
    await c.runFor(300);
    {
      const l = c.member(c.leader()!);
      const commit = l.summary().commitIndex;
      for (const x of l.membershipView().list()) {
        if (!x.isLearner) continue;
        const m = c.members().find((v) => v.id === x.ID);
        if (m && !stopped.has(m.name) && m.member && m.member.summary().appliedIndex < commit) stats.learnersBehind++;
      }
    }

    const leaderName = c.leader()!;
    const log = kvLogFromMember(c.member(leaderName));
    const history = recorder.history();
    const check = checkHistory(history, {
      ignoreSerializableReads: true,
      log,
      // Watchers still open sit on a live member that has applied everything: they must be complete.
      completeThrough: log.lastRevision,
      ...(clock ? { now: clock.now, timeoutMs: clock.timeoutMs } : {}),
    });
    for (const op of history.operations) {
      stats.operations++;
      stats[op.outcome.status === 'ok' ? 'ok' : op.outcome.status === 'failed' ? 'failed' : 'indeterminate']++;
      if (op.op.type === 'range' && op.op.request.serializable) stats.serializableReads++;
    }
    for (const w of history.watches) for (const d of w.responses) stats.watchEventsChecked += d.response.events.length;
    for (const pc of all) {
      stats.clientBreaks += pc.connectionStats.keepaliveBreaks;
      stats.clientWatchResumes += pc.connectionStats.watchResumes;
    }
    stats.finalRevision = log.lastRevision;
    if (!check.ok) throw new HistorySimFailure(o.seed, `${explainCheck(check)}\n${plan.length} planned faults: ${plan.map((p) => `${p.atMs}ms ${describeAction(p.action)}`).join('; ')}`, history);
    return { seed: o.seed, stats, history, check, log };
  } catch (e) {
    if (e instanceof HistorySimFailure) throw e;
    throw new HistorySimFailure(o.seed, e instanceof Error ? (e.stack ?? e.message) : String(e), recorder.history());
  } finally {
    await c.close().catch(() => undefined);
  }
}

async function applyFault(
  c: InProcessCluster,
  f: PlannedFault,
  stopped: Set<string>,
  stats: HistorySimStats,
  clients: readonly string[],
): Promise<void> {
  const a = f.action;
  switch (a.kind) {
    case 'partition':
      // Clients named in no group reach every member; those in a group only their side.
      c.partition(a.groups);
      stats.partitions++;
      if (a.groups.some((g) => g.some((x) => clients.includes(x)))) stats.clientPartitions++;
      return;
    case 'cut':
      c.cut(a.from, a.to);
      stats.cuts++;
      if (clients.includes(a.from) || clients.includes(a.to)) stats.clientCuts++;
      return;
    case 'heal':
      c.heal();
      return;
    case 'crash':
      if (stopped.has(a.actor) || !c.isUp(a.actor)) return;
      await c.crash(a.actor);
      stats.crashes++;
      return;
    case 'restart':
      if (stopped.has(a.actor) || c.isUp(a.actor)) return;
      await c.restart(a.actor);
      stats.restarts++;
      return;
    case 'linkFaults':
      c.world.setFaults(a.faults);
      stats.linkFaultWindows++;
      return;
    case 'healAll':
      c.heal();
      c.world.network.releaseAll(c.nowMs);
      c.world.setFaults(BASE_FAULTS);
      for (const m of c.memberNames()) {
        if (!stopped.has(m) && !c.isUp(m)) {
          await c.restart(m);
          stats.restarts++;
        }
      }
      return;
  }
}

async function clientLoop(
  cl: HistoryClient,
  rng: Prng,
  ops: number,
  thinkMs: number,
  done: () => boolean,
  sleep: (ms: number) => Promise<void>,
  stats: HistorySimStats,
): Promise<void> {
  void stats;
  /** The last value this client read or wrote per key: compare-and-set compares against it. */
  const seen = new Map<string, { value: string; mod: number } | null>();
  let n = 0;
  await sleep(rng.int(thinkMs) + 1);
  for (let i = 0; i < ops && !done(); i++) {
    const key = rng.pick(KEYS);
    const value = `${cl.clientId}.${n++}`;
    const r = rng.int(100);
    try {
      if (r < 26) {
        const resp = await cl.put({ key, value });
        seen.set(key, { value, mod: resp.header.revision });
      } else if (r < 44) {
        const resp = await cl.range({ key });
        const kv = resp.kvs[0];
        seen.set(key, kv ? { value: kv.value, mod: kv.mod_revision } : null);
      } else if (r < 50) {
        await cl.range({ ...PREFIX });
      } else if (r < 58) {
        await cl.range({ key, serializable: true });
      } else if (r < 74) {
        // Compare-and-set against what this client last saw of the key.
        const s = seen.get(key);
        const compare =
          s === undefined || s === null
            ? [{ key, target: 'VERSION' as const, result: 'EQUAL' as const, version: 0 }]
            : rng.chance(0.5)
              ? [{ key, target: 'VALUE' as const, result: 'EQUAL' as const, value: s.value }]
              : [{ key, target: 'MOD' as const, result: 'EQUAL' as const, mod_revision: s.mod }];
        const resp = await cl.txn({ compare, success: [{ request_put: { key, value } }], failure: [{ request_range: { key } }] });
        if (resp.succeeded) seen.set(key, { value, mod: resp.header.revision });
        else {
          const got = resp.responses[0];
          const kv = got && 'response_range' in got ? got.response_range.kvs[0] : undefined;
          seen.set(key, kv ? { value: kv.value, mod: kv.mod_revision } : null);
        }
      } else if (r < 82) {
        // Several keys in one revision (the watchers must see them in one response).
        const other = rng.pick(KEYS.filter((k) => k !== key));
        await cl.txn({ success: [{ request_put: { key, value } }, { request_put: { key: other, value: `${value}b` } }] });
      } else if (r < 95) {
        await cl.deleteRange({ key });
        seen.set(key, null);
      } else {
        await cl.deleteRange({ key: 'k3', range_end: 'k5' });
      }
    } catch {
      // Recorded as failed or indeterminate; the client goes on.
      seen.delete(key);
    }
    await sleep(1 + rng.int(thinkMs * 2));
  }
}

/**
 * Drives one learner through its life while the faults go on: MemberAdd as a learner, start it,
 * promote it once it has caught up, then remove it and stop it. Each request is retried (with a
 * fresh call) until the cluster confirms it, as an operator would; the member's own view decides
 * what happened to a request whose answer was lost.
 */
class MembershipDriver {
  private phase: 'add' | 'launch' | 'promote' | 'remove' | 'stop' | 'done' = 'add';
  private inFlight: Promise<void> | null = null;
  private id: Id64 | null = null;
  private nextTryMs = 0;
  private readonly name = 'm9';

  constructor(
    private readonly c: InProcessCluster,
    private readonly admin: PlaygroundClient | null,
    private readonly rng: Prng,
    private readonly stopped: Set<string>,
    private readonly stats: HistorySimStats,
  ) {}

  /** True when nothing is half done (no request waiting). */
  settled(): boolean {
    return this.inFlight === null && (this.phase === 'done' || this.phase === 'add' || this.phase === 'promote' || this.phase === 'remove');
  }

  /** Whether `name` counts as a member at the end (the learner only until it is removed). */
  isMember(name: string): boolean {
    if (name !== this.name) return true;
    return this.phase !== 'stop' && this.phase !== 'done';
  }

  private leaderView(): EtcdMember | null {
    const l = this.c.leader();
    return l ? this.c.member(l) : null;
  }

  async step(): Promise<void> {
    if (!this.admin || this.inFlight || this.c.nowMs < this.nextTryMs) return;
    const admin = this.admin;
    const retryLater = (): void => {
      this.nextTryMs = this.c.nowMs + 150 + this.rng.int(200);
    };
    switch (this.phase) {
      case 'add':
        this.inFlight = admin
          .memberAdd({ peerURLs: [`http://${this.name}:2380`], isLearner: true })
          .then((r) => {
            this.id = r.member.ID;
            this.phase = 'launch';
            this.stats.membershipChanges++;
          })
          .catch(() => {
            // Unknown or refused: if the add went through anyway, its ID is in the leader's view.
            const m = this.leaderView()?.membershipView().list().find((x) => x.peerURLs.includes(`http://${this.name}:2380`));
            if (m) {
              this.id = m.ID;
              this.phase = 'launch';
              this.stats.membershipChanges++;
            } else retryLater();
          })
          .finally(() => (this.inFlight = null));
        return;
      case 'launch':
        await this.c.launch(this.name, this.id!, { join: true });
        this.phase = 'promote';
        this.nextTryMs = this.c.nowMs + 200;
        return;
      case 'promote':
        this.inFlight = admin
          .memberPromote(this.id!)
          .then(() => {
            this.phase = 'remove';
            this.stats.membershipChanges++;
          })
          .catch(() => {
            if (this.leaderView()?.membershipView().get(this.id!)?.isLearner === false) {
              this.phase = 'remove';
              this.stats.membershipChanges++;
            } else retryLater();
          })
          .finally(() => (this.inFlight = null));
        this.nextTryMs = this.c.nowMs + 200;
        return;
      case 'remove':
        this.inFlight = admin
          .memberRemove(this.id!)
          .then(() => {
            this.phase = 'stop';
            this.stats.membershipChanges++;
          })
          .catch(() => {
            const v = this.leaderView();
            if (v && !v.membershipView().get(this.id!)) {
              this.phase = 'stop';
              this.stats.membershipChanges++;
            } else retryLater();
          })
          .finally(() => (this.inFlight = null));
        return;
      case 'stop':
        this.stopped.add(this.name);
        await this.c.stopMember(this.name);
        this.phase = 'done';
        return;
      case 'done':
        return;
    }
  }
}
