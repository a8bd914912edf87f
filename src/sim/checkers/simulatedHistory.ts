/**
 * Seeded histories of a correct etcd, for testing the checkers and benchmarking them: clients
 * issue operations with overlapping intervals; each takes effect at one instant inside its
 * interval on a plain reference store (deliberately independent of `kvModel.ts`, so the
 * checker is tested against a second reading of etcd's semantics). Watchers receive exactly
 * what etcd promises. Every history produced here is linearizable and every watch correct.
 */
import type {
  Event,
  History,
  HistoryOperation,
  KeyValue,
  KvRequest,
  KvResponse,
  RequestOp,
  ResponseOp,
  WatchCreateRequest,
  WatchRecord,
  WatchResponse,
} from './types.ts';
import type { KvLog, CommittedRevision } from './committedLog.ts';

/** mulberry32: small, fast, seeded; good enough for workloads. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SimulationOptions {
  seed: number;
  clients: number;
  operations: number;
  keys: number;
  /** Probability that an operation gets no answer (it then applies with probability 1/2). */
  indeterminateRate?: number;
  /** Probability that an operation is rejected without effect. */
  failureRate?: number;
  /** Upper bound of each half of an operation's interval (call→effect, effect→return). */
  latencyMs?: number;
  watchers?: number;
  /**
   * Draw put values from this many distinct values instead of making every value unique
   * (repeated values make unanswered writes harder to place, as in real workloads).
   */
  valueSpace?: number;
}

export interface SimulatedRun {
  history: History;
  log: KvLog;
}

const header = (revision: number) => ({ cluster_id: '1', member_id: '1', revision, raft_term: 1 });

/** The reference store: a Map and a revision counter, nothing clever. */
class ReferenceStore {
  kvs = new Map<string, KeyValue>();
  rev = 1;
  log: CommittedRevision[] = [];
  commitTimes: number[] = [];

  private inRange(key: string, rangeEnd: string | undefined): KeyValue[] {
    const out: KeyValue[] = [];
    for (const kv of this.kvs.values()) {
      const hit = !rangeEnd ? kv.key === key : rangeEnd === '\0' ? kv.key >= key : kv.key >= key && kv.key < rangeEnd;
      if (hit) out.push(kv);
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  execute(req: KvRequest, timeMs: number): KvResponse {
    const events: Event[] = [];
    const run = (op: RequestOp): ResponseOp => {
      if ('request_range' in op) {
        const r = op.request_range;
        const kvs = this.inRange(r.key, r.range_end).map((kv) => ({ ...kv }));
        return { response_range: { header: header(this.rev), kvs, more: false, count: kvs.length } };
      }
      if ('request_put' in op) {
        const p = op.request_put;
        const prev = this.kvs.get(p.key);
        const kv: KeyValue = {
          key: p.key,
          value: p.value ?? '',
          lease: '0',
          create_revision: prev ? prev.create_revision : this.rev + 1,
          mod_revision: this.rev + 1,
          version: prev ? prev.version + 1 : 1,
        };
        this.kvs.set(p.key, kv);
        events.push(prev ? { type: 'PUT', kv, prev_kv: prev } : { type: 'PUT', kv });
        return { response_put: p.prev_kv && prev ? { header: header(0), prev_kv: { ...prev } } : { header: header(0) } };
      }
      if ('request_delete_range' in op) {
        const d = op.request_delete_range;
        const victims = this.inRange(d.key, d.range_end);
        for (const v of victims) {
          this.kvs.delete(v.key);
          events.push({ type: 'DELETE', kv: { key: v.key, create_revision: 0, mod_revision: this.rev + 1, version: 0, value: '', lease: '0' }, prev_kv: v });
        }
        return { response_delete_range: { header: header(0), deleted: victims.length, prev_kvs: d.prev_kv ? victims.map((v) => ({ ...v })) : [] } };
      }
      const t = op.request_txn;
      const ok = (t.compare ?? []).every((c) => {
        const kv = this.kvs.get(c.key);
        if (c.target === 'VALUE' && !kv) return false;
        const actual = c.target === 'MOD' ? (kv?.mod_revision ?? 0) : c.target === 'VERSION' ? (kv?.version ?? 0) : c.target === 'CREATE' ? (kv?.create_revision ?? 0) : (kv?.value ?? '');
        const want = c.target === 'MOD' ? c.mod_revision : c.target === 'VERSION' ? c.version : c.target === 'CREATE' ? c.create_revision : c.value;
        if (c.result === 'EQUAL') return actual === want;
        if (c.result === 'NOT_EQUAL') return actual !== want;
        if (c.result === 'GREATER') return (actual as number) > (want as number);
        return (actual as number) < (want as number);
      });
      const responses = ((ok ? t.success : t.failure) ?? []).map(run);
      return { response_txn: { header: header(0), succeeded: ok, responses } };
    };
    const wrapped: RequestOp =
      req.type === 'range' ? { request_range: req.request } : req.type === 'put' ? { request_put: req.request } : req.type === 'deleteRange' ? { request_delete_range: req.request } : { request_txn: req.request };
    const resp = run(wrapped);
    if (events.length > 0) {
      this.rev++;
      this.log.push({ revision: this.rev, events });
      this.commitTimes.push(timeMs);
    }
    const fix = (r: ResponseOp): void => {
      const inner = Object.values(r)[0] as KvResponse;
      inner.header = header(this.rev);
      if ('response_txn' in r) r.response_txn.responses.forEach(fix);
    };
    fix(resp);
    return Object.values(resp)[0] as KvResponse;
  }
}

function keyName(i: number): string {
  return `k/${String(i).padStart(2, '0')}`;
}

/** A correct concurrent execution; see the file comment. Deterministic in `options`. */
export function simulateHistory(options: SimulationOptions): SimulatedRun {
  const rand = seededRandom(options.seed);
  const int = (n: number): number => Math.floor(rand() * n);
  const latency = options.latencyMs ?? 10;
  const store = new ReferenceStore();
  const operations: HistoryOperation[] = [];
  const lastSeenMod = new Map<string, number>();
  let valueCounter = 0;
  const nextValue = (): string => (options.valueSpace ? `v${int(options.valueSpace)}` : `v${valueCounter++}`);

  const newRequest = (): KvRequest => {
    const key = keyName(int(options.keys));
    const roll = rand();
    if (roll < 0.35) return { type: 'put', request: { key, value: nextValue(), ...(rand() < 0.2 ? { prev_kv: true } : {}) } };
    if (roll < 0.6) return { type: 'range', request: { key } };
    if (roll < 0.7) {
      const prefix = key.slice(0, 3);
      return { type: 'range', request: { key: prefix, range_end: prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1) } };
    }
    if (roll < 0.8) {
      // A quarter of the deletes take a whole prefix, so some revisions carry several events.
      if (rand() < 0.25) {
        const prefix = key.slice(0, 3);
        return { type: 'deleteRange', request: { key: prefix, range_end: prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1), ...(rand() < 0.3 ? { prev_kv: true } : {}) } };
      }
      return { type: 'deleteRange', request: { key, ...(rand() < 0.3 ? { prev_kv: true } : {}) } };
    }
    return {
      type: 'txn',
      request: {
        compare: [{ target: 'MOD', result: 'EQUAL', key, mod_revision: lastSeenMod.get(key) ?? 0 }],
        success: [{ request_put: { key, value: nextValue() } }],
        failure: [{ request_range: { key } }],
      },
    };
  };

