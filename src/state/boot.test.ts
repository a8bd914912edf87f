import { describe, expect, it } from 'vitest';
import { bootPlayground } from './boot.ts';
import type { FrameScheduler } from './bridge.ts';

const noFrames: FrameScheduler = { request: () => 0, cancel: () => undefined };
import { createPlaygroundStore } from './store.ts';
import { member } from './testMembers.ts';
import type { ClusterSettings, PlaygroundApi } from './types.ts';

function runtime(initial: Partial<ClusterSettings>) {
  const calls: string[] = [];
  let settings = { members: 3, seed: 1, ...initial } as ClusterSettings;
  const api = {
    ready: async () => void calls.push('ready'),
    reset: async (s: Partial<ClusterSettings>) => {
      calls.push(`reset ${JSON.stringify(s)}`);
      settings = { ...settings, ...s };
    },
    settings: () => settings,
    members: () => Array.from({ length: settings.members }, (_, i) => member(`n${i + 1}`)),
    leader: () => undefined,
    subscribe: () => () => undefined,
  } as unknown as PlaygroundApi;
  return { api, calls };
}

describe('bootPlayground', () => {
  it('applies the URL settings when the runtime started with others', async () => {
    const { api, calls } = runtime({});
    const store = createPlaygroundStore();
    await bootPlayground(store, () => api, '?members=5&seed=42', noFrames);
    expect(calls).toEqual(['ready', 'reset {"members":5,"seed":42}', 'ready']);
    expect(store.getState().status).toBe('ready');
    expect(store.getState().members).toHaveLength(5);
  });
  it('does not reset when the runtime already has them', async () => {
    const { api, calls } = runtime({ members: 5, seed: 42 });
    const store = createPlaygroundStore();
    await bootPlayground(store, () => api, '?members=5&seed=42', noFrames);
    expect(calls).toEqual(['ready']);
  });
  it('shows a failure to start instead of throwing, and reports bad URL settings', async () => {
    const store = createPlaygroundStore();
    await bootPlayground(
      store,
      () => {
        throw new Error('no workers');
      },
      '?members=zero',
      noFrames,
    );
    expect(store.getState().status).toBe('error');
    expect(store.getState().error).toBe('no workers');
    expect(store.getState().notices[0]!.text).toMatch(/members/);
  });
});
