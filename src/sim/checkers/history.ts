/**
 * Records what clients saw: every KV operation with its call and return virtual times, and every
 * watch stream's responses. A harness wraps its client calls:
 *
 *   const h = recorder.invoke('client-3', { type: 'put', request: { key, value } }, nowMs);
 *   try { h.ok(await client.put(...), laterMs) } catch (e) { h.settle(errorOf(e), laterMs) }
 *
 * `settle` sorts errors into "definitely not applied" (a request etcd rejects before or at apply
 * without changing anything) and "indeterminate" (everything else: timeouts, crashes, lost
 * connections may hide an applied write). Unknown errors count as indeterminate, because
 * calling an applied write "failed" would make the checker report a violation that is not there.
 */
import type {
  History,
  HistoryOperation,
  KvRequest,
  KvResponse,
  OperationError,
  WatchCreateRequest,
  WatchRecord,
  WatchResponse,
} from './types.ts';

/**
 * etcd errors (3.4 texts) that prove the request changed nothing: validation failures and
 * apply-time rejections that abort the whole request.
 */
export const definiteErrorMessages: readonly string[] = [
  'etcdserver: duplicate key given in txn request',
  'etcdserver: key is not provided',
  'etcdserver: too many operations in txn request',
  'etcdserver: mvcc: required revision has been compacted',
  'etcdserver: mvcc: required revision is a future revision',
  'etcdserver: requested lease not found',
  'etcdserver: key not found',
  'etcdserver: value is provided',
  'etcdserver: lease is provided',
  'etcdserver: request is too large',
  'etcdserver: too many requests',
  'etcdserver: mvcc: database space exceeded',
];

export type ErrorClass = 'failed' | 'indeterminate';

/** 'failed' only for errors known to leave the store untouched; anything else may have applied. */
export function classifyError(error: OperationError): ErrorClass {
  if (error.code === 'InvalidArgument') return 'failed';
  return definiteErrorMessages.includes(error.message) ? 'failed' : 'indeterminate';
}

export interface OperationHandle {
  readonly id: number;
  /** The response arrived at `timeMs`. */
  ok(response: KvResponse, timeMs: number): void;
  /** An error that proves the request was not applied. */
  fail(error: OperationError, timeMs: number): void;
  /**
   * No reliable answer: the request may or may not have been applied. `timeMs` is when the
   * client gave up (kept for display; for the checker the operation never returns).
   */
  indeterminate(timeMs: number, error?: OperationError): void;
  /** An error of unknown kind: `fail` or `indeterminate` by `classifyError`. */
  settle(error: OperationError, timeMs: number): ErrorClass;
}

export interface WatchHandle {
  readonly watcherId: string;
  /** One response of the stream, in arrival order. */
  receive(response: WatchResponse, timeMs: number): void;
  /** The client stopped listening (cancel, stream broken, run over). */
  close(timeMs: number): void;
}

export interface WatchOptions {
  /** The watcher whose stream this one resumes (recreated at its last revision + 1). */
  resumes?: string;
  /** Defaults to `w<n>`. */
  watcherId?: string;
}

function checkTime(timeMs: number, what: string): void {
  if (!Number.isFinite(timeMs)) throw new Error(`${what}: time must be a finite number, got ${timeMs}`);
}

export class HistoryRecorder {
  private readonly operations: HistoryOperation[] = [];
  private readonly watches: WatchRecord[] = [];
  private nextId = 0;

  /** Starts an operation; the returned handle must be settled at most once. */
  invoke(clientId: string, op: KvRequest, timeMs: number): OperationHandle {
    checkTime(timeMs, 'invoke');
    const record: HistoryOperation = {
      id: this.nextId++,
      clientId,
      callMs: timeMs,
      returnMs: null,
      op: structuredClone(op),
      outcome: { status: 'indeterminate' },
    };
    this.operations.push(record);
    let settled = false;
    const settleOnce = (what: string, timeMs: number | null): void => {
      if (settled) throw new Error(`operation ${record.id} (${clientId}) settled twice (${what})`);
      if (timeMs !== null) {
        checkTime(timeMs, what);
        if (timeMs < record.callMs) {
          throw new Error(`operation ${record.id}: ${what} at ${timeMs} ms is before its call at ${record.callMs} ms`);
        }
      }
      settled = true;
    };
    return {
      id: record.id,
      ok(response, timeMs) {
        settleOnce('ok', timeMs);
        record.returnMs = timeMs;
        record.outcome = { status: 'ok', response: structuredClone(response) };
      },
      fail(error, timeMs) {
        settleOnce('fail', timeMs);
        record.returnMs = timeMs;
        record.outcome = { status: 'failed', error: { ...error } };
      },
      indeterminate(timeMs, error) {
        settleOnce('indeterminate', timeMs);
        record.returnMs = null;
        record.gaveUpMs = timeMs;
        record.outcome = error ? { status: 'indeterminate', error: { ...error } } : { status: 'indeterminate' };
      },
      settle(error, timeMs) {
        const kind = classifyError(error);
        if (kind === 'failed') this.fail(error, timeMs);
        else this.indeterminate(timeMs, error);
        return kind;
      },
    };
  }

  /** Opens a watch stream record. */
  watch(clientId: string, request: WatchCreateRequest, timeMs: number, options: WatchOptions = {}): WatchHandle {
    checkTime(timeMs, 'watch');
    const watcherId = options.watcherId ?? `w${this.watches.length}`;
    if (this.watches.some((w) => w.watcherId === watcherId)) throw new Error(`watcher id ${watcherId} is already used`);
    if (options.resumes !== undefined && !this.watches.some((w) => w.watcherId === options.resumes)) {
      throw new Error(`watcher ${watcherId} resumes unknown watcher ${options.resumes}`);
    }
    const record: WatchRecord = {
      watcherId,
      clientId,
      request: structuredClone(request),
      createdMs: timeMs,
      responses: [],
      closedMs: null,
      ...(options.resumes !== undefined ? { resumes: options.resumes } : {}),
    };
    this.watches.push(record);
    return {
      watcherId,
      receive(response, t) {
        checkTime(t, 'receive');
        if (record.closedMs !== null) throw new Error(`watcher ${watcherId} received a response after it was closed`);
        record.responses.push({ timeMs: t, response: structuredClone(response) });
      },
      close(t) {
        checkTime(t, 'close');
        if (record.closedMs !== null) throw new Error(`watcher ${watcherId} closed twice`);
        record.closedMs = t;
      },
    };
  }

  /**
   * A copy of everything recorded so far. Operations still awaiting their answer appear as
   * indeterminate, which is what they are when the run ends.
   */
  history(): History {
    return structuredClone({ operations: this.operations, watches: this.watches });
  }

  /**
   * The operations as recorded so far, without a copy (for a checker that runs often as the
   * history grows). Read only: the records change as their operations settle.
   */
  operationsSoFar(): readonly HistoryOperation[] {
    return this.operations;
  }
}
