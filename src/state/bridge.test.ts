import { describe, expect, it } from 'vitest';
import { connectStore, PROGRESS_EVERY_FRAMES, updateClients, type FrameScheduler } from './bridge.ts';
import { createPlaygroundStore, linkPairState } from './store.ts';
import { member } from './testMembers.ts';
import type { InvariantStatus, MemberInfo, PlaygroundApi, PlaygroundEvent } from './types.ts';

/** Frames run when the test says so. */
function manualFrames(): FrameScheduler & { run(): void } {
  let cb: (() => void) | null = null;
  return {
    request(f) {
      cb = f;
      return 1;
    },
    cancel() {
      cb = null;
    },
    run() {
      const f = cb;
      cb = null;
      f?.();
    },
  };
}

/** The read side of the api the bridge uses, over values the test sets. */
function source() {
  const w = {
    members: [member('n1', { role: 'leader', term: 2 }), member('n2', { term: 2 }), member('n3', { term: 2 })] as MemberInfo[],
    nowMs: 1000,
    paused: false,
    listener: null as ((e: PlaygroundEvent[]) => void) | null,
    cut: new Set<string>(),
    invariants: { checks: 0, violation: null } as InvariantStatus,
  };
  const api = {
    members: () => w.members,
    time: () => ({ nowMs: w.nowMs, paused: w.paused, speed: 1 }),
    now: () => w.nowMs,
    subscribe(l: (e: PlaygroundEvent[]) => void) {
      w.listener = l;
      return () => (w.listener = null);
    },
    linkState: (a: string, b: string) => (w.cut.has(`${a}>${b}`) ? 'cut-both' : 'healthy'),
    invariants: () => w.invariants,
    historyLane: () => ({ operations: [], check: { result: 'none', checked: 0, text: '', involved: [] } }),
  } as unknown as PlaygroundApi;
  return { w, api };
}

const ev = (kind: string, actor: string, peer = '', detail = '', envelopeId = 0): PlaygroundEvent => ({ seq: 0, atMs: 1000, kind, actor, peer, envelopeId, detail });

