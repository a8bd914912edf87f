/**
 * A real cluster's members, drawn as the simulation draws its own: the leader's double ring, a
 * follower's plain one, a member that does not answer crossed out. What a real cluster does not
 * expose (messages in flight, logs, elections as they happen) is said, not drawn.
 */
import type { RoleName } from '../../state/types.ts';
import type { LiveMember } from '../../state/liveStore.ts';
import { Body, NODE_R, roleMark } from '../MemberNode.tsx';
import { roleColor } from '../colors.ts';
import { useLive, useLiveApi } from './liveHooks.ts';

function roleOf(m: LiveMember, leaderId: string | null): RoleName {
  if (!m.status) return 'crashed';
  if (m.isLearner) return 'learner';
  return m.id === leaderId ? 'leader' : 'follower';
}

const W = 640;
const H = 360;

export function LiveClusterView() {
  const store = useLiveApi();
  const snap = useLive((s) => s.snapshot);
  const selected = useLive((s) => s.selected);
  const pollMs = useLive((s) => s.form.pollMs);
  const changes = useLive((s) => s.changes);
  if (!snap) return <p className="muted live-waiting">Reading the cluster…</p>;
  const n = snap.members.length;
  const r = n <= 1 ? 0 : Math.min(130, 60 + n * 14);
  // A member a change was just seen on pulses once (keyed by the change, so each change pulses anew).
  const recent = new Map<string, number>();
  for (const c of changes) if (snap.atMs - c.atMs < 3000) recent.set(c.memberId, c.id);
  return (
    <div className="live-cluster">
      <svg viewBox={`0 0 ${W} ${H}`} role="group" aria-label="members of the real cluster" data-testid="live-cluster">
        {snap.members.map((m, i) => {
          const a = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, n);
          const x = W / 2 + r * Math.cos(a);
          const y = H / 2 - 10 + r * Math.sin(a);
          const role = roleOf(m, snap.leaderId);
          const down = !m.status;
          const label = `${m.name || m.id}, ${down ? (m.endpoint ? `not answering: ${m.error ?? ''}` : 'no endpoint given for it') : `${role}, term ${m.status!.raftTerm}, raft index ${m.status!.raftIndex}`}`;
          return (
            <g
              key={m.id}
              className={`member live-member role-${role}${selected === m.id ? ' selected' : ''}`}
              transform={`translate(${x},${y})`}
              data-testid={`live-member-${m.name || m.id}`}
              data-role={role}
              data-up={down ? 'no' : 'yes'}
              tabIndex={0}
              role="button"
              aria-label={label}
              onClick={() => store.getState().select(m.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') store.getState().select(m.id);
              }}
            >
              <title>{label}</title>
              {selected === m.id && <circle r={NODE_R + 16} className="select-halo" />}
              {recent.has(m.id) && <circle key={recent.get(m.id)} r={NODE_R + 4} className={`live-pulse pulse-${role}`} />}
              {role === 'leader' && <circle r={NODE_R + 7} fill="none" stroke={roleColor.leader} strokeWidth={4} opacity={0.35} className="live-leader-ring" />}
              <Body role={role} />
              <text y={-3} className="node-name">
                {m.name || '(unstarted)'}
              </text>
              <text y={13} className="node-term">
                {m.status ? `t${m.status.raftTerm}` : '—'}
              </text>
              <text y={NODE_R + 22} className="node-role" fill={roleColor[role]}>
                {down ? (m.endpoint ? '✕ not answering' : 'no endpoint') : roleMark[role]}
              </text>
              <text y={NODE_R + 37} className="node-term">
                {m.status ? `index ${m.status.raftIndex} · rev ${m.status.header.revision}` : (m.endpoint ?? m.clientURLs[0] ?? '')}
              </text>
            </g>
          );
        })}
      </svg>
      <p className="live-note" data-testid="live-note">
        Polled every {pollMs >= 1000 ? `${pollMs / 1000} s` : `${pollMs} ms`}. A real etcd does not show its messages in flight, its Raft log or an election while it happens, so this view shows none of them: only what <code>member list</code> and <code>endpoint status</code> report at each poll.
      </p>
    </div>
  );
}
