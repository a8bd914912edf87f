import { describe, expect, it } from 'vitest';
import { checkHistory } from '../sim/checkers/checkHistory.ts';
import { HISTORY_FORMAT, importHistory } from '../sim/checkers/exportHistory.ts';
import { Playground } from './playground.ts';
import { outcome } from './playgroundTesting.ts';
import { everyActionScript } from './playgroundScripts.ts';

const enc = (s: string) => Buffer.from(s).toString('base64');

describe('the client history of a playground', () => {
  it('records each KV call with its answer and virtual times, a refused txn as failed, and a watch stream with its events', async () => {
    const pg = Playground.inProcess({ settings: { members: 3, seed: 3 }, paused: true });
    await pg.ready();
    await pg.runFor(3000);
    const c = pg.client();
    const events: number[] = [];
    const w = c.watch({ key: 'h', range_end: 'i' }, (r) => events.push(r.events.length));
    const answered = <T,>(p: Promise<T>): Promise<T | Error> => outcome(pg, p);
    await answered(c.put({ key: 'h1', value: 'a' }));
    await answered(c.put({ key: 'h2', value: 'b' }));
    await answered(c.range({ key: 'h', range_end: 'i' }));
    const dup = await answered(c.txn({ compare: [], success: [{ request_put: { key: 'h1', value: 'x' } }, { request_put: { key: 'h1', value: 'y' } }], failure: [] }));
    expect(dup).toBeInstanceOf(Error);
    await answered(w.cancel());
    await pg.runFor(200);

    const file = pg.clientHistory();
    expect(file.format).toBe(HISTORY_FORMAT);
    const h = importHistory(JSON.parse(JSON.stringify(file)));
    expect(h.operations.map((o) => [o.op.type, o.outcome.status])).toEqual([
      ['put', 'ok'],
      ['put', 'ok'],
      ['range', 'ok'],
      ['txn', 'failed'],
    ]);
    for (const o of h.operations) {
      expect(o.callMs).toBeGreaterThanOrEqual(3000);
      expect(o.returnMs).toBeGreaterThan(o.callMs);
    }
    const failed = h.operations[3]!.outcome;
    expect(failed.status === 'failed' && failed.error.message).toBe('etcdserver: duplicate key given in txn request');
    // Keys are bytes, written as base64 in the file.
    expect((file.operations[0] as { op: { request: { key: string } } }).op.request.key).toBe(enc('h1'));
    expect(h.watches).toHaveLength(1);
    const watch = h.watches[0]!;
    expect(watch.closedMs).not.toBeNull();
    expect(watch.responses.flatMap((r) => r.response.events.map((e) => e.kv.mod_revision))).toEqual([
      (h.operations[0]!.outcome as { response: { header: { revision: number } } }).response.header.revision,
      (h.operations[1]!.outcome as { response: { header: { revision: number } } }).response.header.revision,
    ]);
    expect(events.reduce((a, b) => a + b, 0)).toBe(2);
    expect(checkHistory(h).ok).toBe(true);
    await pg.close();
  });

  it('a replay of the recorded actions gives the same client history (so a past view can export it)', async () => {
    const pg = Playground.inProcess({ settings: { members: 3, seed: 4 }, paused: true });
    await pg.ready();
    await everyActionScript(pg);
    const live = pg.clientHistory();
    const capture = await pg.capture();
    await pg.close();
    expect(live.operations.length).toBeGreaterThan(10);
    expect(live.watches.length).toBeGreaterThan(0);

    const again = Playground.inProcess({ settings: capture.settings, paused: true });
    await again.ready();
    await again.replay(capture.actions, { untilMs: capture.endMs });
    expect(again.clientHistory()).toEqual(live);
    await again.close();
  });
});
