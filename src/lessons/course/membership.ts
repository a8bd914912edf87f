import type { LessonSource } from '../lessonFormat.ts';

/** Membership changes: a learner first, then a voter, and what each does to the quorum. */
export const membershipLesson: LessonSource = {
  id: 'membership',
  title: 'Adding a member without losing the quorum',
  concepts: ['learner', 'quorum', 'member', 'membership change'],
  goal: 'Add a fourth member as a learner, promote it, and see when the cluster can still write.',
  setup: { settings: { members: 3, seed: 7 }, run: [{ do: 'wait', ms: 3000 }] },
  steps: [
    {
      kind: 'watch',
      title: 'A new member joins as a learner',
      bind: { lead: 'leader', a: 'follower', b: 'follower2' },
      point: { members: ['$lead'] },
      text: [
        'Three [[members|member]], so the [[quorum]] is 2. The console writes x=1.',
        'Then a fourth member, m4, joins as a [[learner]]. That is a [[membership change]], and it goes through the log like a write.',
        'A learner gets every entry of the log, but it does not vote and does not count for the quorum. It can catch up without slowing anyone down.',
      ],
      run: [
        { do: 'etcdctl', command: '--endpoints={lead}:2379 put x 1' },
        { do: 'wait', ms: 300 },
        { do: 'addMember', learner: true },
        { do: 'wait', ms: 2500 },
      ],
      claims: { is: 'all', of: [{ is: 'role', member: 'm4', role: 'learner' }, { is: 'key', key: 'x', value: '1', member: 'm4' }] },
    },
    {
      kind: 'predict',
      title: 'Four members, two crash',
      point: { members: ['$a', '$b'] },
      text: ['{a} and {b} crash. {lead} and the learner m4 are still up: two of the four members.', 'The console writes x=2 through {lead} and waits up to 3 seconds for an answer.'],
      question: 'Does the write of x=2 succeed?',
      choices: [
        { id: 'a', text: 'Yes: two of four members are up.', when: { is: 'console', command: 'put x 2$', exitCode: 0 } },
        { id: 'b', text: 'No: only one of the three voters is up.', when: { is: 'console', command: 'put x 2$', exitCode: 1 } },
      ],
      answer: 'b',
      run: [
        { do: 'crash', member: '$a' },
        { do: 'crash', member: '$b' },
        { do: 'etcdctl', command: '--endpoints={lead}:2379 --command-timeout=3s put x 2' },
        { do: 'wait', ms: 3500 },
      ],
      explain: [
        'The learner has a copy of the log, but it has no vote. The quorum is still 2 of the 3 voters, and only {lead} is up. So nothing can be [[committed|commit]], and the write timed out.',
        'A learner never makes the cluster weaker. That is why etcd adds new members as learners first.',
      ],
      claims: { is: 'all', of: [{ is: 'console', command: 'put x 2$', exitCode: 1, stderr: 'context deadline exceeded' }, { is: 'key', key: 'x', value: '1', member: '$lead' }] },
    },
    {
      kind: 'watch',
      title: 'A timeout is not a no',
      point: { members: ['$a', '$b'] },
      text: [
        'Press Play: {a} and {b} restart from their disks.',
        'Watch the key x. The write of x=2 was still in {lead}\'s log. Now a quorum is back, so it is committed after all.',
        'The client was told "deadline exceeded". That means "I do not know", not "it did not happen".',
      ],
      run: [
        { do: 'restart', member: '$a' },
        { do: 'restart', member: '$b' },
        { do: 'wait', ms: 3000 },
      ],
      claims: { is: 'all', of: [{ is: 'key', key: 'x', value: '2', member: '$lead' }, { is: 'key', key: 'x', value: '2', member: 'm4' }] },
    },
    {
      kind: 'watch',
      title: 'The learner becomes a voter',
      point: { members: ['$lead'] },
      text: [
        'Press Play: m4 is promoted (etcdctl member promote). It is now a [[follower]] with a vote.',
        'Four voters need a quorum of 3. So four members survive one crash, just like three. An even number adds work to every write and no safety. Clusters have 3 or 5 members.',
      ],
      run: [
        { do: 'promote', member: 'm4' },
        { do: 'wait', ms: 1500 },
        { do: 'etcdctl', command: 'member list -w table' },
        { do: 'wait', ms: 200 },
      ],
      claims: { is: 'all', of: [{ is: 'role', member: 'm4', role: 'follower' }, { is: 'console', command: 'member list', exitCode: 0, stdout: 'm4 .* false \\|' }] },
    },
  ],
};
