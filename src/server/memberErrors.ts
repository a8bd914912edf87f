/**
 * The errors a member answers with, by the names the member's code uses. They are etcd 3.4's
 * rpctypes errors from the shared catalogue (errors.ts); the two the catalogue lacks are defined
 * here: raft's own refusal, which etcd passes through, and the leader-transfer timeout.
 */
import type { EtcdErrorBody } from './api.ts';
import * as C from './errors.ts';

const err = (code: EtcdErrorBody['code'], message: string): EtcdErrorBody => Object.freeze({ code, message });

export const E = {
  noSpace: C.ErrNoSpace,
  notLeader: C.ErrNotLeader,
  noLeader: C.ErrNoLeader,
  notSupportedForLearner: C.ErrNotSupportedForLearner,
  stopped: C.ErrStopped,
  unhealthy: C.ErrUnhealthy,
  timeout: C.ErrTimeout,
  timeoutDueToLeaderFail: C.ErrTimeoutDueToLeaderFail,
  timeoutDueToConnectionLost: C.ErrTimeoutDueToConnectionLost,
  leaderTransferTimeout: err('Unavailable', 'etcdserver: request timed out, leader transfer took too long'),
  memberExist: C.ErrMemberExist,
  peerURLExist: C.ErrPeerURLExist,
  notEnoughStartedMembers: C.ErrMemberNotEnoughStarted,
  memberBadURLs: C.ErrMemberBadURLs,
  memberNotFound: C.ErrMemberNotFound,
  memberNotLearner: C.ErrMemberNotLearner,
  learnerNotReady: C.ErrLearnerNotReady,
  tooManyLearners: C.ErrTooManyLearners,
  badLeaderTransferee: C.ErrBadLeaderTransferee,
  leaseNotFound: C.ErrLeaseNotFound,
  /** raft refused the proposal (no leader known, or a leader transfer is running); etcd passes raft's text through. */
  proposalDropped: err('Unknown', 'raft proposal dropped'),
} as const;
