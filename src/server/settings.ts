import type { UnsafeRaftRules } from '../raft/index.ts';

/**
 * A member's tunables, in etcd's terms. Times are virtual milliseconds; raft counts ticks of
 * `heartbeatMs`. Every member of a cluster is given the same settings.
 */
export interface MemberSettings {
  /** One raft tick (etcd's --heartbeat-interval). */
  heartbeatMs: number;
  /** Election timeout in ticks (etcd's --election-timeout / --heartbeat-interval). */
  electionTicks: number;
  /**
   * Ticks between a leader's heartbeats (raft's HeartbeatTick), 1 when absent as in etcd, whose
   * tick is its heartbeat interval. Raft needs it below electionTicks.
   */
  heartbeatTicks?: number;
  /** Applied entries between raft snapshots (etcd's --snapshot-count). */
  snapshotCount: number;
  /** Entries kept in the raft log behind a snapshot, for slow followers (etcd's SnapshotCatchUpEntries). */
  snapshotCatchUpEntries: number;
  /** Backend quota in bytes; 0 = etcd's default (2 GiB). */
  quotaBackendBytes: number;
  /** How long a request may wait for its entry to apply before failing (etcd: 5 s + 2 * election timeout). */
  requestTimeoutMs: number;
  /** Interval of progress notifications for watches that asked for them (etcd: 10 minutes). */
  progressNotifyIntervalMs: number;
  /** How often the leader checks for expired leases (etcd's lessor loop: 500 ms). */
  leaseCheckIntervalMs: number;
  preVote: boolean;
  checkQuorum: boolean;
  maxSizePerMsg: number;
  maxInflightMsgs: number;
  /**
   * Virtual time one WAL write takes (etcd's wal_fsync_duration). The member is busy that long
   * after a step that wrote its WAL: its messages leave then, and what arrives meanwhile is
   * handled together in its next step, which is how etcd batches under load. 0 = instant.
   */
  walFsyncMs?: number;
  /**
   * The backend's batch is committed when this much virtual time passed since its last commit
   * (etcd's backend batch interval, 100 ms) or it holds `backendBatchLimit` ops (etcd: 10,000),
   * together with the next WAL record when there is one. Entries applied but not committed to
   * the backend yet are re-applied from the WAL at restart (the consistent index says where).
   */
  backendBatchIntervalMs?: number;
  backendBatchLimit?: number;
  /**
   * Fault injection for teaching and for testing the history checkers, never for real use:
   * 'skipReadIndex' makes the member answer linearizable reads from its own state without
   * ReadIndex, so a member that is behind or cut off from the leader serves stale reads.
   * Default 'none' (etcd's behaviour).
   */
  unsafeReads?: 'none' | 'skipReadIndex';
  /**
   * Fault injection, never for real use: acknowledge before the disk does. The member's writes
   * wait in memory (as in an OS page cache before fsync) until the disk's fsync time has passed,
   * while its messages and answers leave at once; a crash meanwhile loses what they acknowledged.
   */
  unsafeAckBeforeDurable?: boolean;
  /**
   * Fault injection, never for real use: the leader answers linearizable reads from its lease
   * (raft's ReadOnlyLeaseBased) instead of confirming it still leads with a heartbeat round. The
   * lease is counted on the leader's own ticks, so it is safe only while every member's clock
   * runs at the same rate; a member whose clock runs fast (Playground.setClock) can elect a new
   * leader while the old one still thinks it holds the lease. Needs checkQuorum.
   */
  unsafeLeaseReads?: boolean;
  /** Raft safety rules switched off (see unsafeSwitches.ts); absent = Raft as etcd runs it. */
  unsafeRaft?: UnsafeRaftRules;
}

export const DEFAULT_QUOTA_BYTES = 2 * 1024 * 1024 * 1024;

export const defaultMemberSettings: MemberSettings = {
  heartbeatMs: 100,
  electionTicks: 10,
  snapshotCount: 10000,
  snapshotCatchUpEntries: 5000,
  quotaBackendBytes: 0,
  requestTimeoutMs: 7000,
  progressNotifyIntervalMs: 10 * 60 * 1000,
  leaseCheckIntervalMs: 500,
  preVote: true,
  checkQuorum: true,
  maxSizePerMsg: 1024 * 1024,
  maxInflightMsgs: 256,
};

/** etcd's minimum lease TTL: 1.5 election timeouts, rounded up to whole seconds. */
export function minLeaseTtlSeconds(s: MemberSettings): number {
  return Math.ceil((Math.floor((3 * s.electionTicks) / 2) * s.heartbeatMs) / 1000);
}

/** Checks settings once, at the boundary, so bad input gets a clear error and changes nothing. */
export function validateSettings(s: MemberSettings): void {
  const positive: (keyof MemberSettings)[] = [
    'heartbeatMs', 'electionTicks', 'snapshotCount', 'requestTimeoutMs', 'progressNotifyIntervalMs', 'leaseCheckIntervalMs',
  ];
  for (const k of positive) {
    const v = s[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`settings.${k} must be a positive number, got ${String(v)}`);
  }
  if (!Number.isInteger(s.electionTicks) || s.electionTicks < 2) throw new Error(`settings.electionTicks must be an integer >= 2, got ${s.electionTicks}`);
  if (s.heartbeatTicks !== undefined && (!Number.isInteger(s.heartbeatTicks) || s.heartbeatTicks < 1 || s.heartbeatTicks >= s.electionTicks)) {
    throw new Error(`settings.heartbeatTicks must be a whole number in [1, electionTicks - 1] = [1, ${s.electionTicks - 1}], got ${String(s.heartbeatTicks)}`);
  }
  if (s.snapshotCatchUpEntries < 0) throw new Error('settings.snapshotCatchUpEntries must be >= 0');
  if (s.quotaBackendBytes < 0) throw new Error('settings.quotaBackendBytes must be >= 0');
  if (s.walFsyncMs !== undefined && !(Number.isFinite(s.walFsyncMs) && s.walFsyncMs >= 0)) {
    throw new Error(`settings.walFsyncMs must be a number >= 0, got ${String(s.walFsyncMs)}`);
  }
  for (const k of ['backendBatchIntervalMs', 'backendBatchLimit'] as const) {
    const v = s[k];
    if (v !== undefined && !(Number.isInteger(v) && v >= 0)) throw new Error(`settings.${k} must be a whole number >= 0, got ${String(v)}`);
  }
  if (s.unsafeLeaseReads === true && !s.checkQuorum) {
    throw new Error('settings.unsafeLeaseReads (lease-based reads) needs checkQuorum: the lease lasts only because followers that heard from the leader refuse to vote for an election timeout');
  }
  if (s.unsafeReads !== undefined && s.unsafeReads !== 'none' && s.unsafeReads !== 'skipReadIndex') {
    throw new Error(`settings.unsafeReads must be 'none' or 'skipReadIndex', got ${String(s.unsafeReads)}`);
  }
}
