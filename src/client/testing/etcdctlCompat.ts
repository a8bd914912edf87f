/**
 * Runs one etcdctl script two ways and compares them line by line: through the real
 * `/usr/bin/etcdctl` (spawned, ETCDCTL_API=3) and through `runEtcdctl` over any EtcdClient. Each
 * side runs against its own fresh cluster, so both see the same sequence of states and the
 * same revisions.
 *
 * What differs between two fresh clusters by nature is normalized away before comparing:
 * member/cluster/lease IDs (mapped to <ID1>, <ID2>... by first appearance, hex and decimal
 * forms alike), endpoint and peer addresses (<EP1>..., <PEER1>...), durations, database sizes,
 * raft indexes, remaining lease TTLs, the scratch directory, and etcdctl's JSON log lines on
 * stderr. `endpoint hashkv` hashes are normalized too (see gateway/gatewayClient.ts).
 */
import { spawn } from 'node:child_process';
import type { EtcdClient } from '../client.ts';
import { runEtcdctl, type EtcdctlResult } from '../etcdctl/runEtcdctl.ts';
import { shellWords } from '../etcdctl/shellWords.ts';
import { ETCDCTL_BINARY } from './realEtcd.ts';

const STEP_LIMIT_MS = 8000;

export interface CompatStep {
  /** The command line after `etcdctl`, split with shell rules. `$TMP` names a scratch dir. */
  line: string;
  stdin?: string;
  /** Streaming commands (watch, keep-alive): interrupt after this many ms, as Ctrl+C does. */
  streamMs?: number;
  /**
   * Lines run (on the same side, output discarded) while a streaming step is running, starting
   * DURING_DELAY_MS after it, so that a watch sees live events.
   */
  during?: string[];
  /** Run, but leave out of the comparison (setup whose outcome depends on timing). */
  setup?: boolean;
}

const DURING_DELAY_MS = 400;

export interface CompatTarget {
  /** Client endpoints as etcdctl is given them (host:port). */
  endpoints: string[];
  /** Peer URLs of the members, for normalizing `member` output. */
  peerUrls: string[];
  /** A scratch directory (the real side writes snapshot files there). */
  tmpDir: string;
  /**
   * With several members, which member answers a request differs (etcdctl's balancer picks
   * one) and so does how many elections happened: then the answering member_id in headers
   * and raft terms are not compared.
   */
  anyMember?: boolean;
  /**
   * Every member's client endpoint (host:port) in member order, when etcdctl is given only
   * some of them: member lists and `--cluster` output name the others too. Defaults to
   * `endpoints`, which must be its prefix.
   */
  memberEndpoints?: string[];
  /**
   * Member IDs (hex) in member order, numbered <ID1>, <ID2>... before anything else, so that
   * output listing members by ID (an order that differs between clusters) names them alike.
   */
  memberIds?: string[];
}

export interface StepOutcome extends EtcdctlResult {
  step: CompatStep;
}

/**
 * Values a script line may refer to, learned from earlier output on the same side:
 * `$L` the last lease granted, `$M` the last member added, `$ME` the member answering,
 * `$LEADER` / `$FOLLOWER` / `$FIRST` (the first endpoint's member) from the latest
 * `endpoint status`.
 */
export type ScriptVars = Map<string, string>;

function learn(vars: ScriptVars, out: string): void {
  const lease = /lease ([0-9a-f]{16}) granted/.exec(out);
  if (lease) vars.set('$L', lease[1]!);
  const member = /Member +([0-9a-f]+) added/.exec(out);
  if (member) vars.set('$M', member[1]!);
  const status = /^[^,\n]+, ([0-9a-f]+), /m.exec(out);
  if (status) vars.set('$ME', status[1]!);
  const rows = [...out.matchAll(/^(?!http)[^,\n]+, ([0-9a-f]+), [^,\n]+, [^,\n]+, (true|false), /gm)];
  for (const m of rows) vars.set(m[2] === 'true' ? '$LEADER' : '$FOLLOWER', m[1]!);
  if (rows.length > 0) vars.set('$FIRST', rows[0]![1]!);
}

