/**
 * The history checks have teeth: on real runs of the in-process cluster they catch a stale
 * serializable read, a member that skips ReadIndex, and a watch stream that skips or repeats an
 * event; and they accept the real histories as recorded. Hand-written histories (a rejected
 * non-linearizable one, tricky linearizable ones) are in src/sim/checkers/linearizability.test.ts
 * and watchGuarantees.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  HistoryRecorder,
  checkHistory,
  checkLinearizability,
  checkWatchGuarantees,
  exportHistoryJson,
  importHistory,
  type History,
  type HistoryOperation,
  type WatchRecord,
} from '../sim/checkers/index.ts';
import { createMemoryStorageFactory } from '../storage/memory/memoryStorageFactory.ts';
import { defaultMemberSettings, type MemberSettings } from '../server/settings.ts';
import { InProcessCluster } from './inProcessCluster.ts';
import { MemberActor } from './memberActor.ts';
import { HistoryClient } from './historyClient.ts';
import { runHistorySimulation } from './historySimulation.ts';

/** A 3-member cluster whose members each hold their own settings object (so one can be made faulty). */
async function cluster(seed: number): Promise<{ c: InProcessCluster; settingsOf: Map<string, MemberSettings> }> {
  const settingsOf = new Map<string, MemberSettings>();
  const c = await InProcessCluster.create({
    size: 3,
    seed,
    storageFactory: createMemoryStorageFactory(),
    memberActorFactory: (opts) => {
      const own: MemberSettings = { ...defaultMemberSettings };
      settingsOf.set(opts.name, own);
      return new MemberActor({ ...opts, startOptions: (storage, nowMs) => ({ ...opts.startOptions(storage, nowMs), settings: own }) });
    },
  });
  await c.waitForLeader();
  return { c, settingsOf };
}

/**
 * Writes k=v1, cuts follower `f` off from the others, writes k=v2 through the majority, then
 * reads k from `f` (serializable or not). Returns the history and the read's operation id.
 */
async function staleReadScenario(c: InProcessCluster, f: string, serializable: boolean): Promise<{ history: History; readId: number }> {
  const recorder = new HistoryRecorder();
  const majority = c.memberNames().filter((m) => m !== f);
  const writer = new HistoryClient('writer', c.client({ name: 'writer', endpoints: majority }), recorder, c);
  const reader = new HistoryClient('reader', c.client({ name: 'reader', endpoints: [f], commandTimeoutMs: 2000 }), recorder, c);
  await writer.put({ key: 'k', value: 'v1' });
  await c.runFor(300); // f applies v1
  c.partition([[f], majority]);
  await writer.put({ key: 'k', value: 'v2' });
  // Strictly after the write returned (equal virtual times count as overlapping).
  await c.runFor(5);
  const readId = recorder.history().operations.length;
  await reader.range({ key: 'k', ...(serializable ? { serializable: true } : {}) }).catch(() => undefined);
  return { history: recorder.history(), readId };
}

function followerOf(c: InProcessCluster): string {
  return c.memberNames().find((m) => m !== c.leader())!;
}

describe('teeth on real cluster runs', () => {
  it('a serializable read from a member cut off from the leader is stale, and the checker says so when serializable reads are included', async () => {
    const { c } = await cluster(11);
    const f = followerOf(c);
    const { history, readId } = await staleReadScenario(c, f, true);
    const read = history.operations[readId]!;
    expect(read.outcome.status).toBe('ok');
    // The member really answered from its old state.
    expect(read.outcome.status === 'ok' && 'kvs' in read.outcome.response ? read.outcome.response.kvs[0]!.value : null).toBe('v1');
    const included = checkLinearizability(history.operations);
    expect(included.result).toBe('illegal');
    if (included.result !== 'illegal') return;
    expect(included.explanation.operations.map((o) => o.id)).toContain(readId);
    expect(included.explanation.text).toContain(`#${readId}`);
    // Left out on purpose (etcd allows stale serializable reads), the same history is fine.
    expect(checkLinearizability(history.operations, { ignoreSerializableReads: true }).result).toBe('ok');
    await c.close();
  });

  it('a member that answers linearizable reads without ReadIndex (unsafeReads) is caught; the correct member is not', async () => {
    for (const faulty of [true, false]) {
      const { c, settingsOf } = await cluster(12);
      const f = followerOf(c);
      if (faulty) settingsOf.get(f)!.unsafeReads = 'skipReadIndex';
      const { history, readId } = await staleReadScenario(c, f, false);
      const read = history.operations[readId]!;
      const result = checkLinearizability(history.operations);
      if (faulty) {
        expect(read.outcome.status).toBe('ok');
        expect(result.result).toBe('illegal');
        if (result.result === 'illegal') expect(result.explanation.operations.map((o) => o.id)).toContain(readId);
      } else {
        // Cut off from the leader, a correct member cannot confirm its read: no answer, no violation.
        expect(read.outcome.status).toBe('indeterminate');
        expect(result.result).toBe('ok');
      }
      await c.close();
    }
  });
});

