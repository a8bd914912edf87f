/**
 * The committed write log: for every revision, the events it produced, in sub-revision order.
 * It is the "truth" the watch checker compares watch streams with.
 *
 * A `KvLog` must be complete: every revision in (baseRevision, lastRevision] appears exactly
 * once, in order, with at least one event (etcd only creates a revision when something changes).
 * PUT events carry the full KeyValue; DELETE events carry key and mod_revision (the rest zero),
 * as etcd's do. `baseKvs` is the live key space at `baseRevision` (empty at revision 1).
 *
 * Build it with `kvLogFromHistory` from a history that passed the linearizability check, or
 * from any authoritative source (e.g. an inspector reading a member's MVCC store).
 */
import { BTree } from './btree.ts';
import { evalCompare, forEachInRange, initialModelState, rangeMismatch } from './kvModel.ts';
import type { Compare, Event, History, HistoryOperation, KeyValue, RangeRequest, RangeResponse, RequestOp, TxnResponse } from './types.ts';

export interface CommittedRevision {
  revision: number;
  events: Event[];
}

export interface KvLog {
  baseRevision: number;
  baseKvs: KeyValue[];
  revisions: CommittedRevision[];
  lastRevision: number;
}

export function validateKvLog(log: KvLog): void {
  let expect = log.baseRevision + 1;
  for (const r of log.revisions) {
    if (r.revision !== expect) throw new Error(`kv log: expected revision ${expect}, found ${r.revision}`);
    if (r.events.length === 0) throw new Error(`kv log: revision ${r.revision} has no events`);
    expect++;
  }
  if (log.lastRevision !== expect - 1) throw new Error(`kv log: lastRevision ${log.lastRevision} but revisions end at ${expect - 1}`);
}

const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Replays requests in order, producing each revision's events. */
class Replayer {
  tree = new BTree<string, KeyValue>(undefined, compareKeys);
  rev: number;
  readonly revisions: CommittedRevision[] = [];
  constructor(baseRevision: number, baseKvs: KeyValue[]) {
    this.rev = baseRevision;
    for (const kv of baseKvs) this.tree.set(kv.key, kv);
  }

  /** Applies one request (the branch a txn took is given, or computed when unknown). */
  apply(o: HistoryOperation, succeeded: boolean | undefined): void {
    const events: Event[] = [];
    const next = this.rev + 1;
    const run = (op: RequestOp, succ: boolean | undefined): void => {
      if ('request_put' in op) {
        const p = op.request_put;
        const prev = this.tree.get(p.key);
        if ((p.ignore_value || p.ignore_lease) && !prev) return;
        const kv: KeyValue = {
          key: p.key,
          value: p.ignore_value ? prev!.value : (p.value ?? ''),
          lease: p.ignore_lease ? prev!.lease : (p.lease ?? '0'),
          create_revision: prev ? prev.create_revision : next,
          mod_revision: next,
          version: prev ? prev.version + 1 : 1,
        };
        this.tree.set(p.key, kv);
        events.push(prev ? { type: 'PUT', kv, prev_kv: prev } : { type: 'PUT', kv });
      } else if ('request_delete_range' in op) {
        const d = op.request_delete_range;
        const victims: KeyValue[] = [];
        forEachInRange(this.tree, d.key, d.range_end, (kv) => victims.push(kv));
        for (const v of victims) {
          this.tree.delete(v.key);
          events.push({ type: 'DELETE', kv: { key: v.key, mod_revision: next, create_revision: 0, version: 0, value: '', lease: '0' }, prev_kv: v });
        }
      } else if ('request_txn' in op) {
        const t = op.request_txn;
        const ok = succ ?? evalCompares(this.tree, t.compare ?? []);
        for (const sub of (ok ? t.success : t.failure) ?? []) run(sub, undefined);
      }
    };
    const r = o.op;
    if (r.type === 'put') run({ request_put: r.request }, undefined);
    else if (r.type === 'deleteRange') run({ request_delete_range: r.request }, undefined);
    else if (r.type === 'txn') {
      // Nested txns decide their own branch from the state, as etcd does.
      const t = r.request;
      const ok = succeeded ?? evalCompares(this.tree, t.compare ?? []);
      for (const sub of (ok ? t.success : t.failure) ?? []) run(sub, undefined);
    }
    if (events.length > 0) {
      this.rev = next;
      this.revisions.push({ revision: next, events });
    }
  }
}

