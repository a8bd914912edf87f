/**
 * Where live mode starts: the endpoints of a real cluster, how to reach them (straight, which
 * needs etcd's --cors to allow this page, or through the page's own proxy), and a user and
 * password when the cluster has authentication on. The password lives in this form's state
 * until Connect, then only in the connection's memory.
 */
import { useState } from 'react';
import { useLive, useLiveApi } from './liveHooks.ts';

export function LiveConnect() {
  const store = useLiveApi();
  const form = useLive((s) => s.form);
  const phase = useLive((s) => s.phase);
  const problems = useLive((s) => s.problems);
  const [password, setPassword] = useState('');
  const connect = (): void => {
    void store.getState().connect(password);
  };
  return (
    <form
      className="live-connect"
      aria-label="connect to a real etcd"
      onSubmit={(e) => {
        e.preventDefault();
        connect();
      }}
    >
      <h2>Connect to a real etcd cluster</h2>
      <p className="muted">
        Live mode shows a real etcd 3.4 or 3.5 through its HTTP/JSON gateway (<code>/v3/…</code>): members and their status, keys, a watch feed, leases and alarms, and the same etcdctl console. It starts read-only.
      </p>
      <label className="wide">
        client endpoints
        <input
          data-testid="live-endpoints"
          value={form.endpoints}
          spellCheck={false}
          autoComplete="off"
          placeholder="127.0.0.1:2379, 127.0.0.1:22379, 127.0.0.1:32379"
          onChange={(e) => store.getState().setForm({ endpoints: e.target.value })}
        />
      </label>
      <fieldset className="live-via">
        <legend>reach them</legend>
        <label>
          <input type="radio" name="via" checked={form.via === 'direct'} onChange={() => store.getState().setForm({ via: 'direct' })} data-testid="live-via-direct" /> directly (etcd must allow this page: <code>--cors={location.origin}</code>)
        </label>
        <label>
          <input type="radio" name="via" checked={form.via === 'proxy'} onChange={() => store.getState().setForm({ via: 'proxy' })} data-testid="live-via-proxy" /> through this page's server (<code>/etcd-proxy/</code>, loopback endpoints)
        </label>
      </fieldset>
      <div className="live-auth">
        <label>
          user <input data-testid="live-user" value={form.user} autoComplete="username" placeholder="(no auth)" onChange={(e) => store.getState().setForm({ user: e.target.value })} />
        </label>
        <label>
          password <input data-testid="live-password" type="password" value={password} autoComplete="current-password" onChange={(e) => setPassword(e.target.value)} disabled={!form.user} />
        </label>
      </div>
      <div className="live-connect-actions">
        <button type="submit" className="primary" disabled={phase === 'connecting'} data-testid="live-connect">
          {phase === 'connecting' ? 'Connecting…' : 'Connect'}
        </button>
        <span className="muted">The password is kept in this tab's memory only, never in the address bar or the browser's storage.</span>
      </div>
      {problems.length > 0 && (
        <div className="live-problems" role="alert" data-testid="live-problems">
          <strong>Not connected:</strong>
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
