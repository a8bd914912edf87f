/**
 * Raft's safety properties checked as the playground runs, from the members' summaries (so it
 * works the same whether members run in workers or in this thread). It feeds the simulator's
 * RaftInvariantChecker with each member's durable view (its HardState and the terms of its
 * durable log, which land together) plus its volatile role and term, and adds the one property
 * that checker leaves out: a leader never overwrites or deletes entries in its own log.
 *
 * Durable state only, on purpose: a member's in-memory log and commit index run ahead of what
 * has landed on disk, and mixing the two would report a conflicting tail that is being replaced
 * as a changed committed entry. The first violation stops the checking (the run is broken from
 * there on); a new cluster or a replay starts a new monitor.
 */
import { InvariantViolation, RaftInvariantChecker, type RaftMemberView, type RaftRole } from '../sim/raftInvariants.ts';
import { termAtIn } from './logShape.ts';
import type { MemberInfo } from './playgroundApi.ts';

/** The lights of the monitor, one per property of the Raft paper's Figure 3 (plus durability). */
export type InvariantLight = 'electionSafety' | 'leaderAppendOnly' | 'logMatching' | 'leaderCompleteness' | 'stateMachineSafety' | 'durableState';

export const INVARIANT_LIGHTS: readonly { id: InvariantLight; title: string; says: string }[] = [
  { id: 'electionSafety', title: 'Election safety', says: 'At most one leader in a term.' },
  { id: 'leaderAppendOnly', title: 'Leader append-only', says: 'A leader never overwrites or deletes entries in its log; it only appends.' },
  { id: 'logMatching', title: 'Log matching', says: 'Two logs with an entry of the same index and term hold the same entries up to it.' },
  { id: 'leaderCompleteness', title: 'Leader completeness', says: 'A committed entry is in the log of every later leader.' },
  { id: 'stateMachineSafety', title: 'State machine safety', says: 'Once an entry is committed at an index, no member ever has another entry there.' },
  { id: 'durableState', title: 'Durable state', says: 'A member’s saved term, vote and commit index never go back.' },
];

export interface MonitorViolation {
  light: InvariantLight;
  /** The checker's name for what broke (e.g. "committed entry changed"). */
  invariant: string;
  /** The checker's words, with member names in place of ids. */
  detail: string;
  atMs: number;
  members: string[];
  terms: number[];
  indexes: number[];
}

export interface InvariantStatus {
  /** Checks made (each after a step of the world). */
  checks: number;
  violation: MonitorViolation | null;
}

function lightOf(invariant: string): InvariantLight {
  if (invariant === 'two leaders in one term') return 'electionSafety';
  if (invariant === 'leader append-only') return 'leaderAppendOnly';
  if (invariant === 'log matching' || invariant === 'log terms decrease') return 'logMatching';
  if (invariant === 'leader completeness') return 'leaderCompleteness';
  if (invariant.startsWith('persisted') || invariant === 'term went back' || invariant === 'term below persisted term') return 'durableState';
  return 'stateMachineSafety';
}

function roleOf(r: MemberInfo['role']): RaftRole {
  if (r === 'leader') return 'leader';
  if (r === 'candidate') return 'candidate';
  if (r === 'pre-candidate') return 'precandidate';
  return 'follower';
}

/** What the monitor reads of a member: its summary as its host sent it, and whether it is up. */
export interface MonitoredMember {
  name: string;
  alive: boolean;
  removed: boolean;
  info: Pick<MemberInfo, 'id' | 'role' | 'term' | 'vote' | 'lead' | 'log' | 'persisted' | 'appliedIndex'>;
}

/** Entries looked at per member and check: the tail, where a log can change. */
const WINDOW = 64;

export class InvariantMonitor {
  private checker = new RaftInvariantChecker();
  private readonly incarnation = new Map<string, { n: number; alive: boolean }>();
  /** Per leader: its term and the end of its log when last seen leading. */
  private readonly leading = new Map<string, { term: number; lastIndex: number; lastTerm: number }>();
  private found: MonitorViolation | null = null;
  private count = 0;
  /** The summary each member had at the last check, to check only what changed. */
  private readonly seen = new Map<string, { info: MonitoredMember['info']; alive: boolean }>();
  private readonly names = new Map<string, string>();

