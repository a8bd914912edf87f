/** put, get, del, txn, compaction and watch, with etcdctl 3.4's argument rules and messages. */
import type { DeleteRangeRequest, PutRequest, RangeRequest, RequestOp, SortOrder, SortTarget, WatchResponse } from '../../server/api.ts';
import { bytesFromUtf8, id64FromBigInt, prefixRangeEnd } from '../../server/api.ts';
import { Ctx, errorText, Exit, ExitCode } from './context.ts';
import { flagSpecsFor, FlagError, goParseBig, goParseInt, parseFlags, type FlagSpec, type ParsedFlags } from './flags.ts';
import { HELP } from './helpText.ts';
import { printDel, printGet, printPut, printTxn, printWatch } from './printers.ts';
import { argify, LineReader, parseCompare, TxnInputError } from './txnParse.ts';

const b = bytesFromUtf8;

/** A usage error raised while building a request (etcdctl exits right there). */
class OpError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

function flagOf<T>(f: ParsedFlags, name: string): T {
  return f.values.get(name) as T;
}

/** Builds a PutRequest like etcdctl's getPutOp. `stdin` supplies a missing value. */
export function putOp(args: string[], f: ParsedFlags, stdin: string): PutRequest {
  const bad = 'put command needs 1 argument and input from stdin or 2 arguments';
  if (args.length === 0) throw new OpError(bad, ExitCode.BadArgs);
  const ignoreValue = flagOf<boolean>(f, 'ignore-value');
  if (ignoreValue && args.length > 1) {
    throw new OpError("put command needs only 1 argument when 'ignore-value' is set", ExitCode.BadArgs);
  }
  let value = '';
  if (!ignoreValue) {
    if (args.length > 1) value = b(args[1]!);
    else if (stdin !== '') value = b(stdin);
    else throw new OpError(bad, ExitCode.BadArgs);
  }
  const leaseStr = flagOf<string>(f, 'lease');
  const lease = goParseBig(leaseStr, 16, false);
  if (typeof lease === 'string') throw new OpError(`bad lease ID (${lease}), expecting ID in Hex`, ExitCode.BadArgs);
  const req: PutRequest = { key: b(args[0]!), value };
  if (lease !== 0n) req.lease = id64FromBigInt(lease);
  if (flagOf<boolean>(f, 'prev-kv')) req.prev_kv = true;
  if (ignoreValue) req.ignore_value = true;
  if (flagOf<boolean>(f, 'ignore-lease')) req.ignore_lease = true;
  return req;
}

const sortTargets: Record<string, SortTarget> = { CREATE: 'CREATE', KEY: 'KEY', MODIFY: 'MOD', VALUE: 'VALUE', VERSION: 'VERSION' };

/** Builds a RangeRequest like etcdctl's getGetOp. */
export function getOp(args: string[], f: ParsedFlags): RangeRequest {
  if (args.length === 0) {
    throw new OpError('get command needs one argument as key and an optional argument as range_end', ExitCode.BadArgs);
  }
  const prefix = flagOf<boolean>(f, 'prefix');
  const fromKey = flagOf<boolean>(f, 'from-key');
  if (prefix && fromKey) {
    throw new OpError('`--prefix` and `--from-key` cannot be set at the same time, choose one', ExitCode.BadArgs);
  }
  const req: RangeRequest = { key: b(args[0]!) };
  const consistency = flagOf<string>(f, 'consistency');
  if (consistency === 's') req.serializable = true;
  else if (consistency !== 'l') {
    throw new OpError(`unknown consistency flag ${JSON.stringify(consistency)}`, ExitCode.BadFeature);
  }
  if (args.length > 1) {
    if (prefix || fromKey) {
      throw new OpError('too many arguments, only accept one argument when `--prefix` or `--from-key` is set', ExitCode.BadArgs);
    }
    req.range_end = b(args[1]!);
  }
  const limit = flagOf<number>(f, 'limit');
  if (limit !== 0) req.limit = limit;
  const rev = flagOf<number>(f, 'rev');
  if (rev > 0) req.revision = rev;
  const orderFlag = flagOf<string>(f, 'order');
  let order: SortOrder = 'NONE';
  switch (orderFlag.toUpperCase()) {
    case 'ASCEND':
      order = 'ASCEND';
      break;
    case 'DESCEND':
      order = 'DESCEND';
      break;
    case '':
      break;
    default:
      throw new OpError(`bad sort order ${orderFlag}`, ExitCode.BadFeature);
  }
  const targetFlag = flagOf<string>(f, 'sort-by');
  let target: SortTarget = 'KEY';
  if (targetFlag !== '') {
    const t = sortTargets[targetFlag.toUpperCase()];
    if (t === undefined) throw new OpError(`bad sort target ${targetFlag}`, ExitCode.BadFeature);
    target = t;
  }
  // clientv3 drops "ascending by key": it is the order ranges come in anyway.
  if (target === 'KEY' && order === 'ASCEND') order = 'NONE';
  if (order !== 'NONE') req.sort_order = order;
  if (target !== 'KEY') req.sort_target = target;
  if (prefix) {
    if (req.key === '') {
      req.key = '\0';
      req.range_end = '\0';
    } else req.range_end = prefixRangeEnd(req.key);
  }
  if (fromKey) {
    if (req.key === '') req.key = '\0';
    req.range_end = '\0';
  }
  if (flagOf<boolean>(f, 'keys-only')) req.keys_only = true;
  return req;
}

