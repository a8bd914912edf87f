import type { Entry, HardState, Message, MessageType, NodeId } from './types.ts';
import { NONE } from './types.ts';

/** Used as "no size limit" for entry slices. */
export const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * Orders IDs by their 64-bit value. IDs are lowercase hex without leading zeros, so a shorter ID is
 * smaller and equal lengths compare as strings.
 */
export function compareIds(a: NodeId, b: NodeId): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Approximate wire size of an entry: its data plus a fixed header, enough for batching limits. */
export function entrySize(e: Entry): number {
  return e.data.length + 16;
}

/** The longest prefix of ents within maxSize bytes, but never fewer than one entry. */
export function limitSize(ents: Entry[], maxSize: number): Entry[] {
  if (ents.length <= 1 || maxSize >= NO_LIMIT) return ents;
  let size = entrySize(ents[0]!);
  let n = 1;
  for (; n < ents.length; n++) {
    size += entrySize(ents[n]!);
    if (size > maxSize) break;
  }
  return n === ents.length ? ents : ents.slice(0, n);
}

const localTypes: ReadonlySet<MessageType> = new Set<MessageType>([
  'MsgHup',
  'MsgBeat',
  'MsgUnreachable',
  'MsgSnapStatus',
  'MsgCheckQuorum',
]);

const responseTypes: ReadonlySet<MessageType> = new Set<MessageType>([
  'MsgAppResp',
  'MsgVoteResp',
  'MsgHeartbeatResp',
  'MsgUnreachable',
  'MsgPreVoteResp',
]);

/** Messages a member sends itself (timers, reports); they never travel the network. */
export function isLocalMsg(t: MessageType): boolean {
  return localTypes.has(t);
}

export function isResponseMsg(t: MessageType): boolean {
  return responseTypes.has(t);
}

export function voteRespMsgType(t: MessageType): MessageType {
  if (t === 'MsgVote') return 'MsgVoteResp';
  if (t === 'MsgPreVote') return 'MsgPreVoteResp';
  throw new Error(`not a vote message: ${t}`);
}

export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: NONE, commit: 0 });

export function isEmptyHardState(hs: HardState): boolean {
  return hs.term === 0 && hs.vote === NONE && hs.commit === 0;
}

export function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/**
 * A message with every field at its zero value except those given. Fields are written in one fixed
 * order so every message has the same shape (cheaper for the engine on the hot path).
 */
export function newMessage(f: Partial<Message> & { type: MessageType }): Message {
  const m: Message = {
    type: f.type,
    to: f.to ?? NONE,
    from: f.from ?? NONE,
    term: f.term ?? 0,
    logTerm: f.logTerm ?? 0,
    index: f.index ?? 0,
    entries: f.entries ?? [],
    commit: f.commit ?? 0,
    reject: f.reject ?? false,
    rejectHint: f.rejectHint ?? 0,
    context: f.context ?? '',
  };
  if (f.snapshot !== undefined) m.snapshot = f.snapshot;
  return m;
}
