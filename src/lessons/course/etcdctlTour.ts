import type { LessonSource } from '../lessonFormat.ts';

export const etcdctlTour: LessonSource = {
  id: 'etcdctl-health',
  title: 'etcdctl: health, status and ports',
  concepts: ['etcdctl', 'endpoint health', 'endpoint status', 'ports 2379 and 2380'],
  goal: 'Use [[etcdctl]] to check a cluster: which members answer, who leads, and how big the data is.',
  setup: { settings: { members: 3, seed: 71 }, run: [{ do: 'wait', ms: 3000 }] },
  steps: [
    {
      kind: 'watch',
      title: 'Is everyone there?',
      bind: { lead: 'leader', f: 'follower' },
      point: { console: true },
      text: [
        'Each [[member]] listens on two ports: 2379 for clients (like etcdctl) and 2380 for the other members.',
        'Press Play: endpoint health asks each member, on port 2379, for a read that must go through the leader, and says how long it took. etcdctl writes these lines to its error output, so they show in the console\'s stderr colour.',
      ],
      run: [
        { do: 'etcdctl', command: 'endpoint health' },
        { do: 'wait', ms: 500 },
      ],
      claims: { is: 'console', command: 'endpoint health', exitCode: 0, stderr: '{f}:2379 is healthy' },
    },
    {
      kind: 'watch',
      title: 'Who leads, and how far along?',
      point: { console: true },
      text: [
        'endpoint status shows each member\'s view: its ID, whether it is the [[leader]], its [[term]], its raft index, and how big its data is.',
        'Press Play. In the table, IS LEADER is true for {lead}.',
      ],
      run: [
        { do: 'etcdctl', command: 'endpoint status -w table' },
        { do: 'wait', ms: 500 },
      ],
      claims: { is: 'console', command: 'endpoint status', exitCode: 0, stdout: '{lead}:2379 \\|[^\\n]*\\| +true \\|' },
    },
    {
      kind: 'predict',
      title: 'A member down',
      point: { members: ['$f'] },
      text: ['{f} crashes. Then the console runs endpoint health again.'],
      question: 'What does endpoint health report?',
      choices: [
        { id: 'a', text: 'Every member is healthy: the cluster still works.', when: { is: 'console', command: 'endpoint health', exitCode: 0 } },
        { id: 'b', text: '{f} is unhealthy; the two others are healthy.', when: { is: 'console', command: 'endpoint health', exitCode: 1, stderr: '{f}:2379 is unhealthy' } },
      ],
      answer: 'b',
      speed: 2,
      run: [
        { do: 'crash', member: '$f' },
        { do: 'etcdctl', command: 'endpoint health' },
        { do: 'wait', ms: 6000 },
      ],
      explain: ['endpoint health checks each member on its own. The cluster still works with two of three, but {f} does not answer, and etcdctl says so and exits with an error.'],
      claims: { is: 'console', command: 'endpoint health', stderr: '{lead}:2379 is healthy' },
    },
    {
      kind: 'task',
      title: 'The member list',
      text: ['member list shows the members the cluster knows, with the addresses they use: client URLs on 2379, peer URLs on 2380.'],
      task: 'Show the member list as a table.',
      check: { is: 'console', command: 'member list.*(-w|--write-out)(=|\\s+)table', exitCode: 0 },
      hints: ['The command is member list; -w table prints a table.', 'Type: member list -w table'],
      showMe: [
        { do: 'etcdctl', command: 'member list -w table' },
        { do: 'wait', ms: 300 },
      ],
    },
  ],
};
