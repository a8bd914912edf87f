/**
 * Time travel over a live playground. The page talks to a TimeMachine as it would to the
 * playground itself (it is a PlaygroundApi); the machine shows either the live cluster or the
 * past: a second, in-process cluster built from the same settings and replayed to the time the
 * user scrubbed to. What the past view shows is that replayed cluster's real state (members,
 * logs, messages in flight, keys), never a stored picture.
 *
 * Seeking forward goes on replaying the same past cluster from where it stands; seeking back
 * builds a fresh one and replays from the start (a running cluster cannot be copied), while the
 * old one stays on screen until the new one is there.
 *
 * While the past is shown the live cluster is paused and nothing may change either world:
 * changes are refused with an error that says how to go on. "Continue from here" (fork) makes the
 * live cluster the past state: it is reset with fresh databases and the actions up to that time
 * are replayed into it; the run it replaces is kept as a branch the user can switch back to.
 */
import { Playground } from '../runtime/playground.ts';
import type { ClusterSettings, EtcdctlOptions, EtcdctlResult, FlightView, LinkDetail, LinkSettings, LinkState, MemberDetails, MemberInfo, PlaygroundApi, PlaygroundClient, PlaygroundEvent, Speed, TimeState } from '../runtime/playgroundApi.ts';
import type { RecordedAction } from '../runtime/worldActions.ts';
import type { InvariantStatus } from '../runtime/invariantMonitor.ts';
import type { HistoryLaneView } from '../runtime/historyLane.ts';
import type { HistoryFile } from '../sim/checkers/exportHistory.ts';
import { makeScenario, type Scenario } from './scenarioFormat.ts';

export type TravelView =
  | { mode: 'live' }
  /** `targetMs`: where the user asked to be; `shownMs`: where the shown past cluster is now (it catches up while seeking). */
  | { mode: 'past'; targetMs: number; shownMs: number; endMs: number; seeking: boolean };

/** A long replay into the live cluster (a fork, a branch switch, a loaded scenario). */
export interface TravelProgress {
  label: string;
  doneMs: number;
  totalMs: number;
}

/**
 * A run the user can return to. Invariant: exactly one branch is current (the live cluster's);
 * the others hold the scenario they had when the user left them.
 */
export interface Branch {
  id: number;
  label: string;
  /** The branch it was forked from, and when (virtual ms); absent for the first run. */
  parent?: number;
  forkedAtMs?: number;
  current: boolean;
  endMs: number;
  traceHash: string;
}

/** The outcome of loading a scenario: the hash the replay reached and whether it is the author's. */
export interface LoadResult {
  traceHash: string;
  expectedHash: string;
  /** Replayed to the author's end and reached the author's trace hash. */
  matches: boolean;
  /** Stopped before the end (a time in the link), so the hash is not comparable. */
  partial: boolean;
}

export interface TimeMachineOptions {
  /** Builds the cluster the past is replayed into (default: in-process, in memory, paused). */
  makePast?: (settings: ClusterSettings, snapshot?: string) => Playground;
}

export class PastViewError extends Error {
  constructor(what: string, atMs: number) {
    super(`${what}: you are viewing the past (${(atMs / 1000).toFixed(1)} s). Press "Continue from here" to change the run from this point, or return to the present.`);
    this.name = 'PastViewError';
  }
}

interface PastView {
  pg: Playground;
  /** The recording it is replaying (the live run's actions when the seek began). */
  actions: RecordedAction[];
}

export class TimeMachine implements PlaygroundApi {
  private past: PastView | null = null;
  private targetMs = 0;
  private endMs = 0;
  private seeking = false;
  private wasRunning = false;
  private readonly viewListeners = new Set<(v: TravelView) => void>();
  private readonly progressListeners = new Set<(p: TravelProgress | null) => void>();
  /** Serializes seeks and forks: one at a time, the latest seek target wins. */
  private work: Promise<unknown> = Promise.resolve();
  private seekAbort: AbortController | null = null;
  private branchList: { id: number; label: string; parent?: number; forkedAtMs?: number; scenario: Scenario | null }[] = [{ id: 1, label: 'run 1', scenario: null }];
  private currentBranch = 1;
  private nextBranch = 2;
  private readonly makePast: (settings: ClusterSettings, snapshot?: string) => Playground;

