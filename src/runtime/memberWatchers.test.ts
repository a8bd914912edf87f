/**
 * The inspector's view of a member's watchers (MemberDetails.watchers): a watch opened through
 * a client shows up on the member serving it, with its key, range end and next revision, and
 * leaves when canceled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WatchResponse } from '../server/api.ts';
import { Playground } from './playground.ts';
import { settle, until as untilVirtual } from './playgroundTesting.ts';

const open: Playground[] = [];
afterEach(async () => {
  for (const pg of open.splice(0)) await pg.close();
});

const until = (pg: Playground, pred: () => boolean) => untilVirtual(pg, pred, 20_000, 50);

describe('member details list the member watchers', () => {
  it('a client watch appears on its member with key, range end and next revision, and disappears after cancel', async () => {
    const pg = Playground.inProcess({ paused: true, settings: { seed: 31 } });
    open.push(pg);
    await pg.ready();
    await until(pg, () => pg.leader() !== undefined);
    const served = pg.members().find((m) => m.name !== pg.leader()!.name)!.name;
    const c = pg.client({ endpoints: [served] });
    const clientName = (c as unknown as { name: string }).name;
    const first = await settle(pg, c.put({ key: 'w/a', value: '1' }));
    const startRev = first.header.revision;

    const got: WatchResponse[] = [];
    const h = c.watch({ key: 'w/', range_end: 'w0', start_revision: startRev }, (r) => got.push(r));
    await until(pg, () => got.some((r) => r.events.length > 0));
    const watchId = got[0]!.watch_id;
    expect((await pg.memberDetails(served)).watchers).toEqual([{ watchId, client: clientName, key: 'w/', rangeEnd: 'w0', nextRevision: startRev + 1 }]);

    // A write outside the range is passed over: the next revision moves past it all the same.
    const other = await settle(pg, c.put({ key: 'x', value: '1' }));
    const d = await pg.memberDetails(served);
    expect(d.watchers.map((w) => [w.key, w.nextRevision])).toEqual([['w/', other.header.revision + 1]]);
    for (const m of pg.members()) if (m.name !== served) expect((await pg.memberDetails(m.name)).watchers).toEqual([]);

    await settle(pg, h.cancel());
    expect((await pg.memberDetails(served)).watchers).toEqual([]);
  });
});
