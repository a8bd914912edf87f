/**
 * Runs one generated operation sequence against two etcd clients (a real etcd and the
 * playground) and compares every answer field by field, and the event streams of watches.
 *
 * Allowed differences, and nothing else: cluster and member IDs and raft terms in headers; the
 * member-derived bits of server-chosen lease IDs (the playground's IDs are mapped to the real
 * ones by grant order); a lease's remaining TTL (both must be in (0, granted]), and the order of the lease
 * list (etcd orders it by expiry time): the real etcd counts wall time, the playground virtual time.
 */
import { EtcdError, IndeterminateError, type EtcdClient } from '../../client/client.ts';
import type { Id64, WatchResponse } from '../../server/api.ts';
import { OpGenerator, type CompatOp, type GenState } from './opGenerator.ts';

export interface CompatSide {
  name: string;
  client: EtcdClient;
  /** Lets time pass on this side (virtual time in the playground, wall time for a real etcd). */
  settle(ms: number): Promise<void>;
  /** Quiet time after which a catch-up watch is considered complete on this side. */
  watchQuietMs: number;
}

export interface CompatMismatch {
  index: number;
  op: CompatOp;
  real: unknown;
  play: unknown;
}

export interface CompatReport {
  seed: number;
  ops: number;
  watchesCompared: number;
  eventsCompared: number;
  mismatch?: CompatMismatch;
}

/** JSON with sorted keys and no undefined fields: equal data prints equally. */
export function canonical(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

type Outcome = { ok: unknown } | { error: { code: string; message: string } };

/** Lease IDs: playground ID <-> real ID, learned from grants that succeeded on both sides. */
class LeaseIdMap {
  private readonly playToReal = new Map<Id64, Id64>();
  private readonly realToPlay = new Map<Id64, Id64>();
  add(play: Id64, real: Id64): void {
    this.playToReal.set(play, real);
    this.realToPlay.set(real, play);
  }
  toPlay(real: Id64): Id64 {
    return this.realToPlay.get(real) ?? real;
  }
  toReal(play: Id64): Id64 {
    return this.playToReal.get(play) ?? play;
  }
}

/** Rewrites every lease-ID field ('lease', 'ID') through `f`, in a copy. */
function mapLeaseIds(v: unknown, f: (id: Id64) => Id64): unknown {
  if (Array.isArray(v)) return v.map((x) => mapLeaseIds(x, f));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if ((k === 'lease' || k === 'ID') && typeof x === 'string') out[k] = f(x);
      else out[k] = mapLeaseIds(x, f);
    }
    return out;
  }
  return v;
}

/** Blanks what may differ between two clusters: IDs and terms of headers. */
function blankHeaders(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(blankHeaders);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'header' && x && typeof x === 'object') {
        const h = x as Record<string, unknown>;
        out[k] = { revision: h.revision, cluster_id: h.cluster_id === '0' ? '0' : '*', member_id: h.member_id === '0' ? '0' : '*', raft_term: h.raft_term === 0 ? 0 : '*' };
      } else out[k] = blankHeaders(x);
    }
    return out;
  }
  return v;
}

async function outcome(p: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await p };
  } catch (e) {
    if (e instanceof EtcdError) return { error: { code: e.code, message: e.message } };
    if (e instanceof IndeterminateError) return { error: { code: 'INDETERMINATE', message: e.message } };
    throw e;
  }
}

function send(c: EtcdClient, op: CompatOp): Promise<unknown> {
  switch (op.kind) {
    case 'put':
      return c.put(op.req);
    case 'range':
      return c.range(op.req);
    case 'deleteRange':
      return c.deleteRange(op.req);
    case 'txn':
      return c.txn(op.req);
    case 'compact':
      return c.compact(op.req);
    case 'leaseGrant':
      return c.leaseGrant(op.req);
    case 'leaseRevoke':
      return c.leaseRevoke(op.id);
    case 'leaseTimeToLive':
      return c.leaseTimeToLive(op.req);
    case 'leaseKeepAlive':
      return c.leaseKeepAliveOnce(op.id);
    case 'leaseLeases':
      return c.leaseLeases();
    case 'watch':
      throw new Error('watch ops are run by runWatch');
  }
}

