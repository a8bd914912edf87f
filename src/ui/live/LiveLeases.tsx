/** Leases with their TTL counting down between polls (from what the server said at the last one). */
import { useEffect, useState } from 'react';
import { utf8FromBytes } from '../../server/api.ts';
import { useLive } from './liveHooks.ts';

export function LiveLeases() {
  const leases = useLive((s) => s.leases);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, []);
  if (leases.length === 0) return <p className="muted">No leases. Try <code>lease grant 30</code> (with read-only off).</p>;
  return (
    <table className="grid" data-testid="live-leases">
      <thead>
        <tr>
          <th>lease</th>
          <th>TTL left</th>
          <th>granted</th>
          <th>keys</th>
        </tr>
      </thead>
      <tbody>
        {leases.map((l) => {
          const left = Math.max(0, l.ttl - Math.floor((now - l.readAtMs) / 1000));
          return (
            <tr key={l.id} data-testid="live-lease">
              <td className="mono">{l.id}</td>
              <td>
                <meter min={0} max={Math.max(1, l.grantedTtl)} value={left} /> {left} s
              </td>
              <td>{l.grantedTtl} s</td>
              <td className="mono">{l.keys.map(utf8FromBytes).join(' ')}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
