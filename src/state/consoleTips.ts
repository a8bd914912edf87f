/**
 * Hints the console adds under a command that hit a trap a newcomer falls into. etcdctl's own
 * output is left exactly as etcdctl prints it; the hint says what to do in this page.
 */
export interface TipContext {
  /** The console's endpoint menu: '' is all members. */
  endpoint: string;
  /** Snapshot files this page holds (saved by `snapshot save` or opened from disk). */
  files: readonly string[];
}

export function consoleTip(command: string, stderr: string, exitCode: number, ctx: TipContext): string | undefined {
  if (exitCode === 0) return undefined;
  const args = command.trim().split(/\s+/);
  if (/snapshot must be requested to one selected node/.test(stderr)) {
    return ctx.endpoint === ''
      ? 'The console talks to all members, and a snapshot comes from one. Pick one member in the endpoint menu above, or add --endpoints=m1:2379 to the command.'
      : 'A snapshot comes from one member: give --endpoints a single member, e.g. --endpoints=m1:2379.';
  }
  if (args[0] === 'snapshot' && (args[1] === 'status' || args[1] === 'restore') && /no such file or directory/.test(stderr)) {
    const saved = ctx.files.length > 0 ? `Files here: ${ctx.files.join(', ')}.` : 'No snapshot file is here yet.';
    return `${saved} Save one with "snapshot save <file>" (one member as endpoint), or open a downloaded one with "Open…" above.`;
  }
  return undefined;
}
