/**
 * etcd's documented watch guarantees, checked on recorded watch streams against the committed
 * write log (`KvLog`, see committedLog.ts):
 *
 * - ordered: event revisions never decrease within a response and strictly increase from one
 *   response to the next; response header revisions never decrease.
 * - unique: no event (revision, key) is delivered twice, also across a resumed stream.
 * - reliable: the revisions delivered are exactly a prefix of the log's revisions that touch
 *   the watched range (after filters) from the start revision on: no gap before the last
 *   delivered one. Completeness at the end is only required up to `completeThrough`.
 * - atomic: all of one revision's matching events arrive in one response (fragments of one
 *   response, `fragment: true`, are joined first).
 * - resumable: a watcher that resumes another (re-created at last_rev + 1) continues exactly
 *   after the last revision the previous one delivered.
 * - bookmarkable: a progress notification (no events, not created, not canceled) with header
 *   revision R comes only after every matching event at revisions <= R, and no event at a
 *   revision <= R follows it.
 * - matches: every event is in the log: same key, type and KeyValue (value, create/mod
 *   revision, version, lease; key and mod revision for DELETE), inside the range, not removed
 *   by a NOPUT/NODELETE filter, with prev_kv exactly when requested and equal to the key's
 *   previous version.
 * - protocol: nothing after a cancel; the first response is the `created` one.
 */
import type { KvLog } from './committedLog.ts';
import { validateKvLog } from './committedLog.ts';
import { showKv } from './kvModel.ts';
import type { Event, KeyValue, WatchCreateRequest, WatchRecord, WatchResponse } from './types.ts';

export type WatchGuarantee = 'ordered' | 'unique' | 'reliable' | 'atomic' | 'resumable' | 'bookmarkable' | 'matches' | 'protocol';

export interface WatchViolation {
  guarantee: WatchGuarantee;
  watcherId: string;
  /** The revision concerned, when there is one. */
  revision?: number;
  message: string;
}

export interface WatchCheckResult {
  ok: boolean;
  violations: WatchViolation[];
}

export interface WatchCheckOptions {
  /**
   * Watchers still open at the end must have delivered every matching event up to this
   * revision (use it when the run waited for watchers to catch up). Default: not required.
   */
  completeThrough?: number;
}

interface LoggedEvent {
  event: Event;
  /** The key's KeyValue just before this event (absent if the key did not exist). */
  prev: KeyValue | undefined;
}

/** The log indexed by revision, with each event's previous KeyValue. */
interface LogIndex {
  byRevision: Map<number, LoggedEvent[]>;
  base: number;
  last: number;
}

function indexLog(log: KvLog): LogIndex {
  validateKvLog(log);
  const state = new Map<string, KeyValue>(log.baseKvs.map((kv) => [kv.key, kv]));
  const byRevision = new Map<number, LoggedEvent[]>();
  for (const r of log.revisions) {
    const list: LoggedEvent[] = [];
    for (const event of r.events) {
      list.push({ event, prev: state.get(event.kv.key) });
      if (event.type === 'PUT') state.set(event.kv.key, event.kv);
      else state.delete(event.kv.key);
    }
    byRevision.set(r.revision, list);
  }
  return { byRevision, base: log.baseRevision, last: log.lastRevision };
}

function inRange(req: WatchCreateRequest, key: string): boolean {
  if (!req.range_end) return key === req.key;
  if (req.range_end === '\0') return key >= req.key;
  return key >= req.key && key < req.range_end;
}

function passesFilters(req: WatchCreateRequest, e: Event): boolean {
  if (e.type === 'PUT' && req.filters?.includes('NOPUT')) return false;
  if (e.type === 'DELETE' && req.filters?.includes('NODELETE')) return false;
  return true;
}

function sameKv(type: Event['type'], a: KeyValue, b: KeyValue): boolean {
  if (type === 'DELETE') return a.key === b.key && a.mod_revision === b.mod_revision;
  return (
    a.key === b.key &&
    a.value === b.value &&
    a.create_revision === b.create_revision &&
    a.mod_revision === b.mod_revision &&
    a.version === b.version &&
    (a.lease || '0') === (b.lease || '0')
  );
}

function fullKvEqual(a: KeyValue | undefined, b: KeyValue | undefined): boolean {
  if (!a || !b) return !a && !b;
  return sameKv('PUT', a, b);
}

/** Joins fragments: a response with `fragment: true` continues into the next one. */
function logicalResponses(rec: WatchRecord): WatchResponse[] {
  const out: WatchResponse[] = [];
  let open: WatchResponse | null = null;
  for (const { response } of rec.responses) {
    if (open) {
      open = { ...response, events: open.events.concat(response.events) };
    } else open = response;
    if (!response.fragment) {
      out.push(open);
      open = null;
    }
  }
  if (open) out.push(open);
  return out;
}