function argvOf(step: CompatStep, t: CompatTarget, vars: ScriptVars): string[] {
  let line = step.line.replaceAll('$TMP', t.tmpDir);
  for (const [k, v] of vars) line = line.replaceAll(k, v);
  const words = shellWords(line);
  if (!words.ok) throw new Error(`bad script line ${step.line}: ${words.error}`);
  return words.argv;
}

/** Runs `step.during` lines after a delay, while the streaming step itself runs. */
async function alongside<T>(
  step: CompatStep,
  main: Promise<T>,
  runLine: (s: CompatStep) => Promise<unknown>,
): Promise<T> {
  if (!step.during) return main;
  await new Promise((r) => setTimeout(r, DURING_DELAY_MS));
  for (const line of step.during) await runLine({ line });
  return main;
}

/** Runs a step through the real etcdctl binary. */
export function runRealEtcdctl(step: CompatStep, t: CompatTarget, vars: ScriptVars = new Map()): Promise<StepOutcome> {
  const argv = [`--endpoints=${t.endpoints.join(',')}`, ...argvOf(step, t, vars)];
  return new Promise((resolve, reject) => {
    const p = spawn(ETCDCTL_BINARY, argv, { env: { ...process.env, ETCDCTL_API: '3' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    p.on('error', reject);
    // A line that never ends is cut off after STEP_LIMIT_MS (and shows as a mismatch).
    const timer = setTimeout(() => p.kill(step.streamMs !== undefined ? 'SIGINT' : 'SIGKILL'), step.streamMs ?? STEP_LIMIT_MS);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ step, stdout: out, stderr: err, exitCode: code ?? (signal === 'SIGINT' ? 130 : 128 + 9) });
    });
    p.stdin.on('error', () => {}); // etcdctl may exit before reading its input
    p.stdin.end(step.stdin ?? '');
  });
}

/** Runs a step through runEtcdctl, with clients made by `clientFor`. */
export async function runOurEtcdctl(
  step: CompatStep,
  t: CompatTarget,
  clientFor: (endpoints: string[]) => EtcdClient,
  files: Map<string, string>,
  vars: ScriptVars = new Map(),
): Promise<StepOutcome> {
  const argv = [`--endpoints=${t.endpoints.join(',')}`, ...argvOf(step, t, vars)];
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), step.streamMs ?? STEP_LIMIT_MS);
  const r = await runEtcdctl(argv, { clientFactory: clientFor, stdin: step.stdin ?? '', signal: ac.signal, files });
  clearTimeout(timer);
  return { step, ...r };
}

/** Per-side normalization state: IDs are numbered in order of first appearance. */
export class Normalizer {
  private ids = new Map<bigint, number>();
  constructor(private readonly t: CompatTarget) {
    for (const id of t.memberIds ?? []) this.id(BigInt('0x' + id));
  }

  private id(v: bigint): string {
    let n = this.ids.get(v);
    if (n === undefined) {
      n = this.ids.size + 1;
      this.ids.set(v, n);
    }
    return `<ID${n}>`;
  }