  // Each client runs one operation at a time; the next effect to happen globally goes first.
  interface Pending {
    client: number;
    callMs: number;
    effectMs: number;
    returnMs: number;
    request: KvRequest;
    fate: 'ok' | 'failed' | 'lost-applied' | 'lost';
  }
  const nextFor = (client: number, fromMs: number): Pending => {
    const callMs = fromMs + int(latency);
    const effectMs = callMs + int(latency);
    const returnMs = effectMs + int(latency);
    const r = rand();
    const ind = options.indeterminateRate ?? 0;
    const fail = options.failureRate ?? 0;
    const fate = r < ind / 2 ? 'lost-applied' : r < ind ? 'lost' : r < ind + fail ? 'failed' : 'ok';
    return { client, callMs, effectMs, returnMs, request: newRequest(), fate };
  };
  const pending: Pending[] = [];
  for (let c = 0; c < options.clients; c++) pending.push(nextFor(c, 0));
  let issued = pending.length;
  while (pending.length > 0) {
    let bi = 0;
    for (let i = 1; i < pending.length; i++) if (pending[i]!.effectMs < pending[bi]!.effectMs) bi = i;
    const p = pending[bi]!;
    const rec: HistoryOperation = { id: operations.length, clientId: `c${p.client}`, callMs: p.callMs, returnMs: p.returnMs, op: p.request, outcome: { status: 'indeterminate' } };
    if (p.fate === 'ok') {
      const response = store.execute(p.request, p.effectMs);
      rec.outcome = { status: 'ok', response };
      if (p.request.type === 'range') for (const kv of (response as { kvs: KeyValue[] }).kvs) lastSeenMod.set(kv.key, kv.mod_revision);
    } else if (p.fate === 'failed') {
      rec.outcome = { status: 'failed', error: { code: 'InvalidArgument', message: 'etcdserver: duplicate key given in txn request' } };
    } else {
      if (p.fate === 'lost-applied') store.execute(p.request, p.effectMs);
      rec.returnMs = null;
      rec.outcome = { status: 'indeterminate', error: { message: 'context deadline exceeded' } };
    }
    operations.push(rec);
    if (issued < options.operations) {
      pending[bi] = nextFor(p.client, p.returnMs);
      issued++;
    } else pending.splice(bi, 1);
  }
  operations.sort((a, b) => a.callMs - b.callMs || a.id - b.id);