/** The revisions in the log that a watch must deliver from `start` on, ascending. */
function expectedRevisions(index: LogIndex, req: WatchCreateRequest, start: number): number[] {
  const out: number[] = [];
  for (let r = Math.max(start, index.base + 1); r <= index.last; r++) {
    if (index.byRevision.get(r)!.some((le) => inRange(req, le.event.kv.key) && passesFilters(req, le.event))) out.push(r);
  }
  return out;
}

interface StreamSummary {
  start: number | null;
  delivered: number[];
  /** `${revision}\0${key}` of every event delivered. */
  eventIds: Set<string>;
}

function checkOne(rec: WatchRecord, index: LogIndex, options: WatchCheckOptions, violations: WatchViolation[]): StreamSummary {
  const req = rec.request;
  const report = (guarantee: WatchGuarantee, message: string, revision?: number): void => {
    violations.push({ guarantee, watcherId: rec.watcherId, message, ...(revision !== undefined ? { revision } : {}) });
  };
  const responses = logicalResponses(rec);
  const created = responses[0]?.created ? responses[0] : undefined;
  if (responses.length > 0 && !created) report('protocol', 'the first response is not the created response');
  let start: number | null = req.start_revision && req.start_revision > 0 ? req.start_revision : created ? created.header.revision + 1 : null;
  const compacted = responses.some((r) => r.canceled && r.compact_revision > 0);

  let lastEventRev = 0;
  let lastHeaderRev = 0;
  let canceled = false;
  const deliveredRevs: number[] = [];
  const seen = new Set<string>();
  // Revisions delivered so far, to check atomicity and bookmarks as responses arrive.
  const deliveredSet = new Set<number>();
  let pendingBookmark: number | null = null;
  let expected: number[] | undefined;
  let firstUndelivered = 0;

  for (let i = 0; i < responses.length; i++) {
    const resp = responses[i]!;
    if (canceled) {
      report('protocol', `a response arrived after the watch was canceled`);
      break;
    }
    if (resp.canceled) canceled = true;
    if (resp.header.revision < lastHeaderRev) {
      report('ordered', `response header revision went back from ${lastHeaderRev} to ${resp.header.revision}`);
    }
    lastHeaderRev = Math.max(lastHeaderRev, resp.header.revision);

    const isProgress = !resp.created && !resp.canceled && resp.events.length === 0;
    if (isProgress) {
      const R = resp.header.revision;
      if (start !== null && !compacted) {
        expected ??= expectedRevisions(index, req, start);
        while (firstUndelivered < expected.length && deliveredSet.has(expected[firstUndelivered]!)) firstUndelivered++;
        const missing: number[] = [];
        for (let j = firstUndelivered; j < expected.length && expected[j]! <= R; j++) if (!deliveredSet.has(expected[j]!)) missing.push(expected[j]!);
        if (missing.length > 0) {
          report('bookmarkable', `a progress notification at revision ${R} came before the events of revision${missing.length > 1 ? 's' : ''} ${missing.slice(0, 5).join(', ')}`, missing[0]);
        }
      }
      pendingBookmark = Math.max(pendingBookmark ?? 0, R);
      continue;
    }

    let firstInResponse = true;
    const revsHere = new Map<number, number>();
    for (const e of resp.events) {
      const rev = e.kv.mod_revision;
      const key = e.kv.key;
      if (firstInResponse ? rev <= lastEventRev : rev < lastEventRev) {
        report('ordered', `event ${e.type} ${JSON.stringify(key)} at revision ${rev} after revision ${lastEventRev}${firstInResponse ? ' of an earlier response' : ''}`, rev);
      }
      firstInResponse = false;
      lastEventRev = Math.max(lastEventRev, rev);
      if (pendingBookmark !== null && rev <= pendingBookmark) {
        report('bookmarkable', `event at revision ${rev} arrived after a progress notification at revision ${pendingBookmark}`, rev);
      }
      const id = `${rev}\u0000${key}`;
      if (seen.has(id)) {
        report('unique', `event ${e.type} ${JSON.stringify(key)} at revision ${rev} was delivered twice`, rev);
        continue;
      }
      seen.add(id);
      // Content against the log.
      const logged = index.byRevision.get(rev)?.find((le) => le.event.kv.key === key);
      if (!inRange(req, key)) report('matches', `event for key ${JSON.stringify(key)} is outside the watched range`, rev);
      else if (!passesFilters(req, e)) report('matches', `a ${e.type} event was delivered despite the ${e.type === 'PUT' ? 'NOPUT' : 'NODELETE'} filter`, rev);
      if (!logged) {
        report('matches', `event ${e.type} ${JSON.stringify(key)} at revision ${rev} is not in the KV history`, rev);
      } else {
        if (logged.event.type !== e.type || !sameKv(e.type, logged.event.kv, e.kv)) {
          report('matches', `event at revision ${rev}: expected ${logged.event.type} ${showKv(logged.event.kv)}, got ${e.type} ${showKv(e.kv)}`, rev);
        }
        if (req.prev_kv) {
          if (!fullKvEqual(e.prev_kv, logged.prev)) report('matches', `event at revision ${rev}: prev_kv should be ${showKv(logged.prev)}, got ${showKv(e.prev_kv)}`, rev);
        } else if (e.prev_kv) report('matches', `event at revision ${rev} carries prev_kv, which was not requested`, rev);
      }
      revsHere.set(rev, (revsHere.get(rev) ?? 0) + 1);
    }
    for (const [rev, got] of revsHere) {
      if (deliveredSet.has(rev)) {
        report('atomic', `the events of revision ${rev} were split across responses`, rev);
        continue;
      }
      const wanted = (index.byRevision.get(rev) ?? []).filter((le) => inRange(req, le.event.kv.key) && passesFilters(req, le.event));
      if (wanted.length > 0 && got < wanted.length) {
        const later = responses.slice(i + 1).some((r) => r.events.some((e) => e.kv.mod_revision === rev));
        report(later ? 'atomic' : 'reliable', later ? `the events of revision ${rev} were split across responses` : `only ${got} of the ${wanted.length} events of revision ${rev} were delivered`, rev);
      }
      deliveredSet.add(rev);
      deliveredRevs.push(rev);
    }
  }

  if (start === null && deliveredRevs.length > 0) start = deliveredRevs[0]!;
  if (start !== null && !compacted) {
    expected ??= expectedRevisions(index, req, start);
    const last = deliveredRevs.reduce((m, r) => Math.max(m, r), start - 1);
    const skipped = expected.filter((r) => r < last && !deliveredSet.has(r));
    if (skipped.length) {
      report('reliable', `revision${skipped.length > 1 ? 's' : ''} ${skipped.slice(0, 5).join(', ')} touched the watched range but ${skipped.length > 1 ? 'were' : 'was'} skipped (delivered up to ${last})`, skipped[0]);
    }
    for (const r of deliveredRevs) {
      if (r < start) report('reliable', `revision ${r} is before the start revision ${start}`, r);
    }
    if (options.completeThrough !== undefined && rec.closedMs === null && !canceled) {
      const missing = expected.filter((r) => r <= options.completeThrough! && r > last);
      if (missing.length) report('reliable', `the watch never delivered revision${missing.length > 1 ? 's' : ''} ${missing.slice(0, 5).join(', ')} (required through ${options.completeThrough})`, missing[0]);
    }
  }
  return { start, delivered: deliveredRevs, eventIds: seen };
}

