import type { Bytes } from './bytes.ts';
import type { RangeEnd } from './treeIndex.ts';
import type { Event } from './types.ts';

/** etcd's watch filters: drop PUT events, or drop DELETE events. */
export type WatchFilter = 'NOPUT' | 'NODELETE';

/**
 * What the store hands a watcher's receiver. `revision` is the store revision the response is
 * up to; an empty `events` is a progress notification; a non-zero `compactRevision` means the
 * watcher asked for history that compaction removed and has been dropped by the store.
 */
export interface StoreWatchResponse {
  watchId: number;
  events: Event[];
  revision: number;
  compactRevision: number;
}

/**
 * The receiver of a watcher's responses. Returning false says "full, try later" (etcd's
 * buffered channel being full): the store keeps the response and the watcher becomes a victim
 * until `syncVictims` delivers it. Responses are delivered in revision order.
 */
export type WatchSink = (response: StoreWatchResponse) => boolean;

/**
 * One watch on a key or range. Invariant: every event below `minRev` that matches the watcher
 * has been delivered or is held in the store's victim batch for it; nothing at or above
 * `minRev` has been delivered yet (while unsynced) — synced watchers are sent each new
 * revision as it is written. The id is the server's (not unique across streams).
 */
export class Watcher {
  /** The lowest revision not yet delivered. */
  minRev: number;
  /** Dropped because its start revision was compacted. */
  compacted = false;
  canceled = false;
  /** Holding an undelivered batch (its receiver was full). */
  victim = false;
  /** Moved back to unsynced by a snapshot restore; its minRev may be beyond the new store. */
  restoring = false;

  constructor(
    readonly id: number,
    readonly key: Bytes,
    readonly end: RangeEnd,
    startRev: number,
    readonly filters: readonly WatchFilter[],
    readonly prevKV: boolean,
    readonly sink: WatchSink,
  ) {
    this.minRev = startRev;
  }

  /** Applies the filters and delivers; filtered-to-nothing event batches count as delivered. */
  send(response: StoreWatchResponse): boolean {
    const isProgress = response.events.length === 0;
    let events = response.events;
    if (this.filters.length > 0) {
      events = events.filter(
        (e) => !((e.type === 'PUT' && this.filters.includes('NOPUT')) || (e.type === 'DELETE' && this.filters.includes('NODELETE'))),
      );
    }
    if (!isProgress && events.length === 0) return true;
    return this.sink({ ...response, events });
  }
}
