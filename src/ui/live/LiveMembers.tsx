/** Each member's status as `endpoint status` reports it, the changes seen between polls, and alarms. */
import { formatBytes } from '../formatBytes.ts';
import { useLive } from './liveHooks.ts';

export function LiveMembers() {
  const snap = useLive((s) => s.snapshot);
  const changes = useLive((s) => s.changes);
  const alarms = useLive((s) => s.alarms);
  const pollError = useLive((s) => s.pollError);
  const readError = useLive((s) => s.readError);
  if (!snap) return <p className="muted">Reading the cluster…</p>;
  const nameOf = (id: string): string => snap.members.find((m) => m.id === id)?.name || id;
  return (
    <div className="live-members">
      {pollError && (
        <p className="live-error" role="alert">
          {pollError}
        </p>
      )}
      <dl className="kv">
        <dt>cluster</dt>
        <dd className="mono">{snap.clusterId}</dd>
        <dt>leader</dt>
        <dd data-testid="live-leader">{snap.leaderId ? nameOf(snap.leaderId) : 'none'}</dd>
        <dt>term</dt>
        <dd>{snap.raftTerm}</dd>
        <dt>revision</dt>
        <dd>{snap.revision}</dd>
        <dt>version</dt>
        <dd>{snap.version}</dd>
      </dl>
      <table className="grid" data-testid="live-status-table">
        <thead>
          <tr>
            <th>member · endpoint</th>
            <th>health</th>
            <th>term</th>
            <th>index</th>
            <th>applied</th>
            <th title="database size, and how much of it is in use">db size</th>
          </tr>
        </thead>
        <tbody>
          {snap.members.map((m) => (
            <tr key={m.id} data-testid={`live-status-${m.name || m.id}`}>
              <td title={`ID ${m.id}`}>
                {m.name || '(unstarted)'}
                {m.id === snap.leaderId ? ' ★' : ''}
                {m.isLearner ? ' (learner)' : ''}
                <div className="mono live-endpoint">{m.endpoint ?? m.clientURLs.join(' ')}</div>
              </td>
              {m.status ? (
                <>
                  <td>{m.healthy ? 'healthy' : 'unhealthy'}</td>
                  <td>{m.status.raftTerm}</td>
                  <td>{m.status.raftIndex}</td>
                  <td>{m.status.raftAppliedIndex}</td>
                  <td>
                    {formatBytes(m.status.dbSize)}
                    <div className="live-endpoint">{formatBytes(m.status.dbSizeInUse)} in use</div>
                  </td>
                </>
              ) : (
                <td colSpan={5} className="live-error">
                  {m.endpoint ? m.error : 'no endpoint given for this member: add one of its client URLs to see its status'}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {snap.endpointErrors.map((e) => (
        <p key={e.endpoint} className="live-error">
          {e.endpoint}: {e.message}
        </p>
      ))}
      <h3>Alarms</h3>
      {alarms.length === 0 ? (
        <p className="muted" data-testid="live-alarms">
          none
        </p>
      ) : (
        <ul data-testid="live-alarms">
          {alarms.map((a) => (
            <li key={`${a.memberID}-${a.alarm}`}>
              {a.alarm} on {nameOf(a.memberID)}
            </li>
          ))}
        </ul>
      )}
      {readError && <p className="live-error">{readError}</p>}
      <h3>Seen between polls</h3>
      {changes.length === 0 ? (
        <p className="muted">Nothing has changed since connecting.</p>
      ) : (
        <ol className="live-changes" data-testid="live-changes">
          {[...changes].reverse().map((c) => (
            <li key={c.id} className={`change-${c.kind}`}>
              <time>{new Date(c.atMs).toLocaleTimeString()}</time> {c.text}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