function evalCompares(tree: BTree<string, KeyValue>, cs: Compare[]): boolean {
  return cs.every((c) => evalCompare(tree, c));
}

export interface KvLogOptions {
  /** A valid order from `checkLinearizability` (needed when indeterminate writes took effect). */
  linearization?: readonly number[];
  baseRevision?: number;
  baseKvs?: KeyValue[];
}

/**
 * Reconstructs the committed log from the writes that answered ok, ordered by their reported
 * revisions. When some revisions belong to indeterminate writes (a gap between reported
 * revisions), pass the linearization the checker found: it says which of them took effect and
 * where. Throws when the log cannot be determined, naming the missing revisions.
 */
export function kvLogFromHistory(history: History | readonly HistoryOperation[], options: KvLogOptions = {}): KvLog {
  const operations = 'operations' in history ? history.operations : history;
  const base = options.baseRevision ?? 1;
  const replay = new Replayer(base, options.baseKvs ?? []);
  const isWrite = (o: HistoryOperation): boolean => o.op.type !== 'range';
  const succeededOf = (o: HistoryOperation): boolean | undefined =>
    o.op.type === 'txn' && o.outcome.status === 'ok' ? (o.outcome.response as TxnResponse).succeeded : undefined;

  let order: HistoryOperation[];
  if (options.linearization) {
    const byId = new Map(operations.map((o) => [o.id, o]));
    order = options.linearization.map((id) => {
      const o = byId.get(id);
      if (!o) throw new Error(`kv log: the linearization names operation ${id}, which is not in the history`);
      return o;
    }).filter(isWrite);
  } else {
    order = operations
      .filter((o) => o.outcome.status === 'ok' && isWrite(o))
      .sort((a, b) => (a.outcome as { response: RangeResponse }).response.header.revision - (b.outcome as { response: RangeResponse }).response.header.revision || a.id - b.id);
  }
  for (const o of order) {
    const before = replay.rev;
    replay.apply(o, succeededOf(o));
    if (o.outcome.status === 'ok') {
      const reported = o.outcome.response.header.revision;
      if (reported !== replay.rev) {
        const missing = reported > before + 1 ? ` Revisions ${before + 1}..${reported - 1} were written by operations without an answer; pass the linearization from checkLinearizability.` : '';
        throw new Error(`kv log: operation ${o.id} reported revision ${reported}, but replaying the writes before it gives ${replay.rev}.${missing}`);
      }
    }
  }
  return { baseRevision: base, baseKvs: options.baseKvs ?? [], revisions: replay.revisions, lastRevision: replay.rev };
}

/** The live key space after the whole log. */
export function finalKvs(log: KvLog): KeyValue[] {
  const state = new Map<string, KeyValue>(log.baseKvs.map((kv) => [kv.key, kv]));
  for (const r of log.revisions) {
    for (const e of r.events) {
      if (e.type === 'PUT') state.set(e.kv.key, e.kv);
      else state.delete(e.kv.key);
    }
  }
  return [...state.values()].sort((a, b) => compareKeys(a.key, b.key));
}

/**
 * Compares the log with a final authoritative read of the whole key space (range '\0'..'\0').
 * Returns null when they agree, or what differs.
 */