  status(): InvariantStatus {
    return { checks: this.count, violation: this.found };
  }

  /**
   * Checks the members whose summary changed since the last call (a summary is a new object
   * whenever its member stepped); returns the violation when this check found one. Unchanged
   * members were checked with the same data already, and the checker remembers what it saw.
   */
  observe(members: Iterable<MonitoredMember>, nowMs: number): MonitorViolation | null {
    if (this.found) return null;
    const views: RaftMemberView[] = [];
    for (const { name, alive, removed, info: m } of members) {
      this.names.set(m.id, name);
      const seen = this.seen.get(name);
      if (seen && seen.info === m && seen.alive === alive) continue;
      this.seen.set(name, { info: m, alive });
      const inc = this.incarnation.get(m.id) ?? { n: 0, alive };
      if (alive && !inc.alive) inc.n++;
      inc.alive = alive;
      this.incarnation.set(m.id, inc);
      if (!alive || removed) {
        this.leading.delete(m.id);
        continue;
      }
      const log = m.log;
      const first = Math.max(log.firstIndex, log.lastIndex - WINDOW + 1);
      const commit = Math.min(m.persisted.commit, log.lastIndex);
      views.push({
        id: m.id,
        incarnation: inc.n,
        term: m.term,
        vote: m.vote,
        commit,
        role: roleOf(m.role),
        lead: m.lead,
        persisted: m.persisted,
        firstIndex: first,
        lastIndex: log.lastIndex,
        termAt: (i) => termAtIn(log, i),
        applied: Math.min(m.appliedIndex, commit),
      });
    }
    if (views.length === 0) return null;
    this.count++;
    const nameOf = this.names;
    try {
      this.checkAppendOnly(views, nowMs);
      this.checker.check(views, nowMs);
    } catch (e) {
      if (!(e instanceof InvariantViolation)) throw e;
      const named = (id: string) => nameOf.get(id) ?? id;
      // The checker's text starts with the time, which the violation carries on its own.
      let detail = e.message.slice(e.invariant.length + 2).replace(/^at \d+ ms: /, '');
      for (const [id, name] of nameOf) detail = detail.split(id).join(name);
      this.found = {
        light: lightOf(e.invariant),
        invariant: e.invariant,
        detail,
        atMs: nowMs,
        members: [...new Set((e.involved.members ?? []).map(named))],
        terms: [...new Set(e.involved.terms ?? [])].filter((t) => t > 0),
        indexes: [...new Set(e.involved.indexes ?? [])].filter((i) => i > 0),
      };
      return this.found;
    }
    return null;
  }

  private checkAppendOnly(views: readonly RaftMemberView[], nowMs: number): void {
    for (const v of views) {
      if (v.role !== 'leader') {
        this.leading.delete(v.id);
        continue;
      }
      const was = this.leading.get(v.id);
      if (was && was.term === v.term) {
        // Term 0: compacted into a snapshot since, which is no overwrite.
        const now = v.termAt(was.lastIndex);
        if (v.lastIndex < was.lastIndex || (now !== 0 && now !== was.lastTerm)) {
          throw new InvariantViolation(
            'leader append-only',
            `at ${nowMs} ms: leader ${v.id} of term ${v.term} had ${was.lastIndex}@${was.lastTerm}, now its log ends at ${v.lastIndex}${v.lastIndex >= was.lastIndex ? ` with ${was.lastIndex}@${v.termAt(was.lastIndex)}` : ''}`,
            { members: [v.id], terms: [v.term], indexes: [was.lastIndex] },
          );
        }
      }
      this.leading.set(v.id, { term: v.term, lastIndex: v.lastIndex, lastTerm: v.termAt(v.lastIndex) });
    }
  }
}
