/**
 * The member's handle on the KV apply layer (applyKv.ts: etcd's applierV3backend over the MVCC
 * store, with etcd's request checks): binds it to the member's current store, lessor and header,
 * so the member's code reads as etcd's server does (check, propose, apply, answer).
 *
 * The store and lessor are reached through getters because a snapshot restore replaces them.
 */
import type { KvStore } from '../mvcc/kvStore.ts';
import type { Lessor } from '../lease/lessor.ts';
import type {
  CompactionRequest,
  DeleteRangeRequest,
  EtcdErrorBody,
  PutRequest,
  RangeRequest,
  ResponseHeader,
  TxnRequest,
} from './api.ts';
import {
  applyCompaction,
  applyDeleteRange,
  applyHashKV,
  applyPut,
  applyRange,
  applyTxn,
  isTxnReadOnly,
  type KvApplyContext,
} from './applyKv.ts';
import { checkDeleteRequest, checkPutRequest, checkRangeRequest, checkTxn } from './txnValidation.ts';
import type { ClientResult } from './protocol.ts';

export { isTxnReadOnly as isReadOnly };

export class KvApplier {
  constructor(
    private readonly kv: () => KvStore,
    private readonly lessor: () => Lessor,
  ) {}

  private ctx(header: () => ResponseHeader): KvApplyContext {
    return {
      kv: this.kv(),
      leaseExists: (id) => this.lessor().lookup(id) !== undefined,
      header: () => {
        const h = header();
        return { cluster_id: h.cluster_id, member_id: h.member_id, raft_term: h.raft_term };
      },
    };
  }

  // ---- request checks (etcd's gRPC layer, before anything is proposed) ----

  validateRange(r: RangeRequest): EtcdErrorBody | null {
    return checkRangeRequest(r);
  }

  validatePut(r: PutRequest): EtcdErrorBody | null {
    return checkPutRequest(r);
  }

  validateDeleteRange(r: DeleteRangeRequest): EtcdErrorBody | null {
    return checkDeleteRequest(r);
  }

  validateTxn(r: TxnRequest): EtcdErrorBody | null {
    return checkTxn(r);
  }

  // ---- reads (served locally: serializable, or after ReadIndex) ----

  range(r: RangeRequest, header: ResponseHeader): ClientResult {
    return applyRange(this.ctx(() => header), r);
  }

  readOnlyTxn(t: TxnRequest, header: ResponseHeader): ClientResult {
    return applyTxn(this.ctx(() => header), t);
  }

  hashKV(revision: number, header: ResponseHeader): ClientResult {
    return applyHashKV(this.ctx(() => header), { revision });
  }

  // ---- writes (applied from the log) ----

  put(p: PutRequest, header: () => ResponseHeader): ClientResult {
    return applyPut(this.ctx(header), p);
  }

  deleteRange(d: DeleteRangeRequest, header: () => ResponseHeader): ClientResult {
    return applyDeleteRange(this.ctx(header), d);
  }

  txn(t: TxnRequest, header: () => ResponseHeader): ClientResult {
    return applyTxn(this.ctx(header), t);
  }

  compact(c: CompactionRequest, header: () => ResponseHeader): ClientResult {
    const r = applyCompaction(this.ctx(header), c);
    return r.ok ? { ok: true, resp: r.resp } : { ok: false, error: r.error };
  }
}
