import type { LessonSource } from '../lessonFormat.ts';

const casTo3 = 'value("counter") = "2"\n\nput counter 3\n\nget counter\n';

export const txnLesson: LessonSource = {
  id: 'txn',
  title: 'Txn: compare, then swap',
  concepts: ['txn', 'compare-and-swap', 'mod_revision'],
  goal: 'Use a [[txn]] to change a key only if it still holds what you read: the building block of counters and locks.',
  setup: { settings: { members: 3, seed: 91 }, run: [{ do: 'wait', ms: 3000 }] },
  steps: [
    {
      kind: 'watch',
      title: 'If, then, else',
      point: { console: true },
      text: [
        'A [[txn]] is one request with three parts: compares (the "if"), operations to run when all compares hold (the "then"), and operations to run otherwise (the "else").',
        'etcd runs the whole txn at once, at one [[revision]]: nothing can happen between the compare and the write.',
        'Press Play: the console sets counter=1.',
      ],
      run: [
        { do: 'etcdctl', command: 'put counter 1' },
        { do: 'wait', ms: 300 },
      ],
    },
    {
      kind: 'predict',
      title: 'Compare-and-swap',
      point: { console: true },
      text: ['The console runs this txn: if counter is "1", then put counter 2, else get counter.'],
      question: 'counter is 1. What does the txn print?',
      choices: [
        { id: 'a', text: 'SUCCESS, then OK: the compare held and the put ran.', when: { is: 'console', command: '^txn$', stdout: '^SUCCESS\\n\\nOK\\n$' } },
        { id: 'b', text: 'FAILURE, then the current value.', when: { is: 'console', command: '^txn$', stdout: '^FAILURE\\n' } },
      ],
      answer: 'a',
      run: [
        { do: 'etcdctl', command: 'txn', stdin: 'value("counter") = "1"\n\nput counter 2\n\nget counter\n' },
        { do: 'wait', ms: 300 },
      ],
      explain: ['The compare held, so the "then" part ran: counter is now 2.'],
      claims: { is: 'key', key: 'counter', value: '2', member: 'm1' },
    },
    {
      kind: 'predict',
      title: 'Someone was faster',
      point: { console: true },
      text: ['Imagine a second client that also read counter=1 a moment ago. It sends the very same txn now: if counter is "1", put counter 2.'],
      question: 'What happens to the second client\'s txn?',
      choices: [
        { id: 'a', text: 'SUCCESS: counter is set to 2 again.', when: { is: 'console', command: '^txn$', stdout: '^SUCCESS\\n' } },
        { id: 'b', text: 'FAILURE: counter is not 1 anymore, so the else part shows it is 2.', when: { is: 'console', command: '^txn$', stdout: '^FAILURE\\n\\ncounter\\n2\\n$' } },
      ],
      answer: 'b',
      run: [
        { do: 'etcdctl', command: 'txn', stdin: 'value("counter") = "1"\n\nput counter 2\n\nget counter\n' },
        { do: 'wait', ms: 300 },
      ],
      explain: [
        'The compare failed, so nothing was written. The second client learns the new value from the else part and can try again from there.',
        'That is compare-and-swap: two clients adding one to a counter at the same time can never both write the same number. A lock works the same way: create the lock key only if it does not exist yet (create_revision = 0).',
      ],
      claims: { is: 'key', key: 'counter', value: '2', member: 'm1' },
    },
    {
      kind: 'task',
      title: 'Your own txn',
      point: { console: true },
      text: [
        'In the console, txn -i opens an editor under the input. Write the compares, one per line, then an empty line, then the operations to run if they hold, then an empty line, then the operations to run if not.',
        'A compare looks like value("counter") = "2"; an operation like put counter 3. Ctrl+Enter runs the txn.',
      ],
      task: 'With one txn, set counter to 3 only if it is 2.',
      check: { is: 'all', of: [{ is: 'console', command: '^txn', exitCode: 0, stdout: '(^|\\n)SUCCESS\\n' }, { is: 'key', key: 'counter', value: '3', member: 'm1' }] },
      hints: ['Type txn -i and press Enter; the editor opens under the input.', 'Type value("counter") = "2", an empty line, put counter 3, an empty line, then press Ctrl+Enter.'],
      showMe: [
        { do: 'etcdctl', command: 'txn', stdin: casTo3 },
        { do: 'wait', ms: 300 },
      ],
    },
  ],
};
