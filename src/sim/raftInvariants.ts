/**
 * Raft's safety properties, checked from the outside over a structural view of each member, so
 * the simulator needs no Raft code. The checker is stateful: it remembers what it has seen (who led
 * which term, which entries were committed and applied, each member's durable term/vote/commit)
 * and fails when a later observation contradicts it.
 *
 * Checked properties (Raft paper §5.2-5.4, plus durability):
 * - election safety: at most one leader per term, ever;
 * - log matching: an entry (index, term) always follows the same previous term in every log;
 * - committed entries never change, and every leader of a later term holds them (leader completeness);
 * - state machine safety: all members apply the same entry at an index, in index order, so the
 *   applied sequences are prefixes of one another;
 * - a member's commit index never decreases (after a restart, it starts from its persisted commit);
 * - the persisted term never decreases and a persisted vote is never changed within its term.
 */

export type RaftRole = 'leader' | 'follower' | 'candidate' | 'precandidate';

export interface RaftMemberView {
  id: string;
  /** Changes on every restart; volatile state is compared only within one incarnation. */
  incarnation: number;
  term: number;
  vote: string;
  commit: number;
  role: RaftRole;
  lead: string;
  /** What survives a crash (its HardState in stable storage). */
  persisted: { term: number; vote: string; commit: number };
  /** Entries firstIndex..lastIndex are in the log; firstIndex - 1 is the snapshot's index. */
  firstIndex: number;
  lastIndex: number;
  /** Term of entry i, for firstIndex - 1 <= i <= lastIndex. */
  termAt(i: number): number;
  /** Highest index applied to the member's state machine. */
  applied: number;
}

/** What a violation is about, so a view can point at it: member ids, terms and log indexes. */
export interface Involved {
  members?: string[];
  terms?: number[];
  indexes?: number[];
}

export class InvariantViolation extends Error {
  constructor(
    readonly invariant: string,
    detail: string,
    readonly involved: Involved = {},
  ) {
    super(`${invariant}: ${detail}`);
    this.name = 'InvariantViolation';
  }
}

const NO_VOTE = '0';
/** Terms stay far below this in any simulation; it packs (index, term) into one number key. */
const TERM_LIMIT = 1 << 20;

function entryKey(index: number, term: number): number {
  if (term >= TERM_LIMIT) throw new InvariantViolation('checker limit', `term ${term} too large to track`);
  return index * TERM_LIMIT + term;
}

interface MemberMemory {
  incarnation: number;
  term: number;
  commit: number;
  persistedTerm: number;
  persistedVote: string;
  persistedCommit: number;
  /** The log's shape at the last scan; an unchanged shape skips the scan. */
  logSignature: string;
}

export class RaftInvariantChecker {
  private readonly leaderOfTerm = new Map<number, string>();
  /** (index, term) -> term of the entry before it. */
  private readonly prevTermOf = new Map<number, number>();
  /** index -> term of the committed entry there. */
  private readonly committed = new Map<number, number>();
  /** term -> highest index some member reported committed while at that term. */
  private readonly committedAtTerm = new Map<number, number>();
  private readonly appliedAt = new Map<number, string>();
  private readonly members = new Map<string, MemberMemory>();
  /** Per member: last applied index, or undefined until the first report (which may start anywhere). */
  private readonly lastApplied = new Map<string, number>();
  /** How many checks ran (a test can see the checker was really called). */
  checks = 0;

  private memory(v: RaftMemberView): MemberMemory {
    let m = this.members.get(v.id);
    if (!m) {
      m = {
        incarnation: v.incarnation,
        term: v.term,
        commit: v.commit,
        persistedTerm: v.persisted.term,
        persistedVote: v.persisted.vote,
        persistedCommit: v.persisted.commit,
        logSignature: '',
      };
      this.members.set(v.id, m);
    }
    return m;
  }

  /** Checks every view (members that are up) against everything seen so far. Throws InvariantViolation. */
  check(views: readonly RaftMemberView[], nowMs = 0): void {
    this.checks++;
    for (const v of views) this.checkMember(v, nowMs);
    // Leader completeness last, once this round's commits are recorded.
    for (const v of views) if (v.role === 'leader') this.checkLeaderCompleteness(v, nowMs);
  }

  private fail(invariant: string, nowMs: number, detail: string, involved: Involved = {}): never {
    throw new InvariantViolation(invariant, `at ${nowMs} ms: ${detail}`, involved);
  }

