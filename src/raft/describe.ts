import type { ConfState, Entry, HardState, Message, Ready, Snapshot } from './types.ts';

/**
 * One human line for a Message, Entry, Ready, HardState or Snapshot, for logs, the trace and UI
 * tooltips, e.g. `n1→n2 MsgApp t3 idx5/lt3 commit4 entries[6..8]`. Not for hot paths.
 */
export function describe(x: Message | Entry | Ready | HardState | Snapshot): string {
  if ('committedEntries' in x) return describeReady(x);
  if ('metadata' in x) return describeSnapshot(x);
  if ('vote' in x) return describeHardState(x);
  if ('to' in x) return describeMessage(x);
  return describeEntry(x);
}

const node = (id: string) => `n${id}`;

function range(ents: Entry[]): string {
  if (ents.length === 0) return '[]';
  const first = ents[0]!.index;
  const last = ents[ents.length - 1]!.index;
  return first === last ? `[${first}]` : `[${first}..${last}]`;
}

function quote(data: string, max = 24): string {
  const shown = data.length > max ? `${data.slice(0, max)}…` : data;
  return JSON.stringify(shown);
}

export function describeMessage(m: Message): string {
  let s = `${node(m.from)}→${node(m.to)} ${m.type} t${m.term}`;
  switch (m.type) {
    case 'MsgApp':
      s += ` idx${m.index}/lt${m.logTerm} commit${m.commit}`;
      if (m.entries.length > 0) s += ` entries${range(m.entries)}`;
      break;
    case 'MsgAppResp':
      s += ` idx${m.index}`;
      if (m.reject) s += ` rejected hint${m.rejectHint}/lt${m.logTerm}`;
      break;
    case 'MsgVote':
    case 'MsgPreVote':
      s += ` idx${m.index}/lt${m.logTerm}`;
      if (m.context) s += ` ctx=${quote(m.context)}`;
      break;
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      s += m.reject ? ' rejected' : ' granted';
      break;
    case 'MsgHeartbeat':
      s += ` commit${m.commit}`;
      if (m.context) s += ` ctx=${quote(m.context)}`;
      break;
    case 'MsgHeartbeatResp':
      if (m.context) s += ` ctx=${quote(m.context)}`;
      break;
    case 'MsgSnap':
      if (m.snapshot) s += ` ${describeSnapshot(m.snapshot)}`;
      break;
    case 'MsgSnapStatus':
      s += m.reject ? ' failure' : ' finish';
      break;
    case 'MsgProp':
      s += ` entries${range(m.entries)}×${m.entries.length}`;
      break;
    case 'MsgReadIndex':
      if (m.entries.length > 0) s += ` ctx=${quote(m.entries[0]!.data)}`;
      break;
    case 'MsgReadIndexResp':
      s += ` idx${m.index}`;
      if (m.entries.length > 0) s += ` ctx=${quote(m.entries[0]!.data)}`;
      break;
    default:
      break;
  }
  return s;
}

export function describeEntry(e: Entry): string {
  let s = `${e.term}/${e.index} ${e.type}`;
  if (e.type === 'EntryConfChange') {
    try {
      const cc = JSON.parse(e.data) as { type: string; node_id: string };
      s += ` ${cc.type} ${node(cc.node_id)}`;
    } catch {
      s += ` ${quote(e.data)}`;
    }
  } else {
    s += e.data === '' ? ' (empty)' : ` ${quote(e.data)}`;
  }
  return s;
}

export function describeHardState(hs: HardState): string {
  return `HardState t${hs.term} vote ${hs.vote === '0' ? '-' : node(hs.vote)} commit${hs.commit}`;
}

function describeConfState(cs: ConfState): string {
  const voters = cs.voters.map(node).join(',');
  const learners = cs.learners.map(node).join(',');
  return `voters[${voters}]${learners ? ` learners[${learners}]` : ''}`;
}

export function describeSnapshot(s: Snapshot): string {
  return `snap idx${s.metadata.index}/t${s.metadata.term} ${describeConfState(s.metadata.conf_state)} data ${s.data.length}B`;
}

export function describeReady(rd: Ready): string {
  const parts = ['Ready'];
  if (rd.softState) {
    const lead = rd.softState.lead === '0' ? '-' : node(rd.softState.lead);
    parts.push(`${rd.softState.raft_state} lead ${lead}`);
  }
  if (rd.hardState) parts.push(describeHardState(rd.hardState));
  if (rd.snapshot) parts.push(describeSnapshot(rd.snapshot));
  if (rd.entries.length > 0) parts.push(`entries${range(rd.entries)}`);
  if (rd.committedEntries.length > 0) parts.push(`committed${range(rd.committedEntries)}`);
  if (rd.messages.length > 0) parts.push(`msgs ${rd.messages.length}`);
  if (rd.readStates.length > 0) parts.push(`reads ${rd.readStates.length}`);
  if (rd.mustSync) parts.push('sync');
  return parts.join(' ');
}
