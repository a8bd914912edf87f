/**
 * Plays a lesson on a live cluster. The player only ever acts through the PlaygroundApi (so
 * every action is recorded like a user's) and the console (so the learner sees each command),
 * and it reads outcomes from the cluster.
 *
 * Every step starts from its canonical state: the lesson's setup, then the canonical script of
 * each step before it, run from a fresh cluster with the clock paused between actions. Playing a
 * predict or watch step's script from its canonical start ends at the next step's canonical
 * start, so Next goes on without a reload. After a task done by hand (the learner's own actions,
 * at the learner's own times) Next rebuilds the next step's start, which is what makes going
 * to a step directly and playing through land on the same trace hash.
 *
 * The player decides when things run, never what: a script's actions land at the same virtual
 * times whether it plays at slow motion or at full speed, because the clock is run to each
 * action's exact time (runFor) and actions are applied between runs.
 */
import type { ClusterSettings, PlaygroundApi } from '../runtime/playgroundApi.ts';
import { canonicalScript, MAX_SCRIPT_MS, scriptMs, type Lesson, type LessonAction, type LessonStep } from './lessonFormat.ts';
import {
  evaluateCheck,
  LessonRunError,
  queryMember,
  resolveRef,
  stepStartOf,
  type ConsoleRecord,
  type StepStart,
} from './lessonChecks.ts';

/** What the player needs from the page (or from a Node test). */
export interface LessonHost {
  api: PlaygroundApi;
  /** A fresh cluster with these settings, and the views of the old run cleared. */
  reset(settings: ClusterSettings): Promise<void>;
  /** Runs an etcdctl command in the console (with what it reads on stdin); resolves when it ended. */
  runEtcdctl(command: string, stdin?: string): Promise<void>;
  /** The console's commands, oldest first. */
  consoleEntries(): readonly ConsoleRecord[];
  /** Ctrl-C for every console command still running. */
  stopConsole(): void;
  /** Waits about one animation frame; resolves with the wall ms it took. */
  frame(): Promise<number>;
  /** Leaves a past view, if one is shown. */
  present?(): void;
}

export type LessonPhase =
  /** Building the step's start (a reset and the lesson so far, at full speed). */
  | 'preparing'
  /** The step is shown; a prediction waits for a choice, a watch step for Play, a task for the learner. */
  | 'ready'
  /** The step's script is playing. */
  | 'running'
  /** A prediction's reveal, or a watch step that has played. */
  | 'revealed'
  /** A task whose check passed. */
  | 'done'
  | 'failed';

/** The player's state, as plain data for the store. */
export interface LessonProgress {
  lessonId: string;
  stepIndex: number;
  phase: LessonPhase;
  bindings: Record<string, string>;
  /** The learner's choice in a prediction. */
  chosen: string;
  /** The choice whose check held after the script ran ('' if none did). */
  outcome: string;
  hintsShown: number;
  /** The step's start, for "go to step equals play-through". */
  startHash: string;
  startMs: number;
  /** While preparing: how far the replay of the lesson so far got (virtual ms). */
  prepared: { doneMs: number; totalMs: number } | null;
  error: string;
  /** The task was done by "Show me" rather than by the learner. */
  shown: boolean;
}

class Cancelled extends Error {}

export class LessonPlayer {
  private progress: LessonProgress;
  private listeners = new Set<(p: LessonProgress) => void>();
  /** Bumped by every navigation: a script of an older generation stops at its next chunk. */
  private generation = 0;
  private start: StepStart = { maxTerm: 0, leader: '', commit: {}, snapshot: {}, consoleId: 0, runningIds: [] };
  /** Where the live cluster is the canonical end of a step (its script ran from its start, nothing else). */
  private canonicalEnd: { step: number; hash: string; nowMs: number } | null = null;
  private background: Promise<unknown>[] = [];

  constructor(
    private readonly host: LessonHost,
    readonly lesson: Lesson,
  ) {
    this.progress = blank(lesson.id);
  }

  state(): LessonProgress {
    return this.progress;
  }

