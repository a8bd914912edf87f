import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kvLogFromHistory, type KvLog } from './committedLog.ts';
import { simulateHistory } from './simulatedHistory.ts';
import { HistoryBuilder } from './testHistories.ts';
import type { Event, WatchCreateRequest, WatchRecord, WatchResponse } from './types.ts';
import { checkWatchGuarantees, type WatchGuarantee } from './watchGuarantees.ts';

/**
 * The KV history of these tests: 2 put a=1, 3 put b=1, 4 put a=2, 5 delete [a, c) (two
 * events in one revision), 6 put c=1.
 */
function sampleLog(): KvLog {
  const h = new HistoryBuilder();
  h.put('c', 0, 1, 'a', '1', 2);
  h.put('c', 2, 3, 'b', '1', 3);
  h.put('c', 4, 5, 'a', '2', 4);
  h.ops.push({ id: 3, clientId: 'c', callMs: 6, returnMs: 7, op: { type: 'deleteRange', request: { key: 'a', range_end: 'c' } }, outcome: { status: 'ok', response: { header: { revision: 5 }, deleted: 2, prev_kvs: [] } } });
  h.put('c', 8, 9, 'c', '1', 6);
  return kvLogFromHistory(h.ops);
}

function response(revision: number, events: Event[], extra: Partial<WatchResponse> = {}): WatchResponse {
  return { header: { revision }, watch_id: 1, created: false, canceled: false, compact_revision: 0, cancel_reason: '', fragment: false, events, ...extra };
}

/** The events of `rev` in the log that the request should see, as etcd would send them. */
function eventsAt(log: KvLog, rev: number, req: WatchCreateRequest): Event[] {
  const r = log.revisions.find((x) => x.revision === rev)!;
  return r.events
    .filter((e) => (!req.range_end ? e.kv.key === req.key : e.kv.key >= req.key && (req.range_end === '\0' || e.kv.key < req.range_end)))
    .filter((e) => !(e.type === 'PUT' && req.filters?.includes('NOPUT')) && !(e.type === 'DELETE' && req.filters?.includes('NODELETE')))
    .map((e) => (req.prev_kv ? structuredClone(e) : { type: e.type, kv: structuredClone(e.kv) }));
}

/** A correct watcher: created at revision 1, one response per revision from `from` to `to`. */
function watcher(log: KvLog, req: WatchCreateRequest, from: number, to: number, id = 'w'): WatchRecord {
  const responses = [{ timeMs: 0, response: response(1, [], { created: true }) }];
  for (let rev = from; rev <= to; rev++) {
    const evs = eventsAt(log, rev, req);
    if (evs.length) responses.push({ timeMs: rev, response: response(rev, evs) });
  }
  return { watcherId: id, clientId: 'cw', request: req, createdMs: 0, responses, closedMs: null };
}

const all: WatchCreateRequest = { key: 'a', range_end: '\0', start_revision: 2 };

function guarantees(ws: WatchRecord[], log: KvLog, opts = {}): WatchGuarantee[] {
  return checkWatchGuarantees(ws, log, opts).violations.map((v) => v.guarantee);
}

