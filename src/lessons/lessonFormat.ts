/**
 * The lesson file: a lesson written down as data, so the course ships as typed modules and a
 * teacher can load one from a file or a link. A lesson never animates anything by itself: its
 * actions run on the real cluster, and its checks read the real cluster.
 *
 *   {
 *     "format": "etcd-playground-lesson", "version": 1,
 *     "id": "leader-election", "title": "Who leads?", "concepts": ["leader", "term"],
 *     "goal": "one sentence",
 *     "setup": { "settings": { "members": 3, "seed": 7 }, "run": [ { "do": "wait", "ms": 3000 } ] },
 *     "steps": [
 *       { "kind": "watch", "title": "…", "text": ["…[[leader]]…"], "bind": { "old": "leader" }, "run": [ … ] },
 *       { "kind": "predict", "question": "…", "choices": [ { "id": "a", "text": "…", "when": { "is": "noLeader" } } ],
 *         "answer": "a", "run": [ … ], "explain": ["…"] },
 *       { "kind": "task", "task": "Crash {old}.", "check": { "is": "crashed", "member": "$old" },
 *         "hints": ["…"], "showMe": [ { "do": "crash", "member": "$old" } ] }
 *     ]
 *   }
 *
 * Text is a list of short paragraphs. `[[term]]` or `[[shown words|term]]` links a glossary term;
 * `{name}` is replaced by the member a binding names. A binding (`bind`) is taken when its step
 * starts, from the cluster as it is then, and holds for the rest of the lesson; `$name` refers to
 * it in actions and checks.
 *
 * Every step starts from a state that is a pure function of the lesson: the setup, then the
 * canonical actions of the steps before it (a predict or watch step's `run`, a task's `showMe`).
 * That is why any step can be entered directly and lands where playing through lands.
 *
 * `parseLesson` checks all of it, with a message that names the field, and builds nothing until
 * the whole file passed: a refused file changes nothing.
 */
import { defaultClusterSettings, validateClusterSettings } from '../runtime/playground.ts';
import { INVARIANT_LIGHTS, type InvariantLight } from '../runtime/invariantMonitor.ts';
import type { ClusterSettings } from '../runtime/playgroundApi.ts';
import { CLOCK_RATE_MAX, CLOCK_RATE_MIN } from '../runtime/clockDrift.ts';
import { glossaryTerm } from './glossary.ts';

export const LESSON_FORMAT = 'etcd-playground-lesson';
export const LESSON_VERSION = 1;
export const MAX_LESSON_BYTES = 256 * 1024;
export const MAX_STEPS = 30;
/** A script may not run the clock longer than this (virtual ms), so a step cannot hang the page. */
export const MAX_SCRIPT_MS = 120_000;

/**
 * A member reference: a member's name (`m2`), or `$name` for a binding, or one of the queries a
 * binding is taken with: `leader`, `follower` (the first follower by name), `follower2` (the
 * second), up to `follower8`.
 */
export type MemberRef = string;
export type MemberQuery = 'leader' | 'follower' | `follower${number}` | `m${number}`;

