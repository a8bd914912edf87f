/**
 * The lessor: every member's table of leases and the keys attached to them, modelled on etcd
 * 3.4's `lease` package.
 *
 * Two kinds of calls, and the difference matters for determinism:
 * - Applied calls change the replicated state and must run on every member, in log order, from
 *   the apply step: `grant`, `revoke`, `attach`/`detach` (from MVCC puts and deletes),
 *   `checkpoint`, `recover`. They depend only on their arguments and the table, never on time
 *   (time only sets a primary's local expiry, which is not replicated).
 * - Primary-only calls are local decisions of the leader's lessor, made from virtual time:
 *   `renew` (keep-alive), `expiredLeases` (which the server turns into revoke proposals through
 *   Raft) and `dueCheckpoints`. A follower never expires a lease: its leases all say "forever",
 *   and it answers `renew` with NotPrimary so the server forwards the keep-alive to the leader.
 *
 * Leadership is told, not observed: `promote` when this member becomes leader (every lease
 * restarts its countdown from that moment, so a new leader cannot expire a lease whose
 * keep-alives went to the old one), `demote` when it stops being leader.
 *
 * Time is virtual milliseconds from the injected `now()`; nothing here reads a clock.
 */
import type { Bytes } from '../mvcc/bytes.ts';
import type { LeaseId } from '../mvcc/types.ts';
import { MemoryLeaseBackend, type LeaseBackend, type LeaseRecord } from './backend.ts';
import {
  invalidArgument,
  leaseExists,
  leaseExpired,
  leaseNotFound,
  leaseTtlTooLarge,
  notPrimary,
} from './errors.ts';
import { Lease } from './lease.ts';
import { NO_LEASE, assertLeaseId, compareLeaseIds } from './leaseId.ts';
import { LeaseQueue } from './leaseQueue.ts';
import {
  DEFAULT_CHECKPOINT_INTERVAL_MS,
  EXPIRED_LEASE_RETRY_INTERVAL_MS,
  LEASE_REVOKE_RATE,
  MAX_CHECKPOINT_BATCH_SIZE,
  MAX_LEASE_TTL_SECONDS,
  minLeaseTtlSeconds,
} from './limits.ts';

/**
 * One write transaction of the MVCC store, opened by a `RangeDeleter`. Every deletion made
 * through it gets the same revision; `end()` commits it.
 */
export interface LeaseDeleteTxn {
  /** Deletes `key` (end undefined) or the range [key, end). */
  deleteRange(key: Bytes, end: Bytes | undefined): void;
  end(): void;
}

/** Opens a write transaction on the MVCC store (etcd's lease.RangeDeleter). */
export type RangeDeleter = () => LeaseDeleteTxn;

/** A checkpoint of one lease's remaining TTL, as etcdserverpb.LeaseCheckpoint. */
export interface LeaseCheckpoint {
  ID: LeaseId;
  /** Seconds; 0 clears an earlier checkpoint (the full TTL applies again). */
  Remaining_TTL: number;
}

/** A plain copy of one lease, safe to hand across the worker boundary. */
export interface LeaseView {
  ID: LeaseId;
  /** Granted TTL in seconds. */
  TTL: number;
  /** Last checkpointed remaining TTL in seconds; 0 = none. */
  remainingTTL: number;
  /** Virtual time at which the lease expires; null = never (every lease on a non-primary). */
  expiryMs: number | null;
  /** Attached keys in byte order. */
  keys: Bytes[];
}

/** The answer to LeaseTimeToLive, without the header the server adds. */
export interface LeaseTimeToLive {
  ID: LeaseId;
  /** Whole seconds left, truncated as etcd does; -1 for an unknown or expired lease. */
  TTL: number;
  /** Granted TTL; 0 for an unknown lease. */
  grantedTTL: number;
  /** Attached keys in byte order when asked for, otherwise empty. */
  keys: Bytes[];
}

/** One key's lease, as the MVCC store lists them when the member starts or restores a snapshot. */
export interface KeyLease {
  key: Bytes;
  lease: LeaseId;
}

export interface LessorOptions {
  /** Virtual time in milliseconds. */
  now: () => number;
  /**
   * Requested TTLs below this are raised to it. Default: etcd's value for the default Raft
   * timing (10 election ticks of 100 ms -> 2 s); see `minLeaseTtlSeconds`.
   */
  minTtlSeconds?: number;
  /** Where leases are persisted; default an in-memory backend. */
  backend?: LeaseBackend;
  /** How `revoke` deletes the attached keys; without one, revoke only forgets the lease. */
  rangeDeleter?: RangeDeleter;
  /** Lease checkpointing (off by default, as in etcd 3.4). */
  checkpointing?: boolean;
  checkpointIntervalMs?: number;
  /** Most revocations per second (etcd's leaseRevokeRate); tests may lower it. */
  revokeRate?: number;
  /** When an expired lease handed out for revocation is offered again. */
  expiredLeaseRetryIntervalMs?: number;
}