  private checkMember(v: RaftMemberView, nowMs: number): void {
    const m = this.memory(v);
    // Durable state: term never goes back; a vote is never changed within its term.
    const p = v.persisted;
    if (p.term < m.persistedTerm) this.fail('persisted term went back', nowMs, `${v.id}: ${m.persistedTerm} -> ${p.term}`, { members: [v.id], terms: [m.persistedTerm, p.term] });
    if (p.term === m.persistedTerm && m.persistedVote !== NO_VOTE && p.vote !== m.persistedVote) {
      this.fail('persisted vote changed within a term', nowMs, `${v.id} term ${p.term}: ${m.persistedVote} -> ${p.vote}`, { members: [v.id], terms: [p.term] });
    }
    if (p.commit < m.persistedCommit) this.fail('persisted commit went back', nowMs, `${v.id}: ${m.persistedCommit} -> ${p.commit}`, { members: [v.id], indexes: [m.persistedCommit, p.commit] });
    m.persistedTerm = p.term;
    m.persistedVote = p.vote;
    m.persistedCommit = p.commit;

    if (v.incarnation !== m.incarnation) {
      // A restart: volatile state starts again from what was durable.
      m.incarnation = v.incarnation;
      m.term = p.term;
      m.commit = p.commit;
      m.logSignature = '';
    }
    if (v.term < m.term) this.fail('term went back', nowMs, `${v.id}: ${m.term} -> ${v.term}`, { members: [v.id], terms: [m.term, v.term] });
    if (v.commit < m.commit) this.fail('commit index went back', nowMs, `${v.id}: ${m.commit} -> ${v.commit}`, { members: [v.id], indexes: [m.commit, v.commit] });
    if (v.term < p.term) this.fail('term below persisted term', nowMs, `${v.id}: ${v.term} < ${p.term}`, { members: [v.id], terms: [v.term, p.term] });
    if (v.applied > v.commit) this.fail('applied beyond commit', nowMs, `${v.id}: applied ${v.applied} > commit ${v.commit}`, { members: [v.id], indexes: [v.applied, v.commit] });
    if (v.commit > v.lastIndex) this.fail('commit beyond log', nowMs, `${v.id}: commit ${v.commit} > last index ${v.lastIndex}`, { members: [v.id], indexes: [v.commit, v.lastIndex] });
    m.term = v.term;

    if (v.role === 'leader') {
      const other = this.leaderOfTerm.get(v.term);
      if (other === undefined) this.leaderOfTerm.set(v.term, v.id);
      else if (other !== v.id) this.fail('two leaders in one term', nowMs, `term ${v.term}: ${other} and ${v.id}`, { members: [other, v.id], terms: [v.term] });
    }

    const newCommit = v.commit > m.commit;
    const signature = `${v.firstIndex}:${v.lastIndex}:${v.termAt(v.lastIndex)}:${v.commit}`;
    if (signature !== m.logSignature || newCommit) {
      m.logSignature = signature;
      this.scanLog(v, nowMs);
    }
    m.commit = v.commit;
  }

  private scanLog(v: RaftMemberView, nowMs: number): void {
    let prev = v.termAt(v.firstIndex - 1);
    for (let i = v.firstIndex; i <= v.lastIndex; i++) {
      const t = v.termAt(i);
      if (t < prev) this.fail('log terms decrease', nowMs, `${v.id}: index ${i} term ${t} after term ${prev}`, { members: [v.id], terms: [prev, t], indexes: [i] });
      const key = entryKey(i, t);
      const known = this.prevTermOf.get(key);
      if (known === undefined) this.prevTermOf.set(key, prev);
      else if (known !== prev) {
        this.fail('log matching', nowMs, `${v.id}: entry ${i}@${t} follows term ${prev}, elsewhere term ${known}`, { members: [v.id], terms: [t, prev, known], indexes: [i - 1, i] });
      }
      if (i <= v.commit) {
        const c = this.committed.get(i);
        if (c === undefined) this.committed.set(i, t);
        else if (c !== t) this.fail('committed entry changed', nowMs, `${v.id}: index ${i} committed with term ${c}, now term ${t}`, { members: [v.id], terms: [c, t], indexes: [i] });
      }
      prev = t;
    }
    // The member's term bounds the term in which its committed entries were committed.
    const known = this.committedAtTerm.get(v.term) ?? 0;
    if (v.commit > known) this.committedAtTerm.set(v.term, v.commit);
  }

  private checkLeaderCompleteness(v: RaftMemberView, nowMs: number): void {
    // Entries committed in a lower term must be in every later leader's log.
    let mustHave = 0;
    for (const [term, index] of this.committedAtTerm) if (term < v.term && index > mustHave) mustHave = index;
    if (mustHave === 0) return;
    if (v.lastIndex < mustHave) {
      this.fail('leader completeness', nowMs, `leader ${v.id} of term ${v.term} ends at ${v.lastIndex}, entries up to ${mustHave} were committed earlier`, { members: [v.id], terms: [v.term], indexes: [v.lastIndex, mustHave] });
    }
    for (let i = Math.max(v.firstIndex, 1); i <= mustHave; i++) {
      const c = this.committed.get(i);
      if (c !== undefined && v.termAt(i) !== c) {
        this.fail('leader completeness', nowMs, `leader ${v.id} of term ${v.term} has ${i}@${v.termAt(i)}, committed ${i}@${c}`, { members: [v.id], terms: [v.term, v.termAt(i), c], indexes: [i] });
      }
    }
  }

  /**
   * Reports that `memberId` applied entry `index` (its term and a digest of its data). Entries must
   * be applied in index order, and every member must apply the same entry at an index.
   */
  recordApplied(memberId: string, index: number, term: number, digest: string, nowMs = 0): void {
    const last = this.lastApplied.get(memberId);
    if (last !== undefined && index !== last + 1) {
      this.fail('applied out of order', nowMs, `${memberId}: applied ${index} after ${last}`, { members: [memberId], indexes: [last, index] });
    }
    const id = `${term}:${digest}`;
    const seen = this.appliedAt.get(index);
    if (seen === undefined) this.appliedAt.set(index, id);
    else if (seen !== id) this.fail('applied sequences diverge', nowMs, `${memberId}: index ${index} is ${id}, elsewhere ${seen}`, { members: [memberId], indexes: [index] });
    this.lastApplied.set(memberId, index);
  }

  /**
   * Reports that the member's state machine now stands at `index` without applying entries one by
   * one (restored from a snapshot, or restarted at its persisted applied index).
   */
  resetApplied(memberId: string, index: number): void {
    this.lastApplied.set(memberId, index);
  }

  /** Terms that had a leader, with who led them (for reports). */
  leaders(): ReadonlyMap<number, string> {
    return this.leaderOfTerm;
  }
}
