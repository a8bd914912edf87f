import type { LessonSource } from '../lessonFormat.ts';

export const quorum: LessonSource = {
  id: 'quorum',
  title: 'Quorum: why two of three is enough',
  concepts: ['quorum', 'majority', 'odd member counts'],
  goal: 'See that a write needs a [[quorum]] of members, not all of them, and what happens when there is none.',
  setup: { settings: { members: 3, seed: 23 }, run: [{ do: 'wait', ms: 3000 }] },
  steps: [
    {
      kind: 'watch',
      title: 'A write, as usual',
      bind: { lead: 'leader', f: 'follower', g: 'follower2' },
      point: { console: true },
      text: [
        'A write goes to the [[leader]], here {lead}. The leader adds it to its [[log]] and sends it to the [[followers]].',
        'Press Play: the console writes x=1.',
      ],
      speed: 0.25,
      run: [
        { do: 'etcdctl', command: '--endpoints={lead}:2379 put x 1' },
        { do: 'wait', ms: 500 },
      ],
    },
    {
      kind: 'predict',
      title: 'One follower cut off',
      point: { members: ['$f'] },
      text: ['{f} is about to lose its network: it cannot reach anyone, and nobody can reach it.', 'Then the console writes x=2 through {lead}.'],
      question: '{f} is cut off. Does the write of x=2 succeed?',
      choices: [
        { id: 'a', text: 'Yes. {lead} and {g} are 2 of 3 members, and that is enough.', when: { is: 'console', command: 'put x 2', exitCode: 0 } },
        { id: 'b', text: 'No. Every member must have the write before etcd says OK.', when: { is: 'console', command: 'put x 2', exitCode: 1 } },
      ],
      answer: 'a',
      speed: 0.5,
      run: [
        { do: 'isolate', member: '$f' },
        { do: 'etcdctl', command: '--endpoints={lead}:2379 put x 2' },
        { do: 'wait', ms: 2000 },
      ],
      explain: [
        'The console printed OK. {lead} had the entry, and {g} wrote it to disk and said so: 2 of 3 members, a [[quorum]]. The entry was [[committed]].',
        'A quorum is more than half of the members. Any two quorums of the same cluster share at least one member, so a committed write is never forgotten.',
      ],
      claims: { is: 'all', of: [{ is: 'key', key: 'x', value: '2', member: '$g' }, { is: 'key', key: 'x', value: '1', member: '$f' }] },
    },
    {
      kind: 'predict',
      title: 'Two members gone',
      point: { members: ['$lead'] },
      text: ['{f} is still cut off. Now {g} crashes too.', 'Only {lead} is left where the console can reach it. The console writes x=3 through {lead}.'],
      question: 'Only {lead} is up and reachable. What happens to the write of x=3?',
      choices: [
        { id: 'a', text: 'It succeeds. {lead} is the leader, and the leader decides.', when: { is: 'console', command: 'put x 3', exitCode: 0 } },
        { id: 'b', text: 'It fails after a while: one member of three is not a quorum.', when: { is: 'console', command: 'put x 3', exitCode: 1 } },
      ],
      answer: 'b',
      speed: 2,
      run: [
        { do: 'crash', member: '$g' },
        { do: 'etcdctl', command: '--endpoints={lead}:2379 put x 3' },
        { do: 'wait', ms: 7000 },
      ],
      explain: [
        'The write failed with an error. {lead} alone could not reach a quorum, so nothing was committed.',
        'Look at {lead}: it is not the leader anymore. A leader that does not hear from a quorum steps down ([[check quorum]]), so it stops answering as if it still led.',
        'Failing is the right answer here. Saying OK would be a promise etcd could not keep.',
      ],
      claims: { is: 'all', of: [{ is: 'noLeader' }, { is: 'key', key: 'x', value: '2', member: '$lead' }] },
    },
    {
      kind: 'task',
      title: 'Get a quorum back',
      text: ['With two of three members gone, the cluster cannot accept writes. It needs one member back.'],
      task: 'Restart {g}, and wait until the cluster has a leader again.',
      point: { members: ['$g'] },
      check: { is: 'all', of: [{ is: 'alive', member: '$g' }, { is: 'not', check: { is: 'noLeader' } }] },
      hints: ['Click {g}, then press Restart in its inspector.', 'After the restart, give it a second or two: an election needs an election timeout to run out.'],
      showMe: [
        { do: 'restart', member: '$g' },
        { do: 'wait', ms: 4000 },
      ],
    },
    {
      kind: 'predict',
      title: 'The write that failed',
      point: { console: true },
      text: [
        'Remember x=3? The console said it failed: "context deadline exceeded". But {lead} had already added it to its [[log]] before it lost its quorum.',
        'Now a quorum is back. The console reads x.',
      ],
      question: 'What is x now?',
      choices: [
        { id: 'a', text: '2. The write of x=3 failed, so it is gone.', when: { is: 'console', command: 'get x', stdout: '^x\\n2\\n$' } },
        { id: 'b', text: '3. The "failed" write happened after all.', when: { is: 'console', command: 'get x', stdout: '^x\\n3\\n$' } },
      ],
      answer: 'b',
      run: [
        { do: 'etcdctl', command: '--endpoints={lead}:2379 get x' },
        { do: 'wait', ms: 500 },
      ],
      explain: [
        'x is 3. {g} came back without the entry, so it could not win an election against {lead}: a member only votes for a candidate whose log is at least as complete as its own.',
        '{lead} won, and its entry for x=3 reached a quorum at last. It was [[committed]].',
        'So "context deadline exceeded" does not mean "not written". It means the client does not know. A careful client reads again before it tries the write once more.',
      ],
      claims: { is: 'leader', member: '$lead' },
    },
    {
      kind: 'watch',
      title: 'Why odd numbers',
      text: [
        'Three members need 2 for a quorum, so they survive 1 failure. Four members need 3, so they also survive only 1.',
        'Five members need 3 and survive 2. That is why clusters have 3 or 5 members: a fourth or sixth member adds work to every write and no extra safety.',
        'Press Play to heal the network, so {f} catches up with what it missed.',
      ],
      run: [
        { do: 'heal' },
        { do: 'wait', ms: 2000 },
      ],
      claims: { is: "key", key: "x", value: "3", member: "$f" },
    },
  ],
};
