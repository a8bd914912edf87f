import type { Bytes } from './bytes.ts';
import type { Backend } from './backend.ts';
import { CompactedError } from './errors.ts';
import type { KvStore } from './kvStore.ts';
import type { RangeEnd } from './treeIndex.ts';
import type { Event, KeyValue } from './types.ts';
import { type StoreWatchResponse, type WatchFilter, type WatchSink, Watcher } from './watcher.ts';
import { WatcherGroup } from './watcherGroup.ts';

export interface WatchableStoreOptions {
  /** Distinct revisions per catch-up response (etcd: 1000). A revision is never split. */
  maxRevsPerBatch?: number;
  /** Unsynced watchers caught up per `syncWatchers` call (etcd: 512). */
  maxWatchersPerSync?: number;
}

export interface WatchParams {
  /** Chosen by the server; not interpreted here. */
  id: number;
  key: Bytes;
  end?: RangeEnd;
  /** 0 = from the next revision written. */
  startRev?: number;
  filters?: readonly WatchFilter[];
  /** Attach each event's previous version (read at mod_revision - 1, if not compacted; none for a creating PUT). */
  prevKV?: boolean;
  sink: WatchSink;
}

/** Events for one watcher, covering whole revisions; `moreRev` > 0 is the first revision left out. */
interface EventBatch {
  events: Event[];
  revs: number;
  moreRev: number;
}

/**
 * etcd's watchable store: watches over a KvStore, in three places.
 * - synced: up to date; every write is sent to them as it becomes current (one response per
 *   revision, all of that revision's matching events).
 * - unsynced: behind (started at an old revision, or caught up after being a victim);
 *   `syncWatchers` reads their history from the key bucket and sends it in revision order,
 *   whole revisions at a time, then moves them to synced.
 * - victims: their receiver refused a response; `syncVictims` retries it.
 * etcd runs the two sync loops every 100 ms; here the host calls them (once per tick), which
 * keeps the store free of timers and the outcome deterministic.
 *
 * Guarantees (etcd's): ordered (by revision), unique (no event twice), reliable (no gap: a
 * watcher either gets every event from its start or is told its start was compacted),
 * atomic (a revision's events arrive in one response), resumable (a new watch from any
 * uncompacted revision replays history), bookmarkable (`progress` reports the revision a
 * synced watcher is known to be complete up to).
 */
export class WatchableStore {
  private store: KvStore;
  private unobserve: () => void;
  private synced = new WatcherGroup();
  private readonly unsynced = new WatcherGroup();
  private victims: Array<Map<Watcher, EventBatch>> = [];
  private readonly maxRevsPerBatch: number;
  private readonly maxWatchersPerSync: number;

  constructor(kv: KvStore, options: WatchableStoreOptions = {}) {
    this.maxRevsPerBatch = options.maxRevsPerBatch ?? 1000;
    this.maxWatchersPerSync = options.maxWatchersPerSync ?? 512;
    if (!(this.maxRevsPerBatch >= 1) || !(this.maxWatchersPerSync >= 1)) throw new Error('watch batch limits must be >= 1');
    this.store = kv;
    this.unobserve = kv.addWriteObserver((rev, events) => this.notify(rev, events));
  }

  /** The store watched now (a host that rebuilds its state machine swaps it with `replaceStore`). */
  get kv(): KvStore {
    return this.store;
  }

  /**
   * Starts a watch. A start revision of 0 or beyond the current revision makes it synced at
   * once (it waits for new writes); an older one puts it in unsynced, to be caught up (or told
   * it was compacted) by `syncWatchers`.
   */
  watch(params: WatchParams): Watcher {
    const startRev = params.startRev ?? 0;
    if (!Number.isSafeInteger(startRev) || startRev < 0) throw new Error(`bad watch start revision ${startRev}`);
    const w = new Watcher(params.id, params.key, params.end, startRev, params.filters ?? [], params.prevKV ?? false, params.sink);
    const cur = this.kv.rev();
    if (startRev === 0 || startRev > cur) {
      w.minRev = Math.max(cur + 1, startRev);
      this.synced.add(w);
    } else {
      this.unsynced.add(w);
    }
    return w;
  }

  /** Stops a watcher wherever it is; returns false if it was already gone. */
  cancel(w: Watcher): boolean {
    if (w.canceled) return false;
    w.canceled = true;
    if (this.synced.delete(w) || this.unsynced.delete(w)) return true;
    for (const batch of this.victims) if (batch.delete(w)) return true;
    return false;
  }

  isSynced(w: Watcher): boolean {
    return this.synced.has(w);
  }

