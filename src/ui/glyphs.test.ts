import { describe, expect, it } from 'vitest';
import { glyphFor, glyphPath, legendGlyphs } from './glyphs.ts';

describe('glyphFor', () => {
  it('tells vote, pre-vote, append, heartbeat, snapshot, timeout-now and read-index apart by shape or label', () => {
    const types = ['MsgVote', 'MsgVoteResp', 'MsgPreVote', 'MsgPreVoteResp', 'MsgApp', 'MsgAppResp', 'MsgHeartbeat', 'MsgHeartbeatResp', 'MsgSnap', 'MsgTimeoutNow', 'MsgReadIndex', 'MsgReadIndexResp'];
    const seen = new Set(types.map((t) => `${glyphFor(t).shape}/${glyphFor(t).label}`));
    expect(seen.size).toBe(types.length);
    expect(glyphFor('MsgVoteResp').response).toBe(true);
  });
  it('recognises client requests, answers and watch events', () => {
    expect(glyphFor('client:put').family).toBe('client');
    expect(glyphFor('client:reply', 'reply#3 ok').response).toBe(true);
    expect(glyphFor('watch:event').family).toBe('watch');
    expect(glyphFor('something-new').family).toBe('other');
  });
  it('has a path for every legend glyph', () => {
    for (const g of legendGlyphs()) expect(glyphPath(g.shape, 5)).toMatch(/^M.*Z$/);
  });
});
