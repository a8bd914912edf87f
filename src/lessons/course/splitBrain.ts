import type { LessonSource } from '../lessonFormat.ts';

export const splitBrain: LessonSource = {
  id: 'split-brain',
  title: 'A network split: no split brain',
  concepts: ['partition', 'minority', 'check quorum', 'term'],
  goal: 'Split a five-member cluster in two and see why only one side can take writes.',
  setup: { settings: { members: 5, seed: 53 }, run: [{ do: 'wait', ms: 3000 }] },
  steps: [
    {
      kind: 'watch',
      title: 'Five members',
      bind: { lead: 'leader', a: 'follower', b: 'follower2', c: 'follower3', d: 'follower4' },
      point: { members: ['$lead'] },
      text: ['Five members, and {lead} leads. A [[quorum]] of five is three.', 'Press Play: the network splits. {lead} and {a} stay together; {b}, {c} and {d} are on the other side.'],
      run: [
        { do: 'partition', groups: [['$lead', '$a'], ['$b', '$c', '$d']] },
        { do: 'wait', ms: 300 },
      ],
      speed: 0.5,
      claims: { is: 'role', member: '$lead', role: 'leader' },
    },
    {
      kind: 'predict',
      title: 'The bigger side',
      point: { members: ['$b', '$c', '$d'] },
      text: ['{lead} still shows the crown: nobody has told it anything yet.', 'On the other side, {b}, {c} and {d} hear no heartbeats.'],
      question: 'While {lead} still thinks it leads, what do {b}, {c} and {d} do?',
      choices: [
        { id: 'a', text: 'They elect a leader of their own, in a higher term.', when: { is: 'all', of: [{ is: 'newLeader' }, { is: 'termGrew' }, { is: 'noLeader', among: ['$lead', '$a'] }] } },
        { id: 'b', text: 'Nothing: two leaders would be dangerous, so they wait for {lead}.', when: { is: 'leader', member: '$lead' } },
      ],
      answer: 'a',
      run: [{ do: 'wait', ms: 4000 }],
      explain: [
        'Three of five is a quorum, so the bigger side could elect a leader, in a new [[term]].',
        'And {lead}? It stepped down by itself: a leader that does not hear from a quorum for an election timeout stops leading ([[check quorum]]). Look at its role.',
      ],
      claims: { is: 'not', check: { is: 'role', member: '$lead', role: 'leader' } },
    },
    {
      kind: 'predict',
      title: 'A write on the small side',
      point: { members: ['$lead'] },
      text: ['Now the console writes x=1 through {lead}, on the side of two.'],
      question: 'What happens to the write through {lead}?',
      choices: [
        { id: 'a', text: 'It succeeds: {lead} and {a} take it.', when: { is: 'console', command: 'put x 1', exitCode: 0 } },
        { id: 'b', text: 'It fails: two of five is not a quorum.', when: { is: 'console', command: 'put x 1', exitCode: 1 } },
      ],
      answer: 'b',
      speed: 2,
      run: [
        { do: 'etcdctl', command: '--endpoints={lead}:2379 put x 1' },
        { do: 'wait', ms: 6000 },
      ],
      explain: [
        'etcd answered "raft proposal dropped": {lead} is no longer a leader, and no leader can be reached from its side to take the write.',
        'The side of two cannot elect a leader or commit anything: it is not a quorum. So at most one side of a split ever takes writes, and the two sides never disagree about what was written.',
        'That is what "no split brain" means. The small side freezes until the network heals.',
      ],
      claims: { is: 'all', of: [{ is: 'key', key: 'x', value: null, member: '$lead' }, { is: 'console', command: 'put x 1', stderr: 'raft proposal dropped' }] },
    },
    {
      kind: 'task',
      title: 'Write on the big side',
      point: { members: ['$b', '$c', '$d'] },
      text: ['The side of three has a leader and a quorum, so it takes writes as usual.'],
      task: 'Write x=2 through {b}, {c} or {d}.',
      check: { is: 'console', command: 'put x 2', exitCode: 0 },
      hints: ['In the console, --endpoints=NAME:2379 sends a command to one member.', 'Type: --endpoints={b}:2379 put x 2'],
      showMe: [
        { do: 'etcdctl', command: '--endpoints={b}:2379 put x 2' },
        { do: 'wait', ms: 500 },
      ],
    },
    {
      kind: 'watch',
      title: 'Healed',
      point: { members: ['$lead'] },
      text: ['Press Play to heal the network. {lead} meets the higher term, follows the new leader, and gets x=2.', 'The write of x=1 never happened: it was never committed, and the new leader\'s log replaces it.'],
      run: [
        { do: 'heal' },
        { do: 'wait', ms: 2000 },
      ],
      claims: { is: 'key', key: 'x', value: '2', member: '$lead' },
    },
  ],
};
