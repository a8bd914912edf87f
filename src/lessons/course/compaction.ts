import type { LessonSource } from '../lessonFormat.ts';

export const compaction: LessonSource = {
  id: 'compaction',
  title: 'Compaction: forgetting the past',
  concepts: ['compaction', 'revision', 'watch'],
  goal: 'See how a [[compaction]] throws away old [[revisions]], and what a read or a watch of the past gets afterwards.',
  setup: { settings: { members: 3, seed: 61 }, run: [{ do: 'wait', ms: 3000 }] },
  steps: [
    {
      kind: 'watch',
      title: 'History piles up',
      point: { console: true },
      text: [
        'etcd keeps every old version of every key ([[MVCC]]). That is what lets you read the past, but it takes space.',
        'Press Play: the console writes k three times (revisions 2, 3 and 4), then reads revision 2.',
      ],
      run: [
        { do: 'etcdctl', command: 'put k a' },
        { do: 'wait', ms: 200 },
        { do: 'etcdctl', command: 'put k b' },
        { do: 'wait', ms: 200 },
        { do: 'etcdctl', command: 'put k c' },
        { do: 'wait', ms: 200 },
        { do: 'etcdctl', command: 'get k --rev=2' },
        { do: 'wait', ms: 200 },
      ],
      claims: { is: 'console', command: 'get k --rev=2', stdout: '^k\\na\\n$' },
    },
    {
      kind: 'predict',
      title: 'Compact, then read the past',
      point: { console: true },
      text: ['A [[compaction]] at revision 3 drops every version older than what revision 3 shows.', 'The console compacts at 3, then asks for k at revision 2 again.'],
      question: 'What does get k --rev=2 do after compact 3?',
      choices: [
        { id: 'a', text: 'It prints a, as before.', when: { is: 'console', command: 'get k --rev=2', stdout: '^k\\na\\n$' } },
        { id: 'b', text: 'It fails: revision 2 has been compacted.', when: { is: 'console', command: 'get k --rev=2', exitCode: 1, stderr: 'compacted' } },
      ],
      answer: 'b',
      run: [
        { do: 'etcdctl', command: 'compact 3' },
        { do: 'wait', ms: 300 },
        { do: 'etcdctl', command: 'get k --rev=2' },
        { do: 'wait', ms: 300 },
      ],
      explain: ['etcd answered with an error, "required revision has been compacted". Revision 2 is gone for good, on every member.'],
    },
    {
      kind: 'predict',
      title: 'The compaction revision itself',
      point: { console: true },
      text: ['And revision 3, the one the compaction was made at?'],
      question: 'What does get k --rev=3 print?',
      choices: [
        { id: 'a', text: 'b, the value k had at revision 3.', when: { is: 'console', command: 'get k --rev=3', stdout: '^k\\nb\\n$' } },
        { id: 'b', text: 'An error: revision 3 is compacted too.', when: { is: 'console', command: 'get k --rev=3', exitCode: 1 } },
      ],
      answer: 'a',
      run: [
        { do: 'etcdctl', command: 'get k --rev=3' },
        { do: 'wait', ms: 300 },
      ],
      explain: ['A compaction at revision 3 keeps what revision 3 shows. Reads at 3 and later work; only older revisions are gone.'],
    },
    {
      kind: 'watch',
      title: 'A watch into the past',
      point: { console: true },
      text: [
        'A [[watch]] can start from an old revision, to catch up on every change since then. Press Play: the console starts a watch on k from revision 2.',
        'Look at what the console prints.',
      ],
      run: [
        { do: 'etcdctl', command: 'watch k --rev=2' },
        { do: 'wait', ms: 500 },
      ],
      claims: { is: 'console', command: 'watch k --rev=2', stderr: 'compacted' },
    },
    {
      kind: 'task',
      title: 'Compact it all',
      point: { console: true },
      text: ['The newest revision is 4 (the last put of k). Compacting there keeps only the newest value of each key.'],
      task: 'Compact the history at revision 4.',
      check: { is: 'console', command: '^compact\\s+4\\b', exitCode: 0 },
      hints: ['The command is compact, followed by a revision.', 'Type: compact 4'],
      showMe: [
        { do: 'etcdctl', command: 'compact 4' },
        { do: 'wait', ms: 300 },
      ],
    },
  ],
};
