import type { LessonSource } from '../lessonFormat.ts';

/** Safety switch 3: what ReadIndex is for. */
export const readIndexLesson: LessonSource = {
  id: 'read-index',
  title: 'Why a leader asks before it answers a read',
  concepts: ['ReadIndex', 'linearizable read', 'stale read', 'safety switch'],
  goal: 'Turn off ReadIndex and catch a leader that no longer leads answering with an old value.',
  setup: { settings: { members: 3, seed: 18, unsafe: ['skipReadIndex'] }, run: [{ do: 'wait', ms: 3000 }] },
  steps: [
    {
      kind: 'watch',
      title: 'One rule is off',
      bind: { lead: 'leader', a: 'follower', b: 'follower2' },
      point: { members: ['$lead'] },
      text: [
        'This cluster runs with a [[safety switch]] on. The top bar says "unsafe 3".',
        'Normally, before a leader answers a [[linearizable read]], it checks with a [[quorum]] that it is still the leader. That check is called [[ReadIndex]].',
        'Here the check is off: the leader answers from its own copy at once. Press Play: the console writes x=1 and reads it through {lead}.',
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
      title: 'The leader is cut off',
      point: { members: ['$a', '$b'] },
      text: [
        'Press Play: {lead} is cut off from {a} and {b}.',
        '{a} and {b} hear no [[heartbeat]]. They hold an [[election]] and one of them leads a new [[term]].',
        'Watch {lead}: it still shows the crown. Nobody can tell it that it lost.',
      ],
      run: [
        { do: 'isolate', member: '$lead' },
        { do: 'wait', ms: 1500 },
      ],
      speed: 0.5,
      claims: { is: 'all', of: [{ is: 'newLeader' }, { is: 'role', member: '$lead', role: 'leader' }] },
    },
    {
      kind: 'predict',
      title: 'Write on one side, read on the other',
      point: { members: ['$lead'] },
      text: ['The console writes x=2 through {a}. The new leader and the other member take it, so it is [[committed|commit]].', 'Then, after the write has finished, the console reads x through {lead}.'],
      question: 'What does the read through {lead} print?',
      choices: [
        { id: 'a', text: 'x=2: the read started after the write finished.', when: { is: 'console', command: '--endpoints={lead}:2379 get x$', stdout: '^x\\n2\\n$' } },
        { id: 'b', text: 'x=1: an old value.', when: { is: 'console', command: '--endpoints={lead}:2379 get x$', stdout: '^x\\n1\\n$' } },
        { id: 'c', text: 'An error: {lead} cannot reach a quorum.', when: { is: 'console', command: '--endpoints={lead}:2379 get x$', exitCode: 1 } },
      ],
      answer: 'b',
      run: [
        { do: 'etcdctl', command: '--endpoints={a}:2379 put x 2' },
        { do: 'wait', ms: 60 },
        { do: 'etcdctl', command: '--endpoints={lead}:2379 get x' },
        { do: 'wait', ms: 300 },
      ],
      explain: [
        '{lead} still believed it was the leader, and without ReadIndex it asked nobody. So it answered x=1, a value that had already been overwritten. That is a [[stale read]].',
        'The client asked for a linearizable read and got an answer that no order of the operations can explain. The history lane under the timeline turned red and names the two operations.',
        'With ReadIndex on, {lead} would have asked {a} and {b} first. They would not answer a leader of an old term, so the read would have failed instead of lying.',
      ],
      claims: { is: 'all', of: [{ is: 'notLinearizable' }, { is: 'console', command: 'put x 2', exitCode: 0 }] },
    },
    {
      kind: 'watch',
      title: 'The old leader finds out',
      point: { members: ['$lead'] },
      text: [
        'Press Play: the network heals. {lead} hears the higher term, becomes a [[follower]], and gets x=2.',
        'Nothing was lost here: the write was committed. But for a moment a client was told something false. ReadIndex costs one round trip per read, and that is what it buys.',
      ],
      run: [
        { do: 'heal' },
        { do: 'wait', ms: 2000 },
      ],
      claims: { is: 'all', of: [{ is: 'key', key: 'x', value: '2', member: '$lead' }, { is: 'role', member: '$lead', role: 'follower' }] },
    },
  ],
};
