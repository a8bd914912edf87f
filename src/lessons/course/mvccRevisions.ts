import type { LessonSource } from '../lessonFormat.ts';

export const mvccRevisions: LessonSource = {
  id: 'mvcc-revisions',
  title: 'Revisions: etcd remembers the past',
  concepts: ['MVCC', 'revision', 'version', 'get --rev'],
  goal: 'Learn how etcd numbers every change with a [[revision]], and read a key as it was before.',
  setup: { settings: { members: 3, seed: 5 }, run: [{ do: 'wait', ms: 3000 }] },
  steps: [
    {
      kind: 'watch',
      title: 'Every change gets a number',
      point: { console: true },
      text: [
        'etcd counts every change to its keys with one number for the whole store: the [[revision]].',
        'Press Play: the console writes fruit=apple, then fruit=banana, then shows the key with its numbers.',
      ],
      run: [
        { do: 'etcdctl', command: 'put fruit apple' },
        { do: 'wait', ms: 300 },
        { do: 'etcdctl', command: 'put fruit banana' },
        { do: 'wait', ms: 300 },
        { do: 'etcdctl', command: 'get fruit -w fields' },
        { do: 'wait', ms: 300 },
      ],
    },
    {
      kind: 'predict',
      title: 'Reading the past',
      point: { console: true },
      text: [
        'In the output, ModRevision is the revision of the last write to fruit, and CreateRevision the revision that created it.',
        'etcd keeps old values too ([[MVCC]]). Next the console writes fruit=cherry, then asks for fruit as it was at revision 2.',
      ],
      question: 'What does get fruit --rev=2 print?',
      choices: [
        { id: 'a', text: 'apple: the value as it was at revision 2.', when: { is: 'console', command: 'get fruit --rev=2', stdout: '^fruit\\napple\\n$' } },
        { id: 'b', text: 'cherry: a get always shows the newest value.', when: { is: 'console', command: 'get fruit --rev=2', stdout: '^fruit\\ncherry\\n$' } },
        { id: 'c', text: 'Nothing: old values are thrown away.', when: { is: 'console', command: 'get fruit --rev=2', stdout: '^$' } },
      ],
      answer: 'a',
      run: [
        { do: 'etcdctl', command: 'put fruit cherry' },
        { do: 'wait', ms: 300 },
        { do: 'etcdctl', command: 'get fruit --rev=2' },
        { do: 'wait', ms: 300 },
      ],
      explain: [
        'The first put made revision 2. The store began at revision 1, and each change adds one.',
        'A read at revision 2 sees the store as it was right after that change: fruit=apple.',
      ],
    },
    {
      kind: 'task',
      title: 'Your turn',
      point: { console: true },
      text: ['fruit was written three times: apple at revision 2, banana at 3, cherry at 4.'],
      task: 'In the console, read fruit as it was at revision 3.',
      check: { is: 'console', command: 'get\\s+fruit\\b.*--rev(=|\\s+)3\\b|get\\s+--rev(=|\\s+)3\\s+fruit\\b', exitCode: 0, stdout: 'banana' },
      hints: ['Click the console line under the cluster, and type a command there.', 'Type: get fruit --rev=3'],
      showMe: [
        { do: 'etcdctl', command: 'get fruit --rev=3' },
        { do: 'wait', ms: 300 },
      ],
    },
    {
      kind: 'predict',
      title: 'Delete, then look back',
      point: { console: true },
      text: ['The console deletes fruit. A delete is a change like any other: it gets a revision of its own.', 'Then it reads fruit at revision 3 again.'],
      question: 'fruit is deleted. What does get fruit --rev=3 print now?',
      choices: [
        { id: 'a', text: 'banana, as before: the past does not change.', when: { is: 'console', command: 'get fruit --rev=3', stdout: '^fruit\\nbanana\\n$' } },
        { id: 'b', text: 'Nothing: the delete removed every version of fruit.', when: { is: 'console', command: 'get fruit --rev=3', stdout: '^$' } },
      ],
      answer: 'a',
      run: [
        { do: 'etcdctl', command: 'del fruit' },
        { do: 'wait', ms: 300 },
        { do: 'etcdctl', command: 'get fruit --rev=3' },
        { do: 'wait', ms: 300 },
      ],
      explain: [
        'The delete wrote a marker (a tombstone) at revision 5. Reads at revision 5 or later find no fruit. Reads of earlier revisions still find the old values.',
        'Old revisions stay until a compaction removes them. Another lesson shows that.',
      ],
    },
    {
      kind: 'watch',
      title: 'Version counts the writes',
      point: { console: true },
      text: [
        'Each key also has a [[version]]: how many times it was written since it was created.',
        'Press Play: the console writes fruit=kiwi. fruit was deleted, so this is a new key. Look at Version and CreateRevision.',
      ],
      run: [
        { do: 'etcdctl', command: 'put fruit kiwi' },
        { do: 'wait', ms: 300 },
        { do: 'etcdctl', command: 'get fruit -w fields' },
        { do: 'wait', ms: 300 },
      ],
    },
  ],
};
