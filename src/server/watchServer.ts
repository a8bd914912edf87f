/**
 * A member's watch streams: etcd's v3rpc watch server in front of mvcc's WatchableStore. It
 * owns only what belongs to the client protocol: streams per client, watch IDs (client- or
 * server-chosen), the request checks (empty range, duplicate ID), turning the store's responses
 * into WatchResponses, cancel, progress requests and progress notifications. Event matching,
 * history catch-up, compaction cancel, prev_kv and filters are the store's.
 *
 * Invariants:
 * - a stream's map holds exactly its watchers that the store still has (a compacted watcher is
 *   dropped from both when its compaction notice goes out; cancel and stream close drop both);
 * - every watcher is synced whenever control leaves this class: a new watcher (or every watcher
 *   after a snapshot restore) is caught up from history at once, so a write only ever has to
 *   be sent as the newest revision, and a progress notification is never withheld.
 */
import type { WatchableStore } from '../mvcc/watchableStore.ts';
import type { StoreWatchResponse, Watcher, WatchFilter } from '../mvcc/watcher.ts';
import type { EtcdErrorBody, ResponseHeader, WatchCreateRequest, WatchRequest, WatchResponse } from './api.ts';
import type { MemberOutput } from './protocol.ts';

export const ERR_EMPTY_WATCHER_RANGE = 'mvcc: watcher range is empty';
export const ERR_DUPLICATE_WATCH_ID = 'mvcc: duplicate watch ID provided on the WatchStream';

interface StreamWatch {
  watcher: Watcher;
  progressNotify: boolean;
}

interface Stream {
  client: string;
  streamId: number;
  watches: Map<number, StreamWatch>;
  nextId: number;
}

/** One watcher as an inspector shows it. `rangeEnd` is as requested: '' = the single key, '\0' = every key from `key`. */
export interface WatcherView {
  client: string;
  streamId: number;
  watchId: number;
  key: string;
  rangeEnd: string;
  /** The first revision this watcher has not been sent (or passed over). */
  nextRevision: number;
  prevKv: boolean;
  filters: WatchFilter[];
  progressNotify: boolean;
}

export interface WatchServerDeps {
  /** The member's watchable store (it keeps the same one across snapshot restores). */
  store: WatchableStore;
  header: (rev: number) => ResponseHeader;
  emit: (o: MemberOutput) => void;
}

export class WatchServer {
  private readonly streams = new Map<string, Stream>();

  constructor(private readonly deps: WatchServerDeps) {}

  private streamOf(client: string, streamId: number): Stream {
    const k = streamKey(client, streamId);
    let s = this.streams.get(k);
    if (!s) {
      s = { client, streamId, watches: new Map(), nextId: 0 };
      this.streams.set(k, s);
    }
    return s;
  }

  private send(s: Stream, resp: WatchResponse): void {
    this.deps.emit({ kind: 'watch', to: s.client, streamId: s.streamId, resp });
  }

  private response(rev: number, watchId: number, extra: Partial<WatchResponse> = {}): WatchResponse {
    return {
      header: this.deps.header(rev),
      watch_id: watchId,
      created: false,
      canceled: false,
      compact_revision: 0,
      cancel_reason: '',
      fragment: false,
      events: [],
      ...extra,
    };
  }

  /** The whole stream is refused (e.g. this member is a learner). */
  refuse(client: string, streamId: number, error: EtcdErrorBody): void {
    const s = this.streamOf(client, streamId);
    this.send(s, this.response(this.deps.store.kv.rev(), -1, { created: true, canceled: true, cancel_reason: error.message }));
    this.closeStream(client, streamId);
  }

  /** The client's stream is gone: its watchers leave the store. */
  closeStream(client: string, streamId: number): void {
    const k = streamKey(client, streamId);
    const s = this.streams.get(k);
    if (!s) return;
    for (const sw of s.watches.values()) this.deps.store.cancel(sw.watcher);
    this.streams.delete(k);
  }

