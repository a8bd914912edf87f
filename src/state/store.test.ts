import { describe, expect, it } from 'vitest';
import { createPlaygroundStore, linkKey, linkPairState, snapshotSavePath, splitGroups } from './store.ts';
import { member } from './testMembers.ts';
import type { LinkState, PlaygroundApi } from './types.ts';

/**
 * Just enough of the api for the network actions: a table of cut directions. With `late`, a
 * change lands only at `land()`, as the runtime applies it between two steps of the world.
 */
function linkTable(symmetric = false, late = false) {
  const cut = new Set<string>();
  const calls: string[] = [];
  const queued: (() => void)[] = [];
  const later = (f: () => void): Promise<void> | undefined => {
    if (!late) return void f();
    return new Promise((resolve) => queued.push(() => (f(), resolve())));
  };
  const land = (): void => {
    for (const f of queued.splice(0)) f();
  };
  const api = {
    cut(a: string, b: string, o?: { oneWay?: boolean }) {
      calls.push(`cut ${a} ${b}${o?.oneWay ? ' oneWay' : ''}`);
      return later(() => {
        cut.add(`${a}>${b}`);
        if (!o?.oneWay) cut.add(`${b}>${a}`);
      });
    },
    restore(a: string, b: string) {
      calls.push(`restore ${a} ${b}`);
      return later(() => {
        cut.delete(`${a}>${b}`);
        cut.delete(`${b}>${a}`);
      });
    },
    linkState(a: string, b: string): LinkState {
      const ab = cut.has(`${a}>${b}`);
      const ba = cut.has(`${b}>${a}`);
      if (symmetric) return ab && ba ? 'cut-both' : ab || ba ? 'cut-one-way' : 'healthy';
      return ab && ba ? 'cut-both' : ab ? 'cut-one-way' : 'healthy';
    },
    partition(groups: string[][]) {
      calls.push(`partition ${JSON.stringify(groups)}`);
    },
    heal() {
      calls.push('heal');
    },
  };
  return { api: api as unknown as PlaygroundApi, calls, land };
}

