/**
 * The history lane: every KV operation the console, the workload and scripts made, as an interval
 * per client (as Jepsen and Porcupine draw histories), and the linearizability checker run over
 * the history as it grows, within a time budget so the page keeps its frame rate (then it says
 * "unknown" and tries again later). A violation names the operations that cannot be put in any
 * order, in words.
 *
 * What it leaves out, and says so: serializable reads (etcd allows them to be stale), and any
 * history with a key attached to a lease (a lease's expiry deletes keys without a client
 * operation, which the checker's model does not know about).
 */
import { checkLinearizability } from '../sim/checkers/linearizability.ts';
import { showBytes } from '../sim/checkers/kvModel.ts';
import type { HistoryOperation, KvRequest } from '../sim/checkers/types.ts';

export type LaneStatus = 'ok' | 'failed' | 'indeterminate' | 'pending';

/** One operation as the lane draws it. `returnMs` null: no answer (yet, or ever). */
export interface LaneOperation {
  id: number;
  client: string;
  label: string;
  callMs: number;
  returnMs: number | null;
  /** When the client gave up waiting, for an operation that never got an answer. */
  gaveUpMs?: number;
  status: LaneStatus;
}

export interface LaneCheck {
  /** 'none': nothing to check yet. */
  result: 'ok' | 'illegal' | 'unknown' | 'none';
  /** Operations the last check covered. */
  checked: number;
  /** In words: why it is not linearizable, or why the answer is unknown. */
  text: string;
  /** The operations the explanation names. */
  involved: number[];
  /** One sentence for a person, when the explanation fits a common shape (a stale read). */
  words?: string;
}

export interface HistoryLaneView {
  operations: LaneOperation[];
  check: LaneCheck;
}

function labelOf(op: KvRequest, o: HistoryOperation): string {
  switch (op.type) {
    case 'put':
      return `put ${showBytes(op.request.key)}=${showBytes(op.request.value ?? '')}`;
    case 'range': {
      const what = `${op.request.range_end !== undefined ? 'range ' : 'get '}${showBytes(op.request.key)}${op.request.serializable ? ' (serializable)' : ''}`;
      if (o.outcome.status !== 'ok' || !('kvs' in o.outcome.response)) return what;
      const kvs = o.outcome.response.kvs;
      if (op.request.range_end !== undefined) return `${what} → ${kvs.length} key${kvs.length === 1 ? '' : 's'}`;
      return `${what} → ${kvs[0] ? showBytes(kvs[0].value) : 'nothing'}`;
    }
    case 'deleteRange':
      return `delete ${showBytes(op.request.key)}`;
    case 'txn': {
      const n = op.request.compare?.length ?? 0;
      return `txn (${n} compare${n === 1 ? '' : 's'})`;
    }
  }
}

function statusOf(o: HistoryOperation): LaneStatus {
  if (o.outcome.status === 'ok') return 'ok';
  if (o.outcome.status === 'failed') return 'failed';
  return o.gaveUpMs !== undefined || o.outcome.error ? 'indeterminate' : 'pending';
}

function usesLease(op: KvRequest): boolean {
  if (op.type === 'put') return !!op.request.lease && op.request.lease !== '0';
  if (op.type === 'txn') return [...(op.request.success ?? []), ...(op.request.failure ?? [])].some((r) => 'request_put' in r && !!r.request_put.lease && r.request_put.lease !== '0');
  return false;
}

export interface HistoryLaneOptions {
  /** The history as recorded so far (not copied; read only). */
  operations: () => readonly HistoryOperation[];
  /** A wall clock for the budget and the pacing (the checker reads no clock itself). */
  wallMs: () => number;
  /** Longest one check may take, in wall ms. */
  budgetMs?: number;
  /** Least wall time between two checks. */
  everyMs?: number;
}

export class HistoryLane {
  private last: LaneCheck = { result: 'none', checked: 0, text: '', involved: [] };
  private lastSettled = -1;
  private lastAtMs = -Infinity;
  private readonly budgetMs: number;
  private readonly everyMs: number;

  constructor(private readonly opts: HistoryLaneOptions) {
    this.budgetMs = opts.budgetMs ?? 20;
    this.everyMs = opts.everyMs ?? 400;
  }