describe('watch guarantees', () => {
  it('accepts a correct stream, with a progress notification and a fragmented response', () => {
    const log = sampleLog();
    const w = watcher(log, all, 2, 6);
    w.responses.splice(4, 0, { timeMs: 4, response: response(4, []) }); // progress at 4, after rev 4
    // Revision 5's two events arrive as two fragments of one response.
    const i5 = w.responses.findIndex((r) => r.response.events[0]?.kv.mod_revision === 5);
    const [e1, e2] = w.responses[i5]!.response.events;
    w.responses.splice(i5, 1, { timeMs: 5, response: response(5, [e1!], { fragment: true }) }, { timeMs: 5, response: response(5, [e2!]) });
    expect(checkWatchGuarantees([w], log)).toEqual({ ok: true, violations: [] });
  });

  it('catches a watch that skips an event (reliable)', () => {
    const log = sampleLog();
    const w = watcher(log, all, 2, 6);
    w.responses = w.responses.filter((r) => r.response.events[0]?.kv.mod_revision !== 3);
    const v = checkWatchGuarantees([w], log).violations;
    expect(v).toEqual([expect.objectContaining({ guarantee: 'reliable', revision: 3 })]);
    expect(v[0]!.message).toMatch(/revision 3 .*skipped/);
  });

  it('catches a watch that repeats an event (unique)', () => {
    const log = sampleLog();
    const w = watcher(log, all, 2, 6);
    const r3 = w.responses.find((r) => r.response.events[0]?.kv.mod_revision === 3)!;
    w.responses.push(structuredClone(r3));
    expect(guarantees([w], log)).toContain('unique');
  });

  it('catches a revision split across two responses (atomic)', () => {
    const log = sampleLog();
    const w = watcher(log, all, 2, 6);
    const i5 = w.responses.findIndex((r) => r.response.events[0]?.kv.mod_revision === 5);
    const [e1, e2] = w.responses[i5]!.response.events;
    w.responses.splice(i5, 1, { timeMs: 5, response: response(5, [e1!]) }, { timeMs: 5, response: response(5, [e2!]) });
    expect(guarantees([w], log)).toContain('atomic');
  });

  it('catches events out of order (ordered)', () => {
    const log = sampleLog();
    const w = watcher(log, all, 2, 4);
    const [created, r2, r3, r4] = w.responses;
    w.responses = [created!, r2!, r4!, r3!];
    expect(guarantees([w], log)).toContain('ordered');
  });

  it('catches a progress notification that runs ahead of delivered events (bookmarkable)', () => {
    const log = sampleLog();
    const w = watcher(log, all, 2, 3);
    w.responses.push({ timeMs: 9, response: response(4, []) });
    expect(guarantees([w], log)).toEqual(['bookmarkable']);
  });

  it('catches events that do not match the KV history: value, prev_kv, filters, range', () => {
    const log = sampleLog();
    const wrongValue = watcher(log, all, 2, 6);
    wrongValue.responses[3]!.response.events[0]!.kv.value = 'forged';
    expect(guarantees([wrongValue], log)).toEqual(['matches']);

    const withPrev = { ...all, prev_kv: true };
    const missingPrev = watcher(log, withPrev, 2, 6);
    expect(checkWatchGuarantees([missingPrev], log).ok).toBe(true);
    delete missingPrev.responses[3]!.response.events[0]!.prev_kv; // rev 4 overwrote a=1
    expect(guarantees([missingPrev], log)).toEqual(['matches']);

    const noPut: WatchCreateRequest = { ...all, filters: ['NOPUT'] };
    const leaky = watcher(log, noPut, 2, 6);
    expect(checkWatchGuarantees([leaky], log).ok).toBe(true);
    leaky.responses.splice(1, 0, { timeMs: 2, response: response(2, eventsAt(log, 2, all)) });
    expect(guarantees([leaky], log)).toContain('matches');

    const onlyB: WatchCreateRequest = { key: 'b', start_revision: 2 };
    const outside = watcher(log, onlyB, 2, 6);
    outside.responses.push({ timeMs: 9, response: response(6, eventsAt(log, 6, all)) });
    expect(guarantees([outside], log)).toContain('matches');
  });

  it('checks a resumed watch continues exactly after the last delivered revision (resumable)', () => {
    const log = sampleLog();
    const first = watcher(log, all, 2, 3, 'w1');
    first.closedMs = 10;
    const good = watcher(log, { ...all, start_revision: 4 }, 4, 6, 'w2');
    good.resumes = 'w1';
    expect(checkWatchGuarantees([first, good], log).ok).toBe(true);

    const skipsFirst = structuredClone(good);
    skipsFirst.responses.splice(1, 1);
    expect(guarantees([first, skipsFirst], log)).toEqual(expect.arrayContaining(['resumable']));

    const wrongStart = watcher(log, { ...all, start_revision: 5 }, 5, 6, 'w2');
    wrongStart.resumes = 'w1';
    expect(guarantees([first, wrongStart], log)).toEqual(['resumable']);

    const replays = watcher(log, { ...all, start_revision: 3 }, 3, 6, 'w2');
    replays.resumes = 'w1';
    expect(guarantees([first, replays], log)).toEqual(expect.arrayContaining(['unique', 'resumable']));
  });

  it('nothing may follow a cancel, and open watchers must catch up when asked (completeThrough)', () => {
    const log = sampleLog();
    const w = watcher(log, all, 2, 3);
    w.responses.push({ timeMs: 5, response: response(3, [], { canceled: true }) }, { timeMs: 6, response: response(4, eventsAt(log, 4, all)) });
    expect(guarantees([w], log)).toEqual(['protocol']);
    const lagging = watcher(log, all, 2, 3);
    expect(checkWatchGuarantees([lagging], log).ok).toBe(true);
    expect(guarantees([lagging], log, { completeThrough: 6 })).toEqual(['reliable']);
  });

  it('a start revision of 0 means "after the created header revision"', () => {
    const log = sampleLog();
    const w = watcher(log, { key: 'a', range_end: '\0' }, 4, 6);
    w.responses[0]!.response.header.revision = 3;
    expect(checkWatchGuarantees([w], log).ok).toBe(true);
    w.responses[0]!.response.header.revision = 2; // then revision 3 was missed
    expect(guarantees([w], log)).toEqual(['reliable']);
  });
});

