/**
 * What changed between two polls of a real cluster, in words: a new leader, a member that
 * stopped answering or came back, one that joined or left the member list. Polling is all a
 * real cluster allows, so these are changes seen between polls, not events as they happened.
 */
import type { LiveMember, LiveSnapshot } from './liveCluster.ts';

export interface LiveChange {
  kind: 'leader' | 'noLeader' | 'down' | 'up' | 'joined' | 'left';
  memberId: string;
  text: string;
}

const label = (m: LiveMember | undefined, id: string): string => (m?.name ? m.name : `member ${id}`);

export function liveChanges(prev: LiveSnapshot | null, next: LiveSnapshot): LiveChange[] {
  if (!prev) return [];
  const out: LiveChange[] = [];
  const before = new Map(prev.members.map((m) => [m.id, m]));
  const after = new Map(next.members.map((m) => [m.id, m]));
  // A member list that could not be read says nothing about who joined or left.
  if (!next.memberListError && !prev.memberListError) {
    for (const m of next.members) if (!before.has(m.id)) out.push({ kind: 'joined', memberId: m.id, text: `${label(m, m.id)} joined the cluster` });
    for (const m of prev.members) if (!after.has(m.id)) out.push({ kind: 'left', memberId: m.id, text: `${label(m, m.id)} left the cluster` });
  }
  for (const m of next.members) {
    const was = before.get(m.id);
    if (!was || m.endpoint === undefined) continue;
    if (was.status && !m.status) out.push({ kind: 'down', memberId: m.id, text: `${label(m, m.id)} stopped answering at ${m.endpoint}${m.error ? `: ${m.error}` : ''}` });
    if (!was.status && m.status && was.endpoint !== undefined) out.push({ kind: 'up', memberId: m.id, text: `${label(m, m.id)} answers again at ${m.endpoint}` });
  }
  if (next.leaderId !== prev.leaderId) {
    if (next.leaderId === null) out.push({ kind: 'noLeader', memberId: prev.leaderId ?? '0', text: 'no member reports a leader' });
    else {
      const m = after.get(next.leaderId);
      out.push({ kind: 'leader', memberId: next.leaderId, text: `${label(m, next.leaderId)} is the leader (term ${next.raftTerm})` });
    }
  }
  return out;
}
