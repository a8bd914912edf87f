import type { LessonAction, LessonSource } from '../lessonFormat.ts';

/** Every member crashes at once, and all start again from their disks. */
const powerLoss: LessonAction[] = [
  { do: 'crash', member: '$lead' },
  { do: 'crash', member: '$a' },
  { do: 'crash', member: '$b' },
  { do: 'wait', ms: 200 },
  { do: 'restart', member: '$lead' },
  { do: 'restart', member: '$a' },
  { do: 'restart', member: '$b' },
  { do: 'wait', ms: 3000 },
];

/** Safety switch 5: why a member syncs its WAL before it answers. */
export const syncFirstLesson: LessonSource = {
  id: 'sync-first',
  title: 'Why etcd writes to disk before it says OK',
  concepts: ['WAL', 'fsync', 'commit', 'safety switch'],
  goal: 'Let the members answer before their disks have the write, cut the power, and see an acknowledged write vanish.',
  setup: { settings: { members: 3, seed: 12, walFsyncMs: 300, unsafe: ['ackBeforeDurable'] }, run: [{ do: 'wait', ms: 3000 }] },
  steps: [
    {
      kind: 'watch',
      title: 'A slow disk, and one rule off',
      bind: { lead: 'leader', a: 'follower', b: 'follower2' },
      point: { members: ['$lead', '$a', '$b'] },
      text: [
        'Every member writes each change to its [[WAL]] on disk. Making it really stick on the disk is called [[fsync]]. On this cluster one fsync takes 300 ms: a slow disk.',
        'Normally a member sends nothing about a change, not an answer and not an acknowledgement, until the fsync has finished.',
        'Here a [[safety switch]] is on (the top bar says "unsafe 5"): members answer first and sync later. Press Play: the console writes x=1, and waits a second.',
      ],
      run: [
        { do: 'etcdctl', command: '--endpoints={lead}:2379 put x 1' },
        { do: 'wait', ms: 1000 },
      ],
      claims: { is: 'all', of: [{ is: 'console', command: 'put x 1', exitCode: 0 }, { is: 'key', key: 'x', value: '1', member: '$a' }] },
    },
    {
      kind: 'predict',
      title: 'The power goes out',
      point: { members: ['$lead', '$a', '$b'] },
      text: [
        'Now the console writes x=2. etcd answers OK almost at once: a [[quorum]] took the write, so it is [[committed|commit]].',
        'Right after the answer, the power goes out. All three members crash before their disks synced. Then they all start again and read their WAL.',
      ],
      question: 'After the restart, what does get x print?',
      choices: [
        { id: 'a', text: 'x=2: etcd said OK, so the write is safe.', when: { is: 'console', command: 'get x$', stdout: '^x\\n2\\n$' } },
        { id: 'b', text: 'x=1: the write of x=2 is gone.', when: { is: 'console', command: 'get x$', stdout: '^x\\n1\\n$' } },
        { id: 'c', text: 'Nothing at all: every key is gone.', when: { is: 'console', command: 'get x$', stdout: '^$' } },
      ],
      answer: 'b',
      run: [
        { do: 'etcdctl', command: '--endpoints={lead}:2379 put x 2' },
        { do: 'wait', ms: 60 },
        ...powerLoss,
        { do: 'etcdctl', command: '--endpoints={a}:2379 get x' },
        { do: 'wait', ms: 500 },
      ],
      explain: [
        'x=1 had a whole second to reach the disks, so it survived. x=2 was still only in memory on every member when the power went out. A crash loses memory, so x=2 is gone.',
        'The client was told OK. A client that trusts OK (a bank, Kubernetes) now believes something that is not true. The history lane under the timeline turned red.',
      ],
      claims: { is: 'all', of: [{ is: 'console', command: 'put x 2', exitCode: 0 }, { is: 'notLinearizable' }] },
    },
    {
      kind: 'watch',
      title: 'After the sync, nothing is lost',
      point: { members: ['$lead', '$a', '$b'] },
      text: [
        'Press Play: the console writes x=3 and waits one second, longer than an fsync. Then the power goes out again, and the members start again.',
        'etcd closes the window by syncing first and answering after. That costs time on every write: this is why etcd needs a fast disk.',
      ],
      run: [
        { do: 'etcdctl', command: '--endpoints={lead}:2379 put x 3' },
        { do: 'wait', ms: 1000 },
        ...powerLoss,
        { do: 'etcdctl', command: '--endpoints={b}:2379 get x' },
        { do: 'wait', ms: 500 },
      ],
      claims: { is: 'console', command: 'get x$', exitCode: 0, stdout: '^x\\n3\\n$' },
    },
  ],
};