/** Checks every watcher; returns all violations found (an empty list means ok). */
export function checkWatchGuarantees(watches: readonly WatchRecord[], log: KvLog, options: WatchCheckOptions = {}): WatchCheckResult {
  const index = indexLog(log);
  const violations: WatchViolation[] = [];
  const summaries = new Map<string, StreamSummary>();
  const byId = new Map(watches.map((w) => [w.watcherId, w]));
  for (const w of watches) {
    if (w.resumes !== undefined && !byId.has(w.resumes)) throw new Error(`watch ${w.watcherId} resumes unknown watcher ${w.resumes}`);
    summaries.set(w.watcherId, checkOne(w, index, options, violations));
  }
  for (const w of watches) {
    if (w.resumes === undefined) continue;
    const prev = summaries.get(w.resumes)!;
    const mine = summaries.get(w.watcherId)!;
    const prevReq = byId.get(w.resumes)!.request;
    if (prevReq.key !== w.request.key || (prevReq.range_end ?? '') !== (w.request.range_end ?? '')) {
      violations.push({ guarantee: 'resumable', watcherId: w.watcherId, message: `resumes ${w.resumes} but watches a different range` });
      continue;
    }
    const lastPrev = prev.delivered.reduce((m, r) => Math.max(m, r), (prev.start ?? 1) - 1);
    for (const id of mine.eventIds) {
      if (prev.eventIds.has(id)) {
        const [rev] = id.split('\u0000');
        violations.push({ guarantee: 'unique', watcherId: w.watcherId, revision: Number(rev), message: `resumed stream redelivered an event of revision ${rev} already delivered by ${w.resumes}` });
      }
    }
    if (mine.start !== null && mine.start !== lastPrev + 1) {
      violations.push({ guarantee: 'resumable', watcherId: w.watcherId, message: `resumed at revision ${mine.start}, but ${w.resumes} last delivered revision ${lastPrev}` });
      continue;
    }
    if (mine.delivered.length > 0) {
      const next = expectedRevisions(index, w.request, lastPrev + 1)[0];
      if (mine.delivered[0] !== next) {
        violations.push({ guarantee: 'resumable', watcherId: w.watcherId, revision: mine.delivered[0], message: `the resumed stream starts at revision ${mine.delivered[0]}, but the first revision after ${lastPrev} is ${next}` });
      }
    }
  }
  return { ok: violations.length === 0, violations };
}