export class Lessor {
  private readonly now: () => number;
  readonly minTtlSeconds: number;
  private readonly backend: LeaseBackend;
  private readonly rangeDeleter: RangeDeleter | undefined;
  private readonly checkpointing: boolean;
  private readonly checkpointIntervalMs: number;
  private readonly revokeRate: number;
  private readonly expiredRetryMs: number;

  private leaseMap = new Map<LeaseId, Lease>();
  /** key -> the lease it is attached to; the inverse of every lease's `keys`. */
  private itemMap = new Map<Bytes, LeaseId>();
  /** Only filled while primary: every lease by expiry, plus re-offers of expired ones. */
  private readonly expiryQueue = new LeaseQueue();
  /** Only filled while primary and checkpointing: when each lease is next checkpointed. */
  private readonly checkpointQueue = new LeaseQueue();
  /** Checkpoints that clear a remaining TTL after a renew, sent before any scheduled one. */
  private pendingClears: LeaseCheckpoint[] = [];
  private primary = false;

  constructor(options: LessorOptions) {
    this.now = options.now;
    this.minTtlSeconds = options.minTtlSeconds ?? minLeaseTtlSeconds(10, 100);
    if (!Number.isSafeInteger(this.minTtlSeconds) || this.minTtlSeconds < 1) {
      throw invalidArgument(`invalid minimum lease TTL ${this.minTtlSeconds}: expected a positive integer`);
    }
    this.backend = options.backend ?? new MemoryLeaseBackend();
    this.rangeDeleter = options.rangeDeleter;
    this.checkpointing = options.checkpointing ?? false;
    this.checkpointIntervalMs = options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
    this.revokeRate = options.revokeRate ?? LEASE_REVOKE_RATE;
    this.expiredRetryMs = options.expiredLeaseRetryIntervalMs ?? EXPIRED_LEASE_RETRY_INTERVAL_MS;
    // A member starts with the leases it persisted, keys attached later by `recover`.
    this.loadFromBackend();
  }

  /** True between `promote` and `demote`: this lessor decides expiry. */
  isPrimary(): boolean {
    return this.primary;
  }

  // ---- applied on every member ----

  /**
   * Creates lease `id` with `ttlSeconds`, raised to the minimum TTL. Returns the lease; its TTL
   * is the one LeaseGrantResponse reports (etcd answers the raised value). Checks in etcd's
   * order: ID 0 -> not found, TTL above the maximum -> too large, existing ID -> exists.
   */
  grant(id: LeaseId, ttlSeconds: number): LeaseView {
    assertLeaseId(id);
    if (!Number.isSafeInteger(ttlSeconds)) {
      throw invalidArgument(`invalid lease TTL ${ttlSeconds}: expected an integer number of seconds`);
    }
    if (id === NO_LEASE) throw leaseNotFound();
    if (ttlSeconds > MAX_LEASE_TTL_SECONDS) throw leaseTtlTooLarge();
    if (this.leaseMap.has(id)) throw leaseExists();

    const lease = new Lease(id, Math.max(ttlSeconds, this.minTtlSeconds));
    this.leaseMap.set(id, lease);
    if (this.primary) {
      const nowMs = this.now();
      lease.refresh(nowMs, 0);
      this.expiryQueue.set(id, lease.expiryMs!);
      this.scheduleCheckpoint(lease, nowMs);
    }
    this.persist(lease);
    return view(lease);
  }

  /**
   * Deletes every key attached to lease `id`, in byte order so every member's MVCC store (and
   * its hash) sees the same sequence, all in ONE deleter transaction (one revision); then
   * forgets the lease. The lease's backend record is deleted before the transaction ends, so
   * both go into the same backend batch, as etcd keeps them together across a crash.
   */
  revoke(id: LeaseId): void {
    assertLeaseId(id);
    const lease = this.leaseMap.get(id);
    if (!lease) throw leaseNotFound();

    const txn = this.rangeDeleter?.();
    // Copy first: the MVCC delete detaches each key from this lease while we iterate.
    for (const key of sortedKeys(lease.keys)) txn?.deleteRange(key, undefined);

    this.leaseMap.delete(id);
    for (const key of lease.keys) {
      if (this.itemMap.get(key) === id) this.itemMap.delete(key);
    }
    this.expiryQueue.delete(id);
    this.checkpointQueue.delete(id);
    this.pendingClears = this.pendingClears.filter((c) => c.ID !== id);
    this.backend.delete(id);
    txn?.end();
  }