  constructor(
    readonly live: Playground,
    opts: TimeMachineOptions = {},
  ) {
    this.makePast = opts.makePast ?? ((settings) => Playground.inProcess({ settings, paused: true, traceCapacity: 2000 }));
  }

  // ---- the view ----

  viewing(): TravelView {
    if (!this.past) return { mode: 'live' };
    return { mode: 'past', targetMs: this.targetMs, shownMs: this.past.pg.now(), endMs: this.endMs, seeking: this.seeking };
  }

  /** Called whenever the view changes (entered the past, a seek moved, back to the present). */
  onView(listener: (v: TravelView) => void): () => void {
    this.viewListeners.add(listener);
    return () => void this.viewListeners.delete(listener);
  }

  /** Called with the progress of a long replay into the live cluster, and null when it ends. */
  onProgress(listener: (p: TravelProgress | null) => void): () => void {
    this.progressListeners.add(listener);
    return () => void this.progressListeners.delete(listener);
  }

  private emitView(): void {
    const v = this.viewing();
    for (const l of this.viewListeners) l(v);
  }

  private emitProgress(p: TravelProgress | null): void {
    for (const l of this.progressListeners) l(p);
  }

  /** What reads go to: the past cluster while it is shown, else the live one. */
  private get view(): Playground {
    return this.past?.pg ?? this.live;
  }

  private refuse(what: string): void {
    if (this.past) throw new PastViewError(what, this.targetMs);
  }

  /**
   * Shows the run as it was at `ms` (virtual). At or after the live cluster's time, it returns to
   * the present. Resolves once the shown cluster reached `ms` (or a later seek took over).
   */
  seek(ms: number): Promise<void> {
    if (typeof ms !== 'number' || !Number.isFinite(ms)) return Promise.reject(new Error(`seek: expected a virtual time in ms, got ${String(ms)}`));
    const target = Math.max(0, Math.round(ms));
    const liveNow = this.past ? this.endMs : this.live.now();
    if (target >= liveNow) {
      this.present();
      return this.work.then(() => undefined);
    }
    if (!this.past) {
      this.wasRunning = !this.live.time().paused;
      this.live.pause();
      this.endMs = liveNow;
    }
    this.targetMs = target;
    // A seek behind the one in progress stops it; one ahead lets it run on.
    if (this.seekAbort && this.past && target < this.past.pg.now()) this.seekAbort.abort();
    this.emitView();
    const run = this.work.then(() => this.seekNow(target));
    this.work = run.catch(() => undefined);
    return run;
  }

  private async seekNow(target: number): Promise<void> {
    // A later seek, or a return to the present, superseded this one.
    if (this.targetMs !== target || this.endMs === 0) return;
    const capture = await this.live.capture();
    const actions = capture.actions;
    let view = this.past;
    // The shown cluster can go on forward only if it is replaying this same recording and is not past the target.
    const reusable = view !== null && view.pg.now() <= target && view.actions.length <= actions.length && view.actions.every((a, i) => a.atMs === actions[i]!.atMs && a.type === actions[i]!.type);
    const abort = new AbortController();
    this.seekAbort = abort;
    this.seeking = true;
    this.emitView();
    let fresh: Playground | null = null;
    try {
      if (!reusable) {
        fresh = this.makePast(capture.settings, capture.snapshot);
        await fresh.ready();
        if (capture.snapshot !== undefined) await fresh.reset(capture.settings, { snapshot: capture.snapshot });
      }
      const pg = fresh ?? view!.pg;
      const upTo = actions.filter((a) => a.atMs <= target);
      // The first time a fresh cluster is shown is when it has reached the target, not before.
      if (!fresh) view!.actions = actions;
      await pg.replay(upTo, { untilMs: target, signal: abort.signal, onProgress: fresh ? undefined : () => this.emitView() });
      if (fresh) {
        const old = this.past;
        if (!this.past && this.endMs === 0) {
          // Back to the present while it replayed.
          await fresh.close();
          return;
        }
        this.past = { pg: fresh, actions };
        fresh = null;
        if (old) void old.pg.close();
      }
    } catch (e) {
      if (fresh) await fresh.close().catch(() => undefined);
      if (!(e instanceof Error && e.message === 'replay: stopped')) throw e;
    } finally {
      if (this.seekAbort === abort) {
        this.seekAbort = null;
        this.seeking = false;
      }
      view = null;
      this.emitView();
    }
  }

