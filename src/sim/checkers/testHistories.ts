/**
 * Builders for hand-written histories in tests: short calls that read like the scenario.
 * Revisions and KeyValues are spelled out by the caller, since they are what is under test.
 */
import type { HistoryOperation, KeyValue, RangeRequest, TxnRequest } from './types.ts';

const header = (revision: number) => ({ revision });

export function kv(key: string, value: string, create: number, mod: number, version: number): KeyValue {
  return { key, value, create_revision: create, mod_revision: mod, version, lease: '0' };
}

export class HistoryBuilder {
  readonly ops: HistoryOperation[] = [];

  private add(o: Omit<HistoryOperation, 'id'>): number {
    const id = this.ops.length;
    this.ops.push({ id, ...o });
    return id;
  }

  put(client: string, callMs: number, returnMs: number, key: string, value: string, revision: number, prevKv?: KeyValue): number {
    return this.add({
      clientId: client,
      callMs,
      returnMs,
      op: { type: 'put', request: prevKv !== undefined ? { key, value, prev_kv: true } : { key, value } },
      outcome: { status: 'ok', response: prevKv ? { header: header(revision), prev_kv: prevKv } : { header: header(revision) } },
    });
  }

  /** A put that never got an answer. */
  lostPut(client: string, callMs: number, key: string, value: string): number {
    return this.add({ clientId: client, callMs, returnMs: null, op: { type: 'put', request: { key, value } }, outcome: { status: 'indeterminate', error: { message: 'etcdserver: request timed out' } } });
  }

  get(client: string, callMs: number, returnMs: number, key: string, revision: number, kvs: KeyValue[], extra: Partial<RangeRequest> = {}): number {
    return this.add({
      clientId: client,
      callMs,
      returnMs,
      op: { type: 'range', request: { key, ...extra } },
      outcome: { status: 'ok', response: { header: header(revision), kvs, more: false, count: kvs.length } },
    });
  }

  del(client: string, callMs: number, returnMs: number, key: string, revision: number, deleted: number): number {
    return this.add({
      clientId: client,
      callMs,
      returnMs,
      op: { type: 'deleteRange', request: { key } },
      outcome: { status: 'ok', response: { header: header(revision), deleted, prev_kvs: [] } },
    });
  }

  /** Compare-and-set: if mod_revision(key) == expectMod then put key=value else get key. */
  cas(client: string, callMs: number, returnMs: number, key: string, expectMod: number, value: string, revision: number, succeeded: boolean, failureKvs: KeyValue[] = []): number {
    const request: TxnRequest = {
      compare: [{ target: 'MOD', result: 'EQUAL', key, mod_revision: expectMod }],
      success: [{ request_put: { key, value } }],
      failure: [{ request_range: { key } }],
    };
    return this.add({
      clientId: client,
      callMs,
      returnMs,
      op: { type: 'txn', request },
      outcome: {
        status: 'ok',
        response: {
          header: header(revision),
          succeeded,
          responses: succeeded
            ? [{ response_put: { header: header(revision) } }]
            : [{ response_range: { header: header(revision), kvs: failureKvs, more: false, count: failureKvs.length } }],
        },
      },
    });
  }
}
