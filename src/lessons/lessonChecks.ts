/**
 * Lesson checks evaluated on the real cluster: what the members report, the links, a member's
 * own key space and the console's transcript. Nothing here is told the answer; it reads it.
 */
import { utf8FromBytes } from '../mvcc/bytes.ts';
import type { MemberInfo, PlaygroundApi } from '../runtime/playgroundApi.ts';
import type { LessonCheck, MemberQuery, MemberRef } from './lessonFormat.ts';

/** One console command as the checks see it. `id` grows with every command. */
export interface ConsoleRecord {
  id: number;
  command: string;
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

/** The cluster as the step started: the "since the step started" checks compare with it. */
export interface StepStart {
  maxTerm: number;
  leader: string;
  commit: Record<string, number>;
  snapshot: Record<string, number>;
  /** Console commands with an id above this ran during the step. */
  consoleId: number;
  /** Commands still running as the step started (a watch): their output counts too. */
  runningIds: number[];
}

export interface CheckContext {
  api: PlaygroundApi;
  bindings: Readonly<Record<string, string>>;
  start: StepStart;
  console: readonly ConsoleRecord[];
}

export class LessonRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LessonRunError';
  }
}

export function resolveRef(ref: MemberRef, bindings: Readonly<Record<string, string>>): string {
  if (!ref.startsWith('$')) return ref;
  const name = bindings[ref.slice(1)];
  if (!name) throw new LessonRunError(`${ref} is not bound`);
  return name;
}

const voters = (ms: readonly MemberInfo[]): MemberInfo[] => ms.filter((m) => m.role !== 'removed' && !m.isLearner);

/** The newest term a live member knows. */
export function maxTerm(ms: readonly MemberInfo[]): number {
  return ms.filter((m) => m.alive).reduce((t, m) => Math.max(t, m.term), 0);
}

/** The live leader of the newest term, if there is one (an old leader cut off does not count). */
export function currentLeader(ms: readonly MemberInfo[]): MemberInfo | undefined {
  const t = maxTerm(ms);
  return ms.find((m) => m.alive && m.role === 'leader' && m.term === t);
}

/** The member a binding query names in the cluster as it is now. */
export function queryMember(q: MemberQuery, ms: readonly MemberInfo[]): string {
  if (/^m\d$/.test(q)) return q;
  const lead = currentLeader(ms);
  if (q === 'leader') {
    if (!lead) throw new LessonRunError('the lesson binds the leader, but the cluster has no leader now');
    return lead.name;
  }
  const followers = voters(ms)
    .filter((m) => m.alive && m.name !== lead?.name)
    .map((m) => m.name)
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  const f = followers[q === 'follower' ? 0 : Number(q.slice('follower'.length)) - 1];
  if (!f) throw new LessonRunError(`the lesson binds ${q}, but the cluster has no such member now`);
  return f;
}

export function stepStartOf(api: PlaygroundApi, console: readonly ConsoleRecord[]): StepStart {
  const consoleId = console.length ? console[console.length - 1]!.id : 0;
  const runningIds = console.filter((e) => e.exitCode === null).map((e) => e.id);
  const ms = api.members();
  const commit: Record<string, number> = {};
  const snapshot: Record<string, number> = {};
  for (const m of ms) {
    commit[m.name] = m.commitIndex;
    snapshot[m.name] = m.snapshotIndex;
  }
  return { maxTerm: maxTerm(ms), leader: currentLeader(ms)?.name ?? '', commit, snapshot, consoleId, runningIds };
}

function member(ms: readonly MemberInfo[], name: string): MemberInfo | undefined {
  return ms.find((m) => m.name === name);
}

/** Evaluates a check on the cluster now. */
export async function evaluateCheck(c: LessonCheck, ctx: CheckContext): Promise<boolean> {
  const ms = ctx.api.members();
  const ref = (r: MemberRef): string => resolveRef(r, ctx.bindings);
  switch (c.is) {
    case 'leader': {
      return currentLeader(ms)?.name === ref(c.member);
    }
    case 'noLeader': {
      const lead = currentLeader(ms);
      if (!lead) return true;
      return c.among ? !c.among.map(ref).includes(lead.name) : false;
    }
    case 'newLeader': {
      const lead = currentLeader(ms);
      return !!lead && lead.name !== ctx.start.leader;
    }
    case 'safetyBroken': {
      const v = ctx.api.invariants().violation;
      return !!v && (c.light === undefined || v.light === c.light);
    }
    case 'notLinearizable':
      return ctx.api.historyLane(Infinity, { now: true }).check.result === 'illegal';
    case 'crashed':
      return member(ms, ref(c.member))?.alive === false;
    case 'alive':
      return member(ms, ref(c.member))?.alive === true;
    case 'termGrew':
      return maxTerm(ms) > ctx.start.maxTerm;
    case 'commitGrew': {
      const m = member(ms, ref(c.member));
      return !!m && m.commitIndex > (ctx.start.commit[m.name] ?? 0);
    }
    case 'snapshotGrew': {
      const m = member(ms, ref(c.member));
      return !!m && m.snapshotIndex > (ctx.start.snapshot[m.name] ?? 0);
    }
    case 'key': {
      const name = ref(c.member);
      const m = member(ms, name);
      if (!m?.alive) return false;
      const d = await ctx.api.memberDetails(name);
      const k = d.mvcc.keys.find((x) => x.key === c.key);
      const value = k?.kv ? utf8FromBytes(k.kv.value) : null;
      return value === c.value;
    }
    case 'isolated': {
      const name = ref(c.member);
      const others = voters(ms).filter((m) => m.name !== name);
      return others.length > 0 && others.every((o) => ctx.api.linkState(name, o.name) === 'cut-both' || (ctx.api.linkState(name, o.name) !== 'healthy' && ctx.api.linkState(o.name, name) !== 'healthy'));
    }
    case 'role': {
      const m = member(ms, ref(c.member));
      return !!m && m.role === c.role;
    }
    case 'running': {
      const re = new RegExp(c.command.replace(/\{([a-zA-Z][a-zA-Z0-9]*)\}/g, (w, n: string) => ctx.bindings[n] ?? w));
      return ctx.console.some((e) => e.exitCode === null && re.test(e.command));
    }
    case 'console': {
      // `{name}` in an expression is the member's name (member names need no escaping).
      const fill = (x: string): string => x.replace(/\{([a-zA-Z][a-zA-Z0-9]*)\}/g, (w, n: string) => ctx.bindings[n] ?? w);
      const re = new RegExp(fill(c.command));
      const out = c.stdout !== undefined ? new RegExp(fill(c.stdout)) : null;
      const err = c.stderr !== undefined ? new RegExp(fill(c.stderr)) : null;
      return ctx.console.some(
        (e) =>
          (e.id > ctx.start.consoleId || ctx.start.runningIds.includes(e.id)) &&
          re.test(e.command) &&
          (c.exitCode === undefined || (e.exitCode !== null && e.exitCode === c.exitCode)) &&
          (!out || out.test(e.stdout)) &&
          (!err || err.test(e.stderr)),
      );
    }
    case 'all': {
      for (const x of c.of) if (!(await evaluateCheck(x, ctx))) return false;
      return true;
    }
    case 'any': {
      for (const x of c.of) if (await evaluateCheck(x, ctx)) return true;
      return false;
    }
    case 'not':
      return !(await evaluateCheck(c.check, ctx));
  }
}
