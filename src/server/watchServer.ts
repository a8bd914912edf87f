/**
 * A member's watch streams (etcd's v3rpc watch server over its watchable store): per client
 * stream, watchers by watch ID; creation with a client- or server-chosen ID, history replay from
 * a start revision, compaction cancel, prev_kv, NOPUT/NODELETE filters, cancel, progress
 * requests and progress notifications.
 *
 * Invariants:
 * - a watcher's `nextRev` is the first revision it has not been sent; every event below it was
 *   offered to it exactly once, in revision order;
 * - one response never carries part of a revision: a write txn's events go out together;
 * - watchers are always synced: a new watcher (or every watcher after a snapshot restore) catches
 *   up from the store's history at once, so `onWrite` only ever has to send the newest revision.
 */
import type { KvStore } from '../mvcc/kvStore.ts';
import type { Event, KeyValue } from '../mvcc/types.ts';
import type { EtcdErrorBody, ResponseHeader, WatchCreateRequest, WatchRequest, WatchResponse } from './api.ts';
import type { MemberOutput } from './protocol.ts';

/** etcd's watch batch limit: at most this many revisions per catch-up response. */
const WATCH_BATCH_MAX_REVS = 1000;

export const ERR_EMPTY_WATCHER_RANGE = 'mvcc: watcher range is empty';
export const ERR_DUPLICATE_WATCH_ID = 'mvcc: duplicate watch ID provided on the WatchStream';

interface Watcher {
  id: number;
  key: string;
  /** undefined = the single key; '' = every key >= key; else [key, end). */
  end: string | undefined;
  nextRev: number;
  prevKv: boolean;
  noPut: boolean;
  noDelete: boolean;
  progressNotify: boolean;
}

interface Stream {
  client: string;
  streamId: number;
  watchers: Map<number, Watcher>;
  nextId: number;
}

export interface WatchServerDeps {
  kv: () => KvStore;
  header: (rev: number) => ResponseHeader;
  emit: (o: MemberOutput) => void;
}

function matches(w: Watcher, key: string): boolean {
  if (w.end === undefined) return key === w.key;
  if (key < w.key) return false;
  return w.end === '' || key < w.end;
}

export class WatchServer {
  private readonly streams = new Map<string, Stream>();

  constructor(private readonly deps: WatchServerDeps) {}