/** Builds a DeleteRangeRequest like etcdctl's getDelOp. */
export function delOp(args: string[], f: ParsedFlags): DeleteRangeRequest {
  if (args.length === 0 || args.length > 2) {
    throw new OpError('del command needs one argument as key and an optional argument as range_end', ExitCode.BadArgs);
  }
  const prefix = flagOf<boolean>(f, 'prefix');
  const fromKey = flagOf<boolean>(f, 'from-key');
  if (prefix && fromKey) {
    throw new OpError('`--prefix` and `--from-key` cannot be set at the same time, choose one', ExitCode.BadArgs);
  }
  const req: DeleteRangeRequest = { key: b(args[0]!) };
  if (args.length > 1) {
    if (prefix || fromKey) {
      throw new OpError('too many arguments, only accept one argument when `--prefix` or `--from-key` is set', ExitCode.BadArgs);
    }
    req.range_end = b(args[1]!);
  }
  if (prefix) {
    if (req.key === '') {
      req.key = '\0';
      req.range_end = '\0';
    } else req.range_end = prefixRangeEnd(req.key);
  }
  if (flagOf<boolean>(f, 'prev-kv')) req.prev_kv = true;
  if (fromKey) {
    if (req.key === '') req.key = '\0';
    req.range_end = '\0';
  }
  return req;
}

function guard<T>(ctx: Ctx, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof OpError) ctx.fail(e.code, e.message);
    throw e;
  }
}

export async function putCommand(ctx: Ctx, args: string[]): Promise<void> {
  const req = guard(ctx, () => putOp(args, ctx.flags, ctx.env.stdin ?? ''));
  const c = ctx.client();
  const resp = await ctx.rpc(c.put(req)).catch((e) => ctx.fail(ExitCode.Error, errorText(e)));
  ctx.print(printPut(ctx.display(), { hex: ctx.hex, valueOnly: false }, resp));
}

export async function getCommand(ctx: Ctx, args: string[]): Promise<void> {
  const req = guard(ctx, () => getOp(args, ctx.flags));
  const c = ctx.client();
  const resp = await ctx.rpc(c.range(req)).catch((e) => ctx.fail(ExitCode.Error, errorText(e)));
  const valueOnly = ctx.flag<boolean>('print-value-only');
  if (valueOnly && ctx.display() !== 'simple') {
    ctx.fail(ExitCode.BadArgs, 'print-value-only is only for `--write-out=simple`');
  }
  ctx.print(printGet(ctx.display(), { hex: ctx.hex, valueOnly }, resp));
}

export async function delCommand(ctx: Ctx, args: string[]): Promise<void> {
  const req = guard(ctx, () => delOp(args, ctx.flags));
  const c = ctx.client();
  const resp = await ctx.rpc(c.deleteRange(req)).catch((e) => ctx.fail(ExitCode.Error, errorText(e)));
  ctx.print(printDel(ctx.display(), { hex: ctx.hex, valueOnly: false }, resp));
}

