/**
 * Linearizability of a client history against etcd's KV model: the Wing–Gong search with
 * Lowe's memoization, as Porcupine does it. Operations sit in a list of call and return
 * entries sorted by time; the search repeatedly linearizes one operation whose call precedes
 * the first pending return, keeps (linearized set, model state) pairs it has already explored in
 * a cache, and backtracks when an operation's return comes before it could be linearized.
 *
 * Why the whole history and not one partition per key (Porcupine's usual speed-up): etcd has
 * one global revision counter, and every answer reports it (a put's header.revision is the
 * revision it created; a read's header.revision is the revision it read at). Per-key
 * partitions are unsound if they keep checking revisions (a partition cannot know how many
 * writes to other keys came first), and checking partitions with revisions dropped plus a
 * separate "revisions respect real time" check is unsound as a pair: a read of `a` that reports
 * header revision 3 but misses the put of `a` at revision 2 passes both (key `a` alone can order
 * the read first when they overlap; revision 3 after revision 2 respects real time), although
 * no single order explains it. So we check the whole history, revisions included. It is also
 * fast: revisions pin every determinate operation to one point of the order (a write to the
 * step that creates its revision, a read to the state at its header revision), so among the
 * concurrent candidates nearly all are rejected by one integer comparison, and the search only
 * branches on indeterminate writes.
 *
 * One more pruning rule, which loses no solution: an operation that answered ok and changes
 * nothing (a read, a no-op delete or read-only txn) and is valid in the current state is
 * linearized at once. Moving it earlier to "now" keeps every other operation's state and every
 * real-time constraint (its call has already happened; nothing after it is delayed).
 *
 * Indeterminate operations (no answer) have return time +infinity: each may be linearized at any
 * point after its call or never; the search succeeds once every operation that returned is
 * linearized. Failed operations (definitely not applied) and unanswered reads are ignored.
 *
 * Not modelled: keys removed by lease expiry or revoke (no client operation explains them),
 * and the content of historical reads (`revision` > 0), whose header revision is still checked.
 */
import { initialModelState, showBytes, showKv, statesEqual, step, type ModelState } from './kvModel.ts';
import type { HistoryOperation, KeyValue, KvRequest, KvResponse } from './types.ts';

export interface LinearizabilityOptions {
  /** A clock for the time budget (e.g. `performance.now`); the checker reads no clock itself. */
  now?: () => number;
  /** Give up with `unknown` after this many ms of `now()`. Default: no budget. */
  timeoutMs?: number;
  /** The store before the history: revision (default 1) and live keys (default none). */
  initialRevision?: number;
  initialKvs?: KeyValue[];
}

export interface Explanation {
  /** A few sentences in plain words. */
  text: string;
  /** How many operations were linearized at the deepest point the search reached. */
  linearizedCount: number;
  /** The store's revision there. */
  revision: number;
  /** The operation whose return could not be passed (it had to take effect before then). */
  blockingOperationId: number | null;
  /** Every pending operation at that point, and why it could not take effect next. */
  candidates: { operationId: number; reason: string }[];
  /** The last state-changing operations of the longest linearizable prefix, oldest first. */
  recentWrites: number[];
  /** Every operation named above, for printing. */
  operations: HistoryOperation[];
}

export type LinearizabilityResult =
  | {
      result: 'ok';
      /** Operation ids in a valid order, including indeterminate ones that took effect. */
      linearization: number[];
      /** Indeterminate operations that this order never applies. */
      neverApplied: number[];
    }
  | { result: 'illegal'; explanation: Explanation }
  | { result: 'unknown'; reason: string };

interface Entry {
  isCall: boolean;
  time: number;
  op: Op;
  prev: Entry | null;
  next: Entry | null;
  /** The call's return entry (or the return's call). */
  match: Entry | null;
}

interface Op {
  index: number;
  id: number;
  request: KvRequest;
  response: KvResponse | undefined;
  /** Header revision of an ok response; -1 when indeterminate. */
  rev: number;
  record: HistoryOperation;
}

/** Deterministic 32-bit values per operation index, for an incremental hash of the linearized set. */
function zobrist(i: number): number {
  let x = (i + 1) * 0x9e3779b9;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}

