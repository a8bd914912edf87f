/**
 * The bug finder finds what the safety switches break, shrinks it to a handful of moves, and
 * the counterexample is a scenario that replays to the same trace hash and the same failure.
 */
import { describe, expect, it } from 'vitest';
import { findFailure, randomPlan, runPlan } from './bugFinder.ts';
import { Playground } from '../runtime/playground.ts';
import { parseScenario, serializeScenario } from './scenarioFormat.ts';
import type { ClusterSettings } from '../runtime/playgroundApi.ts';

async function replay(text: string) {
  const s = parseScenario(text);
  const pg = Playground.inProcess({ settings: s.settings, paused: true });
  await pg.ready();
  await pg.replay(s.actions, { untilMs: s.endMs });
  const out = { traceHash: pg.traceHash(), expected: s.traceHash, violation: pg.invariants().violation, lane: pg.historyLane(Infinity, { now: true }).check };
  await pg.close();
  return out;
}

const base: Partial<ClusterSettings> = { members: 3, seed: 1, requestTimeoutMs: 2000 };

describe('the bug finder', () => {
  it.each([
    ['voteWithoutLogCheck', 'invariant', 'leaderCompleteness'],
    ['skipReadIndex', 'history', 'linearizability'],
    ['leaseReads', 'history', 'linearizability'],
    ['ackBeforeDurable', 'invariant', 'durableState'],
  ] as const)('with %s on it finds a %s failure within 100 seeds, shrinks it to at most 15 moves, and the scenario replays to it', { timeout: 120_000 }, async (sw, kind, what) => {
    const settings = { ...base, unsafe: [sw] };
    const r = await findFailure({ settings, maxSeeds: 100 });
    expect(r, `no failure in seeds 1..100 with ${sw}`).not.toBeNull();
    console.log(`bug finder, ${sw}: seed ${r!.seed}, ${r!.originalSteps} moves shrunk to ${r!.plan.length} in ${r!.runs} runs; ${r!.failure.what}: ${r!.failure.text}; moves ${JSON.stringify(r!.plan)}`);
    expect(r!.failure.kind).toBe(kind);
    expect(r!.failure.what).toBe(what);
    expect(r!.plan.length).toBeLessThanOrEqual(15);
    expect(r!.plan.length).toBeLessThan(r!.originalSteps);
    // The counterexample as a file, parsed back and replayed on a fresh cluster.
    const again = await replay(serializeScenario(r!.scenario));
    expect(again.traceHash).toBe(again.expected);
    if (kind === 'invariant') expect(again.violation?.light).toBe(what);
    else {
      expect(again.lane.result).toBe('illegal');
      expect(again.lane.words).toMatch(/a stale read\.$/);
    }
    // The same moves with every rule kept: nothing breaks.
    const kept = await runPlan({ ...base }, r!.plan);
    expect(kept.failure).toBeNull();
  });

  it('a plan is a function of its seed; the same seeds find nothing with every rule kept', async () => {
    expect(randomPlan(7, 3, 30)).toEqual(randomPlan(7, 3, 30));
    expect(randomPlan(8, 3, 30)).not.toEqual(randomPlan(7, 3, 30));
    const r = await findFailure({ settings: base, maxSeeds: 12 });
    expect(r).toBeNull();
  }, 120_000);
});