  /** Back to the live cluster (it resumes if it was running when the user went back in time). */
  present(): void {
    this.seekAbort?.abort();
    const was = this.past;
    this.past = null;
    this.endMs = 0;
    this.seeking = false;
    if (was) void was.pg.close();
    if (was && this.wasRunning) this.live.resume();
    this.wasRunning = false;
    this.emitView();
  }

  // ---- scenarios and branches ----

  /** The live run as a scenario (from its boot to now). */
  async scenario(meta: { title?: string; description?: string } = {}): Promise<Scenario> {
    return makeScenario(await this.live.capture(), meta);
  }

  /** The run shown now (past or live) as a scenario ending at the shown time. */
  async scenarioUpToView(meta: { title?: string; description?: string } = {}): Promise<Scenario> {
    if (!this.past) return this.scenario(meta);
    const c = await this.past.pg.capture();
    return makeScenario(c, meta);
  }

  private async replayIntoLive(s: { settings: ClusterSettings; snapshot?: string; actions: readonly RecordedAction[] }, untilMs: number, label: string): Promise<void> {
    this.emitProgress({ label, doneMs: 0, totalMs: untilMs });
    try {
      await this.live.reset(s.settings, s.snapshot !== undefined ? { snapshot: s.snapshot } : {});
      this.live.pause();
      await this.live.replay(
        s.actions.filter((a) => a.atMs <= untilMs),
        { untilMs, onProgress: (doneMs, totalMs) => this.emitProgress({ label, doneMs, totalMs }) },
      );
    } finally {
      this.emitProgress(null);
    }
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.work.then(run);
    this.work = next.catch(() => undefined);
    return next;
  }

  /**
   * Replaces the live run with a scenario: a fresh cluster from its settings, its actions
   * replayed to `atMs` (its end by default), paused there. Earlier branches are forgotten (this
   * is a new run). The scenario must have been checked (parseScenario).
   */
  load(s: Scenario, opts: { atMs?: number } = {}): Promise<LoadResult> {
    this.present();
    return this.serial(async () => {
      const until = Math.min(opts.atMs ?? s.endMs, s.endMs);
      await this.replayIntoLive(s, until, s.title ? `Loading "${s.title}"` : 'Loading the scenario');
      this.branchList = [{ id: 1, label: s.title ? s.title : 'loaded run', scenario: null }];
      this.currentBranch = 1;
      this.nextBranch = 2;
      const traceHash = this.live.traceHash();
      const partial = until < s.endMs;
      return { traceHash, expectedHash: s.traceHash, matches: !partial && traceHash === s.traceHash, partial };
    });
  }

  /**
   * "Continue from here": the live cluster becomes the run as it was at the time shown, and
   * everything after it is kept as a branch. Resolves with the new branch's id.
   */
  fork(): Promise<number> {
    if (!this.past) return Promise.reject(new Error('fork: go back in time first (drag the timeline), then continue from there'));
    const atMs = this.targetMs;
    this.seekAbort?.abort();
    return this.serial(async () => {
      const capture = await this.live.capture();
      const left = this.branchList.find((b) => b.id === this.currentBranch)!;
      left.scenario = makeScenario(capture);
      const past = this.past;
      this.past = null;
      this.endMs = 0;
      if (past) void past.pg.close();
      this.wasRunning = false;
      this.emitView();
      await this.replayIntoLive(capture, atMs, `Continuing from ${(atMs / 1000).toFixed(1)} s`);
      const id = this.nextBranch++;
      this.branchList.push({ id, label: `run ${id}`, parent: left.id, forkedAtMs: atMs, scenario: null });
      this.currentBranch = id;
      this.emitView();
      return id;
    });
  }