  /** Attaches `keys` to lease `id`. A key attached to another lease moves to this one. */
  attach(id: LeaseId, keys: readonly Bytes[]): void {
    assertLeaseId(id);
    assertKeys(keys);
    const lease = this.leaseMap.get(id);
    if (!lease) throw leaseNotFound();
    for (const key of keys) {
      const previous = this.itemMap.get(key);
      if (previous !== undefined && previous !== id) this.leaseMap.get(previous)?.keys.delete(key);
      lease.keys.add(key);
      this.itemMap.set(key, id);
    }
  }

  /** Detaches `keys` from lease `id`; keys not attached to it are ignored. */
  detach(id: LeaseId, keys: readonly Bytes[]): void {
    assertLeaseId(id);
    assertKeys(keys);
    const lease = this.leaseMap.get(id);
    if (!lease) throw leaseNotFound();
    for (const key of keys) {
      if (!lease.keys.delete(key)) continue;
      if (this.itemMap.get(key) === id) this.itemMap.delete(key);
    }
  }

  /**
   * Records a checkpointed remaining TTL for lease `id` (unknown IDs are ignored, as etcd does:
   * the lease may have been revoked since the checkpoint was proposed). It does not change the
   * current expiry; it is what the next leader's `promote` starts the countdown from, so a
   * long lease does not get its full TTL back at every leader change.
   */
  checkpoint(id: LeaseId, remainingTtlSeconds: number): void {
    assertLeaseId(id);
    if (!Number.isSafeInteger(remainingTtlSeconds) || remainingTtlSeconds < 0) {
      throw invalidArgument(`invalid remaining TTL ${remainingTtlSeconds}: expected a non-negative integer`);
    }
    const lease = this.leaseMap.get(id);
    if (!lease) return;
    lease.remainingTtlSeconds = remainingTtlSeconds;
    this.persist(lease);
    if (this.primary) this.scheduleCheckpoint(lease, this.now());
  }

  /**
   * Rebuilds the table from the backend and re-attaches keys from the MVCC store's listing of
   * each key's lease (at start, and after a snapshot replaced the store). TTLs below the minimum
   * are raised, as etcd does when it reads the lease bucket. A key naming a lease that does not
   * exist is skipped and returned, so the caller can report it (etcd logs it).
   */
  recover(keyLeases: Iterable<KeyLease>): KeyLease[] {
    this.loadFromBackend();
    const missing: KeyLease[] = [];
    for (const kl of keyLeases) {
      if (kl.lease === NO_LEASE) continue;
      const lease = this.leaseMap.get(kl.lease);
      if (!lease) {
        missing.push({ key: kl.key, lease: kl.lease });
        continue;
      }
      lease.keys.add(kl.key);
      this.itemMap.set(kl.key, kl.lease);
    }
    return missing;
  }

  // ---- queries (any member) ----

  lookup(id: LeaseId): LeaseView | undefined {
    assertLeaseId(id);
    const lease = this.leaseMap.get(id);
    return lease && view(lease);
  }

  /** The lease `key` is attached to, or '0'. */
  getLease(key: Bytes): LeaseId {
    return this.itemMap.get(key) ?? NO_LEASE;
  }

  /**
   * Every lease, soonest expiry first (etcd's Leases() order), ties and "forever" leases by ID,
   * so the listing is the same on every run.
   */
  leases(): LeaseView[] {
    return [...this.leaseMap.values()]
      .sort((a, b) => {
        const ea = a.expiryMs ?? Infinity;
        const eb = b.expiryMs ?? Infinity;
        if (ea !== eb) return ea < eb ? -1 : 1;
        return compareLeaseIds(a.id, b.id);
      })
      .map(view);
  }

