/**
 * The classic demos: one step each, played as soon as they open, for a teacher who wants one
 * thing on the screen now. Each is checked like a lesson: its claims must hold on the cluster.
 */
import type { LessonSource } from '../lessonFormat.ts';

const settle = { do: 'wait', ms: 3000 } as const;

export const demoLeaderCrash: LessonSource = {
  id: 'demo-leader-crash',
  demo: true,
  title: 'Demo: the leader crashes',
  concepts: ['election'],
  goal: 'The [[leader]] crashes; the others elect a new one.',
  setup: { settings: { members: 3, seed: 101 }, run: [settle] },
  steps: [
    {
      kind: 'watch',
      title: 'The leader crashes',
      bind: { lead: 'leader' },
      point: { members: ['$lead'] },
      speed: 0.5,
      text: ['{lead} crashes. The followers\' [[election timeouts]] run out, one of them becomes a [[candidate]], and it wins in a new [[term]].'],
      run: [{ do: 'crash', member: '$lead' }, { do: 'wait', ms: 4000 }],
      claims: { is: 'all', of: [{ is: 'newLeader' }, { is: 'termGrew' }] },
    },
  ],
};

export const demoMinority: LessonSource = {
  id: 'demo-minority-partition',
  demo: true,
  title: 'Demo: a follower cut off, then back',
  concepts: ['partition', 'replication'],
  goal: 'A follower misses writes while cut off, and catches up when the network heals.',
  setup: { settings: { members: 3, seed: 102 }, run: [settle] },
  steps: [
    {
      kind: 'watch',
      title: 'Cut off, then back',
      bind: { lead: 'leader', f: 'follower' },
      point: { members: ['$f'] },
      speed: 0.5,
      text: ['{f} is cut off ([[partition]]). The others go on: x=1 is [[committed]] without it. When the network heals, {lead} sends {f} what it missed.'],
      run: [
        { do: 'isolate', member: '$f' },
        { do: 'etcdctl', command: '--endpoints={lead}:2379 put x 1' },
        { do: 'wait', ms: 2500 },
        { do: 'heal' },
        { do: 'wait', ms: 1500 },
      ],
      claims: { is: 'key', key: 'x', value: '1', member: '$f' },
    },
  ],
};

export const demoTransfer: LessonSource = {
  id: 'demo-leader-transfer',
  demo: true,
  title: 'Demo: leader transfer',
  concepts: ['leader transfer'],
  goal: 'The leader hands its role to a follower on purpose, without waiting for a timeout.',
  setup: { settings: { members: 3, seed: 103 }, run: [settle] },
  steps: [
    {
      kind: 'watch',
      title: 'Handing over',
      bind: { lead: 'leader', f: 'follower' },
      point: { members: ['$lead', '$f'] },
      speed: 0.25,
      text: ['{lead} makes sure {f} has its whole [[log]], then tells it to start an election at once (MsgTimeoutNow). {f} wins in the next [[term]]: a [[leader transfer]].'],
      run: [{ do: 'transfer', to: '$f' }, { do: 'wait', ms: 1500 }],
      claims: { is: 'leader', member: '$f' },
    },
  ],
};

export const demoWatchCompaction: LessonSource = {
  id: 'demo-watch-compaction',
  demo: true,
  title: 'Demo: a watch across a compaction',
  concepts: ['watch', 'compaction'],
  goal: 'A [[watch]] that asks for a revision that was compacted away is refused.',
  setup: { settings: { members: 3, seed: 104 }, run: [settle] },
  steps: [
    {
      kind: 'watch',
      title: 'Too late to watch',
      point: { console: true },
      text: ['The console writes k three times, [[compacts]] at revision 3, then watches k from revision 2. etcd cancels the watch: that history is gone.'],
      run: [
        { do: 'etcdctl', command: 'put k a' },
        { do: 'wait', ms: 200 },
        { do: 'etcdctl', command: 'put k b' },
        { do: 'wait', ms: 200 },
        { do: 'etcdctl', command: 'put k c' },
        { do: 'wait', ms: 200 },
        { do: 'etcdctl', command: 'compact 3' },
        { do: 'wait', ms: 200 },
        { do: 'etcdctl', command: 'watch k --rev=2' },
        { do: 'wait', ms: 500 },
      ],
      claims: { is: 'console', command: 'watch k --rev=2', stderr: 'required revision has been compacted' },
    },
  ],
};

export const demoLeaseExpiry: LessonSource = {
  id: 'demo-lease-expiry',
  demo: true,
  title: 'Demo: a lease expires',
  concepts: ['lease', 'TTL'],
  goal: 'A key attached to a [[lease]] disappears when the lease runs out.',
  setup: { settings: { members: 3, seed: 105 }, run: [settle] },
  steps: [
    {
      kind: 'watch',
      title: 'Three seconds to live',
      point: { console: true },
      text: [
        'The console grants a [[lease]] with a 3 second TTL, puts key k on it, and reads k. Nobody keeps the lease alive.',
        'After 3 seconds the leader revokes it, and k is deleted with it. The last read finds nothing.',
      ],
      run: [
        { do: 'etcdctl', command: 'lease grant 3', capture: { name: 'lease', pattern: 'lease ([0-9a-f]+) granted' } },
        { do: 'wait', ms: 300 },
        { do: 'etcdctl', command: 'put k v --lease={lease}' },
        { do: 'wait', ms: 300 },
        { do: 'etcdctl', command: 'get k' },
        { do: 'wait', ms: 3500 },
        { do: 'etcdctl', command: 'get k' },
        { do: 'wait', ms: 300 },
      ],
      claims: { is: 'all', of: [{ is: 'console', command: '^get k$', stdout: '^k\\nv\\n$' }, { is: 'console', command: '^get k$', exitCode: 0, stdout: '^$' }] },
    },
  ],
};

export const demoSnapshotCatchUp: LessonSource = {
  id: 'demo-snapshot-catch-up',
  demo: true,
  title: 'Demo: a slow follower catches up by snapshot',
  concepts: ['snapshot', 'log compaction'],
  goal: 'A follower that fell too far behind gets a [[snapshot]] instead of the entries it missed.',
  // A snapshot every 10 entries, keeping only 5 behind it: the leader soon lacks what the follower needs.
  setup: { settings: { members: 3, seed: 106, snapshotCount: 10, snapshotCatchUpEntries: 5 }, run: [settle] },
  steps: [
    {
      kind: 'watch',
      title: 'Too far behind',
      bind: { lead: 'leader', f: 'follower' },
      point: { members: ['$f'] },
      text: [
        '{f} is cut off while the console writes 15 keys. {lead} takes a [[snapshot]] and drops the old entries of its [[log]].',
        'When {f} is back, the entries it needs are gone, so {lead} sends the snapshot (MsgSnap), then the rest.',
      ],
      run: [
        { do: 'isolate', member: '$f' },
        ...Array.from({ length: 15 }, (_, i) => [
          { do: 'etcdctl' as const, command: `--endpoints={lead}:2379 put key${i + 1} v${i + 1}` },
          { do: 'wait' as const, ms: 100 },
        ]).flat(),
        { do: 'heal' },
        { do: 'wait', ms: 2000 },
      ],
      claims: { is: 'all', of: [{ is: 'snapshotGrew', member: '$f' }, { is: 'key', key: 'key15', value: 'v15', member: '$f' }] },
    },
  ],
};

export const DEMOS: readonly LessonSource[] = [demoLeaderCrash, demoMinority, demoSnapshotCatchUp, demoLeaseExpiry, demoWatchCompaction, demoTransfer];
