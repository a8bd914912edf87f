/** The raft package: a pure Raft state machine modelled on etcd's raft library. */
export * from './types.ts';
export {
  RaftError,
  ErrProposalDropped,
  ErrCompacted,
  ErrSnapOutOfDate,
  ErrUnavailable,
  ErrSnapshotTemporarilyUnavailable,
  ErrStepLocalMsg,
  ErrStepPeerNotFound,
} from './errors.ts';
export { RawNode } from './rawNode.ts';
export type { Peer } from './rawNode.ts';
export { MemoryStorage } from './memoryStorage.ts';
export { describe, describeMessage, describeEntry, describeHardState, describeSnapshot, describeReady } from './describe.ts';
export { encodeConfChange, decodeConfChange, validateConfChange } from './confChange.ts';
export { CAMPAIGN_TRANSFER, DEFAULT_MAX_INFLIGHT_MSGS, DEFAULT_MAX_SIZE_PER_MSG, confChangesIn } from './raft.ts';
export { isLocalMsg, isResponseMsg, compareIds, newMessage } from './util.ts';
