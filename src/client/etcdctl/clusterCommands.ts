/**
 * member, endpoint, move-leader, alarm, defrag, snapshot and version: the cluster and
 * maintenance side of etcdctl 3.4.
 */
import type { AlarmMember, AlarmResponse, EtcdErrorBody, Id64, MemberAddResponse, MemberListResponse } from '../../server/api.ts';
import { id64FromBigInt } from '../../server/api.ts';
import type { EtcdClient } from '../client.ts';
import { Ctx, errorText, Exit, ExitCode } from './context.ts';
import { goParseBig } from './flags.ts';
import { goDuration, goJson, goQuote, hexId, hexIdPadded, textBytes, uintDecimal, RawJsonNumber } from './goFormat.ts';
import {
  jsonHeaderFields,
  jsonMember,
  printEndpointHashKV,
  printEndpointHealth,
  printEndpointStatus,
  printMemberList,
  printSnapshotStatus,
  type EndpointHash,
  type EndpointHealth,
  type EndpointStatus,
} from './printers.ts';

function memberArg(ctx: Ctx, args: string[]): Id64 {
  if (args.length !== 1) ctx.fail(ExitCode.BadArgs, 'member ID is not provided');
  const v = goParseBig(args[0]!, 16, true);
  if (typeof v === 'string') ctx.fail(ExitCode.BadArgs, `bad member ID arg (${v}), expecting ID in Hex`);
  return id64FromBigInt(v);
}

export async function memberListCommand(ctx: Ctx): Promise<void> {
  const c = ctx.client();
  const resp = await ctx.rpc(c.memberList()).catch((e) => ctx.fail(ExitCode.Error, errorText(e)));
  ctx.print(printMemberList(ctx.display(), resp));
}

/** types.NewURLs: each URL must be scheme://host:port without a path; the list comes back sorted. */
function checkUrls(ctx: Ctx, list: string[]): string[] {
  for (const raw of list) {
    const s = raw.trim();
    const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/.exec(s);
    const scheme = m?.[1] ?? '';
    if (!['http', 'https', 'unix', 'unixs'].includes(scheme)) {
      ctx.fail(ExitCode.Error, `URL scheme must be http, https, unix, or unixs: ${s}`);
    }
    if (!/^(\[[^\]]*\]|[^:]*):[^:]*$/.test(m![2]!)) ctx.fail(ExitCode.Error, `URL address does not have the form "host:port": ${s}`);
    if (m![3] !== '') ctx.fail(ExitCode.Error, `URL must not contain a path: ${s}`);
  }
  return list.map((u) => u.trim()).sort();
}

export async function memberAddCommand(ctx: Ctx, args: string[]): Promise<void> {
  if (args.length < 1) ctx.fail(ExitCode.BadArgs, 'member name not provided');
  if (args.length > 1) ctx.fail(ExitCode.BadArgs, 'too many arguments');
  const name = args[0]!;
  const peerFlag = ctx.flag<string>('peer-urls');
  if (peerFlag === '') ctx.fail(ExitCode.BadArgs, 'member peer urls not provided');
  const given = peerFlag.split(',');
  const urls = checkUrls(ctx, given);
  const c = ctx.client();
  const learner = ctx.flag<boolean>('learner');
  const resp: MemberAddResponse = await ctx
    .rpc(c.memberAdd({ peerURLs: urls, isLearner: learner }))
    .catch((e) => ctx.fail(ExitCode.Error, errorText(e)));
  const w = ctx.display();
  if (w === 'json') {
    ctx.out(textBytes(goJson({ header: jsonHeaderFields(resp.header), member: jsonMember(resp.member), members: resp.members.map(jsonMember) })) + '\n');
    return;
  }
  if (w !== 'simple') ctx.print(null);
  ctx.out(`Member ${hexIdPadded(resp.member.ID)} added to cluster ${hexIdPadded(resp.header.cluster_id)}\n`);
  const list: MemberListResponse = await ctx.rpc(c.memberList()).catch((e) => ctx.fail(ExitCode.Error, errorText(e)));
  const conf: string[] = [];
  for (const m of list.members) {
    for (const u of m.peerURLs) conf.push(`${m.ID === resp.member.ID ? name : m.name}=${u}`);
  }
  ctx.out(
    textBytes(
      '\n' +
        `ETCD_NAME=${goQuote(textBytes(name))}\n` +
        `ETCD_INITIAL_CLUSTER=${goQuote(textBytes(conf.join(',')))}\n` +
        `ETCD_INITIAL_ADVERTISE_PEER_URLS=${goQuote(textBytes(given.join(',')))}\n` +
        'ETCD_INITIAL_CLUSTER_STATE="existing"\n',
    ),
  );
}

