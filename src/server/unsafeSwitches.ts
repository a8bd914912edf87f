/**
 * The safety switches: each turns off one rule that keeps etcd correct, through a real code path
 * in raft or the member (never a scripted failure), so a learner can watch what the rule
 * prevents. A cluster carries the switches that are on as a list of ids; none is on by default
 * and none should ever be on outside an experiment.
 */
import type { UnsafeRaftRules } from '../raft/index.ts';
import type { MemberSettings } from './settings.ts';

export type UnsafeSwitch = 'commitOldTerm' | 'voteWithoutLogCheck' | 'skipReadIndex' | 'leaseReads' | 'ackBeforeDurable';

export interface UnsafeSwitchInfo {
  id: UnsafeSwitch;
  /** Its number in the list of experiments. */
  number: number;
  /** What it does, in a few words. */
  title: string;
  /** The rule it switches off, and where that rule comes from. */
  rule: string;
  /** What can go wrong with it on (what the checkers catch). */
  breaks: string;
}

export const UNSAFE_SWITCHES: readonly UnsafeSwitchInfo[] = [
  {
    id: 'commitOldTerm',
    number: 1,
    title: 'commit an old-term entry by counting replicas',
    rule: 'A leader commits by counting replicas only entries of its own term (Raft paper §5.4.2, Figure 8).',
    breaks: 'An entry counted as committed can later be replaced by another leader: members apply different entries at one index.',
  },
  {
    id: 'voteWithoutLogCheck',
    number: 2,
    title: 'vote without checking the candidate’s log',
    rule: 'A member votes only for a candidate whose log is at least as up to date as its own (§5.4.1).',
    breaks: 'A member missing committed entries can become leader and overwrite them (leader completeness).',
  },
  {
    id: 'skipReadIndex',
    number: 3,
    title: 'serve linearizable reads without ReadIndex',
    rule: 'A linearizable read waits until the leader confirms it still leads and the member has applied up to the leader’s commit index (ReadIndex).',
    breaks: 'A member that is behind or cut off answers from its old state: a stale read.',
  },
  {
    id: 'leaseReads',
    number: 4,
    title: 'serve reads from a leader lease (clocks must agree)',
    rule: 'A linearizable read waits until a quorum confirms, after the read arrived, that the leader still leads (ReadIndex); no clock is trusted.',
    breaks: 'The leader answers from a lease counted on its own clock. A member whose clock runs fast (Members → clock) stops honouring the lease early, votes in a new leader, and the old leader serves a stale read. Needs check-quorum on.',
  },
  {
    id: 'ackBeforeDurable',
    number: 5,
    title: 'acknowledge a write before it is on disk',
    rule: 'A member sends a vote, an append acknowledgement or a client answer only after what it promises is durable in its WAL (fsync first).',
    breaks: 'A write the client was told is committed can vanish when the members that held it crash before their disks synced. A slower WAL fsync (in Settings, or one member\'s disk) widens the window.',
  },
];

const known = new Set<string>(UNSAFE_SWITCHES.map((s) => s.id));

/** Checks a list of switch ids (from settings, a file or a URL): a clear error names the bad one. */
export function checkUnsafeSwitches(v: unknown, where = 'settings.unsafe'): UnsafeSwitch[] {
  if (!Array.isArray(v)) throw new Error(`${where} must be a list of switch ids (${[...known].join(', ')}), got ${JSON.stringify(v)}`);
  const out: UnsafeSwitch[] = [];
  for (const id of v) {
    if (typeof id !== 'string' || !known.has(id)) throw new Error(`${where}: unknown safety switch ${JSON.stringify(id)} (known: ${[...known].join(', ')})`);
    if (!out.includes(id as UnsafeSwitch)) out.push(id as UnsafeSwitch);
  }
  // One order, so the same switches always give the same settings (and trace hash).
  return out.sort((a, b) => UNSAFE_SWITCHES.findIndex((s) => s.id === a) - UNSAFE_SWITCHES.findIndex((s) => s.id === b));
}

/** A URL's comma-separated list (`unsafe=commitOldTerm,skipReadIndex`); empty means none. */
export function parseUnsafeList(raw: string): UnsafeSwitch[] {
  const ids = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return checkUnsafeSwitches(ids, 'unsafe');
}

/** The member settings the switches set (nothing when none is on). */
export function memberSettingsForUnsafe(list: readonly UnsafeSwitch[]): Partial<MemberSettings> {
  const raft: UnsafeRaftRules = {};
  if (list.includes('commitOldTerm')) raft.commitOldTermByCounting = true;
  if (list.includes('voteWithoutLogCheck')) raft.voteWithoutLogCheck = true;
  return {
    ...(Object.keys(raft).length > 0 ? { unsafeRaft: raft } : {}),
    ...(list.includes('skipReadIndex') ? { unsafeReads: 'skipReadIndex' as const } : {}),
    ...(list.includes('leaseReads') ? { unsafeLeaseReads: true } : {}),
    ...(list.includes('ackBeforeDurable') ? { unsafeAckBeforeDurable: true } : {}),
  };
}

/** The liveness experiment: pre-vote and check-quorum, two real etcd settings, both off. */
export const NO_LIVENESS_SWITCH = 6;

/**
 * The numbers of the experiments a cluster runs with, in order: the switches in its list, and 6
 * when pre-vote and check-quorum are both off. Empty for a cluster that keeps every rule.
 */
export function unsafeNumbersOn(s: { unsafe: readonly UnsafeSwitch[]; preVote: boolean; checkQuorum: boolean }): number[] {
  const on = UNSAFE_SWITCHES.filter((x) => s.unsafe.includes(x.id)).map((x) => x.number);
  if (!s.preVote && !s.checkQuorum) on.push(NO_LIVENESS_SWITCH);
  return on;
}