/** The op with the real side's lease IDs replaced by the playground's. */
function opForPlay(op: CompatOp, ids: LeaseIdMap): CompatOp {
  const m = mapLeaseIds(op, (id) => ids.toPlay(id)) as CompatOp;
  if (op.kind === 'leaseRevoke' || op.kind === 'leaseKeepAlive') return { ...op, id: ids.toPlay(op.id) };
  return m;
}

interface WatchLog {
  responses: WatchResponse[];
  quietSince: number;
}

function flattenWatch(rs: WatchResponse[]): unknown[] {
  const out: unknown[] = [];
  for (const r of rs) {
    if (r.created || r.canceled || r.events.length === 0) {
      out.push({ watch_id: r.watch_id, created: r.created, canceled: r.canceled, compact_revision: r.compact_revision, cancel_reason: r.cancel_reason, revision: r.created ? r.header.revision : undefined });
    }
    for (const e of r.events) out.push(e);
  }
  return out;
}

async function collectWatch(side: CompatSide, req: Parameters<EtcdClient['watch']>[0], until: (rs: WatchResponse[]) => boolean, maxMs: number): Promise<WatchResponse[]> {
  const log: WatchLog = { responses: [], quietSince: 0 };
  const h = side.client.watch(req, (r) => log.responses.push(r));
  let waited = 0;
  let lastCount = -1;
  let quiet = 0;
  const stepMs = 25;
  while (waited < maxMs) {
    await side.settle(stepMs);
    waited += stepMs;
    if (log.responses.length !== lastCount) {
      lastCount = log.responses.length;
      quiet = 0;
    } else quiet += stepMs;
    if (log.responses.some((r) => r.canceled)) break;
    if (log.responses.some((r) => r.created) && (until(log.responses) || quiet >= side.watchQuietMs)) break;
  }
  // What arrives after the cancel is not compared: the gateway cannot show a cancel confirmation.
  const seen = log.responses.length;
  await h.cancel();
  return log.responses.slice(0, seen);
}

function sortLeases(v: unknown): unknown {
  const o = v as { ok?: { leases: { ID: Id64 }[] } };
  if (!o.ok) return v;
  return { ok: { ...o.ok, leases: [...o.ok.leases].sort((x, y) => (x.ID < y.ID ? -1 : x.ID > y.ID ? 1 : 0)) } };
}

export interface RunCompatOptions {
  seed: number;
  ops: number;
  /** Called before each operation (progress display, debugging). */
  onOp?: (index: number, op: CompatOp) => void;
  real: CompatSide;
  play: CompatSide;
}

