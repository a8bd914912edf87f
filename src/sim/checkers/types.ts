/**
 * The etcd shapes the history checkers read, declared here because `src/sim` imports nothing of
 * the project (docs/ARCHITECTURE.md §1). They are structural subsets of `src/server/api.ts` and
 * `src/mvcc/types.ts` with etcd's field names, so a real request or response is assignable to
 * them as is. Keys and values are byte strings (one byte per UTF-16 code unit); lease IDs are
 * lowercase hex, '0' = none.
 */

export type Bytes = string;

export interface KeyValue {
  key: Bytes;
  create_revision: number;
  mod_revision: number;
  version: number;
  value: Bytes;
  lease: string;
}

export type EventType = 'PUT' | 'DELETE';

/** As in etcd: a DELETE event's kv carries only key and mod_revision. */
export interface Event {
  type: EventType;
  kv: KeyValue;
  prev_kv?: KeyValue;
}

/** Only `revision` is read; the other header fields may be present and are ignored. */
export interface ResponseHeader {
  revision: number;
}

export type SortOrder = 'NONE' | 'ASCEND' | 'DESCEND';
export type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';

export interface RangeRequest {
  key: Bytes;
  range_end?: Bytes;
  limit?: number;
  revision?: number;
  sort_order?: SortOrder;
  sort_target?: SortTarget;
  serializable?: boolean;
  keys_only?: boolean;
  count_only?: boolean;
  min_mod_revision?: number;
  max_mod_revision?: number;
  min_create_revision?: number;
  max_create_revision?: number;
}

export interface RangeResponse {
  header: ResponseHeader;
  kvs: KeyValue[];
  more: boolean;
  count: number;
}

export interface PutRequest {
  key: Bytes;
  value?: Bytes;
  lease?: string;
  prev_kv?: boolean;
  ignore_value?: boolean;
  ignore_lease?: boolean;
}

export interface PutResponse {
  header: ResponseHeader;
  prev_kv?: KeyValue;
}

export interface DeleteRangeRequest {
  key: Bytes;
  range_end?: Bytes;
  prev_kv?: boolean;
}

export interface DeleteRangeResponse {
  header: ResponseHeader;
  deleted: number;
  prev_kvs: KeyValue[];
}

export type RequestOp =
  | { request_range: RangeRequest }
  | { request_put: PutRequest }
  | { request_delete_range: DeleteRangeRequest }
  | { request_txn: TxnRequest };

export type ResponseOp =
  | { response_range: RangeResponse }
  | { response_put: PutResponse }
  | { response_delete_range: DeleteRangeResponse }
  | { response_txn: TxnResponse };

export type CompareResult = 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
export type CompareTarget = 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';

export interface Compare {
  result: CompareResult;
  target: CompareTarget;
  key: Bytes;
  range_end?: Bytes;
  version?: number;
  create_revision?: number;
  mod_revision?: number;
  value?: Bytes;
  lease?: string;
}

export interface TxnRequest {
  compare?: Compare[];
  success?: RequestOp[];
  failure?: RequestOp[];
}

export interface TxnResponse {
  header: ResponseHeader;
  succeeded: boolean;
  responses: ResponseOp[];
}

export type WatchFilterType = 'NOPUT' | 'NODELETE';

export interface WatchCreateRequest {
  key: Bytes;
  range_end?: Bytes;
  start_revision?: number;
  progress_notify?: boolean;
  filters?: WatchFilterType[];
  prev_kv?: boolean;
  watch_id?: number;
  fragment?: boolean;
}

export interface WatchResponse {
  header: ResponseHeader;
  watch_id: number;
  created: boolean;
  canceled: boolean;
  compact_revision: number;
  cancel_reason: string;
  fragment: boolean;
  events: Event[];
}

/** An error as the client saw it; `message` is etcd's text when etcd produced it. */
export interface OperationError {
  code?: string;
  message: string;
}

// ---- The recorded history ----

/** One KV request as the client issued it. */
export type KvRequest =
  | { type: 'put'; request: PutRequest }
  | { type: 'range'; request: RangeRequest }
  | { type: 'deleteRange'; request: DeleteRangeRequest }
  | { type: 'txn'; request: TxnRequest };

export type KvResponse = PutResponse | RangeResponse | DeleteRangeResponse | TxnResponse;

/**
 * How an operation ended.
 * - `ok`: the response arrived; the operation took effect exactly once between call and return.
 * - `failed`: an error that proves the request was never applied (validation, e.g.
 *   "etcdserver: duplicate key given in txn request"); the checkers ignore it.
 * - `indeterminate`: no answer (timeout, member crashed, connection lost): it may have taken
 *   effect at any instant after its call, or never. Its return time is +infinity.
 */
export type Outcome =
  | { status: 'ok'; response: KvResponse }
  | { status: 'failed'; error: OperationError }
  | { status: 'indeterminate'; error?: OperationError };

/**
 * One client operation. Invariants: `id` is unique in its history; `callMs <= returnMs`;
 * `returnMs` is null exactly when the outcome is indeterminate (+infinity; null survives JSON);
 * for `ok` the response's shape matches `op.type`.
 */
export interface HistoryOperation {
  id: number;
  clientId: string;
  callMs: number;
  returnMs: number | null;
  op: KvRequest;
  outcome: Outcome;
  /** For an indeterminate operation: when the client stopped waiting (display only). */
  gaveUpMs?: number;
}

/** One response received on a watch stream, at its virtual arrival time. */
export interface WatchDelivery {
  timeMs: number;
  response: WatchResponse;
}

/**
 * One watcher: a create request and every response it received, in arrival order.
 * `resumes` names the watcher this one continues (a client re-creating its watch at
 * last_rev + 1 after a failover). `closedMs` is when the client stopped listening (cancel,
 * stream lost, end of run); null if it was still open when the history ended.
 */
export interface WatchRecord {
  watcherId: string;
  clientId: string;
  request: WatchCreateRequest;
  createdMs: number;
  responses: WatchDelivery[];
  closedMs: number | null;
  resumes?: string;
}

export interface History {
  operations: HistoryOperation[];
  watches: WatchRecord[];
}