  onChange(l: (p: LessonProgress) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  step(): LessonStep {
    return this.lesson.steps[this.progress.stepIndex]!;
  }

  private patch(p: Partial<LessonProgress>): void {
    this.progress = { ...this.progress, ...p };
    for (const l of this.listeners) l(this.progress);
  }

  /** Stops whatever the player is doing (leaving the lesson, or going elsewhere). */
  stop(): void {
    this.generation++;
  }

  /** Enters step `k` directly: a fresh cluster, then the lesson up to there at full speed. */
  async goTo(k: number): Promise<void> {
    if (!Number.isInteger(k) || k < 0 || k >= this.lesson.steps.length) throw new LessonRunError(`this lesson has steps 1 to ${this.lesson.steps.length}`);
    const gen = ++this.generation;
    const api = this.host.api;
    this.host.present?.();
    api.pause();
    const totalMs = scriptMs(this.lesson.setup.run) + this.lesson.steps.slice(0, k).reduce((t, s) => t + scriptMs(canonicalScript(s)), 0);
    this.patch({ ...blank(this.lesson.id), stepIndex: k, phase: 'preparing', prepared: { doneMs: 0, totalMs } });
    try {
      await this.host.reset(this.lesson.setup.settings);
      this.check(gen);
      api.pause();
      const bindings: Record<string, string> = {};
      let doneMs = 0;
      const tick = (ms: number): void => {
        doneMs += ms;
        this.patch({ prepared: { doneMs, totalMs } });
      };
      await this.runScript(this.lesson.setup.run, bindings, null, gen, tick);
      for (let j = 0; j < k; j++) {
        const s = this.lesson.steps[j]!;
        this.bind(s, bindings);
        await this.runScript(canonicalScript(s), bindings, null, gen, tick);
      }
      await this.enter(k, bindings, gen);
    } catch (e) {
      if (e instanceof Cancelled) return;
      this.patch({ phase: 'failed', error: e instanceof Error ? e.message : String(e), prepared: null });
    }
  }

  /** The next step: straight on when the cluster is where the lesson's path leads, rebuilt otherwise. */
  async next(): Promise<void> {
    const k = this.progress.stepIndex + 1;
    if (k >= this.lesson.steps.length) return;
    if (this.atCanonicalEndOf(this.progress.stepIndex)) {
      const gen = ++this.generation;
      await this.enter(k, { ...this.progress.bindings }, gen).catch((e: unknown) => {
        if (!(e instanceof Cancelled)) this.patch({ phase: 'failed', error: e instanceof Error ? e.message : String(e) });
      });
      return;
    }
    await this.goTo(k);
  }

  back(): Promise<void> {
    return this.goTo(Math.max(0, this.progress.stepIndex - 1));
  }

  /** Starts this step again from its start. */
  resetStep(): Promise<void> {
    return this.goTo(this.progress.stepIndex);
  }

  private atCanonicalEndOf(step: number): boolean {
    const c = this.canonicalEnd;
    return !!c && c.step === step && c.hash === this.host.api.traceHash() && c.nowMs === this.host.api.now();
  }

  private bind(s: LessonStep, bindings: Record<string, string>): void {
    if (!s.bind) return;
    const ms = this.host.api.members();
    for (const [name, q] of Object.entries(s.bind)) bindings[name] = queryMember(q, ms);
  }

  private async enter(k: number, bindings: Record<string, string>, gen: number): Promise<void> {
    const api = this.host.api;
    api.pause();
    this.check(gen);
    const s = this.lesson.steps[k]!;
    this.bind(s, bindings);
    this.start = stepStartOf(api, this.host.consoleEntries());
    this.canonicalEnd = null;
    this.patch({ ...blank(this.lesson.id), stepIndex: k, phase: 'ready', bindings, startHash: api.traceHash(), startMs: api.now() });
    // A task is the learner's turn: the clock runs so that what they do plays out.
    if (s.kind === 'task') {
      api.setSpeed(1);
      api.resume();
    }
  }

  /** A prediction: the learner's choice, then the script, then what really happened. */
  async choose(choiceId: string): Promise<void> {
    const s = this.step();
    if (s.kind !== 'predict' || this.progress.phase !== 'ready') return;
    if (!s.choices.some((c) => c.id === choiceId)) throw new LessonRunError(`no choice "${choiceId}"`);
    this.patch({ chosen: choiceId });
    await this.play();
  }

  /** Runs the step's script at the step's speed: a watch step's Play, a prediction's reveal. */
  async play(): Promise<void> {
    const s = this.step();
    if (s.kind === 'task' || this.progress.phase !== 'ready') return;
    if (s.kind === 'predict' && !this.progress.chosen) return;
    const gen = this.generation;
    const fromStart = this.isAtStart();
    this.patch({ phase: 'running' });
    try {
      await this.runScript(s.run, this.progress.bindings, s.speed ?? 1, gen);
      this.check(gen);
      this.markEnd(fromStart);
      let outcome = '';
      if (s.kind === 'predict') {
        for (const c of s.choices) {
          if (await evaluateCheck(c.when, this.ctx())) {
            outcome = c.id;
            break;
          }
        }
      }
      this.check(gen);
      this.patch({ phase: 'revealed', outcome });
    } catch (e) {
      if (e instanceof Cancelled) return;
      this.patch({ phase: 'failed', error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** A task's "show me": performs the canonical way of doing it, then checks. */
  async showMe(): Promise<void> {
    const s = this.step();
    if (s.kind !== 'task' || (this.progress.phase !== 'ready' && this.progress.phase !== 'done')) return;
    const gen = this.generation;
    const api = this.host.api;
    // From the step's very start (nothing ran yet), "show me" is the lesson's own path.
    api.pause();
    const fromStart = this.isAtStart();
    this.patch({ phase: 'running', shown: true });
    try {
      await this.runScript(s.showMe, this.progress.bindings, s.speed ?? 1, gen);
      this.check(gen);
      this.markEnd(fromStart);
      const ok = await evaluateCheck(s.check, this.ctx());
      this.check(gen);
      this.patch({ phase: ok ? 'done' : 'ready' });
      if (!ok) this.patch({ error: 'the cluster did not reach the goal this time: look at what happened, then try it yourself' });
      if (!fromStart) api.resume();
    } catch (e) {
      if (e instanceof Cancelled) return;
      this.patch({ phase: 'failed', error: e instanceof Error ? e.message : String(e) });
    }
  }

  hint(): void {
    const s = this.step();
    if (s.kind !== 'task') return;
    this.patch({ hintsShown: Math.min(s.hints.length, this.progress.hintsShown + 1) });
  }

  /** Checks a task now; marks it done when it passes. Returns whether it passes. */
  async checkTask(): Promise<boolean> {
    const s = this.step();
    if (s.kind !== 'task' || this.progress.phase !== 'ready') return this.progress.phase === 'done';
    const gen = this.generation;
    const ok = await evaluateCheck(s.check, this.ctx());
    if (ok && gen === this.generation && this.progress.phase === 'ready') this.patch({ phase: 'done', error: '' });
    return ok;
  }

  /** Whether the step's claims hold now (true when it makes none). */
  claimsHold(): Promise<boolean> {
    const s = this.step();
    if (s.kind === 'task' || !s.claims) return Promise.resolve(true);
    return evaluateCheck(s.claims, this.ctx());
  }

  /** Evaluates the current task's check without marking anything (for tests: "not before"). */
  taskHolds(): Promise<boolean> {
    const s = this.step();
    if (s.kind !== 'task') return Promise.resolve(false);
    return evaluateCheck(s.check, this.ctx());
  }

  private ctx() {
    return { api: this.host.api, bindings: this.progress.bindings, start: this.start, console: this.host.consoleEntries() };
  }

  private isAtStart(): boolean {
    return this.host.api.traceHash() === this.progress.startHash && this.host.api.now() === this.progress.startMs;
  }

  private markEnd(fromStart: boolean): void {
    this.canonicalEnd = fromStart ? { step: this.progress.stepIndex, hash: this.host.api.traceHash(), nowMs: this.host.api.now() } : null;
  }

  private check(gen: number): void {
    if (gen !== this.generation) throw new Cancelled();
  }

  /**
   * Runs a script. `speed` null runs the clock as fast as it goes (building a step's start);
   * a number paces it against wall time so the page animates it. Either way each action is
   * applied at the same virtual time: the clock is run exactly to it, and paused while it applies.
   */
  private async runScript(run: readonly LessonAction[], bindings: Record<string, string>, speed: number | null, gen: number, onWait?: (ms: number) => void): Promise<void> {
    const api = this.host.api;
    const ref = (r: string): string => resolveRef(r, bindings);
    for (const a of run) {
      this.check(gen);
      switch (a.do) {
        case 'wait':
          await this.runClock(a.ms, speed, gen);
          onWait?.(a.ms);
          break;
        case 'etcdctl': {
          const command = fillCommand(a.command, bindings);
          const cap = a.capture;
          const done = this.host.runEtcdctl(command, a.stdin === undefined ? undefined : fillCommand(a.stdin, bindings));
          // The binding is taken from the command's own output when it ends: a pure function of the run.
          await this.inBackground(
            /\b(watch|keep-alive)\b/.test(command),
            cap
              ? done.then(() => {
                  const e = [...this.host.consoleEntries()].reverse().find((x) => x.command === command && x.exitCode !== null);
                  const m = e ? new RegExp(cap.pattern).exec(e.stdout + e.stderr) : null;
                  if (m?.[1]) bindings[cap.name] = m[1];
                })
              : done,
          );
          break;
        }
        case 'transfer':
          // A leader transfer is a request (move-leader): it needs the clock to run to finish.
          await this.inBackground(false, api.transferLeader(ref(a.to)));
          break;
        case 'crash':
          await api.crash(ref(a.member));
          break;
        case 'addMember':
          await this.driveUntilDone(api.addMember({ learner: a.learner ?? false }), speed, gen);
          break;
        case 'promote':
          await this.driveUntilDone(api.promoteMember(ref(a.member)), speed, gen);
          break;
        case 'removeMember':
          await this.driveUntilDone(api.removeMember(ref(a.member)), speed, gen);
          break;
        case 'restart':
          await api.restart(ref(a.member));
          break;
        case 'campaign':
          await api.campaign(ref(a.member));
          break;
        case 'isolate': {
          const m = ref(a.member);
          const others = api.members().filter((x) => x.role !== 'removed' && x.name !== m).map((x) => x.name);
          await api.partition([[m], others]);
          break;
        }
        case 'partition':
          await api.partition(a.groups.map((g) => g.map(ref)));
          break;
        case 'heal':
          await api.heal();
          break;
        case 'stop':
          this.host.stopConsole();
          // The commands end within the task (their abort is handled at once): let them finish.
          await new Promise<void>((r) => setTimeout(r, 0));
          break;
        case 'cut':
          await api.cut(ref(a.from), ref(a.to), { oneWay: a.oneWay ?? false });
          break;
        case 'setDisk':
          await api.setDisk(ref(a.member), { fsyncMs: a.fsyncMs });
          break;
        case 'setClock':
          await api.setClock(ref(a.member), { rate: a.rate });
          break;
        case 'setLatency':
          await api.setLink({ latencyMs: a.latencyMs });
          break;
      }
    }
  }

  /**
   * A request started by a script lands on the world at the current instant, before the clock
   * moves on: the client's call reaches World.betweenSteps within the same task, and the macrotask
   * here lets every microtask of it run first.
   */
  private async inBackground(long: boolean, p: Promise<unknown>): Promise<void> {
    // A watch or a keep-alive runs until stopped; settled() does not wait for those.
    if (!long) this.background.push(p.catch(() => undefined));
    else p.catch(() => undefined);
    await new Promise<void>((r) => setTimeout(r, 0));
  }

  /** Resolves when every command a script started has ended (tests use it; the page need not). */
  async settled(): Promise<void> {
    await Promise.all(this.background);
  }

  /**
   * Runs the clock in fixed 10 ms slices until `p` settles. A membership change is the playground's
   * own sequence of requests, retries and a member start, each taken up between two runs of the
   * clock; fixed slices put them at the same virtual times whether the step plays at a speed or a
   * go-to-step runs it at full speed (a go-to-step must land where playing through does).
   */
  private async driveUntilDone(p: Promise<unknown>, speed: number | null, gen: number): Promise<void> {
    const api = this.host.api;
    let settled = false;
    let failure: unknown;
    p.then(
      () => (settled = true),
      (e: unknown) => {
        settled = true;
        failure = e;
      },
    );
    const limitMs = api.now() + MAX_SCRIPT_MS;
    let budgetMs = 0;
    await new Promise<void>((r) => setTimeout(r, 0));
    while (!settled) {
      this.check(gen);
      if (api.now() >= limitMs) throw new LessonRunError('a membership change did not finish');
      if (speed !== null) {
        while (budgetMs < 10) budgetMs += Math.min(50, await this.host.frame()) * speed;
        budgetMs -= 10;
      }
      await api.runFor(10);
      await new Promise<void>((r) => setTimeout(r, 0));
    }
    if (failure !== undefined) throw failure instanceof Error ? failure : new LessonRunError(String(failure));
  }

  private async runClock(ms: number, speed: number | null, gen: number): Promise<void> {
    const api = this.host.api;
    await new Promise<void>((r) => setTimeout(r, 0));
    this.check(gen);
    const end = api.now() + ms;
    if (speed === null) {
      await api.runFor(ms);
      return;
    }
    while (api.now() < end) {
      const wallMs = Math.min(50, await this.host.frame());
      this.check(gen);
      const chunk = Math.max(1, Math.min(end - api.now(), Math.round(wallMs * speed)));
      await api.runFor(chunk);
    }
  }
}

function blank(lessonId: string): LessonProgress {
  return { lessonId, stepIndex: 0, phase: 'preparing', bindings: {}, chosen: '', outcome: '', hintsShown: 0, startHash: '', startMs: 0, prepared: null, error: '', shown: false };
}

/** `{name}` in a command becomes the member's name. */
function fillCommand(command: string, bindings: Readonly<Record<string, string>>): string {
  return command.replace(/\{([a-zA-Z][a-zA-Z0-9]*)\}/g, (w, n: string) => bindings[n] ?? w);
}
