/** mvccpb: the records the MVCC store keeps and the events a watch delivers. */
import type { Bytes } from './bytes.ts';

/** A 64-bit lease ID as lowercase hex without leading zeros; '0' means no lease. */
export type LeaseId = string;

/**
 * One version of one key. Invariants: create_revision <= mod_revision; version >= 1 counts the
 * puts since the key was (re)created; a tombstone is never returned as a KeyValue.
 */
export interface KeyValue {
  key: Bytes;
  create_revision: number;
  mod_revision: number;
  version: number;
  value: Bytes;
  lease: LeaseId;
}

export type EventType = 'PUT' | 'DELETE';

/** A DELETE event's kv has only key and mod_revision set (the others are zero), as in etcd. */
export interface Event {
  type: EventType;
  kv: KeyValue;
  prev_kv?: KeyValue;
}
