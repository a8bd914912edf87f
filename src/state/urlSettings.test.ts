import { describe, expect, it } from 'vitest';
import { parseSettingsQuery, parseViewQuery, settingsToQuery } from './urlSettings.ts';

describe('settings in the URL', () => {
  it('parses members, seed and flags', () => {
    const r = parseSettingsQuery('?members=5&seed=42&preVote=0&durability=relaxed');
    expect(r.errors).toEqual([]);
    expect(r.settings).toEqual({ members: 5, seed: 42, preVote: false, durability: 'relaxed' });
  });
  it('reports malformed values and leaves them out', () => {
    const r = parseSettingsQuery('?members=abc&seed=-1&checkQuorum=maybe');
    expect(r.settings).toEqual({});
    expect(r.errors).toHaveLength(3);
    expect(r.errors[0]).toMatch(/members/);
  });
  it('writes what differs from the defaults, always members and seed', () => {
    const s = { members: 5, seed: 42, tickMs: 100, electionTicks: 10, heartbeatTicks: 1, preVote: true, checkQuorum: true, snapshotCount: 10000, snapshotCatchUpEntries: 5000, durability: 'strict' as const, quotaBackendBytes: 2 ** 31, requestTimeoutMs: 5000, walFsyncMs: 2 };
    const q = settingsToQuery({ ...s, preVote: false }, s);
    expect(q).toBe('?members=5&seed=42&preVote=0');
    expect(parseSettingsQuery(q).settings).toEqual({ members: 5, seed: 42, preVote: false });
  });
  it('reads the page layout: embed and projector', () => {
    expect(parseViewQuery('?embed=1&seed=3')).toEqual({ embed: true, projector: false });
    expect(parseViewQuery('?projector=true')).toEqual({ embed: false, projector: true });
    expect(parseViewQuery('?embed=0')).toEqual({ embed: false, projector: false });
  });
});