export function compareWithFinalRead(log: KvLog, finalRead: RangeResponse): string | null {
  if (finalRead.header.revision !== log.lastRevision) {
    return `the final read is at revision ${finalRead.header.revision}, the log ends at ${log.lastRevision}`;
  }
  const mine = finalKvs(log);
  if (mine.length !== finalRead.kvs.length) return `the log leaves ${mine.length} keys, the final read has ${finalRead.kvs.length}`;
  for (let i = 0; i < mine.length; i++) {
    const a = mine[i]!;
    const b = finalRead.kvs[i]!;
    if (a.key !== b.key || a.value !== b.value || a.mod_revision !== b.mod_revision || a.create_revision !== b.create_revision || a.version !== b.version) {
      return `key ${JSON.stringify(a.key)} differs: log has mod ${a.mod_revision} version ${a.version}, final read has key ${JSON.stringify(b.key)} mod ${b.mod_revision} version ${b.version}`;
    }
  }
  return null;
}

/**
 * Checks a log from another source against what the clients were told: every answered put's
 * revision holds a PUT of its key (with its value, unless ignore_value), every answered
 * delete's revision holds as many DELETE events as it reported, and no answered write's
 * revision is missing. Returns null when they agree, or the first disagreement.
 */
export function compareLogWithAnswers(log: KvLog, operations: readonly HistoryOperation[]): string | null {
  const byRev = new Map(log.revisions.map((r) => [r.revision, r.events]));
  for (const o of operations) {
    if (o.outcome.status !== 'ok') continue;
    const rev = o.outcome.response.header.revision;
    if (o.op.type === 'put') {
      const events = byRev.get(rev);
      const p = o.op.request;
      const hit = events?.find((e) => e.type === 'PUT' && e.kv.key === p.key && (p.ignore_value || e.kv.value === (p.value ?? '')));
      if (!hit) return `operation ${o.id} (put ${JSON.stringify(p.key)}) was told revision ${rev}, but the log has no such put there`;
    } else if (o.op.type === 'deleteRange') {
      const deleted = (o.outcome.response as { deleted: number }).deleted;
      if (deleted === 0) continue;
      const n = (byRev.get(rev) ?? []).filter((e) => e.type === 'DELETE').length;
      if (n !== deleted) return `operation ${o.id} (delete) was told revision ${rev} with ${deleted} deleted, but the log has ${n} deletes there`;
    } else if (o.op.type === 'txn' && !byRev.has(rev) && rev > log.baseRevision && (o.outcome.response as TxnResponse).responses.some((r) => 'response_put' in r)) {
      return `operation ${o.id} (txn) was told revision ${rev}, which the log does not have`;
    }
  }
  return null;
}

/**
 * Reads at an older revision (`revision` > 0), which the linearizability model does not cover,
 * compared with the key space the log had at that revision. Returns null when all agree, or
 * the first disagreement. Reads outside the log (before its base, after its end) are skipped.
 */
export function historicalReadMismatch(log: KvLog, operations: readonly HistoryOperation[]): string | null {
  const reads = operations
    .filter((o) => o.outcome.status === 'ok' && o.op.type === 'range' && (o.op.request.revision ?? 0) > 0)
    .map((o) => ({ o, at: (o.op.request as { revision: number }).revision }))
    .filter((x) => x.at >= log.baseRevision && x.at <= log.lastRevision)
    .sort((a, b) => a.at - b.at);
  const state = new Map<string, KeyValue>(log.baseKvs.map((kv) => [kv.key, kv]));
  let rev = log.baseRevision;
  let next = 0;
  for (const { o, at } of reads) {
    while (rev < at) {
      const r = log.revisions[next++]!;
      for (const e of r.events) {
        if (e.type === 'PUT') state.set(e.kv.key, e.kv);
        else state.delete(e.kv.key);
      }
      rev = r.revision;
    }
    const model = initialModelState(rev, [...state.values()]);
    const diff = rangeMismatch(model, o.op.request as RangeRequest, (o.outcome as { response: RangeResponse }).response);
    if (diff) return `operation ${o.id} read at revision ${at}: ${diff}`;
  }
  return null;
}