  text(s: string, step: CompatStep): string {
    let x = s;
    x = x.replaceAll(this.t.tmpDir, '<TMP>');
    if (this.t.anyMember) {
      x = x.replace(/("member_id":|"MemberID" : )\d+/g, '$1<MEMBER>');
      x = x.replace(/("raft_term":|"raftTerm":|"RaftTerm" : )\d+/g, '$1<TERM>');
    }
    this.t.peerUrls.forEach((u, i) => (x = x.replaceAll(u.replace(/^https?:\/\//, ''), `<PEER${i + 1}>`)));
    (this.t.memberEndpoints ?? this.t.endpoints).forEach((e, i) => (x = x.replaceAll(e, `<EP${i + 1}>`)));
    x = x.replace(/\b[0-9a-f]{13,16}\b/g, (m) => (/[a-f]/.test(m) || m.length === 16 ? this.id(BigInt('0x' + m)) : m));
    x = x.replace(/\b\d{15,20}\b/g, (m) => this.id(BigInt(m)));
    x = x.replace(/ {2,}(<ID\d+>)/g, ' $1');
    x = x.replace(/\b\d+(\.\d+)?(ns|µs|ms|s)\b(?!\))/g, (m) => (/\.|ms|µs|ns/.test(m) ? '<DUR>' : m));
    x = x.replace(/\b\d+(\.\d+)? (B|kB|MB|GB)\b/g, '<SIZE>');
    x = x.replace(/("dbSize(InUse)?":|"DBSize" : |"totalSize":|"Size" : )\d+/g, '$1<SIZE>');
    x = x.replace(/("raftIndex":|"raftAppliedIndex":|"RaftIndex" : |"RaftAppliedIndex" : )\d+/g, '$1<IDX>');
    x = x.replace(/(true|false), (true|false), (\d+), \d+, \d+, /g, '$1, $2, $3, <IDX>, <IDX>, ');
    x = x.replace(/remaining\(\d+s\)/g, 'remaining(<TTL>)');
    x = x.replace(/("ttl":|"TTL" : |"TTL":)\d+/g, '$1<TTL>');
    x = x.replace(/keepalived with TTL\(\d+\)/g, 'keepalived with TTL(<TTL>)');
    if (/hashkv|snapshot status/.test(step.line)) x = x.replace(/\b\d{5,10}\b|\b[0-9a-f]{8}\b/g, '<HASH>');
    if (/member (list|add|remove|promote)/.test(step.line)) x = sortMembers(x);
    // Endpoints are checked in parallel; etcdctl prints them as they answer.
    if (/endpoint health/.test(step.line) && !x.startsWith('+') && !x.startsWith('[')) x = sortLines(x);
    // --cluster visits members in member-list order, which follows their (random) IDs.
    if (/--cluster/.test(step.line) && !x.startsWith('+') && !x.startsWith('[') && !x.startsWith('"')) x = sortLines(x);
    // The same for a JSON list of endpoints: one object per member.
    if (/--cluster/.test(step.line) && x.startsWith('[{"Endpoint"')) {
      const body = x.trimEnd().slice(1, -1);
      x = '[' + body.split(/(?<=\}),(?=\{"Endpoint")/).sort().join(',') + ']\n';
    }
    // Tables whose cells were normalized have lost their column widths; compare them loosely.
    if (x.startsWith('+') && /<(ID|EP|PEER|SIZE|DUR|HASH|IDX)/.test(x)) {
      x = x.replace(/-+/g, '-').replace(/ {2,}/g, ' ');
      x = x.replace(/\| (true|false) \| (true|false) \| (\d+) \| \d+ \| \d+ \|/g, '| $1 | $2 | $3 | <IDX> | <IDX> |');
    }
    if (this.t.anyMember) {
      x = x.replace(/(true|false), (true|false), \d+, <IDX>/g, '$1, $2, <TERM>, <IDX>');
      x = x.replace(/\| (true|false) \| (true|false) \| \d+ \| <IDX>/g, '| $1 | $2 | <TERM> | <IDX>');
    }
    return x;
  }

  outcome(o: StepOutcome): EtcdctlResult {
    const stderr = o.stderr
      .split('\n')
      .filter((l) => !l.startsWith('{"level":'))
      .join('\n');
    return { stdout: this.text(o.stdout, o.step), stderr: this.text(stderr, o.step), exitCode: o.exitCode };
  }
}

/**
 * etcd lists members by ID, and IDs differ between clusters, so member order is not
 * comparable: put member rows, field blocks and ETCD_INITIAL_CLUSTER entries in a fixed order.
 */
function sortMembers(x: string): string {
  x = x.replace(/ETCD_INITIAL_CLUSTER="([^"]*)"/, (_, list: string) => `ETCD_INITIAL_CLUSTER="${list.split(',').sort().join(',')}"`);
  if (x.startsWith('+')) {
    const lines = x.split('\n');
    const body = lines.slice(3, -2).sort();
    return [...lines.slice(0, 3), ...body, ...lines.slice(-2)].join('\n');
  }
  if (x.startsWith('"ClusterID"')) {
    const lines = x.split('\n');
    const head = lines.slice(0, 4).join('\n');
    const blocks = lines.slice(4).join('\n').split('\n\n').filter((b) => b !== '');
    return head + '\n' + blocks.sort().map((b) => b + '\n\n').join('');
  }
  // JSON: the members array (each member one flat object).
  const arr = /("members":\[)(.*)(\]\})/.exec(x);
  if (x.startsWith('{') && arr) {
    const items = arr[2]!.split(/(?<=\}),(?=\{"ID")/).sort();
    return x.replace(arr[0], arr[1]! + items.join(',') + arr[3]!);
  }
  if (/, (started|unstarted), /.test(x)) return x.split('\n').filter((l) => l !== '').sort().map((l) => l + '\n').join('');
  return x;
}

function sortLines(x: string): string {
  return x.split('\n').filter((l) => l !== '').sort().map((l) => l + '\n').join('');
}

export interface Mismatch {
  index: number;
  line: string;
  expected: EtcdctlResult;
  actual: EtcdctlResult;
}

/** A readable report of one mismatch: the line, then each differing stream. */
export function describeMismatch(m: Mismatch): string {
  const shown = m.line.length > 200 ? m.line.slice(0, 200) + '...' : m.line;
  const parts = [`#${m.index} etcdctl ${shown}`];
  if (m.expected.exitCode !== m.actual.exitCode) parts.push(`  exit code: etcdctl ${m.expected.exitCode}, ours ${m.actual.exitCode}`);
  for (const s of ['stdout', 'stderr'] as const) {
    if (m.expected[s] !== m.actual[s]) {
      parts.push(`  ${s} differs:\n${lineDiff(m.expected[s], m.actual[s])}`);
    }
  }
  return parts.join('\n');
}

function lineDiff(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] === bl[i]) out.push(`      ${JSON.stringify(al[i])}`);
    else {
      if (al[i] !== undefined) out.push(`    - ${JSON.stringify(al[i])}`);
      if (bl[i] !== undefined) out.push(`    + ${JSON.stringify(bl[i])}`);
    }
  }
  return out.slice(0, 40).join('\n');
}