/** What a script does, in order. Actions that take no time apply at the current instant. */
export type LessonAction =
  /**
   * An etcdctl command in the console, shown in its transcript. `{name}` is substituted when it
   * runs. `capture` binds `name` to the first group of `pattern` in its output once it ends (a
   * lease ID that `lease grant` printed), for later actions; wait long enough for it to end.
   * `stdin` is what the command reads (a txn's compares and operations).
   */
  | { do: 'etcdctl'; command: string; stdin?: string; capture?: { name: string; pattern: string } }
  | { do: 'crash'; member: MemberRef }
  | { do: 'restart'; member: MemberRef }
  | { do: 'campaign'; member: MemberRef }
  | { do: 'transfer'; to: MemberRef }
  /** The member alone on one side of a partition, everyone else on the other. */
  | { do: 'isolate'; member: MemberRef }
  | { do: 'partition'; groups: MemberRef[][] }
  | { do: 'heal' }
  | { do: 'cut'; from: MemberRef; to: MemberRef; oneWay?: boolean }
  | { do: 'setDisk'; member: MemberRef; fsyncMs: number | null }
  /** The member's clock runs `rate` times as fast as the others' (null: in step). */
  | { do: 'setClock'; member: MemberRef; rate: number | null }
  /** A new member (m<N+1>) is added to the cluster (member add) and started; as a learner when asked. */
  | { do: 'addMember'; learner?: boolean }
  /** A learner becomes a voting member (member promote). */
  | { do: 'promote'; member: MemberRef }
  /** The member leaves the cluster (member remove) and is stopped. */
  | { do: 'removeMember'; member: MemberRef }
  | { do: 'setLatency'; latencyMs: number }
  /** Ctrl-C: ends every console command still running (a watch, a keep-alive). */
  | { do: 'stop' }
  /** Let the cluster run this long (virtual ms). In a played step it runs at the step's speed. */
  | { do: 'wait'; ms: number };

export type LessonActionKind = LessonAction['do'];

/**
 * A predicate over the cluster. `since step` parts compare with the cluster as the step started
 * (its term, its leader, a member's commit index), so a check cannot pass before the step did
 * anything.
 */
export type LessonCheck =
  /** The member is up and is the leader of the newest term any live member knows. */
  | { is: 'leader'; member: MemberRef }
  /** No live member (or none of `among`) is a leader it can keep: nobody leads the newest term. */
  | { is: 'noLeader'; among?: MemberRef[] }
  /** A live member leads the newest term, and it is not the one that led when the step started. */
  | { is: 'newLeader' }
  | { is: 'crashed'; member: MemberRef }
  | { is: 'alive'; member: MemberRef }
  /** The newest term is higher than when the step started. */
  | { is: 'termGrew' }
  /** The member's commit index is higher than when the step started. */
  | { is: 'commitGrew'; member: MemberRef }
  /** The member's latest snapshot is newer than when the step started (it took or received one). */
  | { is: 'snapshotGrew'; member: MemberRef }
  /** The member's own copy of the key (what a serializable read there returns); value null = absent. */
  | { is: 'key'; key: string; value: string | null; member: MemberRef }
  /** The member cannot reach any other member, nor be reached. */
  | { is: 'isolated'; member: MemberRef }
  /** The member's own view of its role (an old leader cut off may still say leader). */
  | { is: 'role'; member: MemberRef; role: 'leader' | 'follower' | 'candidate' | 'pre-candidate' | 'learner' | 'crashed' }
  /** A console command matching `command` (a regular expression) is still running. */
  | { is: 'running'; command: string }
  /**
   * A console command run since the step started (or still running as it started) whose text matches `command` (a regular
   * expression), optionally with this exit code and output matching `stdout` / `stderr`. `{name}`
   * in the expressions is the bound member's name. Without `exitCode` a command still running
   * (a watch) counts with the output it printed so far.
   */
  | { is: 'console'; command: string; exitCode?: number; stdout?: string; stderr?: string }
  /** The invariant monitor found a Raft safety property broken (this one, when `light` is given). */
  | { is: 'safetyBroken'; light?: InvariantLight }
  /** The history lane's checker found the clients' history not linearizable. */
  | { is: 'notLinearizable' }
  | { is: 'all'; of: LessonCheck[] }
  | { is: 'any'; of: LessonCheck[] }
  | { is: 'not'; check: LessonCheck };

export type LessonCheckKind = LessonCheck['is'];

/** What the page points at while a step is shown. */
export interface LessonPointer {
  members?: MemberRef[];
  /** Opens this member's inspector on this tab. */
  inspector?: { member: MemberRef; tab: 'raft' | 'storage' | 'mvcc' | 'leases' | 'watchers' };
  /** Highlights the console's last command. */
  console?: boolean;
}