export async function runCompat(o: RunCompatOptions): Promise<CompatReport> {
  const gen = new OpGenerator(o.seed);
  const ids = new LeaseIdMap();
  const state: GenState = { revision: 1, compactRevision: 0, leases: [] };
  const report: CompatReport = { seed: o.seed, ops: 0, watchesCompared: 0, eventsCompared: 0 };

  // One watch on the whole key space from the start, with previous values: every event of the run.
  const allReq = { key: '\0', range_end: '\0', prev_kv: true };
  const realAll: WatchResponse[] = [];
  const playAll: WatchResponse[] = [];
  const hReal = o.real.client.watch(allReq, (r) => realAll.push(r));
  const hPlay = o.play.client.watch(allReq, (r) => playAll.push(r));
  await Promise.all([o.real.settle(200), o.play.settle(200)]);

  const mismatch = (index: number, op: CompatOp, real: unknown, play: unknown): CompatReport => {
    report.mismatch = { index, op, real, play };
    return report;
  };

  for (let i = 0; i < o.ops; i++) {
    const op = gen.next(state);
    o.onOp?.(i, op);
    report.ops++;
    if (op.kind === 'watch') {
      const target = state.revision;
      const until = (rs: WatchResponse[]) => rs.some((r) => r.events.some((e) => e.kv.mod_revision >= target));
      const realRs = await collectWatch(o.real, op.req, until, 3000);
      const playRs = await collectWatch(o.play, op.req, until, 3000);
      const a = flattenWatch(realRs);
      const b = flattenWatch(mapLeaseIds(playRs, (id) => ids.toReal(id)) as WatchResponse[]);
      report.watchesCompared++;
      report.eventsCompared += a.length;
      if (canonical(a) !== canonical(b)) return mismatch(i, op, a, b);
      continue;
    }
    const real = await outcome(send(o.real.client, op));
    const play = await outcome(send(o.play.client, opForPlay(op, ids)));
    if (op.kind === 'leaseGrant' && 'ok' in real && 'ok' in play) {
      ids.add((play.ok as { ID: Id64 }).ID, (real.ok as { ID: Id64 }).ID);
    }
    let a = blankHeaders(real);
    let b = blankHeaders(mapLeaseIds(play, (id) => ids.toReal(id)));
    if (op.kind === 'leaseTimeToLive' && 'ok' in real && 'ok' in play) {
      // Remaining time runs on different clocks: any value in (0, granted] on both sides counts as equal.
      const ta = (real.ok as { TTL: number }).TTL;
      const tb = (play.ok as { TTL: number }).TTL;
      const granted = (real.ok as { grantedTTL: number }).grantedTTL;
      if (ta > 0 && tb > 0 && ta <= granted && tb <= granted) b = { ...(b as object), ok: { ...((b as { ok: object }).ok), TTL: ta } };
    }
    if (op.kind === 'leaseLeases') {
      // etcd lists leases by expiry time, which runs on two different clocks: compare as sets.
      a = sortLeases(a);
      b = sortLeases(b);
    }
    if (canonical(a) !== canonical(b)) return mismatch(i, op, a, b);
    // Learn what both agreed on.
    if ('ok' in real) {
      const rev = (real.ok as { header?: { revision: number } }).header?.revision;
      if (rev && rev > state.revision) state.revision = rev;
      if (op.kind === 'compact') state.compactRevision = op.req.revision;
      if (op.kind === 'leaseGrant') {
        const lid = (real.ok as { ID: Id64 }).ID;
        if (op.req.TTL < 10) {
          // A minimum-TTL lease would expire on two different clocks: revoke it on both at once.
          const r2 = await outcome(o.real.client.leaseRevoke(lid));
          const p2 = await outcome(o.play.client.leaseRevoke(ids.toPlay(lid)));
          a = blankHeaders(r2);
          b = blankHeaders(p2);
          if (canonical(a) !== canonical(b)) return mismatch(i, op, a, b);
        } else state.leases.push(lid);
      }
      if (op.kind === 'leaseRevoke') state.leases = state.leases.filter((x) => x !== op.id);
    }
  }

  // Drain the whole-space watch on both sides up to the final revision and compare the streams.
  const done = (rs: WatchResponse[]) => rs.some((r) => r.events.some((e) => e.kv.mod_revision >= state.revision)) || state.revision <= 1;
  for (let waited = 0; waited < 5000 && !(done(realAll) && done(playAll)); waited += 50) {
    await Promise.all([o.real.settle(50), o.play.settle(50)]);
  }
  const realSeen = realAll.length;
  const playSeen = playAll.length;
  await hReal.cancel();
  await hPlay.cancel();
  const a = flattenWatch(realAll.slice(0, realSeen));
  const b = flattenWatch(mapLeaseIds(playAll.slice(0, playSeen), (id) => ids.toReal(id)) as WatchResponse[]);
  report.watchesCompared++;
  report.eventsCompared += a.length;
  if (canonical(a) !== canonical(b)) {
    // Point at the first differing element rather than dumping both streams.
    let k = 0;
    while (k < a.length && k < b.length && canonical(a[k]) === canonical(b[k])) k++;
    return mismatch(o.ops, { kind: 'watch', req: allReq }, { at: k, item: a[k], count: a.length }, { at: k, item: b[k], count: b.length });
  }
  return report;
}
