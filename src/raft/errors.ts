/**
 * Raft's errors. Each is one shared instance (like etcd's sentinel errors), so callers compare
 * with `===` or catch every raft error with `instanceof RaftError`. The messages are etcd's.
 */
export class RaftError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RaftError';
  }
}

/** A proposal was refused: no leader known, forwarding disabled, a leader transfer is running, or this member was removed. */
export const ErrProposalDropped = new RaftError('raft proposal dropped');
/** The requested index is behind the storage's first index (compacted away). */
export const ErrCompacted = new RaftError('requested index is unavailable due to compaction');
/** A snapshot older than the one already held was offered. */
export const ErrSnapOutOfDate = new RaftError('requested index is older than the existing snapshot');
/** The requested entry is past the storage's last index. */
export const ErrUnavailable = new RaftError('requested entry at index is unavailable');
/** The storage is still producing a snapshot; the leader retries later. */
export const ErrSnapshotTemporarilyUnavailable = new RaftError('snapshot is temporarily unavailable');
/** Local messages (MsgHup, MsgBeat, ...) must go through RawNode's methods, not step(). */
export const ErrStepLocalMsg = new RaftError('raft: cannot step raft local message');
/** A response came from a member that is not in the configuration. */
export const ErrStepPeerNotFound = new RaftError('raft: cannot step as peer not found');
