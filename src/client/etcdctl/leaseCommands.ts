/** lease grant | revoke | timetolive | list | keep-alive, as etcdctl 3.4 runs and prints them. */
import { id64FromBigInt, type Id64 } from '../../server/api.ts';
import { Ctx, errorText, Exit, ExitCode } from './context.ts';
import { goParseBig, goParseInt } from './flags.ts';
import { hexLease } from './goFormat.ts';
import { fieldsHeader, jsonHeaderFields, printKeepAlive, printLeaseGrant, printLeases, printTimeToLive } from './printers.ts';
import { goJson } from './goFormat.ts';

function leaseArg(ctx: Ctx, arg: string): Id64 {
  const v = goParseBig(arg, 16, false);
  if (typeof v === 'string') ctx.fail(ExitCode.BadArgs, `bad lease ID arg (${v}), expecting ID in Hex`);
  return id64FromBigInt(v);
}

export async function leaseGrantCommand(ctx: Ctx, args: string[]): Promise<void> {
  if (args.length !== 1) ctx.fail(ExitCode.BadArgs, 'lease grant command needs TTL argument');
  const ttl = goParseInt(args[0]!, 10);
  if (typeof ttl === 'string') ctx.fail(ExitCode.BadArgs, `bad TTL (${ttl})`);
  const c = ctx.client();
  const resp = await ctx.rpc(c.leaseGrant({ TTL: ttl })).catch((e) => ctx.fail(ExitCode.Error, `failed to grant lease (${errorText(e)})`));
  ctx.print(printLeaseGrant(ctx.display(), resp, hexLease(resp.ID)));
}

export async function leaseRevokeCommand(ctx: Ctx, args: string[]): Promise<void> {
  if (args.length !== 1) ctx.fail(ExitCode.BadArgs, 'lease revoke command needs 1 argument');
  const id = leaseArg(ctx, args[0]!);
  const c = ctx.client();
  const resp = await ctx.rpc(c.leaseRevoke(id)).catch((e) => ctx.fail(ExitCode.Error, `failed to revoke lease (${errorText(e)})`));
  const w = ctx.display();
  if (w === 'simple') ctx.out(`lease ${hexLease(id)} revoked\n`);
  else if (w === 'json') ctx.out(goJson({ header: jsonHeaderFields(resp.header) }) + '\n');
  else if (w === 'fields') ctx.out(fieldsHeader(resp.header));
  else ctx.print(null);
}

export async function leaseTimeToLiveCommand(ctx: Ctx, args: string[]): Promise<void> {
  if (args.length !== 1) ctx.fail(ExitCode.BadArgs, 'lease timetolive command needs lease ID as argument');
  const id = leaseArg(ctx, args[0]!);
  const keys = ctx.flag<boolean>('keys');
  const c = ctx.client();
  const resp = await ctx.rpc(c.leaseTimeToLive({ ID: id, keys })).catch((e) => ctx.fail(ExitCode.BadConnection, errorText(e)));
  ctx.print(printTimeToLive(ctx.display(), resp, hexLease(resp.ID), keys));
}

export async function leaseListCommand(ctx: Ctx, args: string[]): Promise<void> {
  void args;
  const c = ctx.client();
  const resp = await ctx.rpc(c.leaseLeases()).catch((e) => ctx.fail(ExitCode.BadConnection, `failed to list leases (${errorText(e)})`));
  ctx.print(printLeases(ctx.display(), resp, hexLease));
}

/** Waits `ms` on the environment's clock (the wall clock by default), or until `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined, clock: ((ms: number) => Promise<void>) | undefined): Promise<void> {
  return new Promise((resolve) => {
    let t: ReturnType<typeof setTimeout> | undefined;
    if (clock) void clock(ms).then(resolve);
    else t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      if (t !== undefined) clearTimeout(t);
      resolve();
    }, { once: true });
  });
}

export async function leaseKeepAliveCommand(ctx: Ctx, args: string[]): Promise<void> {
  if (args.length !== 1) ctx.fail(ExitCode.BadArgs, 'lease keep-alive command needs lease ID as argument');
  const id = leaseArg(ctx, args[0]!);
  const c = ctx.client();
  const w = ctx.display();
  if (ctx.flag<boolean>('once')) {
    const resp = await ctx.rpc(c.leaseKeepAliveOnce(id)).catch((e) => ctx.fail(ExitCode.BadConnection, errorText(e)));
    if (resp.TTL <= 0) ctx.fail(ExitCode.BadConnection, 'etcdserver: requested lease not found');
    ctx.print(printKeepAlive(w, resp, hexLease(resp.ID)));
    return;
  }
  const signal = ctx.env.signal;
  // Like clientv3's keep-alive loop: renew every TTL/3 seconds until the lease is gone.
  for (;;) {
    if (signal?.aborted) throw new Exit(ExitCode.SigInt);
    let resp;
    try {
      resp = await c.leaseKeepAliveOnce(id);
    } catch (e) {
      if (signal?.aborted) throw new Exit(ExitCode.SigInt);
      ctx.fail(ExitCode.BadConnection, errorText(e));
    }
    if (resp.TTL <= 0) break;
    ctx.print(printKeepAlive(w, resp, hexLease(resp.ID)));
    await sleep(Math.max(1, resp.TTL / 3) * 1000, signal, ctx.env.sleep);
  }
  if (w === 'simple') ctx.out(`lease ${hexLease(id)} expired or revoked.\n`);
}
