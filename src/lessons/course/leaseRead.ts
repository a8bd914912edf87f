import type { LessonSource } from '../lessonFormat.ts';

/** Safety switch 4: why etcd confirms leadership with a quorum instead of trusting a clock. */
export const leaseReadLesson: LessonSource = {
  id: 'lease-read',
  title: 'Why a leader does not trust its own clock',
  concepts: ['leader lease', 'clock drift', 'ReadIndex', 'stale read', 'safety switch'],
  goal: 'Let the leader answer reads from a lease, make one clock run fast, and catch a stale read.',
  setup: { settings: { members: 3, seed: 5, unsafe: ['leaseReads'] }, run: [{ do: 'wait', ms: 3000 }] },
  steps: [
    {
      kind: 'watch',
      title: 'Reads from a lease',
      bind: { lead: 'leader', a: 'follower', b: 'follower2' },
      point: { members: ['$lead'] },
      text: [
        'This cluster runs with safety switch 4 on. The top bar says "unsafe 4".',
        'etcd normally checks with a [[quorum]] before each [[linearizable read]] ([[ReadIndex]]). That costs a round trip.',
        'Here the leader skips it while it holds a [[leader lease]]. A [[follower]] that just heard the leader\'s [[heartbeat]] will not vote for anyone else for one [[election timeout]]. So the leader counts on its own clock and answers at once.',
        'Press Play: the console writes x=1 and reads it through {lead}.',
      ],
      run: [
        { do: 'etcdctl', command: '--endpoints={lead}:2379 put x 1' },
        { do: 'wait', ms: 200 },
        { do: 'etcdctl', command: '--endpoints={lead}:2379 get x' },
        { do: 'wait', ms: 200 },
      ],
      claims: { is: 'console', command: 'get x$', exitCode: 0, stdout: '^x\\n1\\n$' },
    },
    {
      kind: 'watch',
      title: 'One clock runs fast',
      point: { members: ['$a'] },
      text: [
        'Press Play: {a}\'s clock starts to run four times too fast. This is [[clock drift]]. Real machines have it: a busy virtual machine, a bad clock chip.',
        'Then {b} is cut off from {lead}. {lead} stays the leader: {a} still answers, and {lead} and {a} are a quorum.',
      ],
      run: [
        { do: 'setClock', member: '$a', rate: 4 },
        { do: 'cut', from: '$lead', to: '$b' },
        { do: 'wait', ms: 2000 },
      ],
      claims: { is: 'all', of: [{ is: 'role', member: '$lead', role: 'leader' }] },
    },
    {
      kind: 'predict',
      title: 'The leader is cut off',
      point: { members: ['$lead', '$a'] },
      text: [
        'Now {lead} is cut off from {a} too. {lead} thinks its lease lasts about 0.8 s more.',
        'After half a second, the console writes x=2 through {a}. When that write has finished, it reads x through {lead}.',
      ],
      question: 'What does the read through {lead} print?',
      choices: [
        { id: 'a', text: 'x=2: the read started after the write finished.', when: { is: 'console', command: '--endpoints={lead}:2379 get x$', stdout: '^x\\n2\\n$' } },
        { id: 'b', text: 'x=1: an old value.', when: { is: 'console', command: '--endpoints={lead}:2379 get x$', stdout: '^x\\n1\\n$' } },
        { id: 'c', text: 'An error: {lead} cannot reach a quorum.', when: { is: 'console', command: '--endpoints={lead}:2379 get x$', exitCode: 1 } },
      ],
      answer: 'b',
      run: [
        { do: 'cut', from: '$lead', to: '$a' },
        { do: 'wait', ms: 500 },
        { do: 'etcdctl', command: '--endpoints={a}:2379 put x 2' },
        { do: 'wait', ms: 60 },
        { do: 'etcdctl', command: '--endpoints={lead}:2379 get x' },
        { do: 'wait', ms: 300 },
      ],
      speed: 0.5,
      explain: [
        '{a}\'s fast clock ran out its election timeout in a quarter of the time. It stopped honouring the lease, got {b}\'s vote, and became the leader of a new [[term]]. x=2 was [[committed|commit]] through {a} and {b}.',
        'By {lead}\'s own clock the lease had not run out yet. So it answered x=1 without asking anyone: a [[stale read]]. The history lane under the timeline turned red.',
        'A lease is only as good as the clocks. ReadIndex trusts no clock: it asks a quorum after the read arrives. That is why etcd uses it.',
      ],
      claims: { is: 'all', of: [{ is: 'notLinearizable' }, { is: 'console', command: 'put x 2', exitCode: 0 }] },
    },
    {
      kind: 'watch',
      title: 'Clocks in step again',
      point: { members: ['$lead'] },
      text: [
        'Press Play: {a}\'s clock is set right and the network heals. {lead} hears the higher term, becomes a follower, and gets x=2.',
        'Try it yourself: with every clock in step, the same cut gives no stale read. {a} then waits a full election timeout, and by then {lead}\'s lease has run out.',
      ],
      run: [
        { do: 'setClock', member: '$a', rate: null },
        { do: 'heal' },
        { do: 'wait', ms: 2000 },
      ],
      claims: { is: 'all', of: [{ is: 'key', key: 'x', value: '2', member: '$lead' }, { is: 'role', member: '$lead', role: 'follower' }] },
    },
  ],
};