describe('teeth on a real recorded history (a simulation seed under faults)', () => {
  /** The watcher with the most event-carrying responses, and their indexes. */
  function busiestWatch(h: History): { w: WatchRecord; withEvents: number[] } {
    let best: { w: WatchRecord; withEvents: number[] } | null = null;
    for (const w of h.watches) {
      const withEvents = w.responses.flatMap((d, i) => (d.response.events.length > 0 ? [i] : []));
      if (!best || withEvents.length > best.withEvents.length) best = { w, withEvents };
    }
    return best!;
  }

  it('the unmodified history is accepted; a watch stream with one event dropped or repeated is caught', async () => {
    const run = await runHistorySimulation({ seed: 3 });
    expect(run.check.ok).toBe(true);
    expect(run.history.operations.length).toBeGreaterThan(10);
    const { w, withEvents } = busiestWatch(run.history);
    expect(withEvents.length).toBeGreaterThanOrEqual(3);
    const middle = withEvents[Math.floor(withEvents.length / 2)]!;

    const dropped = structuredClone(w);
    const lost = dropped.responses.splice(middle, 1)[0]!;
    const skip = checkWatchGuarantees([dropped], run.log);
    expect(skip.ok).toBe(false);
    expect(skip.violations.map((v) => v.guarantee)).toContain('reliable');
    expect(skip.violations.some((v) => v.revision === lost.response.events[0]!.kv.mod_revision)).toBe(true);

    const repeated = structuredClone(w);
    repeated.responses.splice(middle + 1, 0, structuredClone(repeated.responses[middle]!));
    const twice = checkWatchGuarantees([repeated], run.log);
    expect(twice.ok).toBe(false);
    expect(twice.violations.map((v) => v.guarantee)).toContain('unique');

    // The same mutations inside the whole history fail checkHistory too.
    const h = structuredClone(run.history);
    h.watches = h.watches.map((x) => (x.watcherId === w.watcherId ? dropped : x));
    expect(checkHistory(h, { ignoreSerializableReads: true, log: run.log }).ok).toBe(false);
  });

  it('a real history is accepted as recorded and after a JSON round trip; changing one read answer makes it illegal', async () => {
    // The first seed from 5 on whose history has a linearizable read that saw a key.
    const readOfAKey = (o: HistoryOperation): boolean =>
      o.op.type === 'range' && !o.op.request.serializable && o.outcome.status === 'ok' && 'kvs' in o.outcome.response && o.outcome.response.kvs.length > 0;
    let run = await runHistorySimulation({ seed: 5 });
    for (let seed = 6; seed < 30 && !run.history.operations.some(readOfAKey); seed++) run = await runHistorySimulation({ seed });
    expect(run.check.ok).toBe(true);
    const again = importHistory(exportHistoryJson(run.history));
    expect(again).toEqual(run.history);
    expect(checkHistory(again, { ignoreSerializableReads: true, log: run.log }).ok).toBe(true);

    // One linearizable read that saw a key now claims a value that was never written.
    const h = structuredClone(run.history);
    const target = h.operations.find(readOfAKey);
    expect(target).toBeDefined();
    const resp = target!.outcome.status === 'ok' ? target!.outcome.response : null;
    if (!resp || !('kvs' in resp)) return;
    resp.kvs[0]!.value = 'a value nobody wrote';
    const result = checkLinearizability(h.operations, { ignoreSerializableReads: true });
    expect(result.result).toBe('illegal');
    if (result.result === 'illegal') expect(result.explanation.operations.map((o) => o.id)).toContain(target!.id);
  });
});