describe('network actions', () => {
  it('cycles a link healthy -> cut one way -> cut both ways -> healthy', () => {
    const { api } = linkTable();
    const store = createPlaygroundStore();
    store.getState().attach(api);
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      store.getState().cycleLink('n1', 'n2');
      seen.push(linkPairState(store.getState().links, 'n1', 'n2', store.getState().oneWay));
    }
    expect(seen).toEqual(['cut-ab', 'cut-both', 'healthy']);
    expect(store.getState().links[linkKey('n1', 'n2')]).toBe('healthy');
  });
  it('clicks faster than the world applies them still cycle: each goes on from the one before', async () => {
    const { api, calls, land } = linkTable(true, true);
    const store = createPlaygroundStore();
    store.getState().attach(api);
    for (let i = 0; i < 3; i++) store.getState().cycleLink('n1', 'n2');
    expect(calls).toEqual(['cut n1 n2 oneWay', 'cut n1 n2', 'restore n1 n2', 'restore n2 n1']);
    expect(linkPairState(store.getState().links, 'n1', 'n2', store.getState().oneWay)).toBe('healthy');
    land();
    await new Promise((r) => setTimeout(r, 0));
    // Read back from the runtime once the changes are in: still healthy.
    expect(api.linkState('n1', 'n2')).toBe('healthy');
    expect(linkPairState(store.getState().links, 'n1', 'n2', store.getState().oneWay)).toBe('healthy');
    expect(store.getState().notices).toEqual([]);
  });
  it('knows which way a one-way cut goes when the runtime reports it on both ordered pairs', () => {
    const { api, calls } = linkTable(true);
    const store = createPlaygroundStore();
    store.getState().attach(api);
    store.getState().cycleLink('n2', 'n1');
    expect(calls).toEqual(['cut n2 n1 oneWay']);
    expect(store.getState().links[linkKey('n1', 'n2')]).toBe('cut-one-way');
    expect(linkPairState(store.getState().links, 'n1', 'n2', store.getState().oneWay)).toBe('cut-ba');
    store.getState().cycleLink('n2', 'n1');
    expect(linkPairState(store.getState().links, 'n1', 'n2', store.getState().oneWay)).toBe('cut-both');
  });
  it('partitions by islands and heals when one island is left', () => {
    const { api, calls } = linkTable();
    const store = createPlaygroundStore();
    store.setState({ members: ['n1', 'n2', 'n3'].map((n) => member(n)) });
    store.getState().attach(api);
    store.getState().setIslands([['n1', 'n2'], ['n3']]);
    store.getState().setIslands([['n1', 'n2', 'n3']]);
    expect(calls).toEqual(['partition [["n1","n2"],["n3"]]', 'heal']);
    expect(store.getState().islands).toEqual([['n1', 'n2', 'n3']]);
  });
  it('isolating the leader needs a leader, and says so otherwise', () => {
    const { api, calls } = linkTable();
    const store = createPlaygroundStore();
    store.getState().attach(api);
    store.setState({ members: [member('n1'), member('n2')] });
    store.getState().isolateLeader();
    expect(calls).toEqual([]);
    expect(store.getState().notices[0]!.level).toBe('error');
    store.setState({ members: [member('n1'), member('n2', { role: 'leader' }), member('n3')] });
    store.getState().isolateLeader();
    expect(calls).toEqual(['partition [["n1","n3"],["n2"]]']);
  });
  it('splits a minority off without the leader', () => {
    expect(splitGroups(['n1', 'n2', 'n3', 'n4', 'n5'], 'n5', 2)).toEqual([['n1', 'n2', 'n5'], ['n3', 'n4']]);
    expect(splitGroups(['n1', 'n2', 'n3'], '', 1)).toEqual([['n1', 'n2'], ['n3']]);
  });
});

describe('console snapshot files', () => {
  it('finds the file argument of snapshot save wherever the flags stand', () => {
    expect(snapshotSavePath('snapshot save backup.db')).toBe('backup.db');
    expect(snapshotSavePath('--endpoints m1:2379 snapshot save "my.db" -w json')).toBe('my.db');
    expect(snapshotSavePath('snapshot status backup.db')).toBeUndefined();
    expect(snapshotSavePath('snapshot save')).toBeUndefined();
    expect(snapshotSavePath('get foo')).toBeUndefined();
  });
});

describe('setting a link to a state', () => {
  it('cuts either direction one way, both ways, or heals, from any state', () => {
    const { api, calls } = linkTable(true);
    const store = createPlaygroundStore();
    store.getState().attach(api);
    const pair = () => linkPairState(store.getState().links, 'n1', 'n2', store.getState().oneWay);
    store.getState().setLinkCut('n2', 'n1', 'one-way');
    expect(pair()).toBe('cut-ba');
    store.getState().setLinkCut('n1', 'n2', 'one-way');
    expect(pair()).toBe('cut-ab');
    store.getState().setLinkCut('n1', 'n2', 'both');
    expect(pair()).toBe('cut-both');
    store.getState().setLinkCut('n1', 'n2', 'none');
    expect(pair()).toBe('healthy');
    expect(calls).toEqual(['restore n2 n1', 'cut n2 n1 oneWay', 'restore n1 n2', 'cut n1 n2 oneWay', 'restore n1 n2', 'cut n1 n2', 'restore n1 n2']);
  });
  it('refuses a link from a member to itself and changes nothing', () => {
    const { api, calls } = linkTable();
    const store = createPlaygroundStore();
    store.getState().attach(api);
    store.getState().setLinkCut('n1', 'n1', 'both');
    expect(calls).toEqual([]);
    expect(store.getState().notices.at(-1)!.level).toBe('error');
  });
});
