/**
 * One etcd member in its own Web Worker, with its own IndexedDB database. The page's world sends
 * it one batch per step and gets back the member's outputs and a compact summary; everything is
 * plain data (docs/ARCHITECTURE.md §8). Terminating the worker is a crash; a new worker on the same
 * database recovers by itself.
 */
import * as Comlink from 'comlink';
import { createIndexedDbStorageFactory } from '../src/storage/indexeddb/idbStorageFactory.ts';
import { HostedMember, prngFromState, wireError } from '../src/runtime/workerHostMember.ts';
import type { MemberWorkerApi, StepInput, WorkerStartOptions } from '../src/runtime/workerHostProtocol.ts';

let hosted: HostedMember | null = null;
const factory = createIndexedDbStorageFactory();

function running(): HostedMember {
  if (!hosted) throw new Error('member worker: not started');
  return hosted;
}

const api: MemberWorkerApi = {
  async start(o: WorkerStartOptions) {
    if (hosted) throw new Error('member worker: already started');
    const rng = prngFromState(o.rng);
    try {
      hosted = await HostedMember.open(factory, { clusterId: o.storageClusterId, memberName: o.member.name, durability: o.durability }, (storage, countDraw) => ({
        ...o.member,
        storage,
        randInt: (n: number) => {
          countDraw();
          return rng.int(n);
        },
      }));
    } catch (e) {
      // Plain data across the boundary: the page keeps the member down with this reason.
      return { error: wireError(e) };
    }
    // Writes that land are announced unasked: the page waits on them before it routes a step's
    // messages, and a call per step would cost a round trip each.
    hosted.onLanded = (seq, error) => self.postMessage(error ? { landed: seq, error } : { landed: seq });
    // Recovery draws too (a restart resets the election timer): the page mirrors these as well.
    return { summary: hosted.summary(), draws: hosted.drawCount };
  },
  async step(input: StepInput) {
    const h = running();
    const reply = await h.step(input);
    // A storage failure stopped the member: this worker hosts nothing any more.
    if (reply.stopped && hosted === h) hosted = null;
    return reply;
  },
  summary() {
    return hosted ? hosted.summary() : null;
  },
  details() {
    return running().details();
  },
  leaseExpiries() {
    return running().leaseExpiries();
  },
  async close() {
    const h = hosted;
    hosted = null;
    if (h) await h.close();
  },
};

Comlink.expose(api);