  branches(): Branch[] {
    return this.branchList.map((b) => ({
      id: b.id,
      label: b.label,
      ...(b.parent !== undefined ? { parent: b.parent } : {}),
      ...(b.forkedAtMs !== undefined ? { forkedAtMs: b.forkedAtMs } : {}),
      current: b.id === this.currentBranch,
      endMs: b.scenario ? b.scenario.endMs : this.live.now(),
      traceHash: b.scenario ? b.scenario.traceHash : this.live.traceHash(),
    }));
  }

  /** Makes another branch live again: replayed to where it was left, paused there. */
  switchBranch(id: number): Promise<void> {
    const target = this.branchList.find((b) => b.id === id);
    if (!target) return Promise.reject(new Error(`no branch ${id} (branches: ${this.branchList.map((b) => b.id).join(', ')})`));
    if (id === this.currentBranch) {
      this.present();
      return Promise.resolve();
    }
    this.present();
    return this.serial(async () => {
      const capture = await this.live.capture();
      const left = this.branchList.find((b) => b.id === this.currentBranch)!;
      left.scenario = makeScenario(capture);
      const s = target.scenario!;
      await this.replayIntoLive(s, s.endMs, `Returning to ${target.label}`);
      target.scenario = null;
      this.currentBranch = id;
      this.emitView();
    });
  }

  // ---- PlaygroundApi: reads from the view, changes to the live cluster only ----