  private streamOf(client: string, streamId: number): Stream {
    const k = `${client}\u0000${streamId}`;
    let s = this.streams.get(k);
    if (!s) {
      s = { client, streamId, watchers: new Map(), nextId: 0 };
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
    this.send(s, this.response(this.deps.kv().rev(), -1, { created: true, canceled: true, cancel_reason: error.message }));
    this.closeStream(client, streamId);
  }

  closeStream(client: string, streamId: number): void {
    this.streams.delete(`${client}\u0000${streamId}`);
  }

  onRequest(client: string, streamId: number, req: WatchRequest, currentRev: number): void {
    const s = this.streamOf(client, streamId);
    if ('create_request' in req) this.create(s, req.create_request, currentRev);
    else if ('cancel_request' in req) {
      const id = req.cancel_request.watch_id;
      if (s.watchers.delete(id)) this.send(s, this.response(currentRev, id, { canceled: true }));
    } else if ('progress_request' in req) {
      // etcd 3.4 answers a progress request with one response not tied to any watcher (watch_id -1).
      this.send(s, this.response(currentRev, -1));
    }
  }

  private create(s: Stream, c: WatchCreateRequest, currentRev: number): void {
    const key = c.key ?? '';
    let end: string | undefined = c.range_end === undefined || c.range_end === '' ? undefined : c.range_end;
    if (end === '\0') end = '';
    let error: string | null = null;
    let id = c.watch_id ?? 0;
    if (end !== undefined && end !== '' && !(key < end)) error = ERR_EMPTY_WATCHER_RANGE;
    else if (id !== 0 && s.watchers.has(id)) error = ERR_DUPLICATE_WATCH_ID;
    if (error) {
      this.send(s, this.response(currentRev, -1, { created: true, canceled: true, cancel_reason: error }));
      return;
    }
    if (id === 0) {
      while (s.watchers.has(s.nextId)) s.nextId++;
      id = s.nextId++;
    }
    const filters = c.filters ?? [];
    const w: Watcher = {
      id,
      key,
      end,
      nextRev: c.start_revision && c.start_revision > 0 ? c.start_revision : currentRev + 1,
      prevKv: c.prev_kv ?? false,
      noPut: filters.includes('NOPUT'),
      noDelete: filters.includes('NODELETE'),
      progressNotify: c.progress_notify ?? false,
    };
    s.watchers.set(id, w);
    this.send(s, this.response(currentRev, id, { created: true }));
    this.catchUp(s, w);
  }

  /** Sends history from w.nextRev to the store's current revision (or the compaction cancel). */
  private catchUp(s: Stream, w: Watcher): void {
    const kv = this.deps.kv();
    const current = kv.rev();
    if (w.nextRev > current) return;
    const compactRev = kv.compactRev();
    if (compactRev > 0 && w.nextRev < compactRev) {
      // etcd's compacted watcher: one response with the compaction revision, then the watcher is gone.
      s.watchers.delete(w.id);
      this.send(s, this.response(0, w.id, { canceled: true, compact_revision: compactRev }));
      return;
    }
    const records = kv.backendRef().rangeKeys([w.nextRev, 0], [current + 1, 0]);
    let batch: Event[] = [];
    let revsInBatch = 0;
    let lastRev = 0;
    for (const [rk, v] of records) {
      if (!matches(w, v.kv.key)) continue;
      if (rk[0] !== lastRev) {
        if (revsInBatch >= WATCH_BATCH_MAX_REVS) {
          this.deliver(s, w, batch, current);
          batch = [];
          revsInBatch = 0;
        }
        revsInBatch++;
        lastRev = rk[0];
      }
      batch.push(v.tombstone ? deleteEvent(v.kv.key, rk[0]) : { type: 'PUT', kv: v.kv });
    }
    if (batch.length > 0) this.deliver(s, w, batch, current);
    w.nextRev = current + 1;
  }

  /** Filters, adds prev_kv, and sends one response if anything is left. */
  private deliver(s: Stream, w: Watcher, events: Event[], rev: number): void {
    const kv = this.deps.kv();
    const out: Event[] = [];
    for (const ev of events) {
      if (ev.type === 'PUT' && w.noPut) continue;
      if (ev.type === 'DELETE' && w.noDelete) continue;
      if (w.prevKv && !(ev.type === 'PUT' && ev.kv.version === 1)) {
        const prev = readPrev(kv, ev.kv.key, ev.kv.mod_revision - 1);
        out.push(prev ? { ...ev, prev_kv: prev } : { ...ev });
      } else out.push(ev);
    }
    if (out.length === 0) return;
    this.send(s, this.response(rev, w.id, { events: out }));
  }

  /** One write txn became current: offer its events to every watcher, in stream order. */
  onWrite(rev: number, events: Event[]): void {
    for (const s of this.streams.values()) {
      for (const w of s.watchers.values()) {
        if (w.nextRev > rev) continue;
        const mine = events.filter((e) => matches(w, e.kv.key));
        w.nextRev = rev + 1;
        if (mine.length > 0) this.deliver(s, w, mine, rev);
      }
    }
  }

  /** The store was replaced by a snapshot: every watcher catches up from the new history. */
  onRestore(): void {
    for (const s of this.streams.values()) for (const w of [...s.watchers.values()]) this.catchUp(s, w);
  }

  /** The periodic progress notification for watchers that asked for it. */
  progressNotifyAll(rev: number): void {
    for (const s of this.streams.values()) {
      for (const w of s.watchers.values()) if (w.progressNotify) this.send(s, this.response(rev, w.id));
    }
  }

  /** Number of watchers (inspectors, tests). */
  watcherCount(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.watchers.size;
    return n;
  }
}

function deleteEvent(key: string, rev: number): Event {
  return { type: 'DELETE', kv: { key, create_revision: 0, mod_revision: rev, version: 0, value: '', lease: '0' } };
}

function readPrev(kv: KvStore, key: string, rev: number): KeyValue | undefined {
  if (rev <= 0) return undefined;
  try {
    const r = kv.range(key, undefined, { rev });
    return r.kvs[0];
  } catch {
    // Compacted away: etcd sends the event without its previous value.
    return undefined;
  }
}
