/**
 * Clock drift: a member whose clock runs at another rate than virtual time. Its ticks (the
 * heartbeat and election clocks of Raft) come `rate` times as often; messages, disks and the
 * other members keep virtual time. Raft's safety never depends on clocks, so drift alone only
 * changes who times out first; a rule that trusts clocks (lease reads, safety switch 4) breaks.
 */

/** The slowest and fastest clocks a member may have (a quarter and four times virtual time). */
export const CLOCK_RATE_MIN = 0.25;
export const CLOCK_RATE_MAX = 4;

export function isClockRate(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= CLOCK_RATE_MIN && v <= CLOCK_RATE_MAX;
}

/** Virtual ms between a drifting member's ticks (at least 1). */
export function clockTickMs(tickMs: number, rate: number): number {
  return Math.max(1, Math.round(tickMs / rate));
}
