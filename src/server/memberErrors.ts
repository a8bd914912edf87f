/**
 * The server-level errors a member answers with (etcd 3.4's rpctypes): exact text and gRPC code.
 * KV and MVCC errors come from the apply layer; these are the member's own (timeouts, leadership,
 * membership, learners, quota).
 */
import type { EtcdErrorBody } from './api.ts';

const err = (code: EtcdErrorBody['code'], message: string): EtcdErrorBody => Object.freeze({ code, message });

export const E = {
  noSpace: err('ResourceExhausted', 'etcdserver: mvcc: database space exceeded'),
  notLeader: err('FailedPrecondition', 'etcdserver: not leader'),
  noLeader: err('Unavailable', 'etcdserver: no leader'),
  notSupportedForLearner: err('Unavailable', 'etcdserver: rpc not supported for learner'),
  stopped: err('Unavailable', 'etcdserver: server stopped'),
  unhealthy: err('Unavailable', 'etcdserver: unhealthy cluster'),
  timeout: err('Unavailable', 'etcdserver: request timed out'),
  timeoutDueToLeaderFail: err('Unavailable', 'etcdserver: request timed out, possibly due to previous leader failure'),
  timeoutDueToConnectionLost: err('Unavailable', 'etcdserver: request timed out, possibly due to connection lost'),
  leaderTransferTimeout: err('Unavailable', 'etcdserver: request timed out, leader transfer took too long'),
  memberExist: err('FailedPrecondition', 'etcdserver: member ID already exist'),
  peerURLExist: err('FailedPrecondition', 'etcdserver: Peer URLs already exists'),
  notEnoughStartedMembers: err('FailedPrecondition', 'etcdserver: re-configuration failed due to not enough started members'),
  memberBadURLs: err('InvalidArgument', 'etcdserver: given member URLs are invalid'),
  memberNotFound: err('NotFound', 'etcdserver: member not found'),
  memberNotLearner: err('FailedPrecondition', 'etcdserver: can only promote a learner member'),
  learnerNotReady: err('FailedPrecondition', 'etcdserver: can only promote a learner member which is in sync with leader'),
  tooManyLearners: err('FailedPrecondition', 'etcdserver: too many learner members in cluster'),
  badLeaderTransferee: err('FailedPrecondition', 'etcdserver: bad leader transferee'),
  leaseNotFound: err('NotFound', 'etcdserver: requested lease not found'),
  /** raft refused the proposal (no leader known, or a leader transfer is running); etcd passes raft's text through. */
  proposalDropped: err('Unknown', 'raft proposal dropped'),
} as const;
