import type { LessonSource } from '../lessonFormat.ts';

const grant = (ttl: number, name: string) => ({ do: 'etcdctl' as const, command: `lease grant ${ttl}`, capture: { name, pattern: 'lease ([0-9a-f]+) granted' } });
const pause = (ms: number) => ({ do: 'wait' as const, ms });

export const leasesLesson: LessonSource = {
  id: 'leases',
  title: 'Leases: keys that live only while someone says so',
  concepts: ['lease', 'TTL', 'keep-alive'],
  goal: 'Attach keys to a [[lease]], keep it alive, let it run out, revoke it, and see what a new [[leader]] does with it.',
  setup: { settings: { members: 3, seed: 93 }, run: [pause(3000)] },
  steps: [
    {
      kind: 'watch',
      title: 'A lease is a timer',
      point: { console: true },
      text: [
        'A [[lease]] is a timer kept by the cluster. It has a TTL: the seconds it has left.',
        'Keys can be attached to a lease. When the lease ends, its keys are deleted.',
        'Press Play: the console grants a lease of 10 seconds, puts session=alive on it, and asks the lease how long it has left.',
      ],
      run: [grant(10, 'lease'), pause(300), { do: 'etcdctl', command: 'put session alive --lease={lease}' }, pause(300), { do: 'etcdctl', command: 'lease timetolive {lease} --keys' }, pause(300)],
      claims: { is: 'console', command: '^lease timetolive', exitCode: 0, stdout: 'granted with TTL\\(10s\\), remaining\\([0-9]+s\\), attached keys\\(\\[session\\]\\)' },
    },
    {
      kind: 'predict',
      title: 'Nobody renews it',
      point: { console: true },
      text: ['Nobody renews the lease. The console reads session 11 seconds from now.'],
      question: 'What does get session print then?',
      choices: [
        { id: 'a', text: 'Nothing: the lease ran out and took the key with it.', when: { is: 'console', command: '^get session$', exitCode: 0, stdout: '^$' } },
        { id: 'b', text: 'session, alive: a key stays until someone deletes it.', when: { is: 'console', command: '^get session$', stdout: '^session\\nalive\\n$' } },
      ],
      answer: 'a',
      run: [pause(11000), { do: 'etcdctl', command: 'get session' }, pause(300)],
      explain: [
        'The leader saw the lease run out and revoked it through the [[log]], like any write. Every member deleted session at the same [[revision]].',
        'This is how a service says "I am here": it holds a key on a lease while it runs. If it dies, it stops renewing, and its key goes away by itself.',
      ],
      claims: { is: 'key', key: 'session', value: null, member: 'm1' },
    },
    {
      kind: 'watch',
      title: 'Keep it alive',
      point: { console: true },
      text: [
        'A client that wants to keep its keys renews the lease before it runs out: lease keep-alive does that, again and again.',
        'Press Play: the console grants a lease of 5 seconds, puts session=alive on it, and keeps it alive. Eight seconds later the key is still there.',
      ],
      run: [grant(5, 'lease'), pause(300), { do: 'etcdctl', command: 'put session alive --lease={lease}' }, pause(300), { do: 'etcdctl', command: 'lease keep-alive {lease}' }, pause(8000), { do: 'etcdctl', command: 'get session' }, pause(300)],
      claims: { is: 'all', of: [{ is: 'console', command: '^get session$', stdout: '^session\\nalive\\n$' }, { is: 'running', command: '^lease keep-alive' }] },
    },
    {
      kind: 'task',
      title: 'Let it go',
      point: { console: true },
      text: ['The keep-alive is still running in the console. While it runs, session stays.'],
      task: 'Stop the keep-alive, and wait until session is gone.',
      check: { is: 'all', of: [{ is: 'not', check: { is: 'running', command: '^lease keep-alive' } }, { is: 'key', key: 'session', value: null, member: 'm1' }] },
      hints: ['The running command has a "Stop (Ctrl+C)" button beside it in the console.', 'After you stop it, the lease still has up to 5 seconds left. Wait, then the key goes.'],
      showMe: [{ do: 'stop' }, pause(7000)],
    },
    {
      kind: 'predict',
      title: 'Revoke',
      point: { console: true },
      text: ['The console grants a lease of 60 seconds, puts lock=owner-1 on it, then revokes the lease at once with lease revoke, and reads lock.'],
      question: 'What does get lock print?',
      choices: [
        { id: 'a', text: 'Nothing: revoking a lease deletes its keys now.', when: { is: 'console', command: '^get lock$', exitCode: 0, stdout: '^$' } },
        { id: 'b', text: 'lock, owner-1: the key stays until the 60 seconds are up.', when: { is: 'console', command: '^get lock$', stdout: '^lock\\nowner-1\\n$' } },
      ],
      answer: 'a',
      run: [grant(60, 'lock'), pause(300), { do: 'etcdctl', command: 'put lock owner-1 --lease={lock}' }, pause(300), { do: 'etcdctl', command: 'lease revoke {lock}' }, pause(300), { do: 'etcdctl', command: 'get lock' }, pause(300)],
      explain: ['Revoking ends the lease now, and deletes its keys in the same step. A client that is done with a lock revokes its lease, so the next client need not wait for the TTL.'],
      claims: { is: 'key', key: 'lock', value: null, member: 'm1' },
    },
    {
      kind: 'predict',
      title: 'The leader crashes',
      bind: { lead: 'leader' },
      point: { members: ['$lead'] },
      text: [
        'Only the [[leader]] counts down leases. The console grants a lease of 10 seconds and puts session=alive on it. Nobody renews it.',
        'Six seconds later {lead} crashes. The console reads session 12 seconds after the grant.',
      ],
      question: 'The lease had 10 seconds. What does get session print at 12 seconds?',
      choices: [
        { id: 'a', text: 'Nothing: 10 seconds have passed.', when: { is: 'console', command: '^get session$', exitCode: 0, stdout: '^$' } },
        { id: 'b', text: 'session, alive: the key is still there.', when: { is: 'console', command: '^get session$', stdout: '^session\\nalive\\n$' } },
      ],
      answer: 'b',
      run: [grant(10, 'lease'), pause(300), { do: 'etcdctl', command: 'put session alive --lease={lease}' }, pause(5700), { do: 'crash', member: '$lead' }, pause(6000), { do: 'etcdctl', command: 'get session' }, pause(300)],
      explain: [
        'A new leader does not know how long the old one had counted. So it starts every lease\'s countdown again, from the full TTL, plus a little extra time for clients to find the new leader.',
        'A lease can last longer than its TTL, but it never ends early. For a lock that is the safe side: the key may stay a little long, but it never vanishes while its owner still renews it.',
      ],
      claims: { is: 'newLeader' },
    },
    {
      kind: 'watch',
      title: 'It does run out',
      point: { console: true },
      text: ['Nobody renews the lease on the new leader either. Press Play: the console waits 12 more seconds and reads session again.'],
      run: [pause(12000), { do: 'etcdctl', command: 'get session' }, pause(300)],
      claims: { is: 'console', command: '^get session$', exitCode: 0, stdout: '^$' },
    },
  ],
};
