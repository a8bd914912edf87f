/** Member summaries for state tests. */
import type { MemberInfo } from './types.ts';

export function member(name: string, over: Partial<MemberInfo> = {}): MemberInfo {
  return {
    name,
    id: name,
    role: 'follower',
    alive: true,
    isLearner: false,
    term: 1,
    vote: '0',
    lead: '0',
    commitIndex: 0,
    appliedIndex: 0,
    revision: 1,
    compactRevision: 0,
    electionElapsedTicks: 0,
    electionTimeoutTicks: 10,
    recentEntries: [],
    snapshotIndex: 0,
    log: { firstIndex: 1, lastIndex: 0, snapshotTerm: 0, runs: [] },
    persisted: { term: 1, vote: '0', commit: 0 },
    dbSize: 0,
    dbSizeInUse: 0,
    alarms: [],
    walFsyncMs: 2,
    clockRate: 1,
    ...over,
  };
}
