/**
 * What the answers say about revisions, before any search: which answered operation created
 * which revision, and at which revision an unanswered write must have landed because someone
 * read the value only it wrote.
 *
 * - An answered put created its header revision; so did a delete that deleted something and a
 *   txn whose executed branch did. Any other answered operation changed nothing and sits at
 *   its header revision. (Exact, from the response alone.)
 * - Pinning: if a read (or a prev_kv) shows key k with value v and mod_revision m, the write
 *   that produced it ran at revision m. When exactly one operation in the history (failed ones
 *   aside) can write v to k, and no put on k keeps the old value (ignore_value), that operation
 *   ran at m in every valid order, so an unanswered one is pinned there. This removes no valid
 *   order; it only spares the search from guessing. Workloads with unique values per key get
 *   the most from it.
 */
import type { HistoryOperation, KeyValue, RangeRequest, RequestOp, ResponseOp, TxnResponse } from './types.ts';

/** Whether an answered operation created its header revision (true) or changed nothing. */
export function createdRevision(o: HistoryOperation): boolean {
  if (o.outcome.status !== 'ok') throw new Error('createdRevision: only for answered operations');
  const r = o.outcome.response;
  switch (o.op.type) {
    case 'put':
      return true;
    case 'range':
      return false;
    case 'deleteRange':
      return ((r as { deleted?: number }).deleted ?? 0) > 0;
    case 'txn':
      return txnWrote(r as TxnResponse);
  }
}

function txnWrote(r: TxnResponse): boolean {
  return (r.responses ?? []).some(
    (x) => 'response_put' in x || ('response_delete_range' in x && x.response_delete_range.deleted > 0) || ('response_txn' in x && txnWrote(x.response_txn)),
  );
}

/** Every (key, value) a request could write, and whether it may put without a value of its own. */
function possibleWrites(ops: RequestOp[], out: { key: string; value: string }[], keepsValue: Set<string>): void {
  for (const op of ops) {
    if ('request_put' in op) {
      const p = op.request_put;
      if (p.ignore_value) keepsValue.add(p.key);
      else out.push({ key: p.key, value: p.value ?? '' });
    } else if ('request_txn' in op) {
      possibleWrites(op.request_txn.success ?? [], out, keepsValue);
      possibleWrites(op.request_txn.failure ?? [], out, keepsValue);
    }
  }
}

function asRequestOps(o: HistoryOperation): RequestOp[] {
  const r = o.op;
  if (r.type === 'put') return [{ request_put: r.request }];
  if (r.type === 'txn') return [{ request_txn: r.request }];
  return [];
}

/** Key-values an answered operation reports (with real values: keys_only and count_only reads are skipped). */
function observedKvs(o: HistoryOperation, out: KeyValue[]): void {
  if (o.outcome.status !== 'ok') return;
  const resp = o.outcome.response;
  const fromRange = (req: RangeRequest, kvs: KeyValue[]) => {
    if (!req.keys_only && !req.count_only) out.push(...kvs);
  };
  const walk = (reqs: RequestOp[], resps: ResponseOp[]) => {
    for (let i = 0; i < Math.min(reqs.length, resps.length); i++) {
      const q = reqs[i]!;
      const s = resps[i]!;
      if ('request_range' in q && 'response_range' in s) fromRange(q.request_range, s.response_range.kvs ?? []);
      else if ('request_put' in q && 'response_put' in s) {
        if (s.response_put.prev_kv) out.push(s.response_put.prev_kv);
      } else if ('request_delete_range' in q && 'response_delete_range' in s) out.push(...(s.response_delete_range.prev_kvs ?? []));
      else if ('request_txn' in q && 'response_txn' in s) {
        const t = q.request_txn;
        walk((s.response_txn.succeeded ? t.success : t.failure) ?? [], s.response_txn.responses ?? []);
      }
    }
  };
  const r = o.op;
  if (r.type === 'range') fromRange(r.request, (resp as { kvs?: KeyValue[] }).kvs ?? []);
  else if (r.type === 'put') walk([{ request_put: r.request }], [{ response_put: resp as never }]);
  else if (r.type === 'deleteRange') walk([{ request_delete_range: r.request }], [{ response_delete_range: resp as never }]);
  else walk([{ request_txn: r.request }], [{ response_txn: resp as TxnResponse }]);
}

/**
 * For unanswered operations whose effect someone observed: operation id -> the revision it
 * created. Operations must exclude failed ones. `extraObservations` are key-values the cluster
 * reported outside these operations (watch events); `initialKvs` the key space before them.
 */
export function pinUnansweredWrites(operations: readonly HistoryOperation[], extraObservations: readonly KeyValue[] = [], initialKvs: readonly KeyValue[] = []): Map<number, number> {
  // 'initial': the value was already in the key space before the history, written by no one here.
  const writers = new Map<string, Set<HistoryOperation | 'initial'>>();
  const addWriter = (key: string, value: string, w: HistoryOperation | 'initial'): void => {
    const id = `${key}\u0000${value}`;
    let set = writers.get(id);
    if (!set) writers.set(id, (set = new Set()));
    set.add(w);
  };
  const keepsValue = new Set<string>();
  for (const kv of initialKvs) addWriter(kv.key, kv.value, 'initial');
  for (const o of operations) {
    const writes: { key: string; value: string }[] = [];
    possibleWrites(asRequestOps(o), writes, keepsValue);
    for (const w of writes) addWriter(w.key, w.value, o);
  }
  const pins = new Map<number, number>();
  const kvs: KeyValue[] = [...extraObservations];
  for (const o of operations) observedKvs(o, kvs);
  for (const kv of kvs) {
    if (keepsValue.has(kv.key)) continue;
    const set = writers.get(`${kv.key}\u0000${kv.value}`);
    if (!set || set.size !== 1) continue;
    const [writer] = set;
    if (writer === 'initial' || writer!.outcome.status !== 'indeterminate' || pins.has(writer!.id)) continue;
    pins.set(writer!.id, kv.mod_revision);
  }
  return pins;
}