interface StepBase {
  title: string;
  /** Short paragraphs. */
  text: string[];
  point?: LessonPointer;
  bind?: Record<string, MemberQuery>;
  /** Speed the step's script plays at (1 = real time). Default 1. */
  speed?: number;
}

export interface Choice {
  id: string;
  text: string;
  /** Holds when this is what happened. The reveal shows the first choice whose check holds. */
  when: LessonCheck;
}

/** The cluster runs its script while the text narrates. */
export interface WatchStep extends StepBase {
  kind: 'watch';
  run: LessonAction[];
  /** What the text says the script leads to, checked on the cluster by the course tests. */
  claims?: LessonCheck;
}

/** A question asked before the script runs; then the cluster shows what really happens. */
export interface PredictStep extends StepBase {
  kind: 'predict';
  question: string;
  choices: Choice[];
  /** The choice the lesson teaches; the course tests check the real cluster agrees. */
  answer: string;
  run: LessonAction[];
  /** Shown after the reveal. */
  explain: string[];
  /** What the explanation says beyond the answer, checked on the cluster by the course tests. */
  claims?: LessonCheck;
}

/** Something for the learner to do, checked on the cluster. */
export interface TaskStep extends StepBase {
  kind: 'task';
  task: string;
  check: LessonCheck;
  hints: string[];
  /** What "Show me" does; also how a later step's start is reached. */
  showMe: LessonAction[];
}

export type LessonStep = WatchStep | PredictStep | TaskStep;

/**
 * A checked lesson. Invariants: ids are unique; every `$name` and `{name}` is bound by this step
 * or an earlier one; every `[[term]]` is in the glossary; a predict step's answer is one of its
 * choices; settings are valid cluster settings; no script runs the clock past MAX_SCRIPT_MS.
 */
export interface Lesson {
  format: typeof LESSON_FORMAT;
  version: typeof LESSON_VERSION;
  id: string;
  title: string;
  concepts: string[];
  goal: string;
  /** A classic demo: one-click in the menu, played as soon as it opens. */
  demo?: true;
  setup: { settings: ClusterSettings; run: LessonAction[] };
  steps: LessonStep[];
}

/** A lesson as a module writes it: the format fields and full settings are filled in by parseLesson. */
export type LessonSource = Omit<Lesson, 'format' | 'version' | 'setup'> & {
  format?: typeof LESSON_FORMAT;
  version?: typeof LESSON_VERSION;
  setup: { settings: Partial<ClusterSettings>; run?: LessonAction[] };
};

/** Why a lesson was refused; the message names the field. */
export class LessonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LessonError';
  }
}

const QUERIES = /^(leader|follower[2-8]?|m[1-9])$/;
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const BINDING = /^[a-zA-Z][a-zA-Z0-9]{0,31}$/;

type Obj = Record<string, unknown>;

function fail(at: string, what: string): never {
  throw new LessonError(`${at}: ${what}`);
}

function obj(v: unknown, at: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(at, `expected an object, got ${describe(v)}`);
  return v as Obj;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  return typeof v === 'object' ? 'an object' : String(v);
}

function only(o: Obj, at: string, keys: readonly string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(at, `unknown field "${k}" (expected one of: ${keys.join(', ')})`);
}

function str(v: unknown, at: string, max = 2000): string {
  if (typeof v !== 'string' || v.trim() === '') fail(at, `expected a non-empty text, got ${describe(v)}`);
  if (v.length > max) fail(at, `text is longer than ${max} characters`);
  return v;
}

function list<T>(v: unknown, at: string, each: (x: unknown, at: string) => T, min = 0, max = 200): T[] {
  if (!Array.isArray(v)) fail(at, `expected a list, got ${describe(v)}`);
  if (v.length < min) fail(at, `expected at least ${min} item${min === 1 ? '' : 's'}, got ${v.length}`);
  if (v.length > max) fail(at, `expected at most ${max} items, got ${v.length}`);
  return v.map((x, i) => each(x, `${at}[${i}]`));
}

function num(v: unknown, at: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(at, `expected a number in [${min}, ${max}], got ${describe(v)}`);
  return v;
}

