/**
 * The command script the compatibility suite runs through the real etcdctl 3.4 and through
 * runEtcdctl (see testing/etcdctlCompat.ts). Lines run in order against a fresh single-member
 * cluster, so revisions are part of what is compared. Every command and output format the
 * console offers appears here, with the error cases a user is likely to hit.
 */
import type { CompatStep } from '../testing/etcdctlCompat.ts';

const L = (text: string): CompatStep[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((line) => ({ line }));

const kv = L(`
  put foo bar
  put foo bar -w json
  put foo baz --prev-kv
  put foo qux --prev-kv -w json
  put foo quux --prev-kv -w fields
  put foo quuz -w fields
  put foo bar -w table
  put foo bar -w xml
  put foo
  put
  put --ignore-value foo
  put --ignore-value foo bar
  put foo --ignore-lease=true zap
  put foo --lease=zz
  put foo v --lease=1234
  put foo v --lease=ffffffffffffffffff
  put "" empty
  put 'key with space' 'value with space'
  put k1 v1
  put k2 v2
  put k3 v3
  put k10 v10
  put a/b 1
  put a/c 2
  put a/d/e 3
  put b 4
  put -- -dash -value
  put '' x
  get foo
  get foo -w json
  get foo -w fields
  get foo -w table
  get foo -w=json
  get foo --write-out=fields
  get foo --write-out json
  get nothing
  get nothing -w json
  get nothing -w fields
  get k --prefix
  get k --prefix --keys-only
  get k --prefix --keys-only -w json
  get k --prefix --print-value-only
  get k --prefix --print-value-only -w json
  get k --prefix --print-value-only=true -w fields
  get k --prefix --limit 2
  get k --prefix --limit=2 -w json
  get k --prefix --limit=2 -w fields
  get k --prefix --limit=abc
  get k --prefix --limit=-1
  get k --prefix --limit=0x2
  get k1 k3
  get k1 k3 -w json
  get k1 k3 --prefix
  get --from-key k
  get --from-key a/c
  get --from-key ''
  get --prefix ''
  get --prefix '' --keys-only
  get k --prefix --sort-by=MODIFY --order=DESCEND
  get k --prefix --sort-by=modify --order=descend
  get k --prefix --sort-by=VALUE
  get k --prefix --sort-by=VERSION --order=ASCEND
  get k --prefix --sort-by=CREATE --order=DESCEND -w json
  get k --prefix --sort-by=KEY --order=DESCEND
  get k --prefix --order=ASCEND
  get k --prefix --sort-by=xx
  get k --prefix --order=xx
  get k --prefix --from-key
  get k --consistency=s
  get k --consistency=l
  get k --consistency=x
  get k --prefix --rev=2
  get k --prefix --rev=2 -w json
  get foo --rev=1
  get foo --rev=1000
  get foo --rev=abc
  get foo --rev
  get foo --count-only
  get foo --min-mod-rev=2
  get foo --bogus
  get foo -x
  get
  get a b c
  get a/ --prefix --hex
  get foo --hex -w json
  get foo --hex -w fields
  get 'key with space'
  get -- -dash
  get a --prefix=true --keys-only=false
  get a --prefix=maybe
  del k1
  del k1
  del k1 -w json
  del k1 -w fields
  del k --prefix --prev-kv
  put k1 v1
  put k2 v2
  del k1 k3 --prev-kv -w json
  put k1 v1
  del k --prefix --prev-kv -w fields
  del --from-key a/d
  del
  del a b c
  del k --prefix --from-key
  del k1 k2 --prefix
  del a --prefix -w table
  get --from-key '' --keys-only
`);

const txn: CompatStep[] = [
  { line: 'put t1 v1' },
  { line: 'put t2 v2' },
  { line: 'txn', stdin: 'mod("t1") > "0"\n\nput t1 new\nget t1\n\nput t1 other\n\n' },
  { line: 'txn -w json', stdin: 'value("t1") = "new"\n\nget t1\nput t2 x --prev-kv\ndel t3\n\n\n' },
  { line: 'txn -w fields', stdin: 'value("t1") = "nope"\n\nput t1 a\n\nget t --prefix\ndel t2 --prev-kv\nput t2 y\n\n' },
  { line: 'txn -w table', stdin: '\n\n\n' },
  { line: 'txn', stdin: 'version("t1") = "2"\nc("t1") < "100"\nm("t2") != "0"\nval("t2") = "y"\n\nget t1\n\n\n' },
  { line: 'txn', stdin: 'ver("t1") > "0"\n\n\nput t1 failed\n\n' },
  { line: 'txn', stdin: '\n\nget t1\n\n' },
  { line: 'txn', stdin: '\n\nget t --prefix --keys-only\n\n' },
  { line: 'txn', stdin: '\n\nget t --prefix --limit=1 --sort-by=KEY --order=DESCEND\n\n' },
  { line: 'txn', stdin: '\n\nput "t 3" "spaced value"\nget "t 3"\n\n' },
  { line: 'txn', stdin: "\n\nput 'sq' 'x'\n\n" },
  { line: 'txn', stdin: '\n\ndel t --prefix --prev-kv\n\n' },
  { line: 'txn', stdin: 'bogus\n\n\n' },
  { line: 'txn', stdin: 'mod(t1) > "0"\n\n\n' },
  { line: 'txn', stdin: 'mod("t1")>"0"\n\n\n' },
  { line: 'txn', stdin: 'mod("t1") > 0\n\n\n' },
  { line: 'txn', stdin: 'version("t1") = "x"\n\n\n' },
  { line: 'txn', stdin: 'size("t1") = "1"\n\n\n' },
  { line: 'txn', stdin: '\n\nbadop foo\n\n' },
  { line: 'txn', stdin: '\n\nput foo\n\n' },
  { line: 'txn', stdin: '\n\nget\n\n' },
  { line: 'txn', stdin: '\n\nget foo --bogus\n\n' },
  { line: 'txn', stdin: '\n\nget foo --sort-by=xx\n\n' },
  { line: 'txn', stdin: '' },
  { line: 'txn', stdin: 'mod("t1") > "0"' },
  { line: 'txn', stdin: 'mod("t1") > "0"\n' },
  { line: 'txn', stdin: '\n\nput t1 a\n\nput t1 b' },
  { line: 'txn', stdin: '\n\nput t1 "a\\tb"\nget t1\n\n' },
  { line: 'txn', stdin: 'value("t1") = "a\\tb"\n\nget t1 -w json\n\n' },
  { line: 'txn', stdin: '\n\nput t1 a\nput t1 b\n\n' },
  { line: 'txn extra', stdin: '\n\n\n' },
  { line: 'txn -i', stdin: 'mod("t1") > "0"\n\nget t1\n\n\n' },
  { line: 'txn --interactive', stdin: '\n\n\n' },
  { line: 'get t --prefix -w json' },
];

const compaction = L(`
  put c1 a
  put c1 b
  put c1 c
  get c1 --rev=3
  compaction
  compaction abc
  compaction -5
  compaction 1000
  compaction 3
  compaction 3
  compaction 2
  get c1 --rev=2
  get c1 --rev=3
  compaction 4 --physical
  compaction 5 -w json
  compaction 6 extra
  compact 7
  comp 7
  get c1 -w json
`);

const watch: CompatStep[] = [
  { line: 'put w1 a' },
  { line: 'put w1 b' },
  { line: 'del w1' },
  { line: 'put w2 c' },
  { line: 'get w1 -w json' },
  { line: 'watch w1 --rev=1', streamMs: 700 },
  { line: 'watch w --prefix --rev=2', streamMs: 700 },
  { line: 'watch w --prefix --rev=2 --prev-kv', streamMs: 700 },
  { line: 'watch w --prefix --rev=2 -w json', streamMs: 700 },
  { line: 'watch w --prefix --rev=3 --prev-kv -w fields', streamMs: 700 },
  { line: 'watch w1 w3 --rev=2', streamMs: 700 },
  { line: 'watch w1 --rev=2 --hex', streamMs: 700 },
  { line: 'watch live', streamMs: 1500, during: ['put live 1', 'put live 2', 'del live'] },
  { line: 'watch live --prev-kv -w json', streamMs: 1500, during: ['put live 3', 'del live'] },
  { line: 'watch liv --prefix -w fields', streamMs: 1500, during: ['put live2 x'] },
  { line: 'watch', streamMs: 1500, during: [] },
  { line: 'watch w1 w2 --prefix' },
  { line: 'watch w1 --progress-notify' },
  { line: 'watch w1 --rev=abc' },
];

const lease = L(`
  lease grant 600
  lease grant 600 -w json
  lease grant 600 -w fields
  lease grant 600 -w table
  lease grant
  lease grant abc
  lease grant -5
  lease grant 1 2
  lease revoke
  lease revoke zz
  lease revoke 1234
  lease revoke 1234 -w json
  lease timetolive
  lease timetolive zz
  lease timetolive 1234
  lease timetolive 1234 -w json
  lease timetolive 1234 -w fields
  lease timetolive 1234 --keys
  lease keep-alive
  lease keep-alive --once 1234
  lease keep-alive --once zz
  lease
  lease bogus
  lease ls
`);

/** `$L` is the lease the latest `lease grant` printed (see testing/etcdctlCompat.ts). */
const leaseWithId: CompatStep[] = [
  ...L(`
  lease grant 900
  put lk1 v --lease=$L
  put lk2 v
  get lk1 -w json
  get lk1 -w fields
  lease timetolive $L
  lease timetolive $L --keys
  lease timetolive $L --keys -w json
  lease timetolive $L --keys -w fields
  lease list
  lease list -w json
  lease list -w fields
  lease keep-alive --once $L
  lease keep-alive --once $L -w json
  lease keep-alive --once $L -w fields
  put lk1 v2 --ignore-lease
  put lk1 --ignore-value
  get lk1 -w json
  lease revoke $L
  lease revoke $L
  get lk --prefix
  lease timetolive $L
  lease grant 900
  lease revoke $L -w json
  lease grant 900
  lease revoke $L -w fields
  lease grant 900
  `),
  { line: 'lease keep-alive $L', streamMs: 1500 },
  { line: 'lease keep-alive $L -w json', streamMs: 1500 },
  { line: 'lease revoke $L' },
  { line: 'lease keep-alive $L', streamMs: 1500 },
];

const cluster = L(`
  member list
  member list -w json
  member list -w fields
  member list -w table
  member add
  member add x
  member add x y
  member add x --peer-urls=bad
  member add x --peer-urls=http://127.0.0.1:1/path
  member add x --peer-urls=http://127.0.0.1
  member remove
  member remove zz
  member remove 1234
  member promote
  member promote 1234
  member promote zz
  member update
  member
  member bogus
  endpoint status
  endpoint status -w json
  endpoint status -w fields
  endpoint status -w table
  endpoint status --cluster
  endpoint status --cluster -w json
  endpoint health -w json
  endpoint health -w fields
  endpoint health -w table
  endpoint health
  endpoint health --cluster
  endpoint hashkv
  endpoint hashkv -w json
  endpoint hashkv -w fields
  endpoint hashkv -w table
  endpoint hashkv --rev=2
  endpoint hashkv --cluster
  endpoint
  endpoint bogus
  move-leader
  move-leader zz
  move-leader 1234
  alarm list
  alarm list -w json
  alarm list -w table
  alarm disarm
  alarm disarm -w json
  alarm
  defrag
  defrag -w json
  defrag --cluster
  snapshot save
  snapshot save $TMP/snap.db
  snapshot status
  snapshot status $TMP/missing.db
  snapshot restore
  snapshot
  version
  version -w json
  version extra
`);

const general = L(`
  help
  help get
  help put
  help txn
  help watch
  help lease
  help lease grant
  help member add
  help endpoint status
  help snapshot restore
  help bogus
  help get foo
  get --help
  put -h
  lease grant --help
  member list --help
  endpoint health --help
  compaction --help
  defrag --help
  del --help
  move-leader --help
  alarm disarm --help
  version --help
  --help
  bogus
  gte foo
  lease bogus
  -w json get foo
  --write-out=fields get foo
  --hex get foo
  --command-timeout=10s get foo
  --dial-timeout=3s get foo
  --command-timeout=abc get foo
  -w json version
  --endpoints
  get foo --user=root:x --password=x -w json
  ge foo
  de nothing
  pu newkey newval
  get newkey
  l grant 10
  'get' "foo"
  get "fo"o
  get f\\oo
`);

// etcd derives a new member's ID from its peer URLs, the cluster name and the current second, so
// adding the same URLs twice answers "member ID already exist" within one second and "Peer URLs
// already exists" after it. The second add names another URL as well: a fresh ID, the same
// overlap, one answer whatever the timing.
const membership = [
  ...L(`
  member add learner1 --peer-urls=http://127.0.0.1:1 --learner
  member add learner1 --peer-urls=http://127.0.0.1:9,http://127.0.0.1:1 --learner
  member list -w table
  member list
  member list -w fields
  member add learner2 --peer-urls=http://127.0.0.1:2 --learner -w json
  `),
];

const leaderMoves = L(`
  endpoint status
  move-leader $ME
  move-leader $ME -w json
`);

/**
 * Run against clusters started with --quota-backend-bytes=100000: filling the backend raises
 * the NOSPACE alarm, which these lines list, check and disarm.
 */
export const alarmScript: CompatStep[] = [
  // How many puts fill the backend depends on its commit timing, so these are not compared.
  ...Array.from({ length: 16 }, (_, i) => ({ line: `put big${i} ${'x'.repeat(20000)}`, setup: true })),
  ...L(`
  alarm list
  alarm list -w json
  alarm list -w table
  endpoint health
  put small 1
  get small
  alarm disarm
  alarm list
  alarm disarm -w json
  `),
];

/** Bytes that are not plain ASCII: UTF-8 text, control characters, values from stdin. */
const bytes: CompatStep[] = [
  { line: 'put ключ значение' },
  { line: 'get ключ' },
  { line: 'get ключ -w fields' },
  { line: 'get ключ -w json' },
  { line: 'get ключ --hex' },
  { line: 'put emoji 😀✓' },
  { line: 'get emoji -w fields' },
  { line: 'put ctl', stdin: 'a\tb\x01\x7f\u200b\n' },
  { line: 'get ctl' },
  { line: 'get ctl -w fields' },
  { line: 'get ctl --hex' },
  { line: 'get ctl --hex -w fields' },
  { line: 'put multi', stdin: 'line1\nline2' },
  { line: 'get multi -w fields' },
  { line: String.raw`put "quote\"d" "back\\slash"` },
  { line: String.raw`get quote\"d -w fields` },
  { line: 'watch ключ --rev=1 -w fields', streamMs: 700 },
  { line: 'del --prefix ключ --prev-kv' },
  { line: '--bogus get foo' },
  { line: 'get foo --endpoints' },
  { line: '-w' },
  { line: 'get -- foo --prefix' },
  { line: 'put -- --key -value' },
  { line: 'get -- --key' },
];

export const compatScript: CompatStep[] = [
  ...watch,
  ...kv,
  ...txn,
  ...lease,
  ...leaseWithId,
  ...cluster,
  ...leaderMoves,
  ...general,
  ...bytes,
  ...compaction,
  { line: 'watch c1 --rev=1', streamMs: 700 },
  { line: 'endpoint hashkv -w json' },
  ...membership,
];

/** Run against 3-member clusters: per-endpoint commands, leadership and membership changes. */
export const clusterScript: CompatStep[] = [
  // Which member leads is chance; hand leadership to the first endpoint's member first.
  { line: 'endpoint status', setup: true },
  { line: 'move-leader $FIRST', setup: true },
  ...L(`
  put a 1
  endpoint status
  endpoint status -w json
  endpoint status -w table
  endpoint status -w fields
  endpoint status --cluster
  endpoint hashkv
  endpoint hashkv -w table
  endpoint health
  endpoint health -w fields
  member list
  defrag
  alarm list
  move-leader $FOLLOWER
  endpoint status
  move-leader $LEADER
  move-leader 1234
  get a --consistency=s
  member add m4 --peer-urls=http://127.0.0.1:1
  member list
  member remove $M
  member add m5 --peer-urls=http://127.0.0.1:2 --learner
  member promote $M
  member remove $M -w json
  member list -w table
  snapshot save $TMP/three.db
  get a -w json
`),
];