  const log: KvLog = { baseRevision: 1, baseKvs: [], revisions: store.log, lastRevision: store.rev };
  const endMs = operations.reduce((m, o) => Math.max(m, o.returnMs ?? o.callMs), 0);
  const watches = simulateWatchers(rand, options.watchers ?? 0, options.keys, store, endMs);
  return { history: { operations, watches }, log };
}

function matches(req: WatchCreateRequest, e: Event): boolean {
  const k = e.kv.key;
  const inRange = !req.range_end ? k === req.key : req.range_end === '\0' ? k >= req.key : k >= req.key && k < req.range_end;
  if (!inRange) return false;
  if (e.type === 'PUT' && req.filters?.includes('NOPUT')) return false;
  if (e.type === 'DELETE' && req.filters?.includes('NODELETE')) return false;
  return true;
}

function watchResponse(watchId: number, revision: number, events: Event[], extra: Partial<WatchResponse> = {}): WatchResponse {
  return { header: header(revision), watch_id: watchId, created: false, canceled: false, compact_revision: 0, cancel_reason: '', fragment: false, events, ...extra };
}

/** Revision current at `timeMs` (commits at that very instant count). */
function revisionAt(store: ReferenceStore, timeMs: number): number {
  let lo = 0;
  while (lo < store.commitTimes.length && store.commitTimes[lo]! <= timeMs) lo++;
  return 1 + lo;
}

function simulateWatchers(rand: () => number, count: number, keys: number, store: ReferenceStore, endMs: number): WatchRecord[] {
  const int = (n: number): number => Math.floor(rand() * n);
  const out: WatchRecord[] = [];
  const deliver = (watcherId: string, request: WatchCreateRequest, createdMs: number, closeMs: number | null, resumes?: string): WatchRecord => {
    const rec: WatchRecord = { watcherId, clientId: `watch-${watcherId}`, request, createdMs, responses: [], closedMs: closeMs, ...(resumes ? { resumes } : {}) };
    const currentRev = revisionAt(store, createdMs);
    const start = request.start_revision || currentRev + 1;
    const until = closeMs ?? Infinity;
    rec.responses.push({ timeMs: createdMs, response: watchResponse(out.length + 1, currentRev, [], { created: true }) });
    const strip = (e: Event): Event => (request.prev_kv ? e : { type: e.type, kv: e.kv });
    // History before creation comes in one batch (whole revisions only), then live events.
    const past: Event[] = [];
    for (const r of store.log) {
      if (r.revision < start) continue;
      const t = Math.max(createdMs, store.commitTimes[r.revision - 2]!) + 1;
      if (t > until) break;
      const evs = r.events.filter((e) => matches(request, e)).map(strip);
      if (r.revision <= currentRev) {
        past.push(...evs);
        continue;
      }
      if (past.length) {
        rec.responses.push({ timeMs: createdMs + 1, response: watchResponse(out.length + 1, currentRev, past.splice(0)) });
      }
      if (evs.length) rec.responses.push({ timeMs: t, response: watchResponse(out.length + 1, r.revision, evs) });
      if (request.progress_notify && rand() < 0.05) rec.responses.push({ timeMs: t, response: watchResponse(out.length + 1, r.revision, []) });
    }
    if (past.length && createdMs + 1 <= until) rec.responses.push({ timeMs: createdMs + 1, response: watchResponse(out.length + 1, currentRev, past.splice(0)) });
    out.push(rec);
    return rec;
  };
  for (let i = 0; i < count; i++) {
    const k = `k/${String(int(keys)).padStart(2, '0')}`;
    const prefix = rand() < 0.5;
    const request: WatchCreateRequest = {
      key: prefix ? k.slice(0, 3) : k,
      ...(prefix ? { range_end: k.slice(0, 2) + String.fromCharCode(k.charCodeAt(2) + 1) } : {}),
      ...(rand() < 0.5 ? { start_revision: 1 + int(Math.max(1, store.rev)) } : {}),
      ...(rand() < 0.3 ? { prev_kv: true } : {}),
      ...(rand() < 0.2 ? { filters: [rand() < 0.5 ? 'NOPUT' : 'NODELETE'] as const } : {}),
      progress_notify: rand() < 0.5,
    } as WatchCreateRequest;
    const createdMs = int(Math.max(1, endMs));
    const resume = rand() < 0.4;
    const closeMs = resume ? createdMs + int(Math.max(1, endMs - createdMs)) : null;
    const first = deliver(`w${i}`, request, createdMs, closeMs);
    if (resume) {
      const last = first.responses.flatMap((r) => r.response.events).at(-1)?.kv.mod_revision;
      const startRev = last !== undefined ? last + 1 : request.start_revision || revisionAt(store, createdMs) + 1;
      deliver(`w${i}r`, { ...request, start_revision: startRev }, closeMs! + 1, null, `w${i}`);
    }
  }
  return out;
}
