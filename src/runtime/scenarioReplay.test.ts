import { describe, expect, it } from 'vitest';
import { Playground } from './playground.ts';
import { everyActionScript } from './playgroundScripts.ts';
import { WORLD_ACTION_TYPES, type RecordedAction } from './worldActions.ts';

async function recordRun(seed: number): Promise<{ actions: RecordedAction[]; hash: string; endMs: number; settings: ReturnType<Playground['settings']> }> {
  const pg = Playground.inProcess({ settings: { members: 3, seed }, paused: true });
  await pg.ready();
  const hash = await everyActionScript(pg);
  const out = { actions: pg.recordedActions(), hash, endMs: pg.now(), settings: pg.settings() };
  await pg.close();
  return out;
}

describe('replaying recorded actions', () => {
  it('records every kind of action the script takes, some made from a client\'s answer in the middle of a run', async () => {
    const run = await recordRun(5);
    const kinds = new Set(run.actions.map((a) => a.type));
    const expected = WORLD_ACTION_TYPES.filter((t) => t !== 'kill' && t !== 'wait');
    for (const t of expected) expect(kinds, `no ${t} recorded`).toContain(t);
    // The script changes the link from the put's answer: at the instant the answer came, not on
    // one of the script's own 100 ms boundaries; the cut right after it waits behind it.
    const link = run.actions.findIndex((a) => a.type === 'setLink');
    expect(run.actions[link]!.atMs % 100).not.toBe(0);
    expect(run.actions[link + 1]).toMatchObject({ type: 'cut', pending: true, atMs: run.actions[link]!.atMs });
    for (let i = 1; i < run.actions.length; i++) {
      expect(run.actions[i]!.atMs).toBeGreaterThanOrEqual(run.actions[i - 1]!.atMs);
      if (run.actions[i]!.pending) expect(run.actions[i]!.atMs).toBe(run.actions[i - 1]!.atMs);
    }
  });

  for (const seed of [1, 2, 3]) {
    it(`a fresh cluster replaying the actions reaches the same trace hash (seed ${seed})`, async () => {
      const run = await recordRun(seed);
      const pg = Playground.inProcess({ settings: run.settings, paused: true });
      await pg.ready();
      await pg.replay(run.actions, { untilMs: run.endMs });
      expect(pg.now()).toBe(run.endMs);
      expect(pg.traceHash(), `seed ${seed}: replay with SEED=${seed}`).toBe(run.hash);
      // The replay recorded the same actions at the same points.
      expect(pg.recordedActions()).toEqual(run.actions);
      await pg.close();
    });
  }

  it('a replay stopped part way is the recorded run at that time', async () => {
    const run = await recordRun(4);
    const mid = run.actions[Math.floor(run.actions.length / 2)]!.atMs + 1;
    const a = Playground.inProcess({ settings: run.settings, paused: true });
    await a.ready();
    await a.replay(run.actions, { untilMs: mid });
    const b = Playground.inProcess({ settings: run.settings, paused: true });
    await b.ready();
    await b.replay(run.actions.filter((x) => x.atMs <= mid), { untilMs: mid });
    expect(a.now()).toBe(mid);
    expect(a.traceHash()).toBe(b.traceHash());
    expect(a.members().map((m) => [m.name, m.role, m.term, m.commitIndex])).toEqual(b.members().map((m) => [m.name, m.role, m.term, m.commitIndex]));
    await a.close();
    await b.close();
  });

  it('an action for a member that does not exist stops the replay there with a clear error', async () => {
    const run = await recordRun(6);
    const i = run.actions.findIndex((a) => a.type === 'crash');
    const bad = run.actions.map((a, j) => (j === i ? { ...a, member: 'm9' } : a)) as RecordedAction[];
    const pg = Playground.inProcess({ settings: run.settings, paused: true });
    await pg.ready();
    await expect(pg.replay(bad)).rejects.toThrow(new RegExp(`action ${i + 1} \\(crash m9 at \\d+ ms\\) no longer applies: there is no member m9`));
    expect(pg.recordedActions().length).toBe(i);
    await pg.close();
  });

  it('an action moved to a point the run does not reach is refused', async () => {
    const run = await recordRun(7);
    const i = run.actions.findIndex((a) => a.type === 'heal');
    const bad = run.actions.map((a, j) => (j === i ? { ...a, atMs: 1 } : a)) as RecordedAction[];
    const pg = Playground.inProcess({ settings: run.settings, paused: true });
    await pg.ready();
    await expect(pg.replay(bad)).rejects.toThrow(new RegExp(`the run went past the point of action ${i + 1} \\(1 ms; the replay is at \\d+ ms\\)`));
    await pg.close();
  });
});
