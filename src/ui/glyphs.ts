/**
 * What a message in flight looks like. Shape and label tell the type (so colour is never the only
 * cue); the family picks the colour.
 */
export type GlyphShape = 'circle' | 'diamond' | 'square' | 'triangle' | 'hexagon' | 'pill';
export type GlyphFamily = 'vote' | 'append' | 'heartbeat' | 'snapshot' | 'transfer' | 'read' | 'client' | 'watch' | 'other';

export interface Glyph {
  shape: GlyphShape;
  /** One to three characters drawn on the glyph. */
  label: string;
  family: GlyphFamily;
  /** A response rather than a request (drawn hollow). */
  response: boolean;
  /** Human name for tooltips and narration. */
  name: string;
}

const raftGlyphs: Record<string, Glyph> = {
  MsgVote: { shape: 'diamond', label: 'V', family: 'vote', response: false, name: 'vote request' },
  MsgVoteResp: { shape: 'diamond', label: 'v', family: 'vote', response: true, name: 'vote response' },
  MsgPreVote: { shape: 'diamond', label: 'PV', family: 'vote', response: false, name: 'pre-vote request' },
  MsgPreVoteResp: { shape: 'diamond', label: 'pv', family: 'vote', response: true, name: 'pre-vote response' },
  MsgApp: { shape: 'square', label: 'A', family: 'append', response: false, name: 'append entries' },
  MsgAppResp: { shape: 'square', label: 'a', family: 'append', response: true, name: 'append response' },
  MsgHeartbeat: { shape: 'circle', label: 'H', family: 'heartbeat', response: false, name: 'heartbeat' },
  MsgHeartbeatResp: { shape: 'circle', label: 'h', family: 'heartbeat', response: true, name: 'heartbeat response' },
  MsgSnap: { shape: 'hexagon', label: 'S', family: 'snapshot', response: false, name: 'snapshot' },
  MsgTimeoutNow: { shape: 'triangle', label: 'TN', family: 'transfer', response: false, name: 'timeout-now' },
  MsgTransferLeader: { shape: 'triangle', label: 'TL', family: 'transfer', response: false, name: 'transfer leader' },
  MsgReadIndex: { shape: 'pill', label: 'RI', family: 'read', response: false, name: 'read index' },
  MsgReadIndexResp: { shape: 'pill', label: 'ri', family: 'read', response: true, name: 'read index response' },
  MsgProp: { shape: 'square', label: 'P', family: 'client', response: false, name: 'proposal' },
};

/** The glyph for a FlightView type: a raft message type, 'client:<op>', 'watch:<what>', or the wire kind. */
export function glyphFor(type: string, text = ''): Glyph {
  const raft = raftGlyphs[type];
  if (raft) return raft;
  const t = type.toLowerCase();
  const s = `${t} ${text.toLowerCase()}`;
  if (t === 'watch:event' || (/watchresp/.test(s) && !/ ev0/.test(s))) {
    return { shape: 'circle', label: 'W', family: 'watch', response: false, name: 'watch event' };
  }
  if (t.startsWith('watch') || /watchresp|watch#|watchclose/.test(s)) {
    const response = /resp/.test(s);
    return { shape: 'circle', label: 'w', family: 'watch', response: true, name: response ? 'watch response' : t === 'watch:close' ? 'watch close' : 'watch request' };
  }
  if (/reply|response|result|fwdreply/.test(s)) {
    return { shape: 'pill', label: 'R', family: 'client', response: true, name: 'client response' };
  }
  if (t.startsWith('client') || /^req#|fwd#|request|peerrequest/.test(s)) {
    return { shape: 'pill', label: 'C', family: 'client', response: false, name: 'client request' };
  }
  return { shape: 'circle', label: '·', family: 'other', response: false, name: type || 'message' };
}

/** Every glyph, for the legend. */
export function legendGlyphs(): Glyph[] {
  return [
    raftGlyphs.MsgVote!,
    raftGlyphs.MsgPreVote!,
    raftGlyphs.MsgApp!,
    raftGlyphs.MsgHeartbeat!,
    raftGlyphs.MsgSnap!,
    raftGlyphs.MsgTimeoutNow!,
    raftGlyphs.MsgReadIndex!,
    glyphFor('client:put'),
    glyphFor('client:reply', 'reply'),
    glyphFor('watch:event'),
  ];
}

/** SVG path for a glyph's outline centred at the origin, of half-size `s`. */
export function glyphPath(shape: GlyphShape, s: number): string {
  switch (shape) {
    case 'circle':
      return `M${-s},0A${s},${s} 0 1 0 ${s},0A${s},${s} 0 1 0 ${-s},0Z`;
    case 'diamond':
      return `M0,${-s * 1.25}L${s * 1.25},0L0,${s * 1.25}L${-s * 1.25},0Z`;
    case 'square':
      return `M${-s},${-s}H${s}V${s}H${-s}Z`;
    case 'triangle':
      return `M0,${-s * 1.3}L${s * 1.2},${s * 0.9}L${-s * 1.2},${s * 0.9}Z`;
    case 'hexagon': {
      const pts: string[] = [];
      for (let i = 0; i < 6; i++) {
        const a = (Math.PI / 3) * i;
        pts.push(`${(s * 1.15 * Math.cos(a)).toFixed(2)},${(s * 1.15 * Math.sin(a)).toFixed(2)}`);
      }
      return `M${pts.join('L')}Z`;
    }
    case 'pill':
      return `M${-s * 0.7},${-s * 0.8}H${s * 0.7}A${s * 0.8},${s * 0.8} 0 0 1 ${s * 0.7},${s * 0.8}H${-s * 0.7}A${s * 0.8},${s * 0.8} 0 0 1 ${-s * 0.7},${-s * 0.8}Z`;
  }
}
