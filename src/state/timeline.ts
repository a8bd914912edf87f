/**
 * The timeline's data: terms and leaders as bands over virtual time, and markers for elections,
 * partitions, crashes and restarts. Built from what the UI observed (member summaries sampled per
 * frame, and trace events), kept bounded.
 */
import type { MemberInfo, PlaygroundEvent } from './types.ts';

/** Invariant: bands are in time order, do not overlap, and endMs >= startMs. */
export interface TermBand {
  term: number;
  /** '' while there is no leader. */
  leader: string;
  startMs: number;
  endMs: number;
}

export type MarkerKind = 'election' | 'leader' | 'crash' | 'restart' | 'partition' | 'heal' | 'link' | 'wipe' | 'member' | 'drop' | 'invariant';

export interface Marker {
  id: number;
  atMs: number;
  kind: MarkerKind;
  /** The member it concerns, or '' for cluster-wide markers. */
  member: string;
  text: string;
}

/** The cluster's term and leader as seen now: the highest term among live members, and its leader. */
export function observeLeadership(members: readonly MemberInfo[]): { term: number; leader: string } {
  let term = 0;
  let leader = '';
  for (const m of members) {
    if (!m.alive) continue;
    if (m.term > term) {
      term = m.term;
      leader = '';
    }
    if (m.role === 'leader' && m.term >= term) {
      term = m.term;
      leader = m.name;
    }
  }
  return { term, leader };
}

/** Extends the bands to `nowMs`, starting a new band when term or leader changed. Returns a new array. */
export function extendBands(bands: readonly TermBand[], nowMs: number, term: number, leader: string, maxBands = 400): TermBand[] {
  const last = bands[bands.length - 1];
  if (last && last.term === term && last.leader === leader) {
    if (nowMs <= last.endMs) return bands as TermBand[];
    const out = bands.slice();
    out[out.length - 1] = { ...last, endMs: nowMs };
    return out;
  }
  const out = bands.slice(Math.max(0, bands.length - maxBands + 1));
  if (last && nowMs > last.endMs) out[out.length - 1] = { ...last, endMs: nowMs };
  out.push({ term, leader, startMs: last ? Math.max(nowMs, last.endMs) : nowMs, endMs: nowMs });
  return out;
}

let markerSeq = 1;

/** Markers for trace events worth pinning to the timeline; other events give none. */
export function markersFromEvents(events: readonly PlaygroundEvent[]): Marker[] {
  const out: Marker[] = [];
  for (const e of events) {
    switch (e.kind) {
      case 'crash':
        out.push({ id: markerSeq++, atMs: e.atMs, kind: 'crash', member: e.actor, text: `${e.actor} crashed` });
        break;
      case 'restart':
        out.push({ id: markerSeq++, atMs: e.atMs, kind: 'restart', member: e.actor, text: `${e.actor} restarted` });
        break;
      case 'partition':
        out.push({ id: markerSeq++, atMs: e.atMs, kind: 'partition', member: '', text: `partition ${e.detail || e.actor}`.trim() });
        break;
      case 'heal':
        out.push({ id: markerSeq++, atMs: e.atMs, kind: 'heal', member: '', text: 'network healed' });
        break;
      case 'invariant':
        // The monitor found a broken Raft property: the run stops here.
        out.push({ id: markerSeq++, atMs: e.atMs, kind: 'invariant', member: e.actor, text: `Raft safety broken: ${e.detail}` });
        break;
      case 'fault':
        out.push({ id: markerSeq++, atMs: e.atMs, kind: 'link', member: '', text: `link ${e.actor}${e.peer ? `→${e.peer}` : ''} ${e.detail}`.trim() });
        break;
      default:
        break;
    }
  }
  return out;
}

/**
 * Markers from a change in member summaries: a member that became leader, a new term started
 * by a candidate (an election), members added or removed.
 */
export function markersFromMembers(prev: readonly MemberInfo[], next: readonly MemberInfo[], nowMs: number): Marker[] {
  const out: Marker[] = [];
  const before = new Map(prev.map((m) => [m.name, m]));
  for (const m of next) {
    const p = before.get(m.name);
    if (!p) {
      if (prev.length > 0) out.push({ id: markerSeq++, atMs: nowMs, kind: 'member', member: m.name, text: `${m.name} joined${m.isLearner ? ' as learner' : ''}` });
      continue;
    }
    if (m.role === 'leader' && (p.role !== 'leader' || p.term !== m.term)) {
      out.push({ id: markerSeq++, atMs: nowMs, kind: 'leader', member: m.name, text: `${m.name} became leader in term ${m.term}` });
    } else if ((m.role === 'candidate' && p.role !== 'candidate') || (m.role === 'pre-candidate' && p.role !== 'pre-candidate')) {
      out.push({ id: markerSeq++, atMs: nowMs, kind: 'election', member: m.name, text: `${m.name} started ${m.role === 'candidate' ? `an election for term ${m.term}` : 'a pre-vote'}` });
    }
  }
  const names = new Set(next.map((m) => m.name));
  for (const p of prev) {
    if (!names.has(p.name)) out.push({ id: markerSeq++, atMs: nowMs, kind: 'member', member: p.name, text: `${p.name} removed` });
  }
  return out;
}

/** Keeps the most recent `max` markers. */
export function appendMarkers(markers: readonly Marker[], more: readonly Marker[], max = 500): Marker[] {
  if (more.length === 0) return markers as Marker[];
  const all = [...markers, ...more];
  return all.length > max ? all.slice(all.length - max) : all;
}
