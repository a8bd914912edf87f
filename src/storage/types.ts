/**
 * The storage contract of one etcd member (docs/ARCHITECTURE.md §4): a write-ahead log, a snapshotter and an
 * MVCC backend shaped like etcd's bolt buckets, opened together per member. The server codes
 * against these interfaces only; `memory/` (tests, in-process cluster) and `indexeddb/` (browser)
 * implement them with identical behaviour, checked by one shared test suite.
 *
 * Every method that writes returns only after its single transaction has committed (the
 * playground's fsync). Values handed in are copied at the call: mutating them afterwards changes
 * nothing stored.
 */
import type { ConfState, Entry, HardState, NodeId, Snapshot } from '../raft/types.ts';
import type { KeyValue, LeaseId } from '../mvcc/types.ts';

// ---------------------------------------------------------------------------------------------
// Write-ahead log

/**
 * etcd's walpb.Snapshot: marks in the log that a snapshot at (index, term) exists, so replay knows
 * where the log it must read starts. The snapshot itself lives in the Snapshotter.
 */
export interface WalSnapshotMarker {
  index: number;
  term: number;
  conf_state?: ConfState;
}

/** What one Ready contributes to the log: appended as exactly one record. */
export interface WalSave {
  entries: Entry[];
  hardState?: HardState;
  snapshot?: WalSnapshotMarker;
}

/** The state of the log after replay. */
export interface WalReadResult {
  /** The latest HardState saved (zeroes when none was ever saved). */
  hardState: HardState;
  /** Entries after the snapshot index, consecutive, with conflicting tails already replaced. */
  entries: Entry[];
  /** The snapshot marker replay started from (the latest one found, or the one asked for). */
  snapshot?: WalSnapshotMarker;
  /** Sequence number of the last record read; 0 for an empty log. */
  lastSeq: number;
}

/** A stored WAL record as the inspector shows it. Invariant: seq values strictly increase. */
export interface WalRecordInfo {
  seq: number;
  crc: number;
  entries: Entry[];
  hardState?: HardState;
  snapshot?: WalSnapshotMarker;
}

export interface Wal {
  /**
   * Appends one record holding the entries, the HardState and the snapshot marker (any may be
   * absent, not all), with a CRC. Returns its sequence number. A record with a snapshot marker
   * always carries the latest HardState, so records before it can be released without losing it.
   * An empty save (nothing to store) writes nothing and returns the last sequence number.
   */
  save(record: WalSave): Promise<number>;
  /**
   * Replays every record in sequence order: HardState = the last one saved; entries start after
   * `afterSnapshot.index` (default: the latest snapshot marker in the log) and a record whose
   * entries overlap what was read replaces that tail, as etcd's WAL replay does.
   * Throws WalCorruptionError (naming the record's sequence number) on a CRC mismatch, and
   * WalSnapshotNotFoundError when `afterSnapshot` (index > 0) has no matching marker in the log.
   */
  readAll(afterSnapshot?: WalSnapshotMarker): Promise<WalReadResult>;
  /**
   * Drops every record before the latest snapshot marker whose index is <= `index` (etcd's
   * ReleaseLockTo). Returns how many records were dropped. Replay from that marker is unchanged.
   */
  releaseTo(index: number): Promise<number>;
  /** The stored records, verified, for inspectors (CRC mismatches throw as in readAll). */
  records(): Promise<WalRecordInfo[]>;
  /** Every snapshot marker in the log, oldest first (etcd's ValidSnapshotEntries), for Snapshotter.load. */
  snapshotMarkers(): Promise<WalSnapshotMarker[]>;
}

// ---------------------------------------------------------------------------------------------
// Snapshotter

export interface SnapshotInfo {
  index: number;
  term: number;
  /** Length of `data`, in byte-string characters. */
  dataSize: number;
}

export interface Snapshotter {
  /** Stores the snapshot (keyed by its index) and purges all but the newest `keepSnapshots`. */
  save(snapshot: Snapshot): Promise<void>;
  /**
   * The newest snapshot whose CRC verifies (a corrupt one is skipped, as etcd skips a broken
   * .snap file), or undefined when there is none. With `matching`, only a snapshot whose
   * (index, term) is one of those markers is eligible (etcd's loadNewestAvailable).
   */
  load(matching?: WalSnapshotMarker[]): Promise<Snapshot | undefined>;
  /** Stored snapshots, newest first, without their data. */
  list(): Promise<SnapshotInfo[]>;
}

