/**
 * Which etcdctl commands change a real cluster. Live mode starts read-only: a command that writes
 * is refused until the user switches read-only off, and one that destroys data or changes the
 * cluster's shape (delete, txn, compaction, defragment, member and alarm changes, leadership and
 * lease revocation) also asks for confirmation. The client itself refuses writes as well
 * (readOnlyClient), so a command this table missed still cannot write.
 */
import { argvFromLine, knownCommandPaths } from '../client/etcdctl/runEtcdctl.ts';

export type CommandSafety = 'read' | 'write' | 'destructive';

const WRITES = new Set(['put', 'lease grant', 'lease keep-alive']);
const DESTRUCTIVE: Record<string, string> = {
  del: 'deletes keys',
  txn: 'may write and delete keys',
  compaction: 'discards the history of every key before a revision, for good',
  defrag: 'rewrites each member\'s database; the member stops serving while it runs',
  'lease revoke': 'revokes a lease and deletes every key attached to it',
  'member add': 'changes the cluster\'s membership (and its quorum)',
  'member remove': 'removes a member from the cluster (and changes its quorum)',
  'member update': 'changes a member\'s peer URLs',
  'member promote': 'makes a learner a voting member (and changes the quorum)',
  'move-leader': 'moves leadership to another member',
  'alarm disarm': 'clears the cluster\'s alarms (a NOSPACE alarm hides a full disk)',
};

export interface CommandCheck {
  /** The command's path (`put`, `lease grant`), or '' when the line names none. */
  path: string;
  safety: CommandSafety;
  /** What a destructive command does, for the confirmation. */
  effect?: string;
}

const paths = new Set(knownCommandPaths);

/** The command path of an etcdctl line: its first words that name a command (flags skipped). */
export function commandPath(line: string): string {
  const r = argvFromLine(line);
  if (!r.ok) return '';
  const words = r.argv.filter((w) => !w.startsWith('-'));
  for (let i = 0; i < words.length; i++) {
    const two = `${words[i]} ${words[i + 1] ?? ''}`;
    if (paths.has(two)) return two;
    if (paths.has(words[i]!)) return words[i]!;
  }
  return '';
}

export function checkCommand(line: string): CommandCheck {
  const path = commandPath(line);
  if (path in DESTRUCTIVE) return { path, safety: 'destructive', effect: DESTRUCTIVE[path]! };
  if (WRITES.has(path) || /^(user|role|auth) (add|delete|grant|revoke|grant-permission|revoke-permission|passwd|enable|disable)/.test(path)) return { path, safety: 'write' };
  return { path, safety: 'read' };
}

/** The console's words when read-only refuses a command. */
export function readOnlyRefusal(path: string): string {
  return `live mode is read-only: "${path}" would change the cluster. Switch read-only off (above the console) to run it.`;
}