/** A violation found without searching: a fact every valid order would need, and its witnesses. */
export interface Refutation {
  kind: 'revision-order' | 'duplicate-revision' | 'impossible-value';
  /** The revision in question. */
  revision: number;
  /** The operations that contradict each other (or the one that cannot be), earliest first. */
  operationIds: number[];
  text: string;
}

interface Placed {
  o: HistoryOperation;
  /** The store revision when it took effect, and after it. */
  pre: number;
  post: number;
}

/**
 * Cheap necessary conditions of linearizability, checked before the search so that the common
 * bugs (stale reads, two writes with one revision, values nobody wrote) are reported at once
 * and with a pointed explanation, however many unanswered operations the history holds:
 * 1. two answered operations cannot both create one revision;
 * 2. if A returned before B was called, B took effect at a store revision >= the one A left;
 * 3. a value read must have a writer (or be in the initial key space), and if only one
 *    operation could write it, that operation ran at the observed mod_revision.
 * `describe` prints an operation for the texts. Returns null when none of them fails.
 */
export function quickRefutation(
  operations: readonly HistoryOperation[],
  pins: Map<number, number>,
  initialKvs: readonly KeyValue[],
  describe: (o: HistoryOperation) => string,
): Refutation | null {
  const answered = operations.filter((o) => o.outcome.status === 'ok');
  // 1. One creator per revision.
  const creatorOf = new Map<number, HistoryOperation>();
  for (const o of answered) {
    if (!createdRevision(o)) continue;
    const rev = (o.outcome as { response: { header: { revision: number } } }).response.header.revision;
    const other = creatorOf.get(rev);
    if (other) {
      return {
        kind: 'duplicate-revision',
        revision: rev,
        operationIds: [other.id, o.id],
        text: `Two writes both report creating revision ${rev}: ${describe(other)} and ${describe(o)}. Each revision is created by exactly one write.`,
      };
    }
    creatorOf.set(rev, o);
  }

  // 2. Real-time order against revisions.
  const placed: Placed[] = [];
  for (const o of operations) {
    if (o.outcome.status === 'ok') {
      const rev = o.outcome.response.header.revision;
      placed.push({ o, pre: createdRevision(o) ? rev - 1 : rev, post: rev });
    } else if (pins.has(o.id)) {
      const rev = pins.get(o.id)!;
      placed.push({ o, pre: rev - 1, post: rev });
    }
  }
  const byReturn = placed.filter((p) => p.o.returnMs !== null).sort((a, b) => a.o.returnMs! - b.o.returnMs!);
  const byCall = [...placed].sort((a, b) => a.o.callMs - b.o.callMs);
  let i = 0;
  let best: Placed | null = null;
  for (const b of byCall) {
    while (i < byReturn.length && byReturn[i]!.o.returnMs! < b.o.callMs) {
      if (!best || byReturn[i]!.post > best.post) best = byReturn[i]!;
      i++;
    }
    if (best && b.pre < best.post) {
      const what = b.o.outcome.status === 'ok' ? `answered at revision ${b.post}` : `was seen to have created revision ${b.post}`;
      return {
        kind: 'revision-order',
        revision: b.post,
        operationIds: [best.o.id, b.o.id],
        text:
          `${describe(b.o)} ${what}, so it took effect with the store at revision ${b.pre}; but it was called after ${describe(best.o)} ` +
          `had returned, which left the store at revision ${best.post}. Revisions never go back, so no order explains both (a stale read or a lost write).`,
      };
    }
  }

  // 3. Values read must have been written.
  const writers = new Map<string, HistoryOperation[]>();
  const keepsValue = new Set<string>();
  for (const o of operations) {
    const writes: { key: string; value: string }[] = [];
    possibleWrites(asRequestOps(o), writes, keepsValue);
    for (const w of writes) {
      const id = `${w.key}\u0000${w.value}`;
      const list = writers.get(id);
      if (!list) writers.set(id, [o]);
      else if (list.at(-1) !== o) list.push(o);
    }
  }
  const initial = new Set(initialKvs.map((kv) => `${kv.key}\u0000${kv.value}\u0000${kv.mod_revision}`));
  for (const o of answered) {
    const kvs: KeyValue[] = [];
    observedKvs(o, kvs);
    for (const kv of kvs) {
      if (keepsValue.has(kv.key) || initial.has(`${kv.key}\u0000${kv.value}\u0000${kv.mod_revision}`)) continue;
      const list = writers.get(`${kv.key}\u0000${kv.value}`) ?? [];
      if (list.length === 0) {
        return {
          kind: 'impossible-value',
          revision: kv.mod_revision,
          operationIds: [o.id],
          text: `${describe(o)} reports key ${JSON.stringify(kv.key)} with value ${JSON.stringify(kv.value)} (mod revision ${kv.mod_revision}), but no operation in the history writes that value to that key.`,
        };
      }
      const writer = list[0]!;
      if (list.length === 1 && writer.outcome.status === 'ok') {
        const rev = writer.outcome.response.header.revision;
        if (rev !== kv.mod_revision) {
          return {
            kind: 'impossible-value',
            revision: kv.mod_revision,
            operationIds: [writer.id, o.id],
            text: `${describe(o)} reports ${JSON.stringify(kv.key)}=${JSON.stringify(kv.value)} with mod revision ${kv.mod_revision}, but the only write of that value, ${describe(writer)}, created revision ${rev}.`,
          };
        }
      }
    }
  }
  return null;
}