async function memberChange(ctx: Ctx, args: string[], verb: 'removed from' | 'promoted in'): Promise<void> {
  const id = memberArg(ctx, args);
  const c = ctx.client();
  const resp = await ctx
    .rpc(verb === 'removed from' ? c.memberRemove(id) : c.memberPromote(id))
    .catch((e) => ctx.fail(ExitCode.Error, errorText(e)));
  const w = ctx.display();
  if (w === 'simple') ctx.out(`Member ${hexIdPadded(id)} ${verb} cluster ${hexIdPadded(resp.header.cluster_id)}\n`);
  else if (w === 'json') ctx.out(textBytes(goJson({ header: jsonHeaderFields(resp.header), members: resp.members.map(jsonMember) })) + '\n');
  else ctx.print(null);
}

export const memberRemoveCommand = (ctx: Ctx, args: string[]) => memberChange(ctx, args, 'removed from');
export const memberPromoteCommand = (ctx: Ctx, args: string[]) => memberChange(ctx, args, 'promoted in');

/** The endpoints a per-endpoint command visits: --endpoints, or every member's with --cluster. */
async function targetEndpoints(ctx: Ctx): Promise<string[]> {
  if (!ctx.flag<boolean>('cluster')) return ctx.endpoints();
  const c = ctx.client();
  const resp = await ctx
    .rpc(c.memberList())
    .catch((e) => ctx.fail(ExitCode.Error, `failed to fetch endpoints from etcd cluster member list: ${errorText(e)}`));
  return resp.members.flatMap((m) => m.clientURLs);
}

export async function endpointStatusCommand(ctx: Ctx): Promise<void> {
  const eps = await targetEndpoints(ctx);
  const c = ctx.client();
  const list: EndpointStatus[] = [];
  let failed = false;
  for (const ep of eps) {
    try {
      list.push({ ep, resp: await ctx.rpc(c.status(ep)) });
    } catch (e) {
      ctx.err(textBytes(`Failed to get the status of endpoint ${ep} (${errorText(e)})\n`));
      failed = true;
    }
  }
  ctx.print(printEndpointStatus(ctx.display(), list));
  if (failed) throw new Exit(ExitCode.Error);
}

export async function endpointHashKVCommand(ctx: Ctx): Promise<void> {
  const eps = await targetEndpoints(ctx);
  const c = ctx.client();
  const rev = ctx.flag<number>('rev');
  const list: EndpointHash[] = [];
  let lastErr: string | undefined;
  for (const ep of eps) {
    try {
      list.push({ ep, resp: await ctx.rpc(c.hashKV(rev, ep)) });
    } catch (e) {
      lastErr = errorText(e);
      ctx.err(textBytes(`Failed to get the hash of endpoint ${ep} (${lastErr})\n`));
    }
  }
  ctx.print(printEndpointHashKV(ctx.display(), list));
  if (lastErr !== undefined) ctx.fail(ExitCode.Error, lastErr);
}