function regex(v: unknown, at: string, scope?: Scope): string {
  const s = str(v, at, 300);
  if (scope) for (const m of s.matchAll(/\{([a-zA-Z][a-zA-Z0-9]*)\}/g)) if (!scope.bound.has(m[1]!)) fail(at, `"{${m[1]}}" is not bound by this step or an earlier one`);
  try {
    new RegExp(s);
  } catch (e) {
    fail(at, `not a regular expression: ${e instanceof Error ? e.message : String(e)}`);
  }
  return s;
}

/** Names bound so far, and the member count, while a lesson is checked step by step. */
interface Scope {
  bound: Set<string>;
  members: number;
}

function memberRef(v: unknown, at: string, scope: Scope): MemberRef {
  const s = str(v, at, 40);
  if (s.startsWith('$')) {
    if (!scope.bound.has(s.slice(1))) fail(at, `"${s}" is not bound by this step or an earlier one`);
    return s;
  }
  const m = /^m([1-9])$/.exec(s);
  if (!m) fail(at, `expected a member name (m1…m9) or $binding, got ${describe(s)}`);
  if (Number(m[1]) > scope.members) fail(at, `${s} is not a member of a ${scope.members}-member cluster`);
  return s;
}

/** Checks `{name}` placeholders and `[[term]]` links in one text. */
function checkText(s: string, at: string, scope: Scope): string {
  for (const m of s.matchAll(/\{([^}]*)\}/g)) {
    if (!scope.bound.has(m[1]!)) fail(at, `"{${m[1]}}" is not bound by this step or an earlier one`);
  }
  for (const m of s.matchAll(/\[\[([^\]]*)\]\]/g)) {
    const term = m[1]!.includes('|') ? m[1]!.slice(m[1]!.indexOf('|') + 1) : m[1]!;
    if (!glossaryTerm(term)) fail(at, `"[[${m[1]}]]" links "${term}", which is not in the glossary`);
  }
  if (/\[\[(?![^\]]*\]\])/.test(s)) fail(at, 'a "[[" link is not closed with "]]"');
  return s;
}

function text(v: unknown, at: string, scope: Scope, max = 2000): string {
  return checkText(str(v, at, max), at, scope);
}

function paragraphs(v: unknown, at: string, scope: Scope): string[] {
  return list(v, at, (x, a) => text(x, a, scope, 600), 1, 8);
}

const ACTION_FIELDS: Record<LessonActionKind, readonly string[]> = {
  etcdctl: ['command', 'stdin', 'capture'],
  crash: ['member'],
  restart: ['member'],
  campaign: ['member'],
  transfer: ['to'],
  isolate: ['member'],
  partition: ['groups'],
  heal: [],
  cut: ['from', 'to', 'oneWay'],
  setDisk: ['member', 'fsyncMs'],
  setClock: ['member', 'rate'],
  addMember: ['learner'],
  promote: ['member'],
  removeMember: ['member'],
  setLatency: ['latencyMs'],
  stop: [],
  wait: ['ms'],
};

