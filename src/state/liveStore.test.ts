/** Live mode's store on a real etcd 3.4: connect, refusals that change nothing, read-only, confirmation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, realEtcdAvailable, startRealEtcd, type RealEtcd } from '../client/testing/realEtcd.ts';
import { createLiveStore, type LiveStore } from './liveStore.ts';

const d = realEtcdAvailable() ? describe : describe.skip;

const until = async (f: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(f()).toBe(true);
};

d('the live store', () => {
  let etcd: RealEtcd;
  let store: LiveStore;
  beforeAll(async () => {
    etcd = await startRealEtcd({ members: 1 });
    store = createLiveStore();
  }, 60_000);
  afterAll(async () => {
    store?.getState().disconnect();
    await etcd?.stop();
  });

  it('a malformed endpoint list is refused before anything is dialled', async () => {
    store.getState().setForm({ endpoints: 'localhost' });
    await store.getState().connect();
    expect(store.getState().phase).toBe('disconnected');
    expect(store.getState().problems).toEqual(['"localhost": the port is missing (etcd\'s client port is usually 2379)']);
  });

  it('connects, reads members, keys and the watch, and starts read-only', async () => {
    store.getState().setForm({ endpoints: etcd.endpoints.join(','), pollMs: 250 });
    await store.getState().connect();
    const s = store.getState();
    expect(s.phase).toBe('connected');
    expect(s.problems).toEqual([]);
    expect(s.readOnly).toBe(true);
    expect(s.snapshot!.members).toHaveLength(1);
    expect(s.snapshot!.leaderId).toBe(s.snapshot!.members[0]!.id);
    await until(() => store.getState().watch.state?.state === 'watching');
  });

  it('read-only refuses a put; with it off a put shows in keys and the feed; a delete waits for confirmation', async () => {
    await store.getState().run('put k 1');
    const refused = store.getState().consoleEntries.at(-1)!;
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/read-only/);
    store.getState().setReadOnly(false);
    await store.getState().run('put k 1');
    expect(store.getState().consoleEntries.at(-1)!.stdout).toBe('OK\n');
    await until(() => store.getState().keys.page?.kvs.some((kv) => kv.key === 'k') === true);
    await until(() => store.getState().watch.events.some((e) => e.key === 'k' && e.value === '1'));

    const entries = store.getState().consoleEntries.length;
    await store.getState().run('del k');
    expect(store.getState().confirm).toMatchObject({ line: 'del k', path: 'del', effect: 'deletes keys' });
    expect(store.getState().consoleEntries).toHaveLength(entries);
    store.getState().cancelConfirm();
    expect(store.getState().confirm).toBeNull();
    expect(store.getState().consoleEntries).toHaveLength(entries);
    await store.getState().run('del k');
    await store.getState().confirmRun();
    expect(store.getState().consoleEntries.at(-1)!.stdout).toBe('1\n');
  });

  it('a refused connect keeps the connection it had', async () => {
    const before = store.getState().connectedTo;
    const port = await freePort();
    store.getState().setForm({ endpoints: `127.0.0.1:${port}` });
    await store.getState().connect();
    const s = store.getState();
    expect(s.phase).toBe('connected');
    expect(s.connectedTo).toEqual(before);
    expect(s.problems[0]).toMatch(new RegExp(`^127\\.0\\.0\\.1:${port}: could not connect`));
  });

  it('the poll interval is kept within its bounds', () => {
    store.getState().setPollMs(10);
    expect(store.getState().form.pollMs).toBe(250);
    store.getState().setPollMs(10 ** 9);
    expect(store.getState().form.pollMs).toBe(60_000);
    store.getState().setPollMs(Number.NaN);
    expect(store.getState().form.pollMs).toBe(60_000);
  });
});
