/**
 * The console's line editing: history navigation with the arrow keys and tab completion of
 * etcdctl 3.4 commands and flags. Pure functions over plain data.
 */

/** etcdctl 3.4's commands (first word) and their subcommands. */
export const etcdctlCommands: Record<string, string[]> = {
  get: [],
  put: [],
  del: [],
  txn: [],
  compaction: [],
  watch: [],
  lease: ['grant', 'revoke', 'timetolive', 'list', 'keep-alive'],
  member: ['add', 'remove', 'update', 'list', 'promote'],
  endpoint: ['health', 'status', 'hashkv'],
  alarm: ['disarm', 'list'],
  defrag: [],
  snapshot: ['save', 'restore', 'status'],
  'move-leader': [],
  lock: [],
  elect: [],
  version: [],
  help: [],
};

const globalFlags = ['--endpoints', '--write-out', '--hex', '--command-timeout', '--dial-timeout', '--keepalive-time', '--debug'];

const commandFlags: Record<string, string[]> = {
  get: ['--prefix', '--from-key', '--limit', '--rev', '--keys-only', '--print-value-only', '--count-only', '--sort-by', '--order', '--consistency'],
  put: ['--lease', '--prev-kv', '--ignore-value', '--ignore-lease'],
  del: ['--prefix', '--prev-kv', '--from-key'],
  txn: ['--interactive'],
  compaction: ['--physical'],
  watch: ['--prefix', '--rev', '--prev-kv', '--interactive', '--progress-notify'],
  'lease keep-alive': ['--once'],
  'lease timetolive': ['--keys'],
  'member add': ['--peer-urls', '--learner'],
  'member update': ['--peer-urls'],
  endpoint: ['--cluster'],
  'endpoint health': ['--cluster'],
  'endpoint status': ['--cluster'],
  'endpoint hashkv': ['--cluster', '--rev'],
};

export interface HistoryCursor {
  /** Index into history while browsing; history.length means "the line being typed". */
  index: number;
  /** What was being typed before browsing started. */
  draft: string;
}

/** Up (-1) or down (+1) through history; returns the line to show and the new cursor. */
export function browseHistory(history: readonly string[], cursor: HistoryCursor, current: string, dir: -1 | 1): { line: string; cursor: HistoryCursor } {
  const draft = cursor.index >= history.length ? current : cursor.draft;
  const index = Math.max(0, Math.min(history.length, cursor.index + dir));
  const line = index >= history.length ? draft : history[index]!;
  return { line, cursor: { index, draft } };
}

/** Adds a run command to history (skipping blanks and immediate repeats), bounded. */
export function pushHistory(history: readonly string[], line: string, max = 200): string[] {
  const l = line.trim();
  if (!l || history[history.length - 1] === l) return history as string[];
  const out = [...history, l];
  return out.length > max ? out.slice(out.length - max) : out;
}

export interface Completion {
  /** The line after completing (unchanged when ambiguous and no common prefix extends it). */
  line: string;
  /** Every candidate for the word being completed (shown when there are several). */
  candidates: string[];
}

function commonPrefix(words: readonly string[]): string {
  if (words.length === 0) return '';
  let p = words[0]!;
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/**
 * Completes the last word of `line`: a command in first position, a subcommand in second, a flag
 * when the word starts with '-'. A leading "etcdctl" is allowed and kept.
 */
export function complete(line: string): Completion {
  const lead = /^(\s*etcdctl\s+)?/.exec(line)![0];
  const rest = line.slice(lead.length);
  const words = rest.split(/\s+/);
  const word = words[words.length - 1] ?? '';
  const before = rest.slice(0, rest.length - word.length);
  const positional = words.slice(0, -1).filter((w) => w && !w.startsWith('-'));
  let pool: string[];
  if (word.startsWith('-')) {
    const cmd = positional[0] ?? '';
    const sub = positional[1] ?? '';
    pool = [...(commandFlags[`${cmd} ${sub}`] ?? []), ...(commandFlags[cmd] ?? []), ...globalFlags];
  } else if (positional.length === 0) {
    pool = Object.keys(etcdctlCommands);
  } else if (positional.length === 1 && (etcdctlCommands[positional[0]!]?.length ?? 0) > 0) {
    pool = etcdctlCommands[positional[0]!]!;
  } else {
    return { line, candidates: [] };
  }
  const candidates = [...new Set(pool)].filter((c) => c.startsWith(word)).sort();
  if (candidates.length === 0) return { line, candidates };
  if (candidates.length === 1) {
    const c = candidates[0]!;
    return { line: `${lead}${before}${c}${c.endsWith('=') ? '' : ' '}`, candidates };
  }
  const p = commonPrefix(candidates);
  return { line: `${lead}${before}${p.length > word.length ? p : word}`, candidates };
}

/** etcdctl reads a txn's compares and operations from stdin: does this line need a stdin editor? */
export function needsStdin(line: string): boolean {
  const words = line.trim().replace(/^etcdctl\s+/, '').split(/\s+/);
  return words[0] === 'txn';
}