  onRequest(client: string, streamId: number, req: WatchRequest): void {
    const s = this.streamOf(client, streamId);
    const currentRev = this.deps.store.kv.rev();
    if ('create_request' in req) this.create(s, req.create_request, currentRev);
    else if ('cancel_request' in req) {
      const id = req.cancel_request.watch_id;
      const sw = s.watches.get(id);
      if (!sw) return;
      s.watches.delete(id);
      this.deps.store.cancel(sw.watcher);
      this.send(s, this.response(currentRev, id, { canceled: true }));
    } else if ('progress_request' in req) {
      // etcd 3.4 answers a progress request with one response not tied to any watcher (watch_id -1).
      this.send(s, this.response(currentRev, -1));
    }
  }

  private create(s: Stream, c: WatchCreateRequest, currentRev: number): void {
    const key = c.key ?? '';
    const end = c.range_end ?? '';
    let error: string | null = null;
    let id = c.watch_id ?? 0;
    // '' is the single key, '\0' every key from `key`; anything else must lie above the key.
    if (end !== '' && end !== '\0' && !(key < end)) error = ERR_EMPTY_WATCHER_RANGE;
    else if (id !== 0 && s.watches.has(id)) error = ERR_DUPLICATE_WATCH_ID;
    if (error) {
      this.send(s, this.response(currentRev, -1, { created: true, canceled: true, cancel_reason: error }));
      return;
    }
    if (id === 0) {
      while (s.watches.has(s.nextId)) s.nextId++;
      id = s.nextId++;
    }
    const filters = (c.filters ?? []).filter((f): f is WatchFilter => f === 'NOPUT' || f === 'NODELETE');
    // The created response goes out before any history: the watcher joins the store after it.
    this.send(s, this.response(currentRev, id, { created: true }));
    const watcher = this.deps.store.watch({
      id,
      key,
      end,
      startRev: c.start_revision !== undefined && c.start_revision > 0 ? c.start_revision : 0,
      filters,
      prevKV: c.prev_kv ?? false,
      sink: (r) => this.deliver(s, r),
    });
    s.watches.set(id, { watcher, progressNotify: c.progress_notify ?? false });
    this.deps.store.syncAll();
  }

  /** The store's response for one watcher, as the stream's WatchResponse. Always accepted. */
  private deliver(s: Stream, r: StoreWatchResponse): boolean {
    if (r.compactRevision !== 0) {
      // The store dropped the watcher: its start revision was compacted.
      s.watches.delete(r.watchId);
      this.send(s, this.response(r.revision, r.watchId, { canceled: true, compact_revision: r.compactRevision }));
      return true;
    }
    this.send(s, this.response(r.revision, r.watchId, { events: r.events }));
    return true;
  }

  /** The store was given a snapshot's history: every watcher catches up from it at once. */
  onRestore(): void {
    this.deps.store.syncAll();
  }

  /** The periodic progress notification for watchers that asked for it. */
  progressNotifyAll(): void {
    for (const s of this.streams.values()) {
      for (const sw of s.watches.values()) if (sw.progressNotify) this.deps.store.progress(sw.watcher);
    }
  }

  /** Every watcher of every stream, in stream then watch creation order (inspectors, tests). */
  watchers(): WatcherView[] {
    const out: WatcherView[] = [];
    for (const s of this.streams.values()) {
      for (const [watchId, sw] of s.watches) {
        const w = sw.watcher;
        out.push({
          client: s.client,
          streamId: s.streamId,
          watchId,
          key: w.key,
          rangeEnd: w.end ?? '',
          nextRevision: this.deps.store.nextRevision(w) ?? w.minRev,
          prevKv: w.prevKV,
          filters: [...w.filters],
          progressNotify: sw.progressNotify,
        });
      }
    }
    return out;
  }
}

function streamKey(client: string, streamId: number): string {
  return `${client}\u0000${streamId}`;
}
