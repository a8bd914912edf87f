import { describe, expect, it } from 'vitest';
import { consoleTip } from './consoleTips.ts';

describe('consoleTip', () => {
  const multi = 'Error: snapshot must be requested to one selected node, not multiple [m1:2379 m2:2379 m3:2379]\n';
  it('says how to pick one member when snapshot save is sent to all', () => {
    expect(consoleTip('snapshot save a.db', multi, 2, { endpoint: '', files: [] })).toMatch(/endpoint menu/);
    expect(consoleTip('--endpoints=m1:2379,m2:2379 snapshot save a.db', multi, 2, { endpoint: 'm1', files: [] })).toMatch(/single member/);
  });
  it('lists the files the page holds when a snapshot file is missing', () => {
    const err = 'Error: stat b.db: no such file or directory\n';
    expect(consoleTip('snapshot status b.db', err, 1, { endpoint: '', files: ['a.db'] })).toMatch(/Files here: a\.db\./);
    expect(consoleTip('snapshot restore b.db', err, 1, { endpoint: '', files: [] })).toMatch(/No snapshot file is here yet/);
  });
  it('adds nothing to a command that succeeded or failed for another reason', () => {
    expect(consoleTip('snapshot save a.db', '', 0, { endpoint: 'm1', files: [] })).toBeUndefined();
    expect(consoleTip('get', 'Error: get command needs one argument as key and an optional argument as range_end\n', 1, { endpoint: '', files: [] })).toBeUndefined();
  });
});