export async function compactionCommand(ctx: Ctx, args: string[]): Promise<void> {
  if (args.length !== 1) ctx.fail(ExitCode.BadArgs, 'compaction command needs 1 argument');
  const rev = goParseInt(args[0]!, 10);
  if (typeof rev === 'string') ctx.fail(ExitCode.Error, rev);
  const c = ctx.client();
  const physical = ctx.flag<boolean>('physical');
  await ctx.rpc(c.compact({ revision: rev, physical })).catch((e) => ctx.fail(ExitCode.Error, errorText(e)));
  ctx.out(`compacted revision ${rev}\n`);
}

/** Parses one txn request line (put/get/del with their own flags) as etcdctl does. */
function parseRequestLine(line: string): RequestOp {
  const args = argify(line);
  if (args instanceof TxnInputError) throw args;
  if (args.length < 2) throw new TxnInputError(`invalid txn compare request: ${line}`, ExitCode.InvalidInput);
  const names = ['put', 'get', 'del'];
  const name = names.includes(args[0]!) ? args[0]! : names.filter((n) => n.startsWith(args[0]!)).length === 1 ? names.find((n) => n.startsWith(args[0]!))! : '';
  if (name === '') throw new TxnInputError(`invalid txn request: ${line}`, ExitCode.InvalidInput);
  const specs = flagSpecsFor(name).filter((s) => !isGlobalFlag(s.name));
  let f: ParsedFlags;
  try {
    f = parseFlags(args.slice(1), specs);
  } catch (e) {
    if (e instanceof FlagError) {
      throw new TxnInputError(`invalid txn request: ${line}`, ExitCode.InvalidInput, false, cobraUsage(name, specs));
    }
    throw e;
  }
  try {
    if (name === 'put') return { request_put: putOp(f.args, f, '') };
    if (name === 'get') return { request_range: getOp(f.args, f) };
    return { request_delete_range: delOp(f.args, f) };
  } catch (e) {
    if (e instanceof OpError) throw new TxnInputError(e.message, e.code);
    throw e;
  }
}

/**
 * The usage cobra prints (to stderr) when a txn request line has a bad flag: cobra's default
 * template, since etcdctl builds these request parsers outside its own command tree.
 */
function cobraUsage(name: string, specs: FlagSpec[]): string {
  const useLine = HELP[name]![0].split('\n').find((l) => l.startsWith('\tetcdctl '))!.slice('\tetcdctl '.length);
  const usages = new Map<string, string>();
  for (const l of HELP[name]![0].split('\n')) {
    const m = /--([\w-]+)\S*\t+(.*)$/.exec(l);
    if (m) usages.set(m[1]!, m[2]!);
  }
  const rows = specs.map((s) => {
    const typeName = s.type === 'bool' ? '' : s.type === 'int' || s.type === 'uint' ? ' int' : ' string';
    const left = (s.shorthand ? `  -${s.shorthand}, --` : '      --') + s.name + typeName;
    const def = s.type === 'string' ? (s.defValue === '' ? '' : ` (default "${s.defValue}")`) : s.type === 'bool' ? (s.defValue === 'true' ? ' (default true)' : '') : s.defValue === '0' ? '' : ` (default ${s.defValue})`;
    return [left, (usages.get(s.name) ?? '') + def] as const;
  });
  const width = Math.max(...rows.map((r) => r[0].length));
  return `Usage:\n   ${useLine}\n\nFlags:\n` + rows.map(([l, u]) => `${l.padEnd(width)}   ${u}\n`).join('') + '\n';
}

const globalFlagNames = new Set(flagSpecsFor('version').filter((s) => s.name !== 'help').map((s) => s.name));
function isGlobalFlag(name: string): boolean {
  return globalFlagNames.has(name);
}

/** Parses the whole txn input (what etcdctl reads from stdin). */
export function parseTxnInput(stdin: string): { compare: ReturnType<typeof parseCompare>[]; success: RequestOp[]; failure: RequestOp[] } {
  const r = new LineReader(stdin);
  const compare = [];
  for (;;) {
    const { line, eof } = r.next();
    if (eof) throw new TxnInputError('EOF', ExitCode.InvalidInput);
    const t = line.trim();
    if (t === '') break;
    compare.push(parseCompare(t));
  }
  const readOps = () => {
    const ops: RequestOp[] = [];
    for (;;) {
      const { line, eof } = r.next();
      if (eof) return ops;
      const t = line.trim();
      if (t === '') return ops;
      ops.push(parseRequestLine(t));
    }
  };
  const success = readOps();
  const failure = readOps();
  return { compare, success, failure };
}