/** Brief, printable description of an operation. */
export function describeOperation(o: HistoryOperation): string {
  const r = o.op;
  let what: string;
  switch (r.type) {
    case 'put':
      what = `put ${showBytes(r.request.key)}=${showBytes(r.request.value ?? '')}`;
      break;
    case 'range':
      what = `range ${showBytes(r.request.key)}${r.request.range_end ? `..${showBytes(r.request.range_end)}` : ''}${r.request.serializable ? ' (serializable)' : ''}`;
      break;
    case 'deleteRange':
      what = `delete ${showBytes(r.request.key)}${r.request.range_end ? `..${showBytes(r.request.range_end)}` : ''}`;
      break;
    case 'txn': {
      const c = (r.request.compare ?? []).map((x) => `${x.target}(${showBytes(x.key)}) ${x.result} ${x.target === 'VALUE' ? showBytes(x.value ?? '') : (x.version ?? x.create_revision ?? x.mod_revision ?? x.lease ?? 0)}`);
      what = `txn if [${c.join(', ')}] then ${r.request.success?.length ?? 0} ops else ${r.request.failure?.length ?? 0} ops`;
      break;
    }
  }
  let result: string;
  const out = o.outcome;
  if (out.status === 'ok') {
    const resp = out.response as unknown as Record<string, unknown>;
    result = `ok rev ${out.response.header.revision}`;
    if (r.type === 'range') {
      const kvs = (resp.kvs as KeyValue[] | undefined) ?? [];
      result += ` -> [${kvs.map(showKv).join('; ')}]`;
    } else if (r.type === 'txn') result += ` succeeded=${String(resp.succeeded)}`;
    else if (r.type === 'deleteRange') result += ` deleted=${String(resp.deleted)}`;
  } else result = out.status;
  const span = `[${o.callMs}, ${o.returnMs === null ? '∞' : o.returnMs}] ms`;
  return `#${o.id} ${o.clientId} ${what} -> ${result} ${span}`;
}

function validate(ops: readonly HistoryOperation[]): void {
  const ids = new Set<number>();
  for (const o of ops) {
    if (ids.has(o.id)) throw new Error(`history: operation id ${o.id} appears twice`);
    ids.add(o.id);
    if (!Number.isFinite(o.callMs)) throw new Error(`history: operation ${o.id} has a non-finite call time`);
    if (o.outcome.status === 'indeterminate') {
      if (o.returnMs !== null) throw new Error(`history: indeterminate operation ${o.id} must have returnMs null`);
    } else {
      if (o.returnMs === null || !Number.isFinite(o.returnMs)) throw new Error(`history: operation ${o.id} ended (${o.outcome.status}) without a return time`);
      if (o.returnMs < o.callMs) throw new Error(`history: operation ${o.id} returns (${o.returnMs}) before its call (${o.callMs})`);
    }
    if (o.outcome.status === 'ok' && typeof o.outcome.response?.header?.revision !== 'number') {
      throw new Error(`history: operation ${o.id} has an ok response without header.revision`);
    }
  }
}

function isIndeterminateRead(o: HistoryOperation): boolean {
  if (o.outcome.status !== 'indeterminate') return false;
  if (o.op.type === 'range') return true;
  return false;
}

