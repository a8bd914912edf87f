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
    const s = { members: 5, seed: 42, tickMs: 100, electionTicks: 10, heartbeatTicks: 1, preVote: true, checkQuorum: true, snapshotCount: 10000, snapshotCatchUpEntries: 5000, durability: 'strict' as const, quotaBackendBytes: 2 ** 31, requestTimeoutMs: 5000, walFsyncMs: 2, unsafe: [] };
    const q = settingsToQuery({ ...s, preVote: false }, s);
    expect(q).toBe('?members=5&seed=42&preVote=0');
    expect(parseSettingsQuery(q).settings).toEqual({ members: 5, seed: 42, preVote: false });
  });
  it('carries the safety switches that are on, and refuses an unknown one by name', () => {
    const s = { members: 3, seed: 1, tickMs: 100, electionTicks: 10, heartbeatTicks: 1, preVote: true, checkQuorum: true, snapshotCount: 10000, snapshotCatchUpEntries: 5000, durability: 'strict' as const, quotaBackendBytes: 2 ** 31, requestTimeoutMs: 5000, walFsyncMs: 2, unsafe: [] };
    const q = settingsToQuery({ ...s, unsafe: ['commitOldTerm', 'skipReadIndex'] }, s);
    expect(q).toBe('?members=3&seed=1&unsafe=commitOldTerm%2CskipReadIndex');
    expect(parseSettingsQuery(q).settings).toEqual({ members: 3, seed: 1, unsafe: ['commitOldTerm', 'skipReadIndex'] });
    // Turning every switch off again must reach the URL too.
    expect(settingsToQuery(s, { ...s, unsafe: ['skipReadIndex'] })).toBe('?members=3&seed=1&unsafe=');
    const bad = parseSettingsQuery('?unsafe=skipReadIndex,noWal');
    expect(bad.settings).toEqual({});
    expect(bad.errors).toEqual([expect.stringMatching(/unknown safety switch "noWal"/)]);
  });
  it('reads the page layout: embed and projector', () => {
    expect(parseViewQuery('?embed=1&seed=3')).toEqual({ embed: true, projector: false });
    expect(parseViewQuery('?projector=true')).toEqual({ embed: false, projector: true });
    expect(parseViewQuery('?embed=0')).toEqual({ embed: false, projector: false });
  });
});