export async function txnCommand(ctx: Ctx, args: string[]): Promise<void> {
  if (args.length !== 0) ctx.fail(ExitCode.BadArgs, 'txn command does not accept argument');
  const c = ctx.client();
  const interactive = ctx.flag<boolean>('interactive');
  let parsed;
  try {
    // The prompts come before each block is read; with the whole input known, print them all.
    if (interactive) ctx.out('compares:\n');
    parsed = parseTxnInput(ctx.env.stdin ?? '');
    if (interactive) ctx.out('success requests (get, put, del):\nfailure requests (get, put, del):\n');
  } catch (e) {
    if (e instanceof TxnInputError) {
      if (e.panic) {
        ctx.err(`panic: ${e.message}\n`);
        throw new Exit(2);
      }
      ctx.err(e.usage);
      ctx.fail(e.exitCode, e.message);
    }
    throw e;
  }
  const resp = await ctx.rpc(c.txn(parsed)).catch((e) => ctx.fail(ExitCode.Error, errorText(e)));
  ctx.print(printTxn(ctx.display(), { hex: ctx.hex, valueOnly: false }, resp));
}

/** Streams events until the server cancels the watch (exit 5) or the user interrupts (130). */
export async function watchCommand(ctx: Ctx, args: string[]): Promise<void> {
  if (ctx.flag<boolean>('interactive')) ctx.fail(ExitCode.BadFeature, 'interactive watch is not supported by this console');
  let keyArgs = args;
  if (ctx.flags.argsLenAtDash >= 0) keyArgs = args.slice(0, ctx.flags.argsLenAtDash);
  if (keyArgs.length < 1 || keyArgs.length > 2) ctx.fail(ExitCode.BadArgs, 'bad number of arguments');
  if (ctx.flags.argsLenAtDash >= 0 && args.length > ctx.flags.argsLenAtDash) {
    ctx.fail(ExitCode.BadFeature, 'running a command on each event is not supported by this console');
  }
  const prefix = ctx.flag<boolean>('prefix');
  if (keyArgs.length === 2 && prefix) ctx.fail(ExitCode.BadArgs, '`range_end` and `--prefix` are mutually exclusive');
  const c = ctx.client();
  const w = ctx.display();
  let key = b(keyArgs[0]!);
  let rangeEnd = keyArgs.length === 2 ? b(keyArgs[1]!) : '';
  if (prefix) {
    if (key === '') {
      key = '\0';
      rangeEnd = '\0';
    } else rangeEnd = prefixRangeEnd(key);
  }
  const rev = ctx.flag<number>('rev');
  const o = { hex: ctx.hex, valueOnly: false };
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));
  const onResp = (r: WatchResponse) => {
    // clientv3 keeps the "created" confirmation to itself.
    if (r.created && !r.canceled && r.events.length === 0) return;
    if (r.canceled) {
      const why = r.compact_revision !== 0 ? 'etcdserver: mvcc: required revision has been compacted' : r.cancel_reason || 'etcdserver: mvcc: required revision is a future revision';
      ctx.err(`watch was canceled (${why})\n`);
    }
    const text = printWatch(w, o, r);
    if (text === null) {
      ctx.err(`Error: ${w} not supported as output format\n`);
      finish(ExitCode.BadFeature);
      return;
    }
    ctx.out(text);
    if (r.canceled) {
      ctx.err('Error: watch is canceled by the server\n');
      finish(ExitCode.Interrupted);
    }
  };
  const handle = c.watch(
    { key, range_end: rangeEnd || undefined, start_revision: rev > 0 ? rev : undefined, prev_kv: ctx.flag<boolean>('prev-kv') || undefined },
    onResp,
  );
  const signal = ctx.env.signal;
  const onAbort = () => finish(ExitCode.SigInt);
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const code = await done;
  signal?.removeEventListener('abort', onAbort);
  await handle.cancel().catch(() => {});
  throw new Exit(code);
}
