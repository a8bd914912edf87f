/**
 * runEtcdctl: the etcdctl 3.4 command line over any EtcdClient.
 *
 *   const r = await runEtcdctl('etcdctl get foo --prefix -w json', { client });
 *   // r = { stdout, stderr, exitCode }, byte for byte what etcdctl 3.4.23 prints
 *
 * Command lookup follows cobra as etcdctl configures it (unique prefixes of command names
 * match, groups without a subcommand print their help, unknown commands and flags are errors
 * with etcdctl's text); flags follow pflag (see flags.ts). Nothing a user types makes this
 * throw: every failure ends as etcdctl's error text and exit status.
 */
import { Ctx, Exit, ExitCode, type EtcdctlEnv } from './context.ts';
import { flagSpecsFor, FlagError, parseFlags, type FlagSpec } from './flags.ts';
import { GLOBAL_BLOCKS, HELP } from './helpText.ts';
import { shellWords } from './shellWords.ts';
import { compactionCommand, delCommand, getCommand, putCommand, txnCommand, watchCommand } from './kvCommands.ts';
import {
  leaseGrantCommand,
  leaseKeepAliveCommand,
  leaseListCommand,
  leaseRevokeCommand,
  leaseTimeToLiveCommand,
} from './leaseCommands.ts';
import {
  alarmDisarmCommand,
  alarmListCommand,
  defragCommand,
  endpointHashKVCommand,
  endpointHealthCommand,
  endpointStatusCommand,
  memberAddCommand,
  memberListCommand,
  memberPromoteCommand,
  memberRemoveCommand,
  memberUpdateCommand,
  moveLeaderCommand,
  snapshotRestoreCommand,
  snapshotSaveCommand,
  snapshotStatusCommand,
  versionCommand,
} from './clusterCommands.ts';

export type { EtcdctlEnv, SnapshotRestoreRequest } from './context.ts';
export { ExitCode } from './context.ts';

export interface EtcdctlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

type CommandFn = (ctx: Ctx, args: string[]) => Promise<void>;

const commands: Record<string, CommandFn> = {
  put: putCommand,
  get: getCommand,
  del: delCommand,
  txn: txnCommand,
  compaction: compactionCommand,
  watch: watchCommand,
  'lease grant': leaseGrantCommand,
  'lease revoke': leaseRevokeCommand,
  'lease timetolive': leaseTimeToLiveCommand,
  'lease list': leaseListCommand,
  'lease keep-alive': leaseKeepAliveCommand,
  'member list': memberListCommand,
  'member add': memberAddCommand,
  'member remove': memberRemoveCommand,
  'member promote': memberPromoteCommand,
  'member update': memberUpdateCommand,
  'endpoint status': endpointStatusCommand,
  'endpoint health': endpointHealthCommand,
  'endpoint hashkv': endpointHashKVCommand,
  'move-leader': moveLeaderCommand,
  'alarm list': alarmListCommand,
  'alarm disarm': alarmDisarmCommand,
  defrag: defragCommand,
  'snapshot save': snapshotSaveCommand,
  'snapshot status': snapshotStatusCommand,
  'snapshot restore': snapshotRestoreCommand,
  version: versionCommand,
};

/** The commands (paths) etcdctl knows, whether or not this console runs them. */
export const knownCommandPaths: readonly string[] = Object.keys(HELP).filter((p) => p !== '');
/** The commands this console runs. */
export const supportedCommandPaths: readonly string[] = [...Object.keys(commands), 'help'];

function children(path: string): string[] {
  const depth = path === '' ? 1 : path.split(' ').length + 1;
  return knownCommandPaths
    .filter((p) => p.split(' ').length === depth && (path === '' || p.startsWith(path + ' ')))
    .map((p) => p.split(' ').pop()!);
}

/** Full help text of a command, exactly as `etcdctl <path> --help` prints it. */
export function helpText(path: string): string {
  const entry = HELP[path];
  if (!entry) return '';
  const [body, g] = entry;
  return body + (g >= 0 ? GLOBAL_BLOCKS[g]! : '');
}

/**
 * cobra's stripFlags: the non-flag words of argv, judged with one command's flags. A flag
 * written `--name` or `-n` that is not a known boolean takes the next word as its value (or,
 * with at most one word left, ends the scan); an empty word is never a command word.
 */
function stripFlags(argv: readonly string[], specs: readonly FlagSpec[]): string[] {
  const isBool = (s: FlagSpec | undefined) => s !== undefined && s.type === 'bool';
  const words: string[] = [];
  const rest = [...argv];
  while (rest.length > 0) {
    const a = rest.shift()!;
    if (a === '--') break;
    const long = a.startsWith('--') && !a.includes('=') && !isBool(specs.find((s) => s.name === a.slice(2)));
    const short = !a.startsWith('--') && a.startsWith('-') && !a.includes('=') && a.length === 2 && !isBool(specs.find((s) => s.shorthand === a[1]));
    if (long || short) {
      if (rest.length <= 1) break;
      rest.shift();
      continue;
    }
    if (a !== '' && !a.startsWith('-')) words.push(a);
  }
  return words;
}

