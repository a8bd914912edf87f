import { describe, expect, it } from 'vitest';
import type { StatusResponse } from '../server/api.ts';
import type { LiveMember, LiveSnapshot } from './liveCluster.ts';
import { liveChanges } from './liveChanges.ts';

const status = (leader: string, term: number): StatusResponse => ({
  header: { cluster_id: 'c', member_id: '0', revision: 1, raft_term: term },
  version: '3.4.23',
  dbSize: 1,
  leader,
  raftIndex: 1,
  raftTerm: term,
  raftAppliedIndex: 1,
  errors: [],
  dbSizeInUse: 1,
  isLearner: false,
});
const member = (id: string, up: boolean, leader: string, term: number): LiveMember => ({
  id,
  name: `m${id}`,
  peerURLs: [],
  clientURLs: [],
  isLearner: false,
  endpoint: `127.0.0.1:${id}`,
  ...(up ? { status: status(leader, term) } : { error: 'could not connect' }),
});
const snap = (members: LiveMember[], leaderId: string | null, term: number): LiveSnapshot => ({ atMs: 0, clusterId: 'c', members, leaderId, raftTerm: term, revision: 1, endpointErrors: [], version: '3.4.23' });

describe('changes between two polls', () => {
  it('a leader that stopped answering, and the new one', () => {
    const a = snap([member('1', true, '1', 2), member('2', true, '1', 2), member('3', true, '1', 2)], '1', 2);
    const b = snap([member('1', false, '', 0), member('2', true, '2', 3), member('3', true, '2', 3)], '2', 3);
    expect(liveChanges(a, b).map((c) => c.text)).toEqual(['m1 stopped answering at 127.0.0.1:1: could not connect', 'm2 is the leader (term 3)']);
    const c = snap([member('1', true, '2', 3), member('2', true, '2', 3), member('3', true, '2', 3)], '2', 3);
    expect(liveChanges(b, c).map((x) => x.text)).toEqual(['m1 answers again at 127.0.0.1:1']);
  });

  it('joined and left, and nothing at all on the first poll or when the list could not be read', () => {
    const a = snap([member('1', true, '1', 2), member('2', true, '1', 2)], '1', 2);
    const b = snap([member('1', true, '1', 2), member('3', true, '1', 2)], '1', 2);
    expect(liveChanges(a, b).map((c) => c.kind)).toEqual(['joined', 'left']);
    expect(liveChanges(null, a)).toEqual([]);
    expect(liveChanges(a, { ...snap([], '1', 2), memberListError: 'x' })).toEqual([]);
    expect(liveChanges(a, snap(a.members, null, 2)).map((c) => c.text)).toEqual(['no member reports a leader']);
  });
});
