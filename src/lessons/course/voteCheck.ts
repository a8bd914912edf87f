import type { LessonSource } from '../lessonFormat.ts';

/** Safety switch 2: what the vote's log check is for. */
export const voteCheckLesson: LessonSource = {
  id: 'vote-check',
  title: 'Why a voter checks the candidate’s log',
  concepts: ['vote', 'election', 'leader completeness', 'safety switch'],
  goal: 'Turn off one rule of voting and watch a committed write get lost.',
  setup: { settings: { members: 3, seed: 9, unsafe: ['voteWithoutLogCheck'] }, run: [{ do: 'wait', ms: 3000 }] },
  steps: [
    {
      kind: 'watch',
      title: 'One rule is off',
      bind: { lead: 'leader', stale: 'follower', other: 'follower2' },
      point: { members: ['$lead'] },
      text: [
        'This cluster runs with a [[safety switch]] on. Look at the top bar: it says "unsafe 2".',
        'Normally a member gives its [[vote]] only to a candidate whose log is at least as up to date as its own. Here that check is off: a member votes for anyone.',
        'Press Play. {stale} is cut off from the others. Then the console writes three keys through {lead}.',
      ],
      run: [
        { do: 'isolate', member: '$stale' },
        { do: 'wait', ms: 200 },
        { do: 'etcdctl', command: '--endpoints={lead}:2379 put b0 x' },
        { do: 'etcdctl', command: '--endpoints={lead}:2379 put b1 x' },
        { do: 'etcdctl', command: '--endpoints={lead}:2379 put b2 x' },
        { do: 'wait', ms: 500 },
      ],
      claims: { is: 'all', of: [{ is: 'key', key: 'b2', value: 'x', member: '$other' }, { is: 'key', key: 'b2', value: null, member: '$stale' }, { is: 'console', command: 'put b2 x', exitCode: 0 }] },
    },
    {
      kind: 'watch',
      title: 'The writes are committed',
      point: { members: ['$lead', '$other'] },
      text: [
        '{lead} and {other} both hold b0, b1 and b2. Two of three is a [[quorum]], so the writes are [[committed|commit]]: etcd answered OK.',
        '{stale} has none of them. Now press Play: {lead} crashes, and a moment later the network heals.',
      ],
      run: [
        { do: 'crash', member: '$lead' },
        { do: 'wait', ms: 3000 },
        { do: 'heal' },
        { do: 'wait', ms: 10 },
      ],
      claims: { is: 'all', of: [{ is: 'crashed', member: '$lead' }, { is: 'noLeader' }] },
    },
    {
      kind: 'predict',
      title: 'The stale member asks for votes',
      point: { members: ['$stale', '$other'] },
      text: ['{stale} starts an [[election]]. Its log ends before b0. {other} has b0, b1 and b2.'],
      question: 'With the log check switched off, what happens?',
      choices: [
        { id: 'a', text: '{other} votes for {stale}, and {stale} becomes the leader without the three writes.', when: { is: 'leader', member: '$stale' } },
        { id: 'b', text: '{other} refuses, because its log is longer.', when: { is: 'not', check: { is: 'leader', member: '$stale' } } },
      ],
      answer: 'a',
      run: [
        { do: 'campaign', member: '$stale' },
        { do: 'wait', ms: 1000 },
      ],
      explain: [
        '{other} did not look at the candidate\'s log, so it voted, and {stale} won a quorum of two.',
        'Now a leader lacks entries the cluster had committed. That breaks [[leader completeness]]: the light at the top right turned red, and the clock stopped there.',
        'With the check on, {other} would have refused, and a leader without the writes could never be elected.',
      ],
      claims: { is: 'all', of: [{ is: 'safetyBroken', light: 'leaderCompleteness' }, { is: 'leader', member: '$stale' }] },
    },
    {
      kind: 'watch',
      title: 'The writes are gone',
      point: { members: ['$stale'] },
      text: [
        'Press Play: the console reads b2 through the new leader {stale}.',
        'etcd said OK to this write, and now the cluster answers as if it never happened. That is the bug the log check prevents.',
      ],
      run: [
        { do: 'etcdctl', command: '--endpoints={stale}:2379 get b2' },
        { do: 'wait', ms: 500 },
      ],
      claims: { is: 'console', command: 'get b2', exitCode: 0, stdout: '^$' },
    },
  ],
};