  /**
   * Sends a progress notification (no events, revision = current) if the watcher is synced:
   * it has then been sent everything up to the current revision. Returns whether it was sent.
   * An unsynced watcher gets none, as in etcd: it will receive its events first.
   */
  progress(w: Watcher): boolean {
    if (!this.synced.has(w)) return false;
    w.send({ watchId: w.id, events: [], revision: this.kv.rev(), compactRevision: 0 });
    return true;
  }

  /** The revision a watcher is known to be complete up to (current when synced), or undefined while it lags. */
  syncedRevision(w: Watcher): number | undefined {
    return this.synced.has(w) ? this.kv.rev() : undefined;
  }

  counts(): { synced: number; unsynced: number; victims: number } {
    let victims = 0;
    for (const b of this.victims) victims += b.size;
    return { synced: this.synced.size, unsynced: this.unsynced.size, victims };
  }

  /**
   * Catches up to `maxWatchersPerSync` unsynced watchers from the key bucket. Returns how many
   * remain unsynced.
   */
  syncWatchers(): number {
    if (this.unsynced.size === 0) return 0;
    const curRev = this.kv.rev();
    const compactRev = this.kv.compactRev();
    const { chosen, minRev } = this.unsynced.choose(this.maxWatchersPerSync, curRev, compactRev);
    const events: Event[] = [];
    if (chosen.size > 0) {
      for (const [k, v] of this.kv.backendRef().rangeKeys([minRev, 0], [curRev + 1, 0])) {
        if (!chosen.contains(v.kv.key)) continue;
        events.push({ type: v.tombstone ? 'DELETE' : 'PUT', kv: { ...v.kv, mod_revision: k[0] } });
      }
    }
    const batches = this.batchesFor(chosen, events);
    const victims = new Map<Watcher, EventBatch>();
    for (const w of chosen.watchers()) {
      w.minRev = curRev + 1;
      const eb = batches.get(w);
      if (eb === undefined) {
        this.synced.add(w);
        this.unsynced.delete(w);
        continue;
      }
      if (eb.moreRev !== 0) w.minRev = eb.moreRev;
      if (!this.deliver(w, eb.events, curRev)) {
        w.victim = true;
        victims.set(w, eb);
      } else if (eb.moreRev !== 0) {
        continue; // stays unsynced: more history to read next time
      } else {
        this.synced.add(w);
      }
      this.unsynced.delete(w);
    }
    if (victims.size > 0) this.victims.push(victims);
    return this.unsynced.size;
  }

  /** Retries the responses victims could not take; returns how many were delivered. */
  syncVictims(): number {
    const pending = this.victims;
    this.victims = [];
    let moved = 0;
    const stillFull = new Map<Watcher, EventBatch>();
    for (const batch of pending) {
      for (const [w, eb] of batch) {
        // the watcher has seen the store up to, not including, minRev
        if (this.deliver(w, eb.events, w.minRev - 1)) moved++;
        else stillFull.set(w, eb);
      }
      const curRev = this.kv.rev();
      for (const [w, eb] of batch) {
        if (stillFull.has(w)) continue;
        w.victim = false;
        if (eb.moreRev !== 0) w.minRev = eb.moreRev;
        if (w.minRev <= curRev) this.unsynced.add(w);
        else this.synced.add(w);
      }
    }
    if (stillFull.size > 0) this.victims.push(stillFull);
    return moved;
  }

  /**
   * Runs `syncWatchers` until no watcher is left behind, or until a round changes nothing (a
   * receiver that refuses its compaction notice). A host that wants every watcher synced at once
   * (no background loop between a create and its history) calls this instead of waiting for
   * `step`. Returns how many remain unsynced.
   */
  syncAll(): number {
    let left = this.unsynced.size;
    while (left > 0) {
      const before = this.unsyncedMark();
      left = this.syncWatchers();
      if (this.unsyncedMark() === before) break;
    }
    return left;
  }

  /** Changes whenever a sync round moves or advances an unsynced watcher. */
  private unsyncedMark(): string {
    let sum = 0;
    for (const w of this.unsynced.watchers()) sum += w.minRev;
    return `${this.unsynced.size}/${sum}`;
  }

  /**
   * The first revision the watcher has neither been sent nor passed over: a synced watcher has
   * seen the store up to its current revision even if no write matched it; a lagging one is at
   * its `minRev`. A canceled or compacted watcher has none (undefined).
   */
  nextRevision(w: Watcher): number | undefined {
    if (w.canceled || w.compacted) return undefined;
    if (this.synced.has(w)) return Math.max(w.minRev, this.kv.rev() + 1);
    return w.minRev;
  }

