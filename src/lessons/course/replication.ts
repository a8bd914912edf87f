import type { LessonSource } from '../lessonFormat.ts';

export const replication: LessonSource = {
  id: 'log-replication',
  title: 'Log replication and commit',
  concepts: ['log', 'replication', 'commit', 'WAL', 'fsync'],
  goal: 'Follow one write from the leader\'s [[log]] to every member, and see when it counts as [[committed]].',
  setup: { settings: { members: 3, seed: 31 }, run: [{ do: 'wait', ms: 3000 }] },
  steps: [
    {
      kind: 'watch',
      title: 'One write, step by step',
      bind: { lead: 'leader', f: 'follower', g: 'follower2' },
      point: { inspector: { member: '$lead', tab: 'raft' } },
      text: [
        'The console writes color=blue through {lead}, the [[leader]]. This plays at one twentieth of real time.',
        '{lead} adds a [[log entry]] and sends it to each follower in a MsgApp message ([[replication]]). Each follower writes it to its disk and answers with MsgAppResp.',
        'Watch the commit index in the inspector: it moves once 2 of 3 members have the entry.',
      ],
      speed: 0.05,
      run: [
        { do: 'etcdctl', command: '--endpoints={lead}:2379 put color blue' },
        { do: 'wait', ms: 300 },
      ],
    },
    {
      kind: 'predict',
      title: 'A follower misses a write',
      point: { members: ['$f'] },
      text: ['{f} is cut off from the others. Then the console writes color=green through {lead}.'],
      question: 'After the write, what does {f} hold for the key color?',
      choices: [
        { id: 'a', text: 'green, like the others.', when: { is: 'key', key: 'color', value: 'green', member: '$f' } },
        { id: 'b', text: 'blue, the old value. It has not received the new entry.', when: { is: 'key', key: 'color', value: 'blue', member: '$f' } },
        { id: 'c', text: 'Nothing: it deleted its copy when it lost the leader.', when: { is: 'key', key: 'color', value: null, member: '$f' } },
      ],
      answer: 'b',
      run: [
        { do: 'isolate', member: '$f' },
        { do: 'etcdctl', command: '--endpoints={lead}:2379 put color green' },
        { do: 'wait', ms: 1500 },
      ],
      explain: [
        'The write was [[committed]] by {lead} and {g}, a [[quorum]]. {f} never got the entry, so its own copy still says blue.',
        'That is fine: {f} is behind, not wrong. It will catch up from the leader\'s log.',
      ],
      claims: { is: 'all', of: [{ is: 'key', key: 'color', value: 'green', member: '$lead' }, { is: 'key', key: 'color', value: 'green', member: '$g' }] },
    },
    {
      kind: 'task',
      title: 'Let it catch up',
      point: { members: ['$f'] },
      text: ['The leader keeps the entries {f} is missing. As soon as they can talk again, it sends them.'],
      task: 'Heal the network, and wait until {f} has color=green.',
      check: { is: 'key', key: 'color', value: 'green', member: '$f' },
      hints: ['Open the Network tab and press "Heal all" (or press h). Dragging {f} back to the others heals too.', 'The keys a member holds are in the MVCC tab of its inspector.'],
      showMe: [
        { do: 'heal' },
        { do: 'wait', ms: 2000 },
      ],
    },
    {
      kind: 'predict',
      title: 'A slow disk',
      point: { members: ['$f'] },
      text: [
        'A member answers only after the entry is safe on its disk: it writes the [[WAL]] and waits for [[fsync]].',
        'Now {f}\'s disk becomes very slow: each write takes 2 seconds. Then the console writes color=red through {lead}.',
      ],
      question: 'Does the write wait for {f}\'s slow disk?',
      choices: [
        { id: 'a', text: 'No. {lead} and {g} are a quorum, so the write is done in milliseconds.', when: { is: 'console', command: 'put color red', exitCode: 0 } },
        { id: 'b', text: 'Yes. The write is done only when {f} has it too.', when: { is: 'not', check: { is: 'console', command: 'put color red', exitCode: 0 } } },
      ],
      answer: 'a',
      speed: 0.25,
      run: [
        { do: 'setDisk', member: '$f', fsyncMs: 2000 },
        { do: 'etcdctl', command: '--endpoints={lead}:2379 put color red' },
        { do: 'wait', ms: 400 },
      ],
      explain: [
        'The console printed OK before {f} had finished its write. A [[quorum]] was enough.',
        'A slow disk on the leader would be different: the leader must write the entry too before it counts, so every write would wait for it.',
      ],
      claims: { is: 'all', of: [{ is: 'key', key: 'color', value: 'red', member: '$g' }, { is: 'not', check: { is: 'key', key: 'color', value: 'red', member: '$f' } }] },
    },
    {
      kind: 'watch',
      title: 'The WAL',
      point: { inspector: { member: '$f', tab: 'storage' } },
      text: [
        'The Storage tab of {f} lists its [[WAL]] records. Each record holds entries and the member\'s vote and term, written before the member answers.',
        'Press Play: the disk gets fast again and {f} catches up.',
      ],
      run: [
        { do: 'wait', ms: 2500 },
        { do: 'setDisk', member: '$f', fsyncMs: null },
        { do: 'wait', ms: 500 },
      ],
      claims: { is: 'key', key: 'color', value: 'red', member: '$f' },
    },
  ],
};
