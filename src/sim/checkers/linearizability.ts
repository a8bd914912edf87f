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
 * Further rules, none of which loses a valid order:
 * - An operation that answered ok and changes nothing (a read, a no-op delete or read-only txn)
 *   and is valid in the current state is linearized at once. Moving it earlier to "now" keeps
 *   every other operation's state and every real-time constraint (its call has already
 *   happened; nothing after it is delayed).
 * - Every answer says whether the operation created its revision (revisionFacts.ts), and an
 *   unanswered write whose unique value was read is pinned to the revision the read showed.
 *   When the next revision has such a known creator, only that creator is tried; otherwise the
 *   next revision came from an unanswered write nobody observed, and each of those is tried
 *   (newest call first). Once the store passes the revision an unlinearized known operation
 *   needs, the branch is cut at once.
 * - Before searching, cheap necessary conditions (one creator per revision; revisions respect
 *   real time; values read were written, at the revision their only writer created) report the
 *   common bugs immediately with a pointed explanation, even when unanswered writes would make
 *   the search long.
 *
 * Cost: with every write answered the search is close to linear. Unanswered writes that nobody
 * observed make it branch at the revisions they may have created; proving a violation then may
 * need the whole tree, which is what the time budget is for (the answer is then `unknown`).
 *
 * Not modelled: keys removed by lease expiry or revoke (no client operation explains them),
 * and the content of historical reads (`revision` > 0), whose header revision is still checked
 * here and whose content checkHistory compares with the committed log.
 */
import { initialModelState, isReadOnly, showBytes, showKv, statesEqual, step, type ModelState } from './kvModel.ts';
import { createdRevision, pinUnansweredWrites, quickRefutation, type Refutation } from './revisionFacts.ts';
import type { HistoryOperation, KeyValue, KvRequest, KvResponse } from './types.ts';

export interface LinearizabilityOptions {
  /** A clock for the time budget (e.g. `performance.now`); the checker reads no clock itself. */
  now?: () => number;
  /** Give up with `unknown` after this many ms of `now()`. Default: no budget. */
  timeoutMs?: number;
  /**
   * Leave out reads made with `serializable: true`. etcd lets such a read return a member's
   * possibly stale state, so a workload that uses them on purpose sets this; by default they
   * are held to the same standard as every read (a stale one is a violation).
   */
  ignoreSerializableReads?: boolean;
  /**
   * Run the cheap necessary conditions (revisionFacts.ts) before searching. Default true;
   * false only to exercise the search itself in tests.
   */
  quickChecks?: boolean;
  /**
   * Key-values the cluster reported outside the KV answers (e.g. watch events' kvs), used only
   * to place unanswered writes (see revisionFacts.ts). A false one can make a linearizable
   * history fail, so pass only reports that are themselves checked (checkWatchGuarantees).
   */
  observations?: KeyValue[];
  /** The store before the history: revision (default 1) and live keys (default none). */
  initialRevision?: number;
  initialKvs?: KeyValue[];
}

export interface Explanation {
  /**
   * 'search': the exhaustive search found no order (the fields below describe its deepest dead
   * end); otherwise a necessary condition failed before searching (see revisionFacts.ts).
   */
  kind: 'search' | Refutation['kind'];
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
  /**
   * The revision this operation creates (a write) or sits at (a no-op), when known: from the
   * answer, or from a pin for an unanswered write; -1 for an unanswered write nobody observed.
   */
  target: number;
  /** True when `target` is a revision this operation creates. */
  creates: boolean;
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
    if (o.outcome.status === 'ok') {
      const rev = o.outcome.response?.header?.revision;
      if (typeof rev !== 'number' || !Number.isInteger(rev) || rev < 1) {
        throw new Error(`history: operation ${o.id} has an ok response without a valid header.revision`);
      }
    }
  }
}

/** An unanswered operation that cannot change anything tells nothing either way. */
function isIndeterminateRead(o: HistoryOperation): boolean {
  return o.outcome.status === 'indeterminate' && isReadOnly(o.op);
}

