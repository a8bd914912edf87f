import type { LessonSource } from '../lessonFormat.ts';

export const leaderElection: LessonSource = {
  id: 'leader-election',
  title: 'Who leads? Elections and random timeouts',
  concepts: ['leader', 'follower', 'term', 'election', 'election timeout', 'heartbeat'],
  goal: 'See how the members of a cluster pick a [[leader]], and pick a new one when it crashes.',
  setup: { settings: { members: 3, seed: 11 }, run: [{ do: 'wait', ms: 3000 }] },
  steps: [
    {
      kind: 'watch',
      title: 'Three members, one leader',
      bind: { lead: 'leader' },
      point: { members: ['$lead'] },
      text: [
        'This [[cluster]] has three [[members]]. Each one is a full etcd server with its own disk.',
        'One of them, {lead}, is the [[leader]]. The other two are [[followers]].',
        'The leader sends a [[heartbeat]] to each follower every 100 ms. Press Play and watch the small messages go out, in slow motion.',
      ],
      speed: 0.1,
      run: [{ do: 'wait', ms: 400 }],
    },
    {
      kind: 'predict',
      title: 'The leader crashes',
      point: { members: ['$lead'] },
      text: [
        'Now {lead} will crash. Its heartbeats stop.',
        'Each follower has an [[election timeout]]: if it hears nothing from a leader for that long, it acts.',
      ],
      question: '{lead} crashes. What do the two other members do?',
      choices: [
        { id: 'a', text: 'Nothing. Without its leader the cluster is stuck for good.', when: { is: 'noLeader' } },
        { id: 'b', text: 'One of them becomes the new leader, in a higher term.', when: { is: 'all', of: [{ is: 'newLeader' }, { is: 'termGrew' }] } },
        { id: 'c', text: 'They wait until {lead} comes back, and it leads again.', when: { is: 'leader', member: '$lead' } },
      ],
      answer: 'b',
      speed: 0.5,
      run: [
        { do: 'crash', member: '$lead' },
        { do: 'wait', ms: 4000 },
      ],
      explain: [
        'The followers stopped hearing heartbeats. The first one whose election timeout ran out became a [[candidate]]: it moved to a new [[term]] and asked for [[votes]].',
        'It voted for itself and got one more vote: 2 of 3 members, a [[quorum]]. So it won the [[election]].',
        'Look at the timeline: a new band starts there. Each band is one term.',
      ],
    },
    {
      kind: 'task',
      title: 'Bring it back',
      bind: { now: 'leader' },
      text: ['{lead} is still down. A crashed member keeps its disk, so it can come back with everything it had.'],
      task: 'Restart {lead}.',
      point: { members: ['$lead'] },
      check: { is: 'alive', member: '$lead' },
      hints: ['Click {lead} in the cluster view. Its inspector opens on the right.', 'In the inspector, press Restart (or press r while {lead} is selected).'],
      showMe: [
        { do: 'restart', member: '$lead' },
        { do: 'wait', ms: 2000 },
      ],
    },
    {
      kind: 'predict',
      title: 'Who leads now?',
      point: { members: ['$lead', '$now'] },
      text: ['{lead} is back. It was the leader before it crashed.', '{now} became the leader while {lead} was down.'],
      question: 'Does {lead} take over again?',
      choices: [
        { id: 'a', text: 'Yes. It was the leader first, so it leads again.', when: { is: 'leader', member: '$lead' } },
        { id: 'b', text: 'No. {now} stays the leader, and {lead} becomes a follower.', when: { is: 'leader', member: '$now' } },
      ],
      answer: 'b',
      run: [{ do: 'wait', ms: 3000 }],
      explain: [
        '{lead} came back in its old [[term]]. The first message it got from {now} carried a higher term, so {lead} moved to that term and followed.',
        'Being the leader is not owned. It lasts only for one term, and only while a quorum keeps following.',
      ],
      claims: { is: 'alive', member: '$lead' },
    },
    {
      kind: 'task',
      title: 'Choose the leader yourself',
      bind: { pick: 'follower' },
      point: { members: ['$pick'] },
      text: [
        'Sometimes you want a given member to lead, for example before you restart the leader for maintenance.',
        'etcd can hand over the role without an election timeout: a [[leader transfer]].',
      ],
      task: 'Make {pick} the leader, without crashing anyone.',
      check: { is: 'all', of: [{ is: 'leader', member: '$pick' }, { is: 'alive', member: 'm1' }, { is: 'alive', member: 'm2' }, { is: 'alive', member: 'm3' }] },
      hints: ['Click {pick}, then press "Transfer leadership here" in its inspector.', 'In the console, etcdctl move-leader does the same. It takes the member ID that etcdctl member list prints.'],
      showMe: [
        { do: 'transfer', to: '$pick' },
        { do: 'wait', ms: 2000 },
      ],
    },
    {
      kind: 'watch',
      title: 'Why the timeouts are random',
      bind: { last: 'leader' },
      point: { members: ['$last'] },
      text: [
        'If every follower waited exactly as long, they would all become candidates at once. Each would vote for itself, nobody would win, and the election would start again.',
        'So each member picks its [[election timeout]] at random, between 1 and 2 seconds here. Usually one member starts first and wins before the others even try.',
        'Press Play: {last} crashes, and you see the race in slow motion. Watch the rings around the followers fill up.',
      ],
      speed: 0.25,
      run: [
        { do: 'crash', member: '$last' },
        { do: 'wait', ms: 3000 },
      ],
      claims: { is: 'all', of: [{ is: 'newLeader' }, { is: 'termGrew' }] },
    },
  ],
};