/** Runs the script on both sides (each side's steps strictly in order) and compares. */
export async function compareScript(
  steps: readonly CompatStep[],
  real: CompatTarget,
  ours: CompatTarget,
  clientFor: (endpoints: string[]) => EtcdClient,
): Promise<{ mismatches: Mismatch[]; compared: number }> {
  const files = new Map<string, string>();
  const runReal = async () => {
    const res: StepOutcome[] = [];
    const vars: ScriptVars = new Map();
    for (const s of steps) {
      const o = await alongside(s, runRealEtcdctl(s, real, vars), (d) => runRealEtcdctl(d, real, vars));
      learn(vars, o.stdout);
      res.push(o);
    }
    return res;
  };
  const runOurs = async () => {
    const res: StepOutcome[] = [];
    const vars: ScriptVars = new Map();
    for (const s of steps) {
      const o = await alongside(s, runOurEtcdctl(s, ours, clientFor, files, vars), (d) =>
        runOurEtcdctl(d, ours, clientFor, files, vars),
      );
      learn(vars, o.stdout);
      res.push(o);
    }
    return res;
  };
  const [a, b] = await Promise.all([runReal(), runOurs()]);
  const na = new Normalizer(real);
  const nb = new Normalizer(ours);
  const mismatches: Mismatch[] = [];
  steps.forEach((s, i) => {
    if (s.setup) return;
    const expected = na.outcome(a[i]!);
    const actual = nb.outcome(b[i]!);
    if (expected.stdout !== actual.stdout || expected.stderr !== actual.stderr || expected.exitCode !== actual.exitCode) {
      mismatches.push({ index: i, line: s.line, expected, actual });
    }
  });
  return { mismatches, compared: steps.filter((s) => !s.setup).length };
}
