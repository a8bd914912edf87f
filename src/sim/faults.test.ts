import { describe, expect, it } from 'vitest';
import { applyFault, describeAction, healAll, planFaults, schedulePlan, type FaultPlanOptions } from './faults.ts';
import { Prng } from './prng.ts';
import { World, type Actor } from './scheduler.ts';

const actors = ['1', '2', '3', '4', '5'];
const opts: FaultPlanOptions = { actors, startMs: 0, endMs: 60_000, meanGapMs: 500, baseFaults: { lossRate: 0 } };

function quiet(id: string): Actor<string, never> {
  return { id, handle: () => ({ messages: [] }) };
}

describe('fault plans', () => {
  it('are a function of the seed, and differ between seeds', () => {
    expect(planFaults(new Prng(1), opts)).toEqual(planFaults(new Prng(1), opts));
    expect(planFaults(new Prng(1), opts)).not.toEqual(planFaults(new Prng(2), opts));
  });

  it('contain every kind of fault, in time order, end with healAll, and never crash more than maxDown at once', () => {
    const plan = planFaults(new Prng(4), opts);
    const kinds = new Set(plan.map((p) => p.action.kind));
    for (const k of ['partition', 'cut', 'heal', 'crash', 'restart', 'linkFaults', 'healAll']) expect(kinds).toContain(k);
    for (let i = 1; i < plan.length; i++) expect(plan[i]!.atMs).toBeGreaterThanOrEqual(plan[i - 1]!.atMs);
    expect(plan.at(-1)).toEqual({ atMs: 60_000, action: { kind: 'healAll' } });
    const down = new Set<string>();
    for (const { action } of plan) {
      if (action.kind === 'crash') down.add(action.actor);
      if (action.kind === 'restart') down.delete(action.actor);
      expect(down.size).toBeLessThanOrEqual(2);
    }
    expect(() => planFaults(new Prng(1), { ...opts, actors: [] })).toThrow(/no actors/);
  });

  it('with clients named, some partitions and cuts take clients in; clients are never crashed; without, the plan is unchanged', () => {
    const clients = ['c1', 'c2', 'c3'];
    const plan = planFaults(new Prng(4), { ...opts, clients });
    const isClient = (a: string) => clients.includes(a);
    const partitionsWithClients = plan.filter((p) => p.action.kind === 'partition' && p.action.groups.flat().some(isClient));
    const clientCuts = plan.filter((p) => p.action.kind === 'cut' && (isClient(p.action.from) || isClient(p.action.to)));
    expect(partitionsWithClients.length).toBeGreaterThan(0);
    expect(clientCuts.length).toBeGreaterThan(0);
    for (const { action } of plan) {
      if (action.kind === 'crash' || action.kind === 'restart') expect(isClient(action.actor)).toBe(false);
      if (action.kind === 'cut') expect(isClient(action.from) && isClient(action.to)).toBe(false);
      if (action.kind === 'partition') {
        const all = action.groups.flat();
        expect(new Set(all).size).toBe(all.length);
        // Members still split: every side has a member.
        for (const g of action.groups) expect(g.some((a) => !isClient(a))).toBe(true);
      }
    }
    expect(planFaults(new Prng(4), { ...opts, clients: [] })).toEqual(planFaults(new Prng(4), opts));
    expect(() => planFaults(new Prng(1), { ...opts, clients: ['1'] })).toThrow(/both an actor and a client/);
  });

  it('healAll restarts the crashed, heals links, releases held messages and restores link faults', () => {
    const w = new World<string>({ seed: 1 });
    for (const id of actors) w.addActor(quiet(id), { ticks: false });
    applyFault(w, { kind: 'crash', actor: '2' }, {});
    applyFault(w, { kind: 'partition', groups: [['1'], ['3', '4']] }, {});
    applyFault(w, { kind: 'cut', from: '4', to: '5' }, {});
    applyFault(w, { kind: 'linkFaults', faults: { lossRate: 0.5 } }, {});
    w.network.holdLink('1', '3');
    w.network.send('1', '3', 'held', 0);
    w.runUntil(100);
    expect(w.isUp('2')).toBe(false);
    expect(w.network.canReach('1', '3')).toBe(false);
    healAll(w, { lossRate: 0 });
    expect(w.isUp('2')).toBe(true);
    expect(w.network.canReach('1', '3')).toBe(true);
    expect(w.network.canReach('4', '5')).toBe(true);
    expect(w.network.getFaults().lossRate).toBe(0);
    expect(w.network.heldEnvelopes()).toEqual([]);
  });

  it('schedulePlan runs the plan as traced control actions', () => {
    const w = new World<string>({ seed: 1 });
    for (const id of actors) w.addActor(quiet(id), { ticks: false });
    const plan = planFaults(new Prng(8), { ...opts, endMs: 10_000 });
    schedulePlan(w, plan, {});
    w.runUntil(10_000);
    const labels = new Set(plan.map((p) => describeAction(p.action)));
    const ran = w.trace.events().filter((e) => e.kind === 'fault' && labels.has(e.detail));
    expect(ran.map((e) => [e.atMs, e.detail])).toEqual(plan.map((p) => [p.atMs, describeAction(p.action)]));
    for (const id of actors) expect(w.isUp(id)).toBe(true);
  });
});
