import type { LessonSource } from '../lessonFormat.ts';

export const reads: LessonSource = {
  id: 'reads',
  title: 'Reads: fresh or fast',
  concepts: ['linearizable read', 'serializable read', 'stale read', 'ReadIndex'],
  goal: 'See the difference between a [[linearizable read]] and a [[serializable read]], and catch a stale read in the act.',
  setup: { settings: { members: 3, seed: 41 }, run: [{ do: 'wait', ms: 3000 }] },
  steps: [
    {
      kind: 'watch',
      title: 'Two ways to read',
      bind: { lead: 'leader', f: 'follower' },
      point: { console: true },
      text: [
        'By default, etcd makes every read a [[linearizable read]]: the member you ask first checks with the [[leader]] that its copy is up to date.',
        'With --consistency=s you ask for a [[serializable read]] instead: the member answers from its own copy at once.',
        'Press Play: the console writes x=1, then reads it from {f} both ways.',
      ],
      run: [
        { do: 'etcdctl', command: '--endpoints={lead}:2379 put x 1' },
        { do: 'wait', ms: 300 },
        { do: 'etcdctl', command: '--endpoints={f}:2379 get x' },
        { do: 'wait', ms: 300 },
        { do: 'etcdctl', command: '--endpoints={f}:2379 get x --consistency=s' },
        { do: 'wait', ms: 300 },
      ],
      claims: { is: 'console', command: 'get x$', stdout: '^x\\n1\\n$' },
    },
    {
      kind: 'predict',
      title: 'A stale read',
      point: { members: ['$f'] },
      text: ['Now {f} is cut off from the others. Then x=2 is written through {lead}.', 'Then the console asks {f} for x, with a serializable read.'],
      question: 'What does the serializable read on {f} print?',
      choices: [
        { id: 'a', text: 'x=2, the newest value.', when: { is: 'console', command: '--consistency=s', stdout: '^x\\n2\\n$' } },
        { id: 'b', text: 'x=1, an old value.', when: { is: 'console', command: '--consistency=s', stdout: '^x\\n1\\n$' } },
        { id: 'c', text: 'An error: {f} knows it is cut off.', when: { is: 'console', command: '--consistency=s', exitCode: 1 } },
      ],
      answer: 'b',
      run: [
        { do: 'isolate', member: '$f' },
        { do: 'etcdctl', command: '--endpoints={lead}:2379 put x 2' },
        { do: 'wait', ms: 500 },
        { do: 'etcdctl', command: '--endpoints={f}:2379 get x --consistency=s' },
        { do: 'wait', ms: 300 },
      ],
      explain: [
        'The write of x=2 was [[committed]] by {lead} and the third member. {f} never got it, and a serializable read does not ask anyone.',
        'So the read answered x=1, a value that was already overwritten. That is a stale read: fast, but not the truth.',
      ],
      claims: { is: 'console', command: 'put x 2', exitCode: 0 },
    },
    {
      kind: 'predict',
      title: 'The same read, linearizable',
      point: { members: ['$f'] },
      text: ['Now the console asks {f} for x again, this time with a linearizable read (the default).'],
      question: 'What does the linearizable read on {f} do?',
      choices: [
        { id: 'a', text: 'It prints x=1, like the serializable read.', when: { is: 'console', command: '--endpoints={f}:2379 get x$', stdout: '^x\\n1\\n$' } },
        { id: 'b', text: 'It prints x=2.', when: { is: 'console', command: '--endpoints={f}:2379 get x$', stdout: '^x\\n2\\n$' } },
        { id: 'c', text: 'It fails after a while: {f} cannot check with the leader.', when: { is: 'console', command: '--endpoints={f}:2379 get x$', exitCode: 1 } },
      ],
      answer: 'c',
      speed: 2,
      run: [
        { do: 'etcdctl', command: '--endpoints={f}:2379 get x' },
        { do: 'wait', ms: 6000 },
      ],
      explain: [
        'A linearizable read must be sure it sees every write that finished before it started. {f} could not reach a leader to check (ReadIndex), so it gave no answer at all, and the client gave up.',
        'An error is better than a wrong answer: the client knows it did not get the truth.',
      ],
    },
    {
      kind: 'task',
      title: 'Fresh again',
      point: { members: ['$f'] },
      text: ['Once {f} can reach the leader again, it catches up, and both kinds of read agree.'],
      task: 'Heal the network, then read x from {f} (either way) and get 2.',
      check: { is: 'console', command: '--endpoints=(http://)?{f}:2379.*get x|get x.*--endpoints=(http://)?{f}:2379', exitCode: 0, stdout: '^x\\n2\\n$' },
      hints: ['Open the Network tab and press "Heal all".', 'Then type: --endpoints={f}:2379 get x'],
      showMe: [
        { do: 'heal' },
        { do: 'wait', ms: 1500 },
        { do: 'etcdctl', command: '--endpoints={f}:2379 get x' },
        { do: 'wait', ms: 300 },
      ],
    },
    {
      kind: 'watch',
      title: 'What each read costs',
      text: [
        'A linearizable read costs a message to the leader and back before the member answers. A serializable read costs nothing extra, but may be old.',
        'Use serializable reads only where an old value does no harm, for example to show a dashboard. Press Play to see both reads once more, now that the cluster is whole.',
      ],
      run: [
        { do: 'etcdctl', command: '--endpoints={f}:2379 get x --consistency=s' },
        { do: 'wait', ms: 300 },
      ],
      claims: { is: 'console', command: '--consistency=s', stdout: '^x\\n2\\n$' },
    },
  ],
};