export async function endpointHealthCommand(ctx: Ctx): Promise<void> {
  const eps = await targetEndpoints(ctx);
  const main = ctx.client();
  const now = ctx.env.nowMs ?? (() => performance.now());
  const results = await Promise.all(
    eps.map(async (ep): Promise<EndpointHealth> => {
      // One client per endpoint when the environment can build them, as etcdctl dials each.
      const c: EtcdClient = ctx.env.clientFactory && eps.length > 1 ? ctx.env.clientFactory([ep]) : main;
      const start = now();
      const h: EndpointHealth = { ep, health: false, took: '', error: '' };
      try {
        await ctx.rpc(c.range({ key: 'health' }));
        h.health = true;
      } catch (e) {
        const body = e as Partial<EtcdErrorBody>;
        if (body.code === 'PermissionDenied') h.health = true;
        else h.error = errorText(e);
      }
      // etcdctl 3.4 judges health by this read alone; active alarms do not make it unhealthy.
      h.took = goDuration((now() - start) * 1e6);
      if (c !== main) c.close();
      return h;
    }),
  );
  const printed = printEndpointHealth(ctx.display(), results);
  ctx.out(printed!.out);
  ctx.err(printed!.err);
  if (results.some((h) => !h.health)) ctx.fail(ExitCode.Error, 'unhealthy cluster');
}

export async function moveLeaderCommand(ctx: Ctx, args: string[]): Promise<void> {
  if (args.length !== 1) ctx.fail(ExitCode.BadArgs, 'move-leader command needs 1 argument');
  const t = goParseBig(args[0]!, 16, true);
  if (typeof t === 'string') ctx.fail(ExitCode.BadArgs, t);
  const target = id64FromBigInt(t);
  const c = ctx.client();
  const eps = ctx.endpoints();
  let leaderEp: string | undefined;
  let leaderId = '0';
  for (const ep of eps) {
    const st = await ctx.rpc(c.status(ep)).catch((e) => ctx.fail(ExitCode.Error, errorText(e)));
    if (st.header.member_id === st.leader) {
      leaderEp = ep;
      leaderId = st.leader;
      break;
    }
  }
  if (leaderEp === undefined) ctx.fail(ExitCode.BadArgs, `no leader endpoint given at [${eps.join(' ')}]`);
  const resp = await ctx.rpc(c.moveLeader(target, leaderEp)).catch((e) => ctx.fail(ExitCode.Error, errorText(e)));
  const w = ctx.display();
  if (w === 'simple') ctx.out(`Leadership transferred from ${hexId(leaderId)} to ${hexId(target)}\n`);
  // etcd answers MoveLeader without a header, so the JSON is empty.
  else if (w === 'json') ctx.out(goJson({}) + '\n');
  else ctx.print(null);
  void resp;
}

/** member update: arguments are checked as etcdctl does; the update itself is not offered. */
export async function memberUpdateCommand(ctx: Ctx, args: string[]): Promise<void> {
  memberArg(ctx, args);
  if (ctx.flag<string>('peer-urls') === '') ctx.fail(ExitCode.BadArgs, 'member peer urls not provided');
  ctx.fail(ExitCode.BadFeature, '"etcdctl member update" is not supported by this console');
}

const alarmNumber: Record<string, number> = { NONE: 0, NOSPACE: 1, CORRUPT: 2 };

function printAlarms(ctx: Ctx, alarms: AlarmMember[]): void {
  const w = ctx.display();
  if (w === 'simple') {
    for (const a of alarms) ctx.out(`memberID:${uintDecimal(a.memberID)} alarm:${a.alarm} \n`);
  } else if (w === 'json') {
    const list = alarms.map((a) => {
      const o: Record<string, RawJsonNumber | number> = {};
      if (a.memberID !== '0') o.memberID = new RawJsonNumber(uintDecimal(a.memberID));
      if (alarmNumber[a.alarm]) o.alarm = alarmNumber[a.alarm]!;
      return o;
    });
    // etcd answers alarm requests without a header, so none is printed.
    ctx.out(goJson(list.length === 0 ? {} : { alarms: list }) + '\n');
  } else ctx.print(null);
}

export async function alarmListCommand(ctx: Ctx): Promise<void> {
  const c = ctx.client();
  const resp: AlarmResponse = await ctx.rpc(c.alarm({ action: 'GET' })).catch((e) => ctx.fail(ExitCode.Error, errorText(e)));
  printAlarms(ctx, resp.alarms);
}

