/** The history checkers' public surface: record, check, export. */
export * from './types.ts';
export { HistoryRecorder, classifyError, definiteErrorMessages, type OperationHandle, type WatchHandle, type WatchOptions, type ErrorClass } from './history.ts';
export { checkLinearizability, describeOperation, type LinearizabilityOptions, type LinearizabilityResult, type Explanation } from './linearizability.ts';
export { kvLogFromHistory, compareWithFinalRead, compareLogWithAnswers, historicalReadMismatch, finalKvs, validateKvLog, type KvLog, type CommittedRevision, type KvLogOptions } from './committedLog.ts';
export { checkWatchGuarantees, type WatchCheckOptions, type WatchCheckResult, type WatchViolation, type WatchGuarantee } from './watchGuarantees.ts';
export { exportHistory, exportHistoryJson, importHistory, HISTORY_FORMAT, HISTORY_VERSION, type HistoryFile } from './exportHistory.ts';
export { simulateHistory, seededRandom, type SimulationOptions, type SimulatedRun } from './simulatedHistory.ts';
export { checkHistory, type HistoryCheckOptions, type HistoryCheckResult } from './checkHistory.ts';
export { createdRevision, pinUnansweredWrites, quickRefutation, type Refutation } from './revisionFacts.ts';