/** Checks a whole history. Throws on malformed input; never answers `ok` for a history it did not finish checking. */
export function checkLinearizability(history: readonly HistoryOperation[], options: LinearizabilityOptions = {}): LinearizabilityResult {
  validate(history);
  const relevant = history.filter(
    (o) => o.outcome.status !== 'failed' && !isIndeterminateRead(o) && !(options.ignoreSerializableReads && o.op.type === 'range' && o.op.request.serializable),
  );
  // Bit positions: answered operations by call time first, then the indeterminate ones from a
  // word boundary on. The linearized set is then "every answered op up to some point, plus a
  // narrow window, plus a few indeterminate ones", which the memo cache stores compactly.
  const answered = relevant.filter((o) => o.outcome.status === 'ok').sort((a, b) => a.callMs - b.callMs || a.id - b.id);
  const unanswered = relevant.filter((o) => o.outcome.status !== 'ok');
  const answeredWords = (answered.length + 31) >>> 5;
  const pins = pinUnansweredWrites(relevant, options.observations ?? [], options.initialKvs ?? []);
  const refuted = options.quickChecks === false ? null : quickRefutation(relevant, pins, options.initialKvs ?? [], describeOperation);
  if (refuted) {
    const byId = new Map(relevant.map((o) => [o.id, o]));
    return {
      result: 'illegal',
      explanation: {
        kind: refuted.kind,
        text: refuted.text,
        linearizedCount: 0,
        revision: refuted.revision,
        blockingOperationId: refuted.operationIds.at(-1) ?? null,
        candidates: [],
        recentWrites: [],
        operations: refuted.operationIds.map((id) => byId.get(id)!),
      },
    };
  }
  const toOp = (record: HistoryOperation, index: number): Op => {
    const answered = record.outcome.status === 'ok';
    const rev = answered ? (record.outcome as { response: KvResponse }).response.header.revision : -1;
    const pin = pins.get(record.id);
    return {
      index,
      id: record.id,
      request: record.op,
      response: answered ? (record.outcome as { response: KvResponse }).response : undefined,
      rev,
      target: answered ? rev : (pin ?? -1),
      creates: answered ? createdRevision(record) : pin !== undefined,
      record,
    };
  };
  const ops: Op[] = [...answered.map((r, i) => toOp(r, i)), ...unanswered.map((r, j) => toOp(r, answeredWords * 32 + j))];

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

  const determinateTotal = answered.length;
  let determinateDone = 0;
  const bits = new Uint32Array(answeredWords + ((unanswered.length + 31) >>> 5) + 1);
  let bitsHash = 0;
  // Words of the answered region below `lowWord` are all ones; none above `highWord` has a bit
  // set (both kept lazily: exact after `trimWindow`).
  let lowWord = 0;
  let highWord = -1;
  const setBit = (i: number): void => {
    const w = i >>> 5;
    bits[w]! |= 1 << (i & 31);
    bitsHash ^= zobrist(i);
    if (w < answeredWords && w > highWord) highWord = w;
  };
  const clearBit = (i: number): void => {
    const w = i >>> 5;
    bits[w]! &= ~(1 << (i & 31));
    bitsHash ^= zobrist(i);
    if (w < lowWord) lowWord = w;
  };
  const trimWindow = (): void => {
    while (lowWord < answeredWords && bits[lowWord] === 0xffffffff) lowWord++;
    while (highWord >= lowWord && bits[highWord] === 0) highWord--;
  };
  /** The linearized set as [lowWord, window words..., indeterminate words...]. */
  const signature = (): Uint32Array => {
    const hi = Math.max(highWord, lowWord - 1);
    const out = new Uint32Array(1 + (hi - lowWord + 1) + (bits.length - answeredWords));
    out[0] = lowWord;
    out.set(bits.subarray(lowWord, hi + 1), 1);
    out.set(bits.subarray(answeredWords), 1 + (hi - lowWord + 1));
    return out;
  };
  const sameSignature = (sig: Uint32Array): boolean => {
    if (sig[0] !== lowWord) return false;
    const hi = Math.max(highWord, lowWord - 1);
    const windowLen = hi - lowWord + 1;
    if (sig.length !== 1 + windowLen + (bits.length - answeredWords)) return false;
    for (let k = 0; k < windowLen; k++) if (sig[1 + k] !== bits[lowWord + k]) return false;
    for (let k = answeredWords; k < bits.length; k++) if (sig[1 + windowLen + k - answeredWords] !== bits[k]) return false;
    return true;
  };

  const cache = new Map<number, { sig: Uint32Array; state: ModelState }[]>();
  /** Adds the configuration; false if it was already explored. */
  const remember = (state: ModelState): boolean => {
    trimWindow();
    const key = (bitsHash ^ state.hash ^ Math.imul(state.rev, 0x27d4eb2d)) | 0;
    let bucket = cache.get(key);
    if (bucket) {
      for (const c of bucket) {
        if (sameSignature(c.sig) && statesEqual(c.state, state)) return false;
      }
    } else {
      bucket = [];
      cache.set(key, bucket);
    }
    bucket.push({ sig: signature(), state });
    return true;
  };

  interface Frame {
    state: ModelState;
    absorbed: Entry[];
    candidates: Entry[];
    nextCandidate: number;
    chosen: Entry | null;
    /** A determinate operation this configuration can no longer fit in, if any. */
    stranded: Op | null;
    /** Candidate op id -> the operation that choosing it left behind (for the explanation). */
    strandedBy: Map<number, Op> | null;
  }
  const stack: Frame[] = [];
  let state = initialModelState(options.initialRevision ?? 1, options.initialKvs ?? []);

  const linearize = (e: Entry): void => {
    lift(e);
    setBit(e.op.index);
    if (e.op.rev >= 0) determinateDone++;
    if (e.op.target >= 0) pendingByNeed[needOf(e.op)]!--;
  };
  const undo = (e: Entry): void => {
    unlift(e);
    clearBit(e.op.index);
    if (e.op.rev >= 0) determinateDone--;
    if (e.op.target >= 0) {
      const need = needOf(e.op);
      pendingByNeed[need]!++;
      if (need < lowestNeed) lowestNeed = need;
    }
  };

  // The deepest dead end reached, captured cheaply and put into words only if it is the answer.
  interface DeadEnd {
    depth: number;
    state: ModelState;
    frontier: Op[];
    blocking: Op | null;
    recentWrites: number[];
    stranded: Op | null;
    strandedBy: Map<number, Op> | null;
    /**
     * How far it got, for picking the most telling dead end: a stranded configuration counts
     * as its parent (the place where the stranded operation last could go) minus a half, so
     * that the parent's own dead end, which names the real conflict, wins when it is reached.
     */
    score: number;
  }
  let best: DeadEnd | null = null;
  let depth = 0;

  const captureDeadEnd = (stranded: Op | null, score: number, strandedBy: Map<number, Op> | null): DeadEnd => {
    const frontier: Op[] = [];
    let blocking: Op | null = null;
    for (let e = head.next; e; e = e.next) {
      if (!e.isCall) {
        blocking = e.op;
        break;
      }
      frontier.push(e.op);
    }
    const recentWrites: number[] = [];
    for (let i = stack.length - 1; i >= 0 && recentWrites.length < 5; i--) {
      const c = stack[i]!.chosen;
      if (c) recentWrites.unshift(c.op.id);
    }
    return { depth, state, frontier, blocking, recentWrites, stranded, strandedBy: strandedBy && new Map(strandedBy), score };
  };

  const render = (d: DeadEnd): Explanation => {
    const candidates = d.frontier.map((o) => {
      const r = step(d.state, o.request, o.response);
      let reason: string;
      const left = d.strandedBy?.get(o.id);
      if (!r.ok) reason = r.reason;
      else if (left) {
        const claim = left.rev >= 0 ? `answered with revision ${left.rev}` : `was seen to have created revision ${left.target}`;
        reason = `it ${o.rev < 0 ? 'may' : 'can'} take effect here, but then #${left.id} (which ${claim}) can no longer take effect, since revisions never go back`;
      } else reason = `it ${o.rev < 0 ? 'may' : 'can'} take effect here, but no continuation after it works`;
      return { operationId: o.id, reason };
    });
    const involvedIds = new Set<number>([...d.recentWrites, ...candidates.map((c) => c.operationId)]);
    for (const o of d.strandedBy?.values() ?? []) involvedIds.add(o.id);
    if (d.blocking) involvedIds.add(d.blocking.id);
    if (d.stranded) involvedIds.add(d.stranded.id);
    const byId = new Map(ops.map((o) => [o.id, o.record]));
    const operations = [...involvedIds].sort((a, b) => a - b).map((id) => byId.get(id)!);
    const lines: string[] = [];
    lines.push(
      `No order of the operations explains the history. The longest explainable prefix has ${d.depth} operations and leaves the store at revision ${d.state.rev}.`,
    );
    if (d.recentWrites.length) lines.push(`Its last writes: ${d.recentWrites.map((id) => describeOperation(byId.get(id)!)).join('; ')}.`);
    if (d.stranded) {
      const claim = d.stranded.rev >= 0 ? `answered with revision ${d.stranded.rev}` : `was seen by a read to have created revision ${d.stranded.target}`;
      lines.push(`Operation ${describeOperation(d.stranded.record)} ${claim}, but it cannot take effect before the operations above, which leave the store at revision ${d.state.rev}; revisions never go back.`);
    } else if (d.blocking) {
      lines.push(`Operation ${describeOperation(d.blocking.record)} returned, so it must take effect before anything called later, but none of the pending operations can go next:`);
    } else {
      lines.push('None of the pending operations can go next:');
    }
    if (!d.stranded) {
      // Content conflicts first: they say more than "wrong revision"; long frontiers are cut.
      const rank = (c: { operationId: number; reason: string }): number => {
        if (d.blocking && c.operationId === d.blocking.id) return 0;
        if (/^(its header revision|a put creates revision)/.test(c.reason)) return 3;
        return /^it may take effect/.test(c.reason) ? 2 : 1;
      };
      const shown = [...candidates].sort((a, b) => rank(a) - rank(b));
      for (const c of shown.slice(0, 12)) lines.push(`  ${describeOperation(byId.get(c.operationId)!)}: ${c.reason}.`);
      if (shown.length > 12) lines.push(`  ... and ${shown.length - 12} more (see candidates).`);
    }
    return {
      kind: 'search',
      text: lines.join('\n'),
      linearizedCount: d.depth,
      revision: d.state.rev,
      blockingOperationId: d.blocking ? d.blocking.id : null,
      candidates,
      recentWrites: d.recentWrites,
      operations,
    };
  };

  // Revisions only grow, and every operation with a known target must run with the store at
  // one revision: target - 1 if it creates its target, target if it changed nothing. Once the
  // store is past that, the branch is dead; counting the pending operations by that revision
  // finds such dead branches at once instead of at the operation's return.
  const needOf = (o: Op): number => (o.creates ? o.target - 1 : o.target);
  let maxNeed = 0;
  for (const o of ops) if (o.target >= 0) maxNeed = Math.max(maxNeed, needOf(o));
  const pendingByNeed = new Int32Array(maxNeed + 2);
  const opsByNeed = new Map<number, Op[]>();
  // Who creates each revision: when a revision has a known creator, no other write may take it.
  const creatorsOf = new Map<number, Op[]>();
  for (const o of ops) {
    if (o.target < 0) continue;
    pendingByNeed[needOf(o)]!++;
    const list = opsByNeed.get(needOf(o));
    if (list) list.push(o);
    else opsByNeed.set(needOf(o), [o]);
    if (o.creates) {
      const c = creatorsOf.get(o.target);
      if (c) c.push(o);
      else creatorsOf.set(o.target, [o]);
    }
  }
  let lowestNeed = 0;
  const lowestPendingNeed = (): number => {
    while (lowestNeed < pendingByNeed.length && pendingByNeed[lowestNeed] === 0) lowestNeed++;
    return lowestNeed;
  };
  const isLinearized = (o: Op): boolean => (bits[o.index >>> 5]! & (1 << (o.index & 31))) !== 0;

  const now = options.now;
  const deadline = now && options.timeoutMs !== undefined ? now() + options.timeoutMs : Infinity;
  let steps = 0;

  /**
   * Linearizes at once every answered, state-preserving operation valid here (see the pruning
   * rule above). One forward pass suffices: the state does not change, so an operation refused
   * stays refused, and lifting an operation's return lets later calls into the frontier, which
   * the pass then reaches.
   */
  const absorb = (): Entry[] => {
    const absorbed: Entry[] = [];
    let e = head.next;
    while (e && e.isCall) {
      if (e.op.rev === state.rev && !e.op.creates) {
        const r = step(state, e.op.request, e.op.response);
        if (r.ok && r.state === state) {
          const before = e.prev!;
          linearize(e);
          absorbed.push(e);
          e = before.next;
          continue;
        }
      }
      e = e.next;
    }
    depth += absorbed.length;
    return absorbed;
  };

  /**
   * The operations that may take effect next. If some operation is known to create the next
   * revision, only it can (any other write would take that revision). Otherwise the next
   * revision, if any, was created by an unanswered write nobody observed: try each of those.
   */
  const candidatesHere = (): Entry[] => {
    const next = state.rev + 1;
    const known = creatorsOf.get(next);
    const out: Entry[] = [];
    if (known) {
      for (let e = head.next; e && e.isCall; e = e.next) if (e.op.target === next && e.op.creates) out.push(e);
      return out;
    }
    for (let e = head.next; e && e.isCall; e = e.next) if (e.op.target < 0) out.push(e);
    // Most recently called first: a request that timed out long ago is the less likely one to
    // land now. Only the order of trying changes; every candidate is still tried.
    return out.reverse();
  };

  // Enter the initial configuration.
  let entering = true;
  let finalAbsorbed: Entry[] = [];
  for (;;) {
    if (++steps % 256 === 0 && now && now() > deadline) {
      return { result: 'unknown', reason: `time budget of ${options.timeoutMs} ms exhausted after ${steps} search steps (${stack.length} deep); the history was not fully checked` };
    }
    if (entering) {
      const absorbed = absorb();
      if (determinateDone === determinateTotal) {
        finalAbsorbed = absorbed;
        break;
      }
      const lowest = lowestPendingNeed();
      let stranded: Op | null = null;
      if (lowest < state.rev) {
        stranded = opsByNeed.get(lowest)!.find((o) => !isLinearized(o))!;
      }
      const fresh = !stranded && remember(state);
      stack.push({ state, absorbed, candidates: fresh ? candidatesHere() : [], nextCandidate: 0, chosen: null, stranded, strandedBy: null });
      entering = false;
    }
    const f = stack[stack.length - 1];
    if (!f) {
      return { result: 'illegal', explanation: render(best!) };
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
      // An unanswered write that changes nothing here is the same as not applying it.
      if (!r.ok || r.state === state) continue;
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
    const score = f.stranded ? depth - f.absorbed.length - 1.5 : depth;
    if (!best || score > best.score) best = captureDeadEnd(f.stranded, score, f.strandedBy);
    for (let i = f.absorbed.length - 1; i >= 0; i--) undo(f.absorbed[i]!);
    depth -= f.absorbed.length;
    stack.pop();
    const parent = stack[stack.length - 1];
    if (f.stranded && parent?.chosen) (parent.strandedBy ??= new Map()).set(parent.chosen.op.id, f.stranded);
    // The parent's choice is undone (and its state restored) at the top of the loop.
  }

  const linearization: number[] = [];
  for (const f of stack) {
    for (const e of f.absorbed) linearization.push(e.op.id);
    if (f.chosen) linearization.push(f.chosen.op.id);
  }
  // The last configuration's absorbed operations have no frame of their own.
  for (const e of finalAbsorbed) linearization.push(e.op.id);
  const inOrder = new Set(linearization);
  const neverApplied = ops.filter((o) => o.rev < 0 && !inOrder.has(o.id)).map((o) => o.id);
  return { result: 'ok', linearization, neverApplied };
}
