/**
 * The course's glossary: every term a lesson links with `[[term]]`. Definitions are short and
 * say what the term means in etcd and in this playground, for someone new to distributed
 * systems. Lessons are checked against this list (lessonFormat.ts), so a link never dangles.
 */
export interface GlossaryEntry {
  term: string;
  /** Other words a lesson may link that mean this entry (plural forms, etcd's spelling). */
  aliases?: string[];
  text: string;
  /** Where to see it in the playground. */
  see?: string;
}

export const GLOSSARY: readonly GlossaryEntry[] = [
  {
    term: 'cluster',
    text: 'A group of etcd members that keep one copy of the same data together. Clients may talk to any member.',
    see: 'The circles in the middle of the page are the members of one cluster.',
  },
  {
    term: 'member',
    aliases: ['members'],
    text: 'One etcd server in a cluster. Each member has its own disk: its own log and its own copy of the keys.',
    see: 'Click a member to open its inspector.',
  },
  {
    term: 'learner',
    aliases: ['learners'],
    text: 'A member that receives the log but does not vote and does not count for the quorum. etcd adds new members as learners, so a member still catching up cannot stall the cluster.',
    see: 'Inspector → Add learner, or etcdctl member add --learner; then member promote.',
  },
  {
    term: 'membership change',
    aliases: ['membership changes'],
    text: 'Adding or removing a member. It is an entry in the Raft log like a write, so every member applies it at the same point.',
    see: 'etcdctl member add, member promote, member remove; the Inspector has buttons for each.',
  },
  {
    term: 'Raft',
    text: 'The rules etcd uses so that members agree on one order of changes, even when some of them crash or cannot talk.',
  },
  {
    term: 'leader',
    text: 'The one member that takes in new changes and sends them to the others. A cluster has at most one leader in each term.',
    see: 'The leader wears a crown.',
  },
  {
    term: 'follower',
    aliases: ['followers'],
    text: 'A member that is not the leader. It copies what the leader sends and answers it.',
  },
  {
    term: 'candidate',
    text: 'A member that asks the others to vote for it, because it heard nothing from a leader for too long.',
  },
  {
    term: 'term',
    aliases: ['terms'],
    text: 'A number that counts elections. Each election starts a new, higher term. A member that sees a higher term than its own moves to it at once.',
    see: 'The bands on the timeline are terms.',
  },
  {
    term: 'election',
    aliases: ['elections'],
    text: 'How a cluster picks a leader: a candidate asks for votes, and it wins when a quorum votes for it.',
  },
  {
    term: 'vote',
    aliases: ['votes'],
    text: 'A member gives at most one vote per term, and only to a candidate whose log is at least as up to date as its own.',
  },
  {
    term: 'election timeout',
    aliases: ['election timeouts'],
    text: 'How long a follower waits without hearing from a leader before it starts an election. Each member draws its own timeout at random, so usually one member starts first and wins.',
    see: 'The ring around a follower fills up as its timeout runs.',
  },
  {
    term: 'heartbeat',
    aliases: ['heartbeats'],
    text: 'A small message the leader sends often (every 100 ms here) to say "I am still here". It resets the followers\' election timeouts.',
  },
  {
    term: 'quorum',
    aliases: ['majority'],
    text: 'More than half of the voting members: 2 of 3, 3 of 5. A change is safe once a quorum has it, because any two quorums share a member.',
  },
  {
    term: 'log',
    text: 'The ordered list of changes a member has received. The leader\'s log is copied to the followers, entry by entry.',
    see: 'The row of small boxes under each member is the end of its log.',
  },
  {
    term: 'log entry',
    aliases: ['entry', 'entries'],
    text: 'One change in the log, such as "put x=1", with its index (its place in the log) and the term it was created in.',
  },
  {
    term: 'proposal',
    text: 'A change a member asks the leader to add to the log. Only the leader appends new entries.',
  },
  {
    term: 'replication',
    aliases: ['replicate', 'replicated'],
    text: 'Copying the leader\'s log entries to the followers, with MsgApp messages. Each follower answers how far its log now matches.',
  },
  {
    term: 'commit',
    aliases: ['committed'],
    text: 'An entry is committed once a quorum of members has it on disk. A committed entry is never lost or changed, whatever crashes later.',
  },
  {
    term: 'commit index',
    text: 'The index of the last committed entry that a member knows of. Followers learn it from the leader.',
  },
  {
    term: 'apply',
    aliases: ['applied'],
    text: 'Carrying out a committed entry on the member\'s copy of the keys. Every member applies the same entries in the same order, so all copies agree.',
  },
  {
    term: 'WAL',
    aliases: ['write-ahead log'],
    text: 'The write-ahead log: the file where a member writes each entry before it answers. After a crash the member reads its WAL to get back what it had promised.',
    see: 'The Storage tab of a member\'s inspector lists its WAL records.',
  },
  {
    term: 'fsync',
    text: 'Asking the disk to really store what was written, not just keep it in memory. It takes time, and etcd waits for it before it answers.',
  },
  {
    term: 'partition',
    aliases: ['network partition', 'split'],
    text: 'The network splits the members into groups that cannot reach each other. Each group goes on alone.',
    see: 'Drag a member away from the others to make one.',
  },
  {
    term: 'pre-vote',
    text: 'Before a real election, a member first asks whether it could win. A member cut off from the others then does not raise its term and disturb the cluster when it returns.',
  },
  {
    term: 'check quorum',
    text: 'A leader that has not heard from a quorum for a whole election timeout steps down, so a leader cut off from the others stops acting as leader.',
  },
  {
    term: 'key',
    aliases: ['keys'],
    text: 'A name under which etcd stores a value, such as "x" or "/registry/pods/default/web". Keys are kept in sorted order.',
  },
  {
    term: 'MVCC',
    text: 'Multi-version concurrency control: etcd keeps old versions of each key, each stamped with the revision that wrote it, so you can read the past.',
  },
  {
    term: 'revision',
    aliases: ['revisions'],
    text: 'A counter for the whole key space. Every change (put, delete, txn) moves it up by one, and each version of a key remembers the revision that made it.',
  },
  {
    term: 'version',
    text: 'How many times a key was written since it was created: 1 after the first put, 2 after the second. A delete resets it.',
  },
  {
    term: 'compaction',
    aliases: ['compact', 'compacts', 'compacted'],
    text: 'Throwing away the versions of keys older than a given revision, to free space. Reads and watches of a compacted revision fail; the newest values stay.',
  },
  {
    term: 'watch',
    aliases: ['watches', 'watcher'],
    text: 'A stream of the changes to a key or a range of keys, from a revision on. etcd sends each change once, in revision order.',
  },
  {
    term: 'txn',
    aliases: ['transaction'],
    text: 'A transaction: compares, then operations to run if they all hold, and operations to run if not. etcd runs it at once, as one change at one revision.',
  },
  {
    term: 'lease',
    aliases: ['leases', 'TTL'],
    text: 'A timer with a TTL (time to live) that keys can be attached to. A client keeps it alive by sending keep-alives; when it runs out, the leader revokes it and its keys are deleted.',
  },
  {
    term: 'snapshot',
    aliases: ['snapshots'],
    text: 'A copy of a member\'s whole state at one log index. With it the member can drop the log entries before that index; a follower too far behind is sent the snapshot instead.',
  },
  {
    term: 'serializable read',
    text: 'A read a member answers from its own copy, without asking the leader. Fast, but it may be old.',
  },
  {
    term: 'linearizable read',
    text: 'A read that is sure to see every write that finished before it started. The member first checks with the leader (ReadIndex). This is etcd\'s default.',
  },
  {
    term: 'ReadIndex',
    text: 'How etcd serves a linearizable read. The leader notes its commit index, then checks with a quorum that it is still the leader. The read is answered once the member has applied up to that index.',
    see: 'Safety switch 3 (Settings, Unsafe experiments) turns it off; the lesson "Why a leader asks before it answers a read" shows what goes wrong.',
  },
  {
    term: 'leader lease',
    text: 'A promise a leader counts on its own clock: the followers that just answered its heartbeat will not vote for anyone else for one election timeout, so for that long no other leader can exist. Not the same as an etcd lease, which is a TTL for keys.',
    see: 'Safety switch 4 lets a leader answer reads from its lease; the lesson "Why a leader does not trust its own clock" shows when that breaks.',
  },
  {
    term: 'clock drift',
    text: 'Two clocks that run at different rates. A member whose clock runs fast thinks more time has passed than has: its timeouts end early.',
    see: 'Members → clock sets a member\'s clock rate. Raft stays safe with any drift; a leader lease does not.',
  },
  {
    term: 'stale read',
    aliases: ['stale reads'],
    text: 'A read that returns a value that was already overwritten by a write that had finished. A serializable read may be stale; a linearizable read never is.',
    see: 'The history lane under the timeline turns red and names the operations when it finds one.',
  },
  {
    term: 'etcdctl',
    text: 'etcd\'s command-line client. The console under the cluster runs etcdctl 3.4 against this cluster and prints what the real etcdctl prints.',
  },
  {
    term: 'safety switch',
    aliases: ['safety switches'],
    text: 'A switch in this playground that turns off one of the rules that keep etcd correct, to show what the rule is for. Never part of a real etcd.',
    see: 'Settings → Unsafe experiments. The top bar says "unsafe" while one is on.',
  },
  {
    term: 'leader completeness',
    text: 'A rule Raft guarantees: an entry that was committed is in the log of every later leader. So a new leader never lacks a write the cluster already confirmed.',
    see: 'One of the Raft safety lights at the top right of the cluster.',
  },
  {
    term: 'leader transfer',
    text: 'The leader hands its role to a chosen follower on purpose (etcdctl move-leader), for example before it is shut down for maintenance.',
  },
];

const byTerm = new Map<string, GlossaryEntry>();
for (const e of GLOSSARY) {
  byTerm.set(e.term.toLowerCase(), e);
  for (const a of e.aliases ?? []) byTerm.set(a.toLowerCase(), e);
}

/** The entry a `[[term]]` link names (case does not matter), or undefined. */
export function glossaryTerm(term: string): GlossaryEntry | undefined {
  return byTerm.get(term.trim().toLowerCase());
}