  ready(): Promise<void> {
    return this.live.ready();
  }
  async reset(settings?: Partial<ClusterSettings>): Promise<void> {
    this.present();
    await this.work;
    await this.live.reset(settings);
    this.branchList = [{ id: 1, label: 'run 1', scenario: null }];
    this.currentBranch = 1;
    this.nextBranch = 2;
    this.emitView();
  }
  settings(): ClusterSettings {
    return this.view.settings();
  }
  get seed(): number {
    return this.view.seed;
  }
  members(): MemberInfo[] {
    return this.view.members();
  }
  leader(): MemberInfo | undefined {
    return this.view.leader();
  }
  memberDetails(name: string): Promise<MemberDetails> {
    return this.view.memberDetails(name);
  }
  async addMember(opts?: { learner?: boolean }): Promise<MemberInfo> {
    this.refuse('add a member');
    return this.live.addMember(opts);
  }
  async promoteMember(name: string): Promise<void> {
    this.refuse('promote a member');
    return this.live.promoteMember(name);
  }
  async removeMember(name: string): Promise<void> {
    this.refuse('remove a member');
    return this.live.removeMember(name);
  }
  async replaceMember(name: string): Promise<MemberInfo> {
    this.refuse('replace a member');
    return this.live.replaceMember(name);
  }
  async campaign(name: string): Promise<void> {
    this.refuse('start an election');
    return this.live.campaign(name);
  }
  async transferLeader(to: string): Promise<void> {
    this.refuse('transfer leadership');
    return this.live.transferLeader(to);
  }
  async crash(name: string): Promise<void> {
    this.refuse(`crash ${name}`);
    return this.live.crash(name);
  }
  async restart(name: string): Promise<void> {
    this.refuse(`restart ${name}`);
    return this.live.restart(name);
  }
  async wipe(name: string): Promise<void> {
    this.refuse(`wipe ${name}`);
    return this.live.wipe(name);
  }
  partition(groups: string[][]): Promise<void> {
    this.refuse('partition the network');
    return this.live.partition(groups);
  }
  heal(): Promise<void> {
    this.refuse('heal the network');
    return this.live.heal();
  }
  cut(from: string, to: string, opts?: { oneWay?: boolean }): Promise<void> {
    this.refuse('cut a link');
    return this.live.cut(from, to, opts);
  }
  restore(from: string, to: string): Promise<void> {
    this.refuse('restore a link');
    return this.live.restore(from, to);
  }
  linkState(from: string, to: string): LinkState {
    return this.view.linkState(from, to);
  }
  linkDetail(from: string, to: string): LinkDetail {
    return this.view.linkDetail(from, to);
  }
  setLink(opts: LinkSettings & { from?: string; to?: string }): Promise<void> {
    this.refuse('change link settings');
    return this.live.setLink(opts);
  }
  setDisk(name: string, opts: { fsyncMs: number | null }): Promise<void> {
    this.refuse('change a disk');
    return this.live.setDisk(name, opts);
  }
  setClock(name: string, opts: { rate: number | null }): Promise<void> {
    this.refuse('change a clock');
    return this.live.setClock(name, opts);
  }
  inFlight(): FlightView[] {
    return this.view.inFlight();
  }
  dropMessage(envelopeId: number): boolean {
    this.refuse('drop a message');
    return this.live.dropMessage(envelopeId);
  }
  pause(): void {
    // The past is always paused; the live cluster stays paused under it.
    if (this.past) this.wasRunning = false;
    else this.live.pause();
  }
  /** In the past, playing means going back to the present and running on from there. */
  resume(): void {
    if (this.past) {
      this.wasRunning = true;
      this.present();
      return;
    }
    this.live.resume();
  }
  step(): Promise<void> {
    if (this.past) return Promise.reject(new PastViewError('step the clock', this.targetMs));
    return this.live.step();
  }
  setSpeed(speed: Speed): void {
    this.live.setSpeed(speed);
  }
  time(): TimeState {
    if (this.past) return { nowMs: this.past.pg.now(), paused: true, speed: this.live.time().speed };
    return this.live.time();
  }
  now(): number {
    return this.view.now();
  }
  runFor(virtualMs: number): Promise<void> {
    if (this.past) return Promise.reject(new PastViewError('run the clock', this.targetMs));
    return this.live.runFor(virtualMs);
  }
  client(opts?: { endpoints?: string[] }): PlaygroundClient {
    this.refuse('open a client');
    return this.live.client(opts);
  }
  etcdctl(commandLine: string, opts?: EtcdctlOptions): Promise<EtcdctlResult> {
    if (this.past) return Promise.reject(new PastViewError('run etcdctl', this.targetMs));
    return this.live.etcdctl(commandLine, opts);
  }
  allLinks(): Required<LinkSettings> {
    return this.view.allLinks();
  }
  snapshotFiles(): { path: string; blob: string }[] {
    return this.live.snapshotFiles();
  }
  /** Files belong to the page, not to a time: opening one works in the past view too. */
  addSnapshotFile(path: string, blob: string): void {
    this.live.addSnapshotFile(path, blob);
  }
  /** Live events only: the past is read, not streamed. */
  subscribe(listener: (events: PlaygroundEvent[]) => void): () => void {
    return this.live.subscribe(listener);
  }
  trace(): PlaygroundEvent[] {
    return this.view.trace();
  }
  traceHash(): string {
    return this.view.traceHash();
  }
  clientHistory(): HistoryFile {
    return this.view.clientHistory();
  }
  /** The shown cluster's monitor: a past view shows the lights as they were at that time. */
  invariants(): InvariantStatus {
    return this.view.invariants();
  }
  historyLane(fromMs?: number, opts?: { now?: boolean; limit?: number }): HistoryLaneView {
    return this.view.historyLane(fromMs, opts);
  }
  /** What acted on the live run since it booted (see worldActions.ts). */
  recordedActions(): RecordedAction[] {
    return this.live.recordedActions();
  }
  close(): Promise<void> {
    this.present();
    return this.live.close();
  }
}