describe('connectStore', () => {
  it('shows a violation the monitor found in the frame it is seen, and the check count at most a few times a second', () => {
    const { w, api } = source();
    const store = createPlaygroundStore();
    const frames = manualFrames();
    connectStore(store, api, frames);
    frames.run();
    w.invariants = { checks: 5, violation: null };
    frames.run();
    // Counting moves every step: not worth a render every frame.
    expect(store.getState().invariants.checks).toBe(0);
    for (let i = 0; i < 15; i++) frames.run();
    expect(store.getState().invariants.checks).toBe(5);
    const violation = { light: 'electionSafety' as const, invariant: 'two leaders in one term', detail: 'term 4: n1 and n2', atMs: 1000, members: ['n1', 'n2'], terms: [4], indexes: [] };
    w.invariants = { checks: 6, violation };
    frames.run();
    expect(store.getState().invariants.violation).toEqual(violation);
  });

  it('folds members, time and link states into the store once per frame', () => {
    const { w, api } = source();
    const store = createPlaygroundStore();
    const frames = manualFrames();
    connectStore(store, api, frames);
    frames.run();
    const s = store.getState();
    expect(s.members.map((m) => m.name)).toEqual(['n1', 'n2', 'n3']);
    expect(s.nowMs).toBe(1000);
    expect(s.islands).toEqual([['n1', 'n2', 'n3']]);
    expect(s.links['n1>n2']).toBe('healthy');
    w.cut.add('n1>n2');
    w.nowMs = 1100;
    frames.run();
    expect(store.getState().links['n1>n2']).toBe('cut-both');
    expect(store.getState().nowMs).toBe(1100);
  });

  it('does not replace unchanged member data (no re-render without a change)', () => {
    const { api } = source();
    const store = createPlaygroundStore();
    const frames = manualFrames();
    connectStore(store, api, frames);
    frames.run();
    const before = store.getState().members;
    frames.run();
    expect(store.getState().members).toBe(before);
  });

  it('draws a moving commit index every few frames, and a role change in the frame it is seen', () => {
    const { w, api } = source();
    const store = createPlaygroundStore();
    const frames = manualFrames();
    connectStore(store, api, frames);
    frames.run();
    const commit = (n: number) => [member('n1', { role: 'leader', term: 2, commitIndex: n }), member('n2', { term: 2, commitIndex: n }), member('n3', { term: 2, commitIndex: n })];
    const seen: number[] = [];
    for (let i = 1; i <= PROGRESS_EVERY_FRAMES * 2; i++) {
      w.members = commit(i);
      frames.run();
      seen.push(store.getState().members[0]!.commitIndex);
    }
    // Drawn on every PROGRESS_EVERY_FRAMES-th frame only, and then with the newest value.
    expect(new Set(seen).size).toBe(3);
    expect(seen.at(-1)).toBe(PROGRESS_EVERY_FRAMES * 2);
    w.members = [member('n1', { term: 3 }), member('n2', { role: 'candidate', term: 3 }), member('n3', { term: 3 })];
    frames.run();
    expect(store.getState().members[1]!.role).toBe('candidate');
  });

  it('narrates a new leader with its term and marks it on the timeline', () => {
    const { w, api } = source();
    const store = createPlaygroundStore();
    const frames = manualFrames();
    connectStore(store, api, frames);
    frames.run();
    w.members = [member('n1', { term: 3 }), member('n2', { role: 'leader', term: 3 }), member('n3', { term: 3 })];
    w.nowMs = 2000;
    frames.run();
    expect(store.getState().narration.text).toContain('n2 became leader in term 3');
    expect(store.getState().markers.some((m) => m.kind === 'leader' && m.member === 'n2')).toBe(true);
    expect(store.getState().bands.at(-1)).toMatchObject({ term: 3, leader: 'n2' });
  });

  it('turns trace events into markers, client actors, drop marks and watch feed items', () => {
    const { w, api } = source();
    const store = createPlaygroundStore();
    const frames = manualFrames();
    connectStore(store, api, frames);
    w.listener!([
      ev('crash', 'n3'),
      ev('send', 'client-1', 'n2', 'req#1 put'),
      ev('drop', 'n1', 'n3', 'MsgApp', 42),
      ev('deliver', 'client-1', 'n2', 'watchResp#1 w0 ev1'),
    ]);
    frames.run();
    const s = store.getState();
    expect(s.markers.map((m) => m.text)).toContain('n3 crashed');
    expect(s.narration.text).toContain('n3 crashed');
    expect(s.clients).toEqual([{ name: 'client-1', endpoint: 'n2', lastSeenMs: 1000 }]);
    expect(s.hot.drops.map((d) => d.envelopeId)).toEqual([42]);
    expect(s.feed.map((f) => f.kind)).toEqual(['watch']);
  });

  it('stops reading after disconnect', () => {
    const { w, api } = source();
    const store = createPlaygroundStore();
    const frames = manualFrames();
    const stop = connectStore(store, api, frames);
    frames.run();
    stop();
    w.nowMs = 5000;
    frames.run();
    expect(store.getState().nowMs).toBe(1000);
    expect(w.listener).toBeNull();
  });
});

describe('updateClients', () => {
  it('keeps the same array when no client appears or moves', () => {
    const clients = [{ name: 'c', endpoint: 'n1', lastSeenMs: 0 }];
    expect(updateClients(clients, [ev('send', 'n1', 'n2')], new Set(['n1', 'n2']))).toBe(clients);
    expect(updateClients(clients, [ev('send', 'c', 'n2')], new Set(['n1', 'n2']))[0]!.endpoint).toBe('n2');
  });
});

describe('connectStore and one-way cuts', () => {
  it("shows the direction the runtime reports for a one-way cut, whoever made it, and sees it turn around", () => {
    const { w, api } = source();
    // The runtime's detail: a one-way cut is reported on both ordered pairs, with its direction.
    const blocked = (a: string, b: string) => w.cut.has(`${a}>${b}`);
    Object.assign(api, {
      linkState: (a: string, b: string) => (blocked(a, b) && blocked(b, a) ? 'cut-both' : blocked(a, b) || blocked(b, a) ? 'cut-one-way' : 'healthy'),
      linkDetail(a: string, b: string) {
        return { from: a, to: b, state: api.linkState(a, b), cut: 'none', blockedFromTo: blocked(a, b), blockedToFrom: blocked(b, a) };
      },
    });
    const store = createPlaygroundStore();
    const frames = manualFrames();
    connectStore(store, api, frames);
    w.cut.add('n2>n1');
    frames.run();
    expect(linkPairState(store.getState().links, 'n1', 'n2', store.getState().oneWay)).toBe('cut-ba');
    w.cut.delete('n2>n1');
    w.cut.add('n1>n2');
    frames.run();
    expect(linkPairState(store.getState().links, 'n1', 'n2', store.getState().oneWay)).toBe('cut-ab');
    w.cut.add('n2>n1');
    frames.run();
    expect(linkPairState(store.getState().links, 'n1', 'n2', store.getState().oneWay)).toBe('cut-both');
  });
});
