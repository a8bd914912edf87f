/**
 * Everything a simulation run wants to know about one recorded history, in one call:
 * linearizability of the KV operations, then the watch guarantees against the committed log
 * that the linearization implies, reads at older revisions against that log, and optionally
 * agreement with a final authoritative read and with an authoritative log.
 *
 * The linearization fixes where unanswered writes landed only as far as the answers show it.
 * If the watches then disagree, and some write was unanswered, the check is repeated with the
 * watch events as extra observations, so that writes the watchers saw are placed where they saw
 * them; only if the watches still disagree is a watch violation reported.
 */
import { compareLogWithAnswers, compareWithFinalRead, historicalReadMismatch, kvLogFromHistory, type KvLog } from './committedLog.ts';
import { checkLinearizability, type LinearizabilityOptions, type LinearizabilityResult } from './linearizability.ts';
import type { History, KeyValue, RangeResponse } from './types.ts';
import { checkWatchGuarantees, type WatchCheckOptions, type WatchCheckResult } from './watchGuarantees.ts';

export interface HistoryCheckOptions extends LinearizabilityOptions, WatchCheckOptions {
  /**
   * A read of the whole key space ('\0'..'\0') taken when the run was quiet, by the harness,
   * outside the recorded operations: the committed log must end in exactly this state.
   */
  finalRead?: RangeResponse;
  /**
   * The committed log from an authoritative source (e.g. a member's MVCC store read after the
   * run). Without it the log is derived from the linearization, which can only guess where
   * unanswered writes landed when nobody read them: an unanswered delete that a watcher saw but
   * no read did may then be reported as a watch violation. Pass it when that matters.
   */
  log?: KvLog;
}

export interface HistoryCheckResult {
  /** True only when every check ran and passed. */
  ok: boolean;
  linearizability: LinearizabilityResult;
  /** Null when the watch check could not run (the history is not linearizable, or unknown). */
  watches: WatchCheckResult | null;
  /** The committed log used for the watch check. */
  log: KvLog | null;
  /** Null when the final read agrees (or none was given); otherwise what differs. */
  finalReadMismatch: string | null;
  /** Null unless a given `log` disagrees with what clients were answered. */
  logMismatch: string | null;
  /** Null unless a read at an older revision disagrees with the log at that revision. */
  historicalReadMismatch: string | null;
}

export function checkHistory(history: History, options: HistoryCheckOptions = {}): HistoryCheckResult {
  let lin = checkLinearizability(history.operations, options);
  if (lin.result !== 'ok') return { ok: false, linearizability: lin, watches: null, log: null, finalReadMismatch: null, logMismatch: null, historicalReadMismatch: null };
  let log = options.log ?? kvLogFromHistory(history, { linearization: lin.linearization, baseRevision: options.initialRevision, baseKvs: options.initialKvs });
  let watches = checkWatchGuarantees(history.watches, log, options);
  const unanswered = history.operations.some((o) => o.outcome.status === 'indeterminate' && o.op.type !== 'range');
  if (!watches.ok && unanswered && !options.log) {
    const seen: KeyValue[] = [];
    for (const w of history.watches) for (const d of w.responses) for (const e of d.response.events) if (e.type === 'PUT') seen.push(e.kv);
    const again = checkLinearizability(history.operations, { ...options, observations: [...(options.observations ?? []), ...seen] });
    if (again.result === 'ok') {
      lin = again;
      log = kvLogFromHistory(history, { linearization: again.linearization, baseRevision: options.initialRevision, baseKvs: options.initialKvs });
      watches = checkWatchGuarantees(history.watches, log, options);
    }
  }
  const finalReadMismatch = options.finalRead ? compareWithFinalRead(log, options.finalRead) : null;
  const logMismatch = options.log ? compareLogWithAnswers(options.log, history.operations) : null;
  const historical = historicalReadMismatch(log, history.operations);
  return {
    ok: watches.ok && finalReadMismatch === null && logMismatch === null && historical === null,
    linearizability: lin,
    watches,
    log,
    finalReadMismatch,
    logMismatch,
    historicalReadMismatch: historical,
  };
}