function action(v: unknown, at: string, scope: Scope): LessonAction {
  const o = obj(v, at);
  const kind = o.do;
  if (typeof kind !== 'string' || !(kind in ACTION_FIELDS)) fail(`${at}.do`, `unknown action ${describe(kind)} (expected one of: ${Object.keys(ACTION_FIELDS).join(', ')})`);
  const k = kind as LessonActionKind;
  only(o, at, ['do', ...ACTION_FIELDS[k]]);
  switch (k) {
    case 'etcdctl': {
      const command = text(o.command, `${at}.command`, scope, 500);
      if (/^\s*etcdctl\s/.test(command)) fail(`${at}.command`, 'write the command without "etcdctl" in front, as the console takes it');
      const stdin = o.stdin === undefined ? undefined : text(o.stdin, `${at}.stdin`, scope, 2000);
      const base = stdin === undefined ? { do: k, command } : { do: k, command, stdin };
      if (o.capture === undefined) return base;
      const c = obj(o.capture, `${at}.capture`);
      only(c, `${at}.capture`, ['name', 'pattern']);
      if (typeof c.name !== 'string' || !BINDING.test(c.name)) fail(`${at}.capture.name`, `expected a binding name (letters and digits, starting with a letter), got ${describe(c.name)}`);
      const pattern = regex(c.pattern, `${at}.capture.pattern`);
      if (!/\((?!\?)/.test(pattern)) fail(`${at}.capture.pattern`, 'needs a group, ( ), around the part to capture');
      scope.bound.add(c.name);
      return { ...base, capture: { name: c.name, pattern } };
    }
    case 'crash':
    case 'restart':
    case 'campaign':
    case 'isolate':
    case 'promote':
    case 'removeMember':
      return { do: k, member: memberRef(o.member, `${at}.member`, scope) };
    case 'addMember': {
      if (o.learner !== undefined && typeof o.learner !== 'boolean') fail(`${at}.learner`, `expected true or false, got ${describe(o.learner)}`);
      if (scope.members >= 9) fail(at, 'a cluster has at most 9 members');
      // Later actions and checks may name the new member.
      scope.members++;
      return { do: k, ...(o.learner !== undefined ? { learner: o.learner as boolean } : {}) };
    }
    case 'transfer':
      return { do: k, to: memberRef(o.to, `${at}.to`, scope) };
    case 'partition':
      return { do: k, groups: list(o.groups, `${at}.groups`, (g, a) => list(g, a, (m, b) => memberRef(m, b, scope), 1, 9), 2, 9) };
    case 'heal':
    case 'stop':
      return { do: k };
    case 'cut': {
      if (o.oneWay !== undefined && typeof o.oneWay !== 'boolean') fail(`${at}.oneWay`, `expected true or false, got ${describe(o.oneWay)}`);
      return { do: k, from: memberRef(o.from, `${at}.from`, scope), to: memberRef(o.to, `${at}.to`, scope), ...(o.oneWay !== undefined ? { oneWay: o.oneWay as boolean } : {}) };
    }
    case 'setDisk':
      return { do: k, member: memberRef(o.member, `${at}.member`, scope), fsyncMs: o.fsyncMs === null ? null : num(o.fsyncMs, `${at}.fsyncMs`, 0, 10_000) };
    case 'setClock':
      return { do: k, member: memberRef(o.member, `${at}.member`, scope), rate: o.rate === null ? null : num(o.rate, `${at}.rate`, CLOCK_RATE_MIN, CLOCK_RATE_MAX) };
    case 'setLatency':
      return { do: k, latencyMs: num(o.latencyMs, `${at}.latencyMs`, 0, 10_000) };
    case 'wait':
      return { do: k, ms: Math.round(num(o.ms, `${at}.ms`, 1, MAX_SCRIPT_MS)) };
  }
}

function script(v: unknown, at: string, scope: Scope): LessonAction[] {
  const run = list(v, at, (x, a) => action(x, a, scope), 0, 100);
  const total = run.reduce((t, a) => t + (a.do === 'wait' ? a.ms : 0), 0);
  if (total > MAX_SCRIPT_MS) fail(at, `the script runs the clock ${total} ms, more than ${MAX_SCRIPT_MS}`);
  return run;
}

const CHECK_FIELDS: Record<LessonCheckKind, readonly string[]> = {
  leader: ['member'],
  noLeader: ['among'],
  newLeader: [],
  crashed: ['member'],
  alive: ['member'],
  termGrew: [],
  commitGrew: ['member'],
  snapshotGrew: ['member'],
  key: ['key', 'value', 'member'],
  isolated: ['member'],
  role: ['member', 'role'],
  running: ['command'],
  console: ['command', 'exitCode', 'stdout', 'stderr'],
  safetyBroken: ['light'],
  notLinearizable: [],
  all: ['of'],
  any: ['of'],
  not: ['check'],
};

function check(v: unknown, at: string, scope: Scope, depth = 0): LessonCheck {
  if (depth > 8) fail(at, 'checks are nested more than 8 deep');
  const o = obj(v, at);
  const kind = o.is;
  if (typeof kind !== 'string' || !(kind in CHECK_FIELDS)) fail(`${at}.is`, `unknown check ${describe(kind)} (expected one of: ${Object.keys(CHECK_FIELDS).join(', ')})`);
  const k = kind as LessonCheckKind;
  only(o, at, ['is', ...CHECK_FIELDS[k]]);
  switch (k) {
    case 'leader':
    case 'crashed':
    case 'alive':
    case 'commitGrew':
    case 'snapshotGrew':
    case 'isolated':
      return { is: k, member: memberRef(o.member, `${at}.member`, scope) };
    case 'role': {
      const roles = ['leader', 'follower', 'candidate', 'pre-candidate', 'learner', 'crashed'] as const;
      if (!roles.includes(o.role as (typeof roles)[number])) fail(`${at}.role`, `expected one of ${roles.join(', ')}, got ${describe(o.role)}`);
      return { is: k, member: memberRef(o.member, `${at}.member`, scope), role: o.role as (typeof roles)[number] };
    }
    case 'noLeader':
      return o.among === undefined ? { is: k } : { is: k, among: list(o.among, `${at}.among`, (m, a) => memberRef(m, a, scope), 1, 9) };
    case 'newLeader':
    case 'termGrew':
    case 'notLinearizable':
      return { is: k };
    case 'safetyBroken': {
      if (o.light === undefined) return { is: k };
      const lights = INVARIANT_LIGHTS.map((l) => l.id);
      if (!lights.includes(o.light as InvariantLight)) fail(`${at}.light`, `expected one of ${lights.join(', ')}, got ${describe(o.light)}`);
      return { is: k, light: o.light as InvariantLight };
    }
    case 'key': {
      if (o.value !== null && typeof o.value !== 'string') fail(`${at}.value`, `expected a text or null (absent), got ${describe(o.value)}`);
      return { is: k, key: str(o.key, `${at}.key`, 200), value: o.value as string | null, member: memberRef(o.member, `${at}.member`, scope) };
    }
    case 'running':
      return { is: k, command: regex(o.command, `${at}.command`, scope) };
    case 'console': {
      const c: LessonCheck & { is: 'console' } = { is: k, command: regex(o.command, `${at}.command`, scope) };
      if (o.exitCode !== undefined) c.exitCode = num(o.exitCode, `${at}.exitCode`, 0, 255);
      if (o.stdout !== undefined) c.stdout = regex(o.stdout, `${at}.stdout`, scope);
      if (o.stderr !== undefined) c.stderr = regex(o.stderr, `${at}.stderr`, scope);
      return c;
    }
    case 'all':
    case 'any':
      return { is: k, of: list(o.of, `${at}.of`, (c, a) => check(c, a, scope, depth + 1), 1, 10) };
    case 'not':
      return { is: k, check: check(o.check, `${at}.check`, scope, depth + 1) };
  }
}

function pointer(v: unknown, at: string, scope: Scope): LessonPointer {
  const o = obj(v, at);
  only(o, at, ['members', 'inspector', 'console']);
  const p: LessonPointer = {};
  if (o.members !== undefined) p.members = list(o.members, `${at}.members`, (m, a) => memberRef(m, a, scope), 1, 9);
  if (o.inspector !== undefined) {
    const i = obj(o.inspector, `${at}.inspector`);
    only(i, `${at}.inspector`, ['member', 'tab']);
    const tabs = ['raft', 'storage', 'mvcc', 'leases', 'watchers'] as const;
    if (!tabs.includes(i.tab as (typeof tabs)[number])) fail(`${at}.inspector.tab`, `expected one of ${tabs.join(', ')}, got ${describe(i.tab)}`);
    p.inspector = { member: memberRef(i.member, `${at}.inspector.member`, scope), tab: i.tab as (typeof tabs)[number] };
  }
  if (o.console !== undefined) {
    if (typeof o.console !== 'boolean') fail(`${at}.console`, `expected true or false, got ${describe(o.console)}`);
    p.console = o.console;
  }
  return p;
}

const STEP_FIELDS = {
  watch: ['run', 'claims'],
  predict: ['question', 'choices', 'answer', 'run', 'explain', 'claims'],
  task: ['task', 'check', 'hints', 'showMe'],
} as const;

function step(v: unknown, at: string, scope: Scope): LessonStep {
  const o = obj(v, at);
  const kind = o.kind;
  if (kind !== 'watch' && kind !== 'predict' && kind !== 'task') fail(`${at}.kind`, `expected "watch", "predict" or "task", got ${describe(kind)}`);
  only(o, at, ['kind', 'title', 'text', 'point', 'bind', 'speed', ...STEP_FIELDS[kind]]);
  // Bindings are taken as the step starts, so the step's own text may already use them.
  let bind: Record<string, MemberQuery> | undefined;
  if (o.bind !== undefined) {
    const b = obj(o.bind, `${at}.bind`);
    bind = {};
    for (const [name, q] of Object.entries(b)) {
      if (!BINDING.test(name)) fail(`${at}.bind`, `"${name}" is not a binding name (letters and digits, starting with a letter)`);
      if (typeof q !== 'string' || !QUERIES.test(q)) fail(`${at}.bind.${name}`, `expected leader, follower, follower2…follower8 or a member name, got ${describe(q)}`);
      if (/^m\d$/.test(q) && Number(q.slice(1)) > scope.members) fail(`${at}.bind.${name}`, `${q} is not a member of a ${scope.members}-member cluster`);
      bind[name] = q as MemberQuery;
      scope.bound.add(name);
    }
  }
  const base: StepBase = { title: text(o.title, `${at}.title`, scope, 80), text: paragraphs(o.text, `${at}.text`, scope) };
  if (o.point !== undefined) base.point = pointer(o.point, `${at}.point`, scope);
  if (bind) base.bind = bind;
  if (o.speed !== undefined) base.speed = num(o.speed, `${at}.speed`, 0.05, 10);
  switch (kind) {
    case 'watch':
      return { ...base, kind, run: script(o.run, `${at}.run`, scope), ...(o.claims !== undefined ? { claims: check(o.claims, `${at}.claims`, scope) } : {}) };
    case 'predict': {
      const choices = list(
        o.choices,
        `${at}.choices`,
        (c, a) => {
          const co = obj(c, a);
          only(co, a, ['id', 'text', 'when']);
          if (typeof co.id !== 'string' || !/^[a-z]$/.test(co.id)) fail(`${a}.id`, `expected one letter a-z, got ${describe(co.id)}`);
          return { id: co.id, text: text(co.text, `${a}.text`, scope, 300), when: check(co.when, `${a}.when`, scope) };
        },
        2,
        6,
      );
      const ids = choices.map((c) => c.id);
      const dup = ids.find((id, i) => ids.indexOf(id) !== i);
      if (dup) fail(`${at}.choices`, `two choices have the id "${dup}"`);
      if (typeof o.answer !== 'string' || !ids.includes(o.answer)) fail(`${at}.answer`, `expected one of the choices' ids (${ids.join(', ')}), got ${describe(o.answer)}`);
      const run = script(o.run, `${at}.run`, scope);
      if (run.length === 0) fail(`${at}.run`, 'a prediction needs the cluster to do something before the reveal');
      return {
        ...base,
        kind,
        question: text(o.question, `${at}.question`, scope, 400),
        choices,
        answer: o.answer,
        run,
        explain: paragraphs(o.explain, `${at}.explain`, scope),
        ...(o.claims !== undefined ? { claims: check(o.claims, `${at}.claims`, scope) } : {}),
      };
    }
    case 'task': {
      const showMe = script(o.showMe, `${at}.showMe`, scope);
      if (showMe.length === 0) fail(`${at}.showMe`, 'a task needs a "show me" that performs it');
      return {
        ...base,
        kind,
        task: text(o.task, `${at}.task`, scope, 300),
        check: check(o.check, `${at}.check`, scope),
        hints: list(o.hints, `${at}.hints`, (h, a) => text(h, a, scope, 300), 1, 5),
        showMe,
      };
    }
  }
}

/** Checks a lesson (a module's source or a parsed JSON file) and fills in its defaults. */
export function parseLesson(value: unknown): Lesson {
  const o = obj(value, 'lesson');
  only(o, 'lesson', ['format', 'version', 'id', 'title', 'concepts', 'goal', 'demo', 'setup', 'steps']);
  if (o.demo !== undefined && o.demo !== true) fail('lesson.demo', `expected true (or no field), got ${describe(o.demo)}`);
  if (o.format !== undefined && o.format !== LESSON_FORMAT) fail('lesson.format', `expected "${LESSON_FORMAT}", got ${describe(o.format)}`);
  if (o.version !== undefined && o.version !== LESSON_VERSION) fail('lesson.version', `this playground reads version ${LESSON_VERSION}, got ${describe(o.version)}`);
  if (typeof o.id !== 'string' || !ID.test(o.id)) fail('lesson.id', `expected lower-case letters, digits and dashes, got ${describe(o.id)}`);
  const setup = obj(o.setup, 'lesson.setup');
  only(setup, 'lesson.setup', ['settings', 'run']);
  const given = obj(setup.settings, 'lesson.setup.settings');
  const settings = { ...defaultClusterSettings, ...given } as ClusterSettings;
  if (given.seed === undefined) fail('lesson.setup.settings.seed', 'a lesson fixes its seed, so every learner sees the same run');
  try {
    validateClusterSettings(settings);
  } catch (e) {
    fail('lesson.setup.settings', e instanceof Error ? e.message : String(e));
  }
  const scope: Scope = { bound: new Set(), members: settings.members };
  const run = setup.run === undefined ? [] : script(setup.run, 'lesson.setup.run', scope);
  const lesson: Lesson = {
    format: LESSON_FORMAT,
    version: LESSON_VERSION,
    id: o.id,
    title: str(o.title, 'lesson.title', 80),
    concepts: list(o.concepts, 'lesson.concepts', (c, a) => str(c, a, 40), 1, 12),
    goal: text(o.goal, 'lesson.goal', scope, 300),
    setup: { settings, run },
    steps: list(o.steps, 'lesson.steps', (s, a) => step(s, a, scope), 1, MAX_STEPS),
  };
  if (o.demo === true) lesson.demo = true;
  return lesson;
}

/** Parses a lesson file's text: size, JSON, then parseLesson. */
export function parseLessonText(textIn: string): Lesson {
  if (textIn.length > MAX_LESSON_BYTES) throw new LessonError(`lesson: the file is larger than ${MAX_LESSON_BYTES / 1024} KiB`);
  let value: unknown;
  try {
    value = JSON.parse(textIn);
  } catch (e) {
    throw new LessonError(`lesson: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const o = value as Obj | null;
  if (o && typeof o === 'object' && !Array.isArray(o) && o.format !== LESSON_FORMAT) fail('lesson.format', `expected "${LESSON_FORMAT}", got ${describe(o.format)}`);
  return parseLesson(value);
}

/** The lesson as a file (what a teacher downloads, edits and loads back). */
export function serializeLesson(l: Lesson): string {
  return `${JSON.stringify(l, null, 2)}\n`;
}

/** The canonical script of a step: what moves the cluster from this step's start to the next's. */
export function canonicalScript(s: LessonStep): LessonAction[] {
  return s.kind === 'task' ? s.showMe : s.run;
}

/** Virtual ms a script runs the clock. */
export function scriptMs(run: readonly LessonAction[]): number {
  return run.reduce((t, a) => t + (a.do === 'wait' ? a.ms : 0), 0);
}