  /**
   * LeaseTimeToLive. On the primary the TTL is the time left in whole seconds, truncated as etcd
   * truncates `Remaining().Seconds()`; once the expiry has passed (revoke not yet applied) it is
   * -1, as for an unknown lease. A non-primary does not know the expiry (etcd forwards this call
   * to the leader); it reports the TTL its countdown would start from if it became leader.
   */
  timeToLive(id: LeaseId, options: { keys?: boolean } = {}): LeaseTimeToLive {
    assertLeaseId(id);
    const lease = this.leaseMap.get(id);
    if (!lease) return { ID: id, TTL: -1, grantedTTL: 0, keys: [] };
    let ttl: number;
    if (lease.expiryMs === null) {
      ttl = lease.refreshTtlSeconds();
    } else {
      const remainingMs = lease.remainingMs(this.now());
      ttl = remainingMs <= 0 ? -1 : Math.trunc(remainingMs / 1000);
    }
    return {
      ID: id,
      TTL: ttl,
      grantedTTL: lease.ttlSeconds,
      keys: options.keys ? sortedKeys(lease.keys) : [],
    };
  }

  // ---- primary only ----

  /**
   * A keep-alive: restarts lease `id`'s countdown from now with its full TTL and returns that
   * TTL (what LeaseKeepAliveResponse reports). Errors: NotPrimary on a follower (the server
   * forwards to the leader); LeaseNotFound; LeaseExpired when the expiry has passed but the
   * revoke has not been applied (etcd waits for it; the server should wait too, then answer
   * TTL 0 once the revoke lands, or retry on the new leader after a demotion).
   */
  renew(id: LeaseId): number {
    assertLeaseId(id);
    if (!this.primary) throw notPrimary();
    const lease = this.leaseMap.get(id);
    if (!lease) throw leaseNotFound();
    const nowMs = this.now();
    if (lease.expired(nowMs)) throw leaseExpired();
    if (this.checkpointing && lease.remainingTtlSeconds > 0) {
      // The checkpointed remainder is stale once renewed; the members must forget it too,
      // otherwise the next leader would restart this lease from the old remainder.
      this.pendingClears = this.pendingClears.filter((c) => c.ID !== id);
      this.pendingClears.push({ ID: id, Remaining_TTL: 0 });
    }
    lease.remainingTtlSeconds = 0;
    lease.refresh(nowMs, 0);
    this.expiryQueue.set(id, lease.expiryMs!);
    return lease.ttlSeconds;
  }

  /**
   * The leases whose expiry has passed, for the server to revoke through Raft. Call it every
   * EXPIRY_POLL_INTERVAL_MS of virtual time; it returns at most `limit` (default half the revoke
   * rate, as etcd takes per 500 ms), soonest expiry first, ties by ID. A lease handed out is
   * offered again only after the retry interval, in case its revoke proposal was lost. Always
   * empty on a non-primary: followers never decide expiry.
   */
  expiredLeases(limit: number = Math.floor(this.revokeRate / 2)): LeaseId[] {
    if (!this.primary) return [];
    const nowMs = this.now();
    const out: LeaseId[] = [];
    while (out.length < limit) {
      const next = this.expiryQueue.peek();
      if (!next || next.timeMs > nowMs) break;
      const lease = this.leaseMap.get(next.id);
      if (!lease) {
        this.expiryQueue.pop();
        continue;
      }
      this.expiryQueue.set(next.id, nowMs + this.expiredRetryMs);
      if (lease.expired(nowMs)) out.push(next.id);
    }
    return out;
  }

  /**
   * Checkpoints due now, for the server to propose as one LeaseCheckpointRequest (empty when
   * checkpointing is off or this is not the primary). A lease is checkpointed only while its
   * remaining TTL is below its granted TTL, with the remainder rounded up to whole seconds.
   */
  dueCheckpoints(limit: number = MAX_CHECKPOINT_BATCH_SIZE): LeaseCheckpoint[] {
    if (!this.checkpointing || !this.primary) return [];
    const nowMs = this.now();
    const out = this.pendingClears.splice(0, limit);
    while (out.length < limit) {
      const next = this.checkpointQueue.peek();
      if (!next || next.timeMs > nowMs) break;
      this.checkpointQueue.pop();
      const lease = this.leaseMap.get(next.id);
      if (!lease || lease.expired(nowMs)) continue;
      const remainingSeconds = Math.ceil(lease.remainingMs(nowMs) / 1000);
      if (remainingSeconds >= lease.ttlSeconds) continue;
      out.push({ ID: lease.id, Remaining_TTL: remainingSeconds });
    }
    return out;
  }

  // ---- leadership ----