  /** Every live watcher, synced first, then unsynced, then victims (inspectors). */
  watchers(): Watcher[] {
    const out = [...this.synced.watchers(), ...this.unsynced.watchers()];
    for (const b of this.victims) out.push(...b.keys());
    return out;
  }

  /** One round of etcd's background loops: victims first, then unsynced watchers. */
  step(): void {
    this.syncVictims();
    this.syncWatchers();
  }

  /**
   * Replaces the store's backend (a received snapshot). Synced watchers may have missed
   * revisions the snapshot skips over, so they all go back to unsynced to be caught up.
   */
  restore(backend: Backend): void {
    this.kv.restore(backend);
    this.unsyncAfterRestore();
  }

  /**
   * Moves every watcher onto another KvStore (a host that rebuilds its whole state machine from
   * a snapshot makes a new store rather than restoring the old one). As with `restore`, synced
   * watchers go back to unsynced to be caught up from the new store's history; the old store
   * no longer notifies this one.
   */
  replaceStore(kv: KvStore): void {
    if (kv === this.store) throw new Error('replaceStore: that store is already the one watched');
    this.unobserve();
    this.store = kv;
    this.unobserve = kv.addWriteObserver((rev, events) => this.notify(rev, events));
    this.unsyncAfterRestore();
  }

  private unsyncAfterRestore(): void {
    for (const w of this.synced.watchers()) {
      w.restoring = true;
      this.unsynced.add(w);
    }
    this.synced = new WatcherGroup();
  }

  /** Called by the store when a write txn became current: every synced watcher gets its events. */
  private notify(rev: number, events: Event[]): void {
    const victims = new Map<Watcher, EventBatch>();
    for (const [w, eb] of this.batchesFor(this.synced, events)) {
      // Advancing minRev on success too (etcd leaves it) keeps a restore from resending this revision.
      w.minRev = rev + 1;
      if (this.deliver(w, eb.events, rev)) continue;
      w.victim = true;
      victims.set(w, eb);
      this.synced.delete(w);
    }
    if (victims.size > 0) this.victims.push(victims);
  }

  /** Splits events (in revision order) per watcher, at most maxRevsPerBatch revisions each. */
  private batchesFor(group: WatcherGroup, events: Event[]): Map<Watcher, EventBatch> {
    const out = new Map<Watcher, EventBatch>();
    if (group.size === 0) return out;
    for (const ev of events) {
      for (const w of group.watchersFor(ev.kv.key)) {
        if (ev.kv.mod_revision < w.minRev) continue; // already delivered
        let eb = out.get(w);
        if (eb === undefined) {
          eb = { events: [], revs: 0, moreRev: 0 };
          out.set(w, eb);
        }
        addToBatch(eb, ev, this.maxRevsPerBatch);
      }
    }
    return out;
  }

  /** Copies the events (receivers must not share the store's objects), adds prev_kv, sends. */
  private deliver(w: Watcher, events: Event[], revision: number): boolean {
    const out: StoreWatchResponse = {
      watchId: w.id,
      events: events.map((e) => this.withPrev(w, e)),
      revision,
      compactRevision: 0,
    };
    return w.send(out);
  }

  private withPrev(w: Watcher, e: Event): Event {
    const ev: Event = { type: e.type, kv: { ...e.kv } };
    // A PUT that created the key has no previous version, as in etcd, even when the same txn
    // deleted an older generation of it first (reading at mod_revision - 1 would find that one).
    if (w.prevKV && !isCreate(e)) {
      const prev = this.prevVersion(e.kv.key, e.kv.mod_revision - 1);
      if (prev !== undefined) ev.prev_kv = prev;
    }
    return ev;
  }

  private prevVersion(key: Bytes, rev: number): KeyValue | undefined {
    if (rev < 1) return undefined;
    try {
      return this.kv.range(key, '', { rev }).kvs[0];
    } catch (e) {
      if (e instanceof CompactedError) return undefined;
      throw e;
    }
  }
}

function isCreate(e: Event): boolean {
  return e.type === 'PUT' && e.kv.create_revision === e.kv.mod_revision;
}

function addToBatch(eb: EventBatch, ev: Event, maxRevs: number): void {
  if (eb.moreRev !== 0) return;
  if (eb.events.length === 0) {
    eb.revs = 1;
    eb.events.push(ev);
    return;
  }
  const last = eb.events[eb.events.length - 1]!.kv.mod_revision;
  if (ev.kv.mod_revision > last) {
    if (eb.revs + 1 > maxRevs) {
      eb.moreRev = ev.kv.mod_revision;
      return;
    }
    eb.revs++;
  }
  eb.events.push(ev);
}
