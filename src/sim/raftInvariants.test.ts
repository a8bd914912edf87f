import { describe, expect, it } from 'vitest';
import { InvariantViolation, RaftInvariantChecker, type RaftMemberView, type RaftRole } from './raftInvariants.ts';

/** A view over a plain log of terms: log[k] is the term of index snapIndex + 1 + k. */
function view(
  id: string,
  o: {
    log: number[];
    term?: number;
    vote?: string;
    commit?: number;
    role?: RaftRole;
    incarnation?: number;
    persisted?: { term: number; vote: string; commit: number };
    snapIndex?: number;
    snapTerm?: number;
    applied?: number;
  },
): RaftMemberView {
  const snapIndex = o.snapIndex ?? 0;
  const term = o.term ?? Math.max(0, ...o.log);
  const commit = o.commit ?? 0;
  return {
    id,
    incarnation: o.incarnation ?? 0,
    term,
    vote: o.vote ?? '0',
    commit,
    role: o.role ?? 'follower',
    lead: '0',
    persisted: o.persisted ?? { term, vote: o.vote ?? '0', commit },
    firstIndex: snapIndex + 1,
    lastIndex: snapIndex + o.log.length,
    termAt: (i) => (i === snapIndex ? (o.snapTerm ?? 0) : o.log[i - snapIndex - 1]!),
    applied: o.applied ?? 0,
  };
}

function violation(f: () => void): string {
  try {
    f();
  } catch (e) {
    if (e instanceof InvariantViolation) return e.invariant;
    throw e;
  }
  return 'none';
}

describe('RaftInvariantChecker', () => {
  it('accepts a healthy history', () => {
    const c = new RaftInvariantChecker();
    c.check([view('1', { log: [1, 1], role: 'leader', commit: 2 }), view('2', { log: [1, 1], commit: 1 }), view('3', { log: [1] })]);
    c.check([view('1', { log: [1, 1, 2], term: 2, commit: 2 }), view('2', { log: [1, 1, 2], role: 'leader', commit: 3 }), view('3', { log: [1, 1, 2], commit: 3 })]);
    expect(c.checks).toBe(2);
    expect([...c.leaders()]).toEqual([[1, '1'], [2, '2']]);
  });

  it('catches two leaders in one term, even at different times', () => {
    const c = new RaftInvariantChecker();
    c.check([view('1', { log: [1], role: 'leader' })]);
    expect(violation(() => c.check([view('2', { log: [1], role: 'leader' })]))).toBe('two leaders in one term');
  });

  it('catches logs that agree on an entry but not on what precedes it', () => {
    const c = new RaftInvariantChecker();
    c.check([view('1', { log: [1, 1, 3] })]);
    expect(violation(() => c.check([view('2', { log: [1, 2, 3] })]))).toBe('log matching');
    // Diverging suffixes are legal while uncommitted.
    const ok = new RaftInvariantChecker();
    ok.check([view('1', { log: [1, 1, 2] }), view('2', { log: [1, 1, 3] })]);
  });

  it('catches a committed entry that changes, and a later leader missing it', () => {
    const c = new RaftInvariantChecker();
    c.check([view('1', { log: [1, 1], commit: 2 })]);
    expect(violation(() => c.check([view('2', { log: [1, 2], commit: 2 })]))).toBe('committed entry changed');
    const d = new RaftInvariantChecker();
    d.check([view('1', { log: [1, 1, 1], commit: 3, role: 'leader' })]);
    expect(violation(() => d.check([view('2', { log: [1, 1], term: 2, role: 'leader' })]))).toBe('leader completeness');
    // A stale leader of the SAME term that committed is not held to it.
    const e = new RaftInvariantChecker();
    e.check([view('1', { log: [1, 1, 1], commit: 3, role: 'leader' })]);
    e.check([view('1', { log: [1, 1, 1], commit: 3, role: 'leader' }), view('2', { log: [1, 1], term: 1 })]);
  });

  it('catches commit, term and vote going back, but lets a restart fall back to the persisted commit', () => {
    const c = new RaftInvariantChecker();
    c.check([view('1', { log: [1, 1, 1], commit: 3, persisted: { term: 1, vote: '1', commit: 1 } })]);
    expect(violation(() => c.check([view('1', { log: [1, 1, 1], commit: 2, persisted: { term: 1, vote: '1', commit: 1 } })]))).toBe(
      'commit index went back',
    );
    const r = new RaftInvariantChecker();
    r.check([view('1', { log: [1, 1, 1], commit: 3, persisted: { term: 1, vote: '1', commit: 1 } })]);
    r.check([view('1', { log: [1, 1, 1], commit: 1, incarnation: 1, persisted: { term: 1, vote: '1', commit: 1 } })]);
    expect(violation(() => r.check([view('1', { log: [1, 1, 1], commit: 1, incarnation: 2, persisted: { term: 1, vote: '1', commit: 0 } })]))).toBe(
      'persisted commit went back',
    );
    const t = new RaftInvariantChecker();
    t.check([view('1', { log: [2], persisted: { term: 2, vote: '3', commit: 0 } })]);
    expect(violation(() => t.check([view('1', { log: [2], persisted: { term: 2, vote: '2', commit: 0 } })]))).toBe(
      'persisted vote changed within a term',
    );
    expect(violation(() => t.check([view('1', { log: [2], term: 3, persisted: { term: 1, vote: '0', commit: 0 } })]))).toBe(
      'persisted term went back',
    );
  });

  it('catches diverging or out-of-order applies; a reset allows a jump', () => {
    const c = new RaftInvariantChecker();
    c.recordApplied('1', 1, 1, 'a');
    c.recordApplied('1', 2, 1, 'b');
    c.recordApplied('2', 1, 1, 'a');
    expect(violation(() => c.recordApplied('2', 2, 1, 'x'))).toBe('applied sequences diverge');
    expect(violation(() => c.recordApplied('1', 4, 1, 'd'))).toBe('applied out of order');
    c.resetApplied('3', 10);
    c.recordApplied('3', 11, 2, 'k');
    expect(violation(() => c.check([view('9', { log: [1], commit: 1, applied: 2 })]))).toBe('applied beyond commit');
  });

  it('handles compacted logs (entries before firstIndex are not looked at)', () => {
    const c = new RaftInvariantChecker();
    c.check([view('1', { log: [1, 1, 2, 2], commit: 4, role: 'leader', term: 2 })]);
    c.check([view('2', { log: [2, 2], snapIndex: 2, snapTerm: 1, commit: 4, term: 3, role: 'leader' })]);
    expect(violation(() => c.check([view('3', { log: [2, 3], snapIndex: 2, snapTerm: 1, term: 4, role: 'leader' })]))).toBe('leader completeness');
  });
});