  /**
   * This member became leader: every lease's countdown restarts now, from its checkpointed
   * remainder or full TTL, plus `extendMs` (etcd passes an election timeout, so clients have time
   * to find the new leader). When there are so many leases that too many would expire in the
   * same second, later ones are pushed back so that at most 3/4 of the revoke rate expire per
   * second and revocation of piled-up leases cannot starve new expiries (etcd's rule).
   */
  promote(extendMs: number): void {
    if (!Number.isFinite(extendMs) || extendMs < 0) {
      throw invalidArgument(`invalid lease extension ${extendMs}: expected non-negative milliseconds`);
    }
    const nowMs = this.now();
    this.primary = true;
    this.pendingClears = [];
    this.expiryQueue.clear();
    this.checkpointQueue.clear();
    for (const lease of this.leaseMap.values()) {
      lease.refresh(nowMs, extendMs);
      this.expiryQueue.set(lease.id, lease.expiryMs!);
      this.scheduleCheckpoint(lease, nowMs);
    }
    if (this.leaseMap.size < this.revokeRate) return;

    const byExpiry = [...this.leaseMap.values()].sort(
      (a, b) => a.expiryMs! - b.expiryMs! || compareLeaseIds(a.id, b.id),
    );
    const targetPerSecond = Math.floor((3 * this.revokeRate) / 4);
    let baseWindowMs = byExpiry[0]!.remainingMs(nowMs);
    let nextWindowMs = baseWindowMs + 1000;
    let expires = 0;
    for (const lease of byExpiry) {
      const remainingMs = lease.remainingMs(nowMs);
      if (remainingMs > nextWindowMs) {
        baseWindowMs = remainingMs;
        nextWindowMs = baseWindowMs + 1000;
        expires = 1;
        continue;
      }
      expires++;
      if (expires <= targetPerSecond) continue;
      // Spread this window's excess over the following seconds; a lease already later than
      // the window start needs only the part of the delay it does not have yet.
      const delayMs = Math.trunc((1000 * expires) / targetPerSecond - (remainingMs - baseWindowMs));
      nextWindowMs = baseWindowMs + delayMs;
      lease.refresh(nowMs, delayMs + extendMs);
      this.expiryQueue.set(lease.id, lease.expiryMs!);
      this.scheduleCheckpoint(lease, nowMs);
    }
  }

  /** This member is no longer leader: leases never expire here until the next promote. */
  demote(): void {
    this.primary = false;
    for (const lease of this.leaseMap.values()) lease.forever();
    this.expiryQueue.clear();
    this.checkpointQueue.clear();
    this.pendingClears = [];
  }

  // ---- internals ----

  private loadFromBackend(): void {
    this.leaseMap = new Map();
    this.itemMap = new Map();
    this.expiryQueue.clear();
    this.checkpointQueue.clear();
    this.pendingClears = [];
    const records = this.backend.list().sort((a, b) => compareLeaseIds(a.ID, b.ID));
    const nowMs = this.primary ? this.now() : 0;
    for (const r of records) {
      const lease = new Lease(r.ID, Math.max(r.TTL, this.minTtlSeconds));
      lease.remainingTtlSeconds = r.RemainingTTL;
      this.leaseMap.set(r.ID, lease);
      // etcd leaves recovered leases at "forever" until the next promote; a primary that
      // restores a snapshot would then never expire them, so it starts their countdown now.
      if (this.primary) {
        lease.refresh(nowMs, 0);
        this.expiryQueue.set(lease.id, lease.expiryMs!);
        this.scheduleCheckpoint(lease, nowMs);
      }
    }
  }

  private persist(lease: Lease): void {
    const record: LeaseRecord = { ID: lease.id, TTL: lease.ttlSeconds, RemainingTTL: lease.remainingTtlSeconds };
    this.backend.put(record);
  }

  /** Only leases longer than one interval are worth checkpointing (etcd's rule). */
  private scheduleCheckpoint(lease: Lease, nowMs: number): void {
    if (!this.checkpointing) return;
    if (lease.refreshTtlSeconds() > Math.floor(this.checkpointIntervalMs / 1000)) {
      this.checkpointQueue.set(lease.id, nowMs + this.checkpointIntervalMs);
    }
  }
}

function view(lease: Lease): LeaseView {
  return {
    ID: lease.id,
    TTL: lease.ttlSeconds,
    remainingTTL: lease.remainingTtlSeconds,
    expiryMs: lease.expiryMs,
    keys: sortedKeys(lease.keys),
  };
}

/** Byte order: keys are byte strings, whose code-unit order is etcd's byte order. */
function sortedKeys(keys: Iterable<Bytes>): Bytes[] {
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function assertKeys(keys: readonly Bytes[]): void {
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) {
    throw invalidArgument('invalid keys: expected an array of byte strings');
  }
}