export async function alarmDisarmCommand(ctx: Ctx): Promise<void> {
  const c = ctx.client();
  const fail = (e: unknown) => ctx.fail(ExitCode.Error, errorText(e));
  const list = await ctx.rpc(c.alarm({ action: 'GET' })).catch(fail);
  const disarmed: AlarmMember[] = [];
  for (const a of list.alarms) {
    const r = await ctx.rpc(c.alarm({ action: 'DEACTIVATE', memberID: a.memberID, alarm: a.alarm })).catch(fail);
    disarmed.push(...r.alarms);
  }
  printAlarms(ctx, disarmed);
}

export async function defragCommand(ctx: Ctx): Promise<void> {
  if (ctx.flag<string>('data-dir') !== '') ctx.fail(ExitCode.BadFeature, 'offline defragmentation (--data-dir) is not supported by this console');
  const eps = await targetEndpoints(ctx);
  const c = ctx.client();
  let failed = false;
  for (const ep of eps) {
    try {
      await ctx.rpc(c.defragment(ep));
      ctx.out(textBytes(`Finished defragmenting etcd member[${ep}]\n`));
    } catch (e) {
      ctx.err(textBytes(`Failed to defragment etcd member[${ep}] (${errorText(e)})\n`));
      failed = true;
    }
  }
  if (failed) throw new Exit(ExitCode.Error);
}

export async function snapshotSaveCommand(ctx: Ctx, args: string[]): Promise<void> {
  if (args.length !== 1) ctx.fail(ExitCode.BadArgs, 'snapshot save expects one argument');
  const eps = ctx.endpoints();
  if (eps.length !== 1) {
    // etcdctl exits with its "interrupted" status here.
    ctx.fail(ExitCode.Interrupted, `snapshot must be requested to one selected node, not multiple [${eps.join(' ')}]`);
  }
  const c = ctx.client();
  const snap = await ctx.rpc(c.snapshot(eps[0])).catch((e) => ctx.fail(ExitCode.Error, errorText(e)));
  const files = ctx.env.files;
  if (!files) ctx.fail(ExitCode.IO, 'this console has no file storage for snapshots');
  files.set(args[0]!, snap.blob);
  ctx.out(textBytes(`Snapshot saved at ${args[0]}\n`));
}

export async function snapshotStatusCommand(ctx: Ctx, args: string[]): Promise<void> {
  if (args.length !== 1) ctx.fail(ExitCode.BadArgs, 'snapshot status requires exactly one argument');
  const w = ctx.display();
  const blob = ctx.env.files?.get(args[0]!);
  if (blob === undefined) ctx.fail(ExitCode.Error, `stat ${args[0]}: no such file or directory`);
  if (!ctx.env.snapshotStatus) ctx.fail(ExitCode.BadFeature, 'this console cannot read snapshot files');
  let st;
  try {
    st = ctx.env.snapshotStatus(blob);
  } catch (e) {
    ctx.fail(ExitCode.Error, errorText(e));
  }
  ctx.out(textBytes(printSnapshotStatus(w, st)));
}

export async function snapshotRestoreCommand(ctx: Ctx, args: string[]): Promise<void> {
  if (args.length !== 1) ctx.fail(ExitCode.BadArgs, 'snapshot restore requires exactly one argument');
  const blob = ctx.env.files?.get(args[0]!);
  if (blob === undefined) ctx.fail(ExitCode.Error, `stat ${args[0]}: no such file or directory`);
  if (!ctx.env.snapshotRestore) ctx.fail(ExitCode.BadFeature, 'this console cannot restore snapshots');
  const text = await ctx.env
    .snapshotRestore({
      blob,
      path: args[0]!,
      name: ctx.flag<string>('name'),
      dataDir: ctx.flag<string>('data-dir'),
      initialCluster: ctx.flag<string>('initial-cluster'),
      initialClusterToken: ctx.flag<string>('initial-cluster-token'),
      initialAdvertisePeerUrls: ctx.flag<string>('initial-advertise-peer-urls'),
      skipHashCheck: ctx.flag<boolean>('skip-hash-check'),
    })
    .catch((e) => ctx.fail(ExitCode.Error, errorText(e)));
  ctx.out(textBytes(text));
}

export async function versionCommand(ctx: Ctx): Promise<void> {
  ctx.out('etcdctl version: 3.4.23\nAPI version: 3.4\n');
}
