/**
 * Live mode's page: the same cluster view, side panels and etcdctl console as the simulation,
 * on a real etcd. It has a store of its own and never boots the simulated cluster.
 */
import { useState } from 'react';
import type { LiveStore } from '../../state/liveStore.ts';
import { MAX_POLL_MS, MIN_POLL_MS } from '../../state/liveStore.ts';
import { ConsoleView } from '../ConsolePanel.tsx';
import { ErrorBoundary } from '../ErrorBoundary.tsx';
import { LiveClusterView } from './LiveClusterView.tsx';
import { LiveConfirm } from './LiveConfirm.tsx';
import { LiveConnect } from './LiveConnect.tsx';
import { LiveKeys } from './LiveKeys.tsx';
import { LiveLeases } from './LiveLeases.tsx';
import { LiveMembers } from './LiveMembers.tsx';
import { LiveWatchFeed } from './LiveWatchFeed.tsx';
import { LiveStoreContext, useLive, useLiveApi } from './liveHooks.ts';

type LiveTab = 'members' | 'keys' | 'watch' | 'leases';
const tabs: { id: LiveTab; label: string }[] = [
  { id: 'members', label: 'Members' },
  { id: 'keys', label: 'Keys' },
  { id: 'watch', label: 'Watch' },
  { id: 'leases', label: 'Leases' },
];

function ConnectionBar() {
  const store = useLiveApi();
  const to = useLive((s) => s.connectedTo);
  const user = useLive((s) => s.connectedUser);
  const via = useLive((s) => s.via);
  const version = useLive((s) => s.version);
  const pollMs = useLive((s) => s.form.pollMs);
  const readOnly = useLive((s) => s.readOnly);
  return (
    <div className="live-bar" data-testid="live-bar">
      <span>
        <strong>etcd {version}</strong> at <span className="mono">{to.join(', ')}</span>
        {via === 'proxy' ? ' (through this page\'s proxy)' : ''}
        {user ? ` as ${user}` : ''}
      </span>
      <label>
        poll every{' '}
        <input type="number" min={MIN_POLL_MS / 1000} max={MAX_POLL_MS / 1000} step={0.25} value={pollMs / 1000} onChange={(e) => store.getState().setPollMs(Number(e.target.value) * 1000)} data-testid="live-poll" style={{ width: '5em' }} />{' '}
        s
      </label>
      <label className={`live-readonly${readOnly ? '' : ' off'}`}>
        <input type="checkbox" checked={readOnly} onChange={(e) => store.getState().setReadOnly(e.target.checked)} data-testid="live-readonly" /> read-only
      </label>
      <button type="button" onClick={() => void store.getState().refresh()}>
        Refresh
      </button>
      <button type="button" onClick={() => store.getState().disconnect()} data-testid="live-disconnect">
        Disconnect
      </button>
    </div>
  );
}

function LiveConsole() {
  const store = useLiveApi();
  const entries = useLive((s) => s.consoleEntries);
  const history = useLive((s) => s.consoleHistory);
  const connected = useLive((s) => s.phase === 'connected');
  const readOnly = useLive((s) => s.readOnly);
  const to = useLive((s) => s.connectedTo);
  // One endpoint picked: the command gets --endpoints for it, as one would type it.
  const [endpoint, setEndpoint] = useState('');
  return (
    <ConsoleView
      entries={entries}
      history={history}
      ready={connected}
      run={(line, stdin) => void store.getState().run(endpoint && to.includes(endpoint) && !/--endpoints/.test(line) ? `--endpoints=${endpoint} ${line.trim().replace(/^etcdctl\s+/, '')}` : line, stdin)}
      stop={(id) => store.getState().stop(id)}
      clear={() => store.getState().clearConsole()}
      endpoint={endpoint}
      endpoints={[{ value: '', label: 'all endpoints' }, ...to.map((e) => ({ value: e, label: e }))]}
      setEndpoint={setEndpoint}
      placeholder={connected ? (readOnly ? 'get --prefix ""   (read-only: reads only)' : 'put foo bar') : 'connect to a cluster first'}
      emptyText="On the real cluster: get --prefix '' · member list -w table · endpoint status -w table · endpoint health · watch foo"
      banner={
        <p className={`live-console-mode${readOnly ? '' : ' writes'}`} data-testid="live-console-mode">
          {readOnly ? 'Read-only: commands that change the cluster are refused. Switch read-only off above to run them.' : 'Read-only is off: commands change the real cluster; destructive ones ask first.'}
        </p>
      }
    />
  );
}

function Shell() {
  const connected = useLive((s) => s.phase === 'connected');
  const [tab, setTab] = useState<LiveTab>('members');
  return (
    <div className="app live-app" data-mode="live" data-connected={connected ? 'yes' : 'no'}>
      <header className="topbar">
        <h1>etcd playground</h1>
        <span className="live-badge" title="a real etcd cluster, not the simulation">
          LIVE · real etcd
        </span>
        <a className="live-back" href={`${location.pathname}`} data-testid="live-back">
          ← Back to the simulation
        </a>
      </header>
      {!connected ? (
        <main className="live-start">
          <LiveConnect />
        </main>
      ) : (
        <main className="workspace live-workspace">
          <div className="stage">
            <section className="centre" aria-label="cluster view">
              <ConnectionBar />
              <ErrorBoundary name="live cluster view">
                <LiveClusterView />
              </ErrorBoundary>
            </section>
            <div />
            <footer className="bottom live-bottom">
              <ErrorBoundary name="console">
                <LiveConsole />
              </ErrorBoundary>
            </footer>
          </div>
          <div />
          <aside className="side" aria-label="details">
            <div role="tablist" className="tabs" aria-label="side panel">
              {tabs.map((t) => (
                <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} onClick={() => setTab(t.id)} data-testid={`live-tab-${t.id}`}>
                  {t.label}
                </button>
              ))}
            </div>
            <div role="tabpanel" className="side-body">
              <ErrorBoundary key={tab} name={`${tab} panel`}>
                {tab === 'members' && <LiveMembers />}
                {tab === 'keys' && <LiveKeys />}
                {tab === 'watch' && <LiveWatchFeed />}
                {tab === 'leases' && <LiveLeases />}
              </ErrorBoundary>
            </div>
          </aside>
        </main>
      )}
      <LiveConfirm />
    </div>
  );
}

export function LiveApp({ store }: { store: LiveStore }) {
  return (
    <LiveStoreContext.Provider value={store}>
      <Shell />
    </LiveStoreContext.Provider>
  );
}