describe('watch guarantees on simulated runs', () => {
  // A failure prints fast-check's seed and path: replay with FC_SEED=<seed> FC_PATH=<path>.
  const params = {
    numRuns: Number(process.env.FC_RUNS ?? 25),
    ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
    ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
  };
  const run = fc.record({ seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }), clients: fc.integer({ min: 1, max: 6 }), operations: fc.integer({ min: 5, max: 150 }), keys: fc.integer({ min: 1, max: 12 }), watchers: fc.integer({ min: 1, max: 6 }) });

  it('accepts every correct stream', () => {
    fc.assert(
      fc.property(run, (o) => {
        const { history, log } = simulateHistory(o);
        const res = checkWatchGuarantees(history.watches, log);
        expect(res.violations).toEqual([]);
      }),
      params,
    );
  });

  it('rejects a stream with one event response dropped (not the last) or repeated', () => {
    fc.assert(
      fc.property(run, fc.nat(), fc.boolean(), (o, pick, repeat) => {
        const { history, log } = simulateHistory(o);
        const candidates: [WatchRecord, number][] = [];
        for (const w of history.watches) {
          const eventIdx = w.responses.map((r, i) => (r.response.events.length ? i : -1)).filter((i) => i >= 0);
          for (const i of eventIdx.slice(0, -1)) candidates.push([w, i]);
        }
        fc.pre(candidates.length > 0);
        const [w, i] = candidates[pick % candidates.length]!;
        if (repeat) w.responses.splice(i + 1, 0, structuredClone(w.responses[i]!));
        else w.responses.splice(i, 1);
        const res = checkWatchGuarantees(history.watches, log);
        expect(res.violations.map((v) => v.guarantee)).toContain(repeat ? 'unique' : 'reliable');
      }),
      params,
    );
  });

  it('rejects a stream whose multi-event revision is split across two responses', () => {
    fc.assert(
      fc.property(run, fc.nat(), (o, pick) => {
        const { history, log } = simulateHistory({ ...o, keys: Math.max(o.keys, 4) });
        const candidates: [WatchRecord, number, number][] = [];
        for (const w of history.watches) {
          w.responses.forEach((r, i) => {
            const revs = r.response.events.map((e) => e.kv.mod_revision);
            for (let j = 1; j < revs.length; j++) if (revs[j] === revs[j - 1]) candidates.push([w, i, j]);
          });
        }
        fc.pre(candidates.length > 0);
        const [w, i, j] = candidates[pick % candidates.length]!;
        const r = w.responses[i]!;
        const tail = { timeMs: r.timeMs, response: { ...r.response, events: r.response.events.slice(j) } };
        r.response.events = r.response.events.slice(0, j);
        w.responses.splice(i + 1, 0, tail);
        expect(checkWatchGuarantees(history.watches, log).violations.map((v) => v.guarantee)).toContain('atomic');
      }),
      params,
    );
  });
});
