/**
 * A KV and Watch client that records what it sees: every call goes through an `EtcdClient` (in
 * the simulations, a PlaygroundClient talking to the in-process cluster) and lands in a
 * `HistoryRecorder` with its virtual call and return times, ready for the history checkers.
 *
 * Times come from the cluster's virtual clock. The call time is read just before the request is
 * handed to the client (so it is never later than the send); the return time is read when the
 * answer's continuation runs, which may be a little after the step that delivered it. Both only
 * widen the interval an operation may take effect in, so the check stays sound.
 *
 * Errors: an `IndeterminateError` (deadline passed, member crashed with the request in flight,
 * etcd's timeout errors) is recorded as indeterminate. An etcd error is classified by the
 * checkers' `classifyError`: only errors known to change nothing are "failed"; anything else
 * may hide an applied write and is indeterminate. The wrapper rethrows what the client threw,
 * so callers handle errors as with any EtcdClient.
 */
import { EtcdError, IndeterminateError, type EtcdClient } from '../client/client.ts';
import type {
  DeleteRangeRequest,
  DeleteRangeResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
  WatchCreateRequest,
  WatchResponse,
} from '../server/api.ts';
import type { HistoryRecorder, KvRequest, KvResponse, OperationError } from '../sim/checkers/index.ts';

/** Where the recorded times come from (the in-process cluster is one). */
export interface VirtualClockSource {
  readonly nowMs: number;
}

/** One recorded watch stream; `lastRevision` is what a resume continues after. */
export interface RecordedWatch {
  readonly watcherId: string;
  /** The revision of the last event received (0 before any). */
  readonly lastRevision: number;
  readonly closed: boolean;
  /** Cancels on the server and records the stream as closed when the cancel is confirmed. */
  cancel(): Promise<void>;
  /** Stops recording at once and cancels the stream without waiting for the confirmation (its member is gone, or the run ends). */
  close(): void;
}

export interface RecordedWatchOptions {
  /** The watcher this stream continues (it must start at that one's last revision + 1). */
  resumes?: string;
}

/** The error as the history stores it. */
export function operationErrorOf(e: unknown): OperationError {
  if (e instanceof EtcdError) return { code: e.code, message: e.message };
  if (e instanceof Error) return { message: e.message };
  return { message: String(e) };
}

export class HistoryClient {
  constructor(
    readonly clientId: string,
    readonly client: EtcdClient,
    private readonly recorder: HistoryRecorder,
    private readonly clock: VirtualClockSource,
  ) {}

  put(req: PutRequest): Promise<PutResponse> {
    return this.record({ type: 'put', request: req }, () => this.client.put(req));
  }

  range(req: RangeRequest): Promise<RangeResponse> {
    return this.record({ type: 'range', request: req }, () => this.client.range(req));
  }

  deleteRange(req: DeleteRangeRequest): Promise<DeleteRangeResponse> {
    return this.record({ type: 'deleteRange', request: req }, () => this.client.deleteRange(req));
  }

  txn(req: TxnRequest): Promise<TxnResponse> {
    return this.record({ type: 'txn', request: req }, () => this.client.txn(req));
  }

  private async record<T extends KvResponse>(op: KvRequest, run: () => Promise<T>): Promise<T> {
    const h = this.recorder.invoke(this.clientId, op, this.clock.nowMs);
    try {
      const resp = await run();
      h.ok(resp, this.clock.nowMs);
      return resp;
    } catch (e) {
      if (e instanceof IndeterminateError) h.indeterminate(this.clock.nowMs, operationErrorOf(e));
      else if (e instanceof EtcdError) h.settle(operationErrorOf(e), this.clock.nowMs);
      // Not an answer from etcd at all (the world failed): nothing is known about the request.
      else h.indeterminate(this.clock.nowMs, operationErrorOf(e));
      throw e;
    }
  }

  /**
   * Opens a watch and records every response at its arrival time. `onResponse` (optional) sees
   * each response after it is recorded.
   */
  watch(req: WatchCreateRequest, options: RecordedWatchOptions = {}, onResponse?: (r: WatchResponse) => void): RecordedWatch {
    const w = this.recorder.watch(this.clientId, req, this.clock.nowMs, options.resumes !== undefined ? { resumes: options.resumes } : {});
    let lastRevision = 0;
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      w.close(this.clock.nowMs);
    };
    const handle = this.client.watch(req, (r) => {
      if (closed) return;
      w.receive(r, this.clock.nowMs);
      const evs = r.events;
      if (evs.length > 0) lastRevision = evs[evs.length - 1]!.kv.mod_revision;
      if (r.canceled) close();
      onResponse?.(r);
    });
    return {
      watcherId: w.watcherId,
      get lastRevision() {
        return lastRevision;
      },
      get closed() {
        return closed;
      },
      cancel: async () => {
        await handle.cancel();
        close();
      },
      // The record ends now; the stream is canceled without waiting for the member's answer
      // (a cut-off member answers only after the network heals). Later responses are ignored above.
      close: () => {
        close();
        void handle.cancel();
      },
    };
  }
}