  /**
   * The operations that overlap [fromMs, ∞), the newest `limit` of them, and the latest check
   * (run now if it is due). Only those operations are mapped: a long run's history is not copied
   * a few times a second to draw its last seconds.
   */
  view(fromMs = 0, force = false, limit = Infinity): HistoryLaneView {
    const ops = this.opts.operations();
    const operations: LaneOperation[] = [];
    for (let i = ops.length - 1; i >= 0 && operations.length < limit; i--) {
      const o = ops[i]!;
      if (o.returnMs !== null && o.returnMs < fromMs) continue;
      operations.push({
        id: o.id,
        client: o.clientId,
        label: labelOf(o.op, o),
        callMs: o.callMs,
        returnMs: o.returnMs,
        ...(o.gaveUpMs !== undefined ? { gaveUpMs: o.gaveUpMs } : {}),
        status: statusOf(o),
      });
    }
    operations.reverse();
    return { operations, check: this.check(force) };
  }

  /** Runs the checker when operations settled since the last check and it is due (or `force`). */
  check(force = false): LaneCheck {
    // Once broken, always broken: more answers only constrain the history further.
    if (this.last.result === 'illegal') return this.last;
    const ops = this.opts.operations();
    let settled = 0;
    for (const o of ops) if (o.returnMs !== null || o.gaveUpMs !== undefined) settled++;
    const now = this.opts.wallMs();
    if (settled === this.lastSettled && this.last.result !== 'unknown') return this.last;
    if (!force && now - this.lastAtMs < this.everyMs) return this.last;
    this.lastAtMs = now;
    this.lastSettled = settled;
    if (ops.length === 0) return (this.last = { result: 'none', checked: 0, text: '', involved: [] });
    if (ops.some((o) => usesLease(o.op))) {
      return (this.last = {
        result: 'unknown',
        checked: 0,
        text: 'not checked: a key is attached to a lease, and a lease that runs out deletes keys without a client operation, which the checker does not model',
        involved: [],
      });
    }
    const r = checkLinearizability(ops, { ignoreSerializableReads: true, now: this.opts.wallMs, timeoutMs: this.budgetMs });
    if (r.result === 'ok') return (this.last = { result: 'ok', checked: ops.length, text: '', involved: [] });
    if (r.result === 'unknown') return (this.last = { result: 'unknown', checked: ops.length, text: `unknown: ${r.reason}`, involved: [] });
    const involved = r.explanation.operations.map((o) => o.id);
    const words = staleReadWords(r.explanation.operations);
    return (this.last = { result: 'illegal', checked: ops.length, text: r.explanation.text, involved, ...(words ? { words } : {}) });
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** "The read at 4.71 s returned x=1 after the write x=2 had completed at 4.70 s", when that is what happened. */
function staleReadWords(ops: readonly HistoryOperation[]): string | undefined {
  for (const read of ops) {
    if (read.op.type !== 'range' || read.op.request.range_end !== undefined || read.outcome.status !== 'ok' || !('kvs' in read.outcome.response)) continue;
    const key = read.op.request.key;
    const got = read.outcome.response.kvs[0];
    for (const w of ops) {
      if (w.op.type !== 'put' || w.op.request.key !== key || w.outcome.status !== 'ok' || w.returnMs === null || w.returnMs >= read.callMs) continue;
      if (got && got.value === w.op.request.value) continue;
      const shown = got ? `${showBytes(key)}=${showBytes(got.value)}` : `no ${showBytes(key)}`;
      return `The read at ${seconds(read.callMs)} (${read.clientId}) returned ${shown} after the write ${showBytes(key)}=${showBytes(w.op.request.value ?? '')} had completed at ${seconds(w.returnMs)} (${w.clientId}): a stale read.`;
    }
  }
  // Another key's write: the revisions show the read saw an older store.
  for (const read of ops) {
    if (read.op.type !== 'range' || read.outcome.status !== 'ok') continue;
    const readRev = read.outcome.response.header.revision;
    for (const w of ops) {
      if (w.op.type !== 'put' || w.outcome.status !== 'ok' || w.returnMs === null || w.returnMs >= read.callMs) continue;
      const wRev = w.outcome.response.header.revision;
      if (wRev <= readRev) continue;
      return `The read of ${showBytes(read.op.request.key)} at ${seconds(read.callMs)} (${read.clientId}) saw the store at revision ${readRev}, after the write ${showBytes(w.op.request.key)}=${showBytes(w.op.request.value ?? '')} had completed at ${seconds(w.returnMs)} (${w.clientId}) and made revision ${wRev}: a stale read.`;
    }
  }
  return undefined;
}