/** Checks a whole history. Throws on malformed input; never answers `ok` for a history it did not finish checking. */
export function checkLinearizability(history: readonly HistoryOperation[], options: LinearizabilityOptions = {}): LinearizabilityResult {
  validate(history);
  const relevant = history.filter((o) => o.outcome.status !== 'failed' && !isIndeterminateRead(o));
  const ops: Op[] = relevant.map((record, index) => ({
    index,
    id: record.id,
    request: record.op,
    response: record.outcome.status === 'ok' ? record.outcome.response : undefined,
    rev: record.outcome.status === 'ok' ? record.outcome.response.header.revision : -1,
    record,
  }));

  // The entry list: calls before returns at equal times (touching intervals count as concurrent).
  const entries: Entry[] = [];
  for (const op of ops) {
    const call: Entry = { isCall: true, time: op.record.callMs, op, prev: null, next: null, match: null };
    const ret: Entry = { isCall: false, time: op.record.returnMs ?? Infinity, op, prev: null, next: null, match: call };
    call.match = ret;
    entries.push(call, ret);
  }
  entries.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? a.op.index - b.op.index : a.isCall ? -1 : 1));
  const head: Entry = { isCall: false, time: -Infinity, op: ops[0]!, prev: null, next: null, match: null };
  let last = head;
  for (const e of entries) {
    last.next = e;
    e.prev = last;
    last = e;
  }

  const lift = (call: Entry): void => {
    call.prev!.next = call.next;
    if (call.next) call.next.prev = call.prev;
    const ret = call.match!;
    ret.prev!.next = ret.next;
    if (ret.next) ret.next.prev = ret.prev;
  };
  // Undo in exact reverse order of lifting.
  const unlift = (call: Entry): void => {
    const ret = call.match!;
    ret.prev!.next = ret;
    if (ret.next) ret.next.prev = ret;
    call.prev!.next = call;
    if (call.next) call.next.prev = call;
  };

  const determinateTotal = ops.filter((o) => o.rev >= 0).length;
  let determinateDone = 0;
  const bits = new Uint32Array((ops.length >>> 5) + 1);
  let bitsHash = 0;
  const setBit = (i: number): void => {
    bits[i >>> 5]! |= 1 << (i & 31);
    bitsHash ^= zobrist(i);
  };
  const clearBit = (i: number): void => {
    bits[i >>> 5]! &= ~(1 << (i & 31));
    bitsHash ^= zobrist(i);
  };

  const cache = new Map<number, { bits: Uint32Array; state: ModelState }[]>();
  /** Adds the configuration; false if it was already explored. */
  const remember = (state: ModelState): boolean => {
    const key = (bitsHash ^ state.hash ^ Math.imul(state.rev, 0x27d4eb2d)) | 0;
    let bucket = cache.get(key);
    if (bucket) {
      for (const c of bucket) {
        if (statesEqual(c.state, state) && c.bits.every((w, i) => w === bits[i])) return false;
      }
    } else {
      bucket = [];
      cache.set(key, bucket);
    }
    bucket.push({ bits: bits.slice(), state });
    return true;
  };

  interface Frame {
    state: ModelState;
    absorbed: Entry[];
    candidates: Entry[];
    nextCandidate: number;
    chosen: Entry | null;
  }
  const stack: Frame[] = [];
  let state = initialModelState(options.initialRevision ?? 1, options.initialKvs ?? []);

  const linearize = (e: Entry): void => {
    lift(e);
    setBit(e.op.index);
    if (e.op.rev >= 0) determinateDone++;
  };
  const undo = (e: Entry): void => {
    unlift(e);
    clearBit(e.op.index);
    if (e.op.rev >= 0) determinateDone--;
  };

  // The deepest point reached, for the explanation.
  let best: { depth: number; snapshot: () => Explanation } | null = null;
  let depth = 0;

  const explainHere = (): Explanation => {
    const frontier: Entry[] = [];
    let blocking: Entry | null = null;
    for (let e = head.next; e; e = e.next) {
      if (!e.isCall) {
        blocking = e;
        break;
      }
      frontier.push(e);
    }
    const candidates = frontier.map((e) => {
      const r = step(state, e.op.request, e.op.response);
      let reason: string;
      if (!r.ok) reason = r.reason;
      else if (e.op.rev < 0) reason = 'it may take effect here, but no continuation after it works';
      else reason = 'it can take effect here, but no continuation after it works';
      return { operationId: e.op.id, reason };
    });
    const recentWrites: number[] = [];
    for (let i = stack.length - 1; i >= 0 && recentWrites.length < 5; i--) {
      const c = stack[i]!.chosen;
      if (c) recentWrites.unshift(c.op.id);
    }
    const involvedIds = new Set<number>([...recentWrites, ...candidates.map((c) => c.operationId)]);
    if (blocking) involvedIds.add(blocking.op.id);
    const byId = new Map(ops.map((o) => [o.id, o.record]));
    const operations = [...involvedIds].sort((a, b) => a - b).map((id) => byId.get(id)!);
    const lines: string[] = [];
    lines.push(
      `No order of the operations explains the history. The longest explainable prefix has ${depth} operations and leaves the store at revision ${state.rev}.`,
    );
    if (recentWrites.length) lines.push(`Its last writes: ${recentWrites.map((id) => describeOperation(byId.get(id)!)).join('; ')}.`);
    if (blocking) {
      lines.push(`Operation ${describeOperation(blocking.op.record)} returned, so it must take effect before anything called later, but none of the pending operations can go next:`);
    } else {
      lines.push('None of the pending operations can go next:');
    }
    for (const c of candidates) lines.push(`  ${describeOperation(byId.get(c.operationId)!)}: ${c.reason}.`);
    return {
      text: lines.join('\n'),
      linearizedCount: depth,
      revision: state.rev,
      blockingOperationId: blocking ? blocking.op.id : null,
      candidates,
      recentWrites,
      operations,
    };
  };

  const now = options.now;
  const deadline = now && options.timeoutMs !== undefined ? now() + options.timeoutMs : Infinity;
  let steps = 0;

  /** Links an ok, state-preserving, valid operation at once (see the pruning rule above). */
  const absorb = (): Entry[] => {
    const absorbed: Entry[] = [];
    let again = true;
    while (again) {
      again = false;
      for (let e = head.next; e && e.isCall; e = e.next) {
        if (e.op.rev !== state.rev) continue;
        const r = step(state, e.op.request, e.op.response);
        if (r.ok && r.state === state) {
          linearize(e);
          absorbed.push(e);
          again = true;
          break;
        }
      }
    }
    depth += absorbed.length;
    return absorbed;
  };

  const candidatesHere = (): Entry[] => {
    const determinate: Entry[] = [];
    const maybe: Entry[] = [];
    for (let e = head.next; e && e.isCall; e = e.next) {
      if (e.op.rev < 0) maybe.push(e);
      else if (e.op.rev === state.rev + 1) determinate.push(e);
    }
    return determinate.concat(maybe);
  };

  // Enter the initial configuration.
  let entering = true;
  for (;;) {
    if (++steps % 256 === 0 && now && now() > deadline) {
      return { result: 'unknown', reason: `time budget of ${options.timeoutMs} ms exhausted after ${steps} search steps (${stack.length} deep); the history was not fully checked` };
    }
    if (entering) {
      const absorbed = absorb();
      if (determinateDone === determinateTotal) break;
      const fresh = remember(state);
      stack.push({ state, absorbed, candidates: fresh ? candidatesHere() : [], nextCandidate: 0, chosen: null });
      entering = false;
    }
    const f = stack[stack.length - 1];
    if (!f) {
      return { result: 'illegal', explanation: best!.snapshot() };
    }
    if (f.chosen) {
      undo(f.chosen);
      depth--;
      f.chosen = null;
      state = f.state;
    }
    let advanced = false;
    while (f.nextCandidate < f.candidates.length) {
      const e = f.candidates[f.nextCandidate++]!;
      const r = step(state, e.op.request, e.op.response);
      if (!r.ok) continue;
      f.chosen = e;
      linearize(e);
      depth++;
      state = r.state;
      advanced = true;
      break;
    }
    if (advanced) {
      entering = true;
      continue;
    }
    // Every choice failed here: remember the deepest dead end, then backtrack.
    if (!best || depth > best.depth) {
      const ex = explainHere();
      best = { depth, snapshot: () => ex };
    }
    for (let i = f.absorbed.length - 1; i >= 0; i--) undo(f.absorbed[i]!);
    depth -= f.absorbed.length;
    stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) state = parent.chosen ? state : parent.state;
  }

  const linearization: number[] = [];
  for (const f of stack) {
    for (const e of f.absorbed) linearization.push(e.op.id);
    if (f.chosen) linearization.push(f.chosen.op.id);
  }
  // The last configuration's absorbed operations were not pushed as a frame.
  const taken = new Set(linearization);
  for (let e = head.next; e; e = e.next) void e;
  const finalAbsorbed = ops.filter((o) => bits[o.index >>> 5]! & (1 << (o.index & 31))).map((o) => o.id).filter((id) => !taken.has(id));
  linearization.push(...finalAbsorbed);
  const inOrder = new Set(linearization);
  const neverApplied = ops.filter((o) => o.rev < 0 && !inOrder.has(o.id)).map((o) => o.id);
  return { result: 'ok', linearization, neverApplied };
}