/** cobra's Find: walks down the command tree by (unique prefixes of) command words. */
function findCommand(argv: readonly string[]): { path: string; words: string[]; rest: string[] } {
  let path = '';
  let args = [...argv];
  const words: string[] = [];
  for (;;) {
    const positional = stripFlags(args, flagSpecsFor(path));
    const kids = children(path);
    const w = positional[0];
    if (w === undefined || kids.length === 0) return { path, words, rest: positional };
    let next = kids.find((k) => k === w);
    if (next === undefined) {
      const byPrefix = kids.filter((k) => k.startsWith(w));
      if (byPrefix.length === 1) next = byPrefix[0];
    }
    if (next === undefined) return { path, words, rest: positional };
    path = path === '' ? next : `${path} ${next}`;
    words.push(w);
    args = withoutWords(args, [w]);
  }
}

/** argv without the first occurrence of each command word (cobra's argsMinusFirstX). */
function withoutWords(argv: readonly string[], words: readonly string[]): string[] {
  const out = [...argv];
  for (const w of words) {
    const i = out.indexOf(w);
    if (i >= 0) out.splice(i, 1);
  }
  return out;
}

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

/** etcdctl's top-level commands in the order it registers them (cobra suggests in this order). */
const registrationOrder = [
  'get', 'put', 'del', 'txn', 'compaction', 'alarm', 'defrag', 'endpoint', 'move-leader', 'watch', 'version',
  'lease', 'member', 'snapshot', 'make-mirror', 'migrate', 'lock', 'elect', 'auth', 'user', 'role', 'check',
  'help', 'completion',
];

function unknownCommand(ctx: Ctx, word: string): never {
  const lower = word.toLowerCase();
  const suggestions = registrationOrder.filter((k) => levenshtein(lower, k) <= 2 || k.startsWith(lower));
  let msg = `unknown command ${JSON.stringify(word)} for "etcdctl"`;
  const withHint = suggestions.length > 0 ? msg + `\n\nDid you mean this?\n${suggestions.map((s) => `\t${s}\n`).join('')}` : msg;
  ctx.err(`Error: ${withHint}\nRun 'etcdctl --help' for usage.\n`);
  msg = withHint;
  ctx.fail(ExitCode.Error, msg);
}

async function dispatch(ctx: Ctx, argv: string[]): Promise<void> {
  const { path, words, rest } = findCommand(argv);
  if (path === '' && rest.length > 0) {
    ctx.flags = parseFlags([], flagSpecsFor(''));
    unknownCommand(ctx, rest[0]!);
  }
  const specs = flagSpecsFor(path);
  try {
    ctx.flags = parseFlags(withoutWords(argv, words), specs);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    ctx.out(helpText(path));
    ctx.err(`Error: ${e.message}\n\n`);
    ctx.flags = parseFlags([], specs);
    ctx.fail(ExitCode.Error, e.message);
  }
  if (ctx.flag<boolean>('help') || children(path).length > 0 || path === '') {
    ctx.out(helpText(path));
    return;
  }
  if (path === 'help') {
    const target = findCommand(ctx.flags.args);
    if (target.rest.length > 0 && target.path === '') {
      ctx.err(`Unknown help topic [${ctx.flags.args.map((a) => '`' + a + '`').join(' ')}]\n`);
      // cobra prints the root's usage here, before its help flag exists.
      ctx.out(helpText('').replace(/^ {2}-h, --help\[=false\][^\n]*\n/m, ''));
      return;
    }
    ctx.out(helpText(target.path));
    return;
  }
  const fn = commands[path];
  if (!fn) ctx.fail(ExitCode.BadFeature, `"etcdctl ${path}" is not supported by this console`);
  await fn(ctx, ctx.flags.args);
}

/** Splits a console line into etcdctl's argv (dropping a leading `etcdctl` / `ETCDCTL_API=3`). */
export function argvFromLine(line: string): { ok: true; argv: string[] } | { ok: false; error: string } {
  const split = shellWords(line);
  if (!split.ok) return split;
  const argv = split.argv;
  while (argv.length > 0 && /^ETCDCTL_API=/.test(argv[0]!)) argv.shift();
  if (argv[0] === 'etcdctl') argv.shift();
  return { ok: true, argv };
}

export async function runEtcdctl(input: string | readonly string[], env: EtcdctlEnv): Promise<EtcdctlResult> {
  const ctx = new Ctx(env);
  let exitCode: number = ExitCode.Success;
  try {
    let argv: string[];
    if (typeof input === 'string') {
      const r = argvFromLine(input);
      if (r.ok) argv = r.argv;
      else {
        ctx.flags = parseFlags([], flagSpecsFor(''));
        return ctx.fail(ExitCode.BadArgs, r.error);
      }
    } else argv = [...input];
    await dispatch(ctx, argv);
  } catch (e) {
    if (e instanceof Exit) exitCode = e.code;
    else {
      // A bug must not escape into the console; show it the way Go shows a panic.
      ctx.err(`panic: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      exitCode = 2;
    }
  } finally {
    ctx.closeOwnClient();
  }
  return { stdout: ctx.stdout, stderr: ctx.stderr, exitCode };
}