// ---------------------------------------------------------------------------------------------
// Backend (etcd's bolt database: buckets in one file)

/** An MVCC revision [main, sub]. As an IndexedDB array key it sorts like etcd's revision bytes. */
export type Revision = readonly [main: number, sub: number];

/** The key bucket's value at one revision: the KeyValue written, or a tombstone for a delete. */
export interface KeyBucketValue {
  kv: KeyValue;
  /** etcd marks a delete by appending 't' to the revision key; here it is a flag. */
  tombstone: boolean;
}

export interface KeyBucketRecord {
  rev: Revision;
  value: KeyBucketValue;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/** etcd's leasepb.Lease, as stored in the lease bucket. */
export interface LeaseRecord {
  ID: LeaseId;
  TTL: number;
  RemainingTTL: number;
}

/** A member as stored in etcd's members bucket (id plus raft and client attributes). */
export interface MemberRecord {
  ID: NodeId;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

export type AlarmType = 'NOSPACE' | 'CORRUPT';

/** One raised alarm; identity is (memberID, alarm). */
export interface AlarmRecord {
  memberID: NodeId;
  alarm: AlarmType;
}

/**
 * Writes collected across buckets, committed as ONE transaction: all of them land or none do.
 * Operations apply in the order they were added. After commit() (or discard()) the batch is spent
 * and further calls throw.
 */
export interface BackendBatch {
  putRevision(rev: Revision, value: KeyBucketValue): void;
  deleteRevision(rev: Revision): void;
  /** Deletes every revision r with from <= r < to (physical compaction). */
  deleteRevisionRange(from: Revision, to: Revision): void;
  putMeta(key: string, value: JsonValue): void;
  deleteMeta(key: string): void;
  putLease(lease: LeaseRecord): void;
  deleteLease(id: LeaseId): void;
  putMember(member: MemberRecord): void;
  deleteMember(id: NodeId): void;
  /** etcd's members_removed bucket: IDs that may never rejoin. */
  putRemovedMember(id: NodeId): void;
  putAlarm(alarm: AlarmRecord): void;
  deleteAlarm(alarm: AlarmRecord): void;
  /** Number of operations collected so far (for the server's batch limit). */
  readonly pendingOps: number;
  /** Commits everything collected in one transaction; a batch with no operations writes nothing. */
  commit(): Promise<void>;
  discard(): void;
}

/** Sizes in bytes of stored data, as etcd reports them in endpoint status. */
export interface BackendSize {
  /** Space allocated: grows with data and does not shrink when data is deleted, until defrag. */
  dbSize: number;
  /** Space holding live data. Invariant: dbSizeInUse <= dbSize; equal right after defragment(). */
  dbSizeInUse: number;
}

export interface Backend {
  batch(): BackendBatch;
  /** Committed key bucket records with from <= rev < to (defaults: everything), in revision order. */
  readRevisions(range?: { from?: Revision; to?: Revision; limit?: number }): Promise<KeyBucketRecord[]>;
  getMeta(key: string): Promise<JsonValue | undefined>;
  allMeta(): Promise<Record<string, JsonValue>>;
  listLeases(): Promise<LeaseRecord[]>;
  listMembers(): Promise<MemberRecord[]>;
  listRemovedMembers(): Promise<NodeId[]>;
  listAlarms(): Promise<AlarmRecord[]>;
  size(): BackendSize;
  /** Rewrites the backend so that dbSize == dbSizeInUse (etcd's defrag). */
  defragment(): Promise<void>;
  /**
   * The whole backend (all buckets) as one self-checking blob: `etcdctl snapshot save` and the
   * data of a raft snapshot.
   */
  exportSnapshot(): Promise<string>;
  /**
   * Replaces the whole backend with a blob from exportSnapshot, in one transaction. A blob that is
   * malformed or fails its checksum throws BackendSnapshotError and changes nothing.
   */
  importSnapshot(blob: string): Promise<void>;
  /** CRC-32 over the key bucket in revision order (etcd's hashkv idea; same data = same hash). */
  hashKeys(): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// One member's storage

/** strict: every commit is flushed (IndexedDB durability 'strict'); relaxed: 'relaxed'. Both await commit. */
export type Durability = 'strict' | 'relaxed';

/** What one Ready persists: stored as ONE transaction (snapshot, then the WAL record). */
export interface ReadyPersist {
  entries: Entry[];
  hardState?: HardState;
  snapshot?: Snapshot;
}

/** Counters for benchmarks and inspectors. */
export interface StorageStats {
  /** Committed write transactions, all stores together. */
  writeTransactions: number;
  /** The same, by the durability each transaction was committed with. */
  writeTransactionsByDurability: Record<Durability, number>;
  walRecords: number;
  walEntries: number;
}

export interface MemberStorage {
  readonly clusterId: string;
  readonly memberName: string;
  /** Database name: `etcd-playground/<clusterId>/<memberName>`. */
  readonly name: string;
  readonly durability: Durability;
  readonly wal: Wal;
  readonly snapshotter: Snapshotter;
  readonly backend: Backend;
  /** True when this open created the database (there was no data for this member). */
  readonly fresh: boolean;
  /**
   * True when the registry says this member had data before but the database is fresh: its disk
   * was wiped. The server must refuse to start as if new (etcd refuses to rejoin with an empty log).
   */
  readonly wiped: boolean;
  /**
   * Persists one Ready in one transaction: the snapshot (if any) into the snapshotter and a WAL
   * record with its marker, the entries and the HardState. Writes nothing when there is nothing.
   * With `applied` (a batch of this storage's backend: what applying committed entries wrote),
   * that batch is committed in the same transaction, so the log and the applied state land
   * together or not at all, at the cost of one durable commit instead of two.
   */
  saveReady(ready: ReadyPersist, applied?: BackendBatch): Promise<void>;
  stats(): StorageStats;
  /** Releases the database and the ownership lock. Further calls throw StorageClosedError. */
  close(): Promise<void>;
}

export interface OpenOptions {
  clusterId: string;
  memberName: string;
  /** Default 'strict'. */
  durability?: Durability;
  /** Snapshots kept by the snapshotter; default 5 (etcd's --max-snapshots). */
  keepSnapshots?: number;
}

export interface StorageFactory {
  /**
   * Opens (creating if needed) one member's storage and takes its ownership lock. Throws
   * StorageLockedError when another owner (another tab) holds the member.
   */
  open(options: OpenOptions): Promise<MemberStorage>;
  /**
   * Wipes one member's data (it must not be open). With forgetMembership false, the registry keeps
   * the record that this member existed, so the next open reports `wiped` (a lost disk); with true
   * (the default) it is forgotten entirely (a member removed on purpose).
   */
  destroy(clusterId: string, memberName: string, options?: { forgetMembership?: boolean }): Promise<void>;
  /** Member names with stored data in this cluster. */
  list(clusterId: string): Promise<string[]>;
}

/** The database name of one member; both implementations use it. */
export function storageName(clusterId: string, memberName: string): string {
  return `etcd-playground/${clusterId}/${memberName}`;
}

// ---------------------------------------------------------------------------------------------
// Errors

export class WalCorruptionError extends Error {
  override readonly name = 'WalCorruptionError';
  constructor(
    readonly seq: number,
    detail: string,
  ) {
    super(`wal: corrupt record ${seq}: ${detail}`);
  }
}

export class WalSnapshotNotFoundError extends Error {
  override readonly name = 'WalSnapshotNotFoundError';
  constructor(readonly marker: WalSnapshotMarker) {
    super(`wal: snapshot not found (index ${marker.index}, term ${marker.term})`);
  }
}

/** The browser refused to store more: the transaction was rolled back and nothing changed. */
export class StorageQuotaError extends Error {
  override readonly name = 'StorageQuotaError';
  constructor(readonly storeName: string) {
    super(`storage quota exceeded for ${storeName}: the write was rolled back; free space or wipe old members`);
  }
}

export class StorageLockedError extends Error {
  override readonly name = 'StorageLockedError';
  constructor(readonly storeName: string) {
    super(`${storeName} is in use by another owner (another tab?)`);
  }
}

export class StorageClosedError extends Error {
  override readonly name = 'StorageClosedError';
  constructor(readonly storeName: string) {
    super(`${storeName} is closed`);
  }
}

/** A write whose transaction was aborted (crash, closed connection): it did not land. */
export class StorageAbortedError extends Error {
  override readonly name = 'StorageAbortedError';
  constructor(
    readonly storeName: string,
    detail: string,
  ) {
    super(`${storeName}: transaction aborted (${detail})`);
  }
}

export class BackendSnapshotError extends Error {
  override readonly name = 'BackendSnapshotError';
}
