import { describe as suite, expect, it } from 'vitest';
import { describe } from './describe.ts';
import { encodeConfChange } from './confChange.ts';
import { newMessage } from './util.ts';
import { Network } from './testNetwork.ts';
import type { Entry } from './types.ts';

const e = (index: number, term: number, data = 'x'): Entry => ({ index, term, type: 'EntryNormal', data });

suite('describe()', () => {
  it('renders messages in one line with their type-specific fields', () => {
    expect(
      describe(newMessage({ type: 'MsgApp', from: '1', to: '2', term: 3, index: 5, logTerm: 3, commit: 4, entries: [e(6, 3), e(7, 3), e(8, 3)] })),
    ).toBe('n1→n2 MsgApp t3 idx5/lt3 commit4 entries[6..8]');
    expect(describe(newMessage({ type: 'MsgApp', from: '1', to: '2', term: 3, index: 5, logTerm: 3, commit: 4 }))).toBe(
      'n1→n2 MsgApp t3 idx5/lt3 commit4',
    );
    expect(
      describe(newMessage({ type: 'MsgAppResp', from: '2', to: '1', term: 3, index: 5, reject: true, rejectHint: 2, logTerm: 1 })),
    ).toBe('n2→n1 MsgAppResp t3 idx5 rejected hint2/lt1');
    expect(describe(newMessage({ type: 'MsgVote', from: 'a', to: 'b', term: 2, index: 9, logTerm: 1 }))).toBe(
      'na→nb MsgVote t2 idx9/lt1',
    );
    expect(describe(newMessage({ type: 'MsgPreVoteResp', from: '2', to: '1', term: 2, reject: true }))).toBe(
      'n2→n1 MsgPreVoteResp t2 rejected',
    );
    expect(describe(newMessage({ type: 'MsgHeartbeat', from: '1', to: '3', term: 4, commit: 7, context: 'r1' }))).toBe(
      'n1→n3 MsgHeartbeat t4 commit7 ctx="r1"',
    );
    expect(
      describe(
        newMessage({
          type: 'MsgSnap', from: '1', to: '3', term: 4,
          snapshot: { data: 'abcd', metadata: { index: 10, term: 3, conf_state: { voters: ['1', '2', '3'], learners: ['4'] } } },
        }),
      ),
    ).toBe('n1→n3 MsgSnap t4 snap idx10/t3 voters[n1,n2,n3] learners[n4] data 4B');
  });

  it('renders entries, conf changes, hard states and readies', () => {
    expect(describe(e(5, 2, 'put foo'))).toBe('2/5 EntryNormal "put foo"');
    expect(describe(e(5, 2, ''))).toBe('2/5 EntryNormal (empty)');
    const cc: Entry = {
      index: 7, term: 2, type: 'EntryConfChange',
      data: encodeConfChange({ type: 'ConfChangeAddLearnerNode', node_id: '4', context: '' }),
    };
    expect(describe(cc)).toBe('2/7 EntryConfChange ConfChangeAddLearnerNode n4');
    expect(describe(e(1, 1, 'y'.repeat(40)))).toBe(`1/1 EntryNormal "${'y'.repeat(24)}…"`);
    expect(describe({ term: 3, vote: '2', commit: 9 })).toBe('HardState t3 vote n2 commit9');
    expect(describe({ term: 3, vote: '0', commit: 9 })).toBe('HardState t3 vote - commit9');
    const nw = new Network(['1']);
    nw.node('1').campaign();
    expect(describe(nw.node('1').ready())).toBe(
      'Ready StateLeader lead n1 HardState t1 vote n1 commit1 entries[1] committed[1] sync',
    );
  });
});
