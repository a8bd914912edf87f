/**
 * The selected member, inside: Raft state and the leader's progress table, the whole log, the
 * storage (WAL records, HardState, snapshots, backend size), the MVCC key space with revisions
 * and generations, leases counting down, and watchers. Details are fetched on demand while the
 * inspector is open (docs/ARCHITECTURE.md §8), never pushed every step.
 */
import { formatBytes } from './formatBytes.ts';
import { memo, useEffect, useMemo, useState } from 'react';
import type { InspectorTab } from '../state/store.ts';
import type { MemberDetails, MemberInfo } from '../state/types.ts';
import { usePlayground, useStoreApi } from './hooks.ts';
import { roleColor, termColor } from './colors.ts';
import { MemberActions, ClusterActions } from './MemberActions.tsx';
import { tabKeys } from './tabKeys.ts';

const tabs: { id: InspectorTab; label: string }[] = [
  { id: 'raft', label: 'Raft' },
  { id: 'storage', label: 'Storage' },
  { id: 'mvcc', label: 'MVCC' },
  { id: 'leases', label: 'Leases' },
  { id: 'watchers', label: 'Watchers' },
];

function useDetails(name: string, alive: boolean): { details: MemberDetails | null; error: string } {
  const store = useStoreApi();
  const [state, setState] = useState<{ details: MemberDetails | null; error: string }>({ details: null, error: '' });
  useEffect(() => {
    let live = true;
    let timer = 0;
    setState({ details: null, error: '' });
    const load = async (): Promise<void> => {
      const s = store.getState();
      try {
        const d = await s.memberDetails(name);
        if (live) setState({ details: d, error: '' });
      } catch (e) {
        if (live) setState((p) => ({ ...p, error: e instanceof Error ? e.message : String(e) }));
      }
      if (live) timer = window.setTimeout(load, 600);
    };
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [name, alive, store]);
  return state;
}

function Kv({ k, v }: { k: string; v: React.ReactNode }) {
  return (
    <>
      <dt>{k}</dt>
      <dd>{v}</dd>
    </>
  );
}

/** Member IDs as names people read ("m2"), with the ID kept in a tooltip. */
function useIdName(): (id: string) => string {
  // One string of id=name pairs: a commit moving on (new member objects) re-renders nothing here.
  const pairs = usePlayground((s) => s.members.map((m) => `${m.id}=${m.name}`).join(' '));
  return useMemo(() => {
    const names = new Map(pairs ? pairs.split(' ').map((p) => p.split('=') as [string, string]) : []);
    return (id: string) => names.get(id) ?? id;
  }, [pairs]);
}

/** Re-rendered when the fetched details or the role change, not on every member update. */
const RaftTab = memo(function RaftTab({ d, role }: { d: MemberDetails; role: MemberInfo['role'] }) {
  const r = d.raft;
  const nameOf = useIdName();
  const progress = r.progress ? Object.entries(r.progress) : [];
  const entries = d.log.entries.slice(-300);
  return (
    <div>
      <dl className="kv">
        <Kv k="term" v={r.term} />
        <Kv k="voted for" v={r.vote === '0' ? '—' : <span title={r.vote}>{nameOf(r.vote)}</span>} />
        <Kv k="leader" v={r.lead === '0' ? 'none known' : <span title={r.lead}>{nameOf(r.lead)}</span>} />
        <Kv k="commit / applied" v={`${r.commit} / ${r.applied}`} />
        <Kv k="election timer" v={role === 'leader' ? 'leader (sends heartbeats)' : `${r.electionElapsedTicks} of ${r.electionTimeoutTicks} ticks`} />
      </dl>
      {progress.length > 0 && (
        <>
          <h4>Progress (leader's view of each follower)</h4>
          <table className="grid" data-testid="progress-table">
            <thead>
              <tr>
                <th>peer</th>
                <th>match</th>
                <th>next</th>
                <th>state</th>
                <th>inflight</th>
              </tr>
            </thead>
            <tbody>
              {progress.map(([id, p]) => (
                <tr key={id}>
                  <td title={id}>
                    {nameOf(id)}
                    {p.isLearner ? ' (learner)' : ''}
                  </td>
                  <td>{p.match}</td>
                  <td>{p.next}</td>
                  <td>{p.state}</td>
                  <td>{p.inflight}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h4>
        Log <span className="muted">(first index {d.log.firstIndex}, {d.log.entries.length} entries)</span>
      </h4>
      <ol className="log-list" data-testid="log-list">
        {d.log.snapshotIndex > 0 && (
          <li className="snapshot-row">
            ▣ snapshot up to index {d.log.snapshotIndex} (term {d.log.snapshotTerm})
          </li>
        )}
        {entries.map((e) => (
          <li key={e.index} className={e.index <= r.commit ? 'committed' : 'uncommitted'}>
            <span className="idx">{e.index}</span>
            <span className="term-chip" style={{ background: termColor(e.term) }}>
              t{e.term}
            </span>
            <span className="etext">{e.text || <em>empty (leader's no-op)</em>}</span>
            <span className="marks">
              {e.index === r.commit ? ' ← commit' : ''}
              {e.index === r.applied ? ' ← applied' : ''}
              {e.index > r.commit ? ' (not committed)' : ''}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
});

function StorageTab({ d }: { d: MemberDetails }) {
  const s = d.storage;
  const nameOf = useIdName();
  const hs = [...s.walRecords].reverse().find((w) => w.hardState)?.hardState;
  return (
    <div>
      <dl className="kv">
        <Kv k="HardState" v={hs ? `term ${hs.term}, vote ${hs.vote === '0' ? 'none' : nameOf(hs.vote)}, commit ${hs.commit}` : '—'} />
        <Kv k="consistent index" v={s.consistentIndex} />
        <Kv k="backend size" v={`${formatBytes(s.dbSize)} (in use ${formatBytes(s.dbSizeInUse)})`} />
      </dl>
      <h4>Snapshots</h4>
      {s.snapshots.length === 0 ? (
        <p className="muted">none yet</p>
      ) : (
        <ul className="plain">
          {s.snapshots.map((sn) => (
            <li key={sn.index}>
              ▣ index {sn.index}, term {sn.term}, {formatBytes(sn.bytes)}
            </li>
          ))}
        </ul>
      )}
      <h4>WAL records ({s.walRecords.length})</h4>
      <table className="grid" data-testid="wal-table">
        <thead>
          <tr>
            <th>seq</th>
            <th>CRC</th>
            <th>entries</th>
            <th>HardState</th>
          </tr>
        </thead>
        <tbody>
          {s.walRecords.slice(-200).map((w) => (
            <tr key={w.seq}>
              <td>{w.seq}</td>
              <td className="mono">{(w.crc >>> 0).toString(16).padStart(8, '0')}</td>
              <td>{w.entries}</td>
              <td>{w.hardState ? `t${w.hardState.term} v${w.hardState.vote} c${w.hardState.commit}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MvccTab({ d }: { d: MemberDetails }) {
  return (
    <div>
      <dl className="kv">
        <Kv k="revision" v={d.mvcc.revision} />
        {/* The store starts at -1 (nothing compacted yet); a number alone would read as a revision. */}
        <Kv k="compacted at" v={d.mvcc.compactRevision > 0 ? `revision ${d.mvcc.compactRevision}` : 'never compacted'} />
        <Kv k="keys" v={d.mvcc.keys.length} />
      </dl>
      <table className="grid" data-testid="mvcc-table">
        <thead>
          <tr>
            <th>key</th>
            <th>value</th>
            <th>create</th>
            <th>mod</th>
            <th>ver</th>
            <th>generations</th>
          </tr>
        </thead>
        <tbody>
          {d.mvcc.keys.slice(0, 300).map((k) => (
            <tr key={k.key}>
              <td className="mono">{k.key}</td>
              <td className="mono">{k.kv ? truncate(k.kv.value, 24) : <em>deleted</em>}</td>
              <td>{k.kv?.create_revision ?? ''}</td>
              <td>{k.kv?.mod_revision ?? ''}</td>
              <td>{k.kv?.version ?? ''}</td>
              <td className="gens">
                {k.generations.map((g, i) => (
                  <span key={i} className="gen">
                    {`{${g.revisions.join(', ')}${g.tombstone ? ` ✝${g.tombstone}` : ''}}`}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function LeasesTab({ d }: { d: MemberDetails }) {
  // Tenths of a second are all it shows: no render for every frame's clock change.
  const now = usePlayground((s) => Math.floor(s.nowMs / 100) * 100);
  const leases = d.leases;
  if (leases.length === 0) return <p className="muted">No leases. Try <code>lease grant 10</code> in the console.</p>;
  const borrowed = leases.find((l) => l.countedBy && l.countedBy !== d.name)?.countedBy;
  return (
    <>
      {borrowed ? (
        <p className="muted" data-testid="lease-counted-by">
          Only the leader counts a lease down. {d.name} is a follower: these are the countdowns of its leader, {borrowed}.
        </p>
      ) : null}
      {leases.some((l) => l.expiryMs === null) ? (
        <p className="muted" data-testid="lease-not-counting">
          Only the leader counts a lease down, and {d.name} knows no leader now: the time left is unknown here.
        </p>
      ) : null}
      <ul className="leases" data-testid="lease-list">
        {leases.map((l) => {
          const left = l.expiryMs === null ? null : Math.max(0, l.expiryMs - now);
          const frac = left === null ? 1 : l.grantedTTL > 0 ? Math.min(1, left / (l.grantedTTL * 1000)) : 0;
          return (
            <li key={l.id} data-lease={l.id}>
              <div className="lease-head">
                <span className="mono">{l.id}</span>
                <span data-testid="lease-left">{left === null ? `TTL ${l.grantedTTL} s, not counting here` : `${(left / 1000).toFixed(1)} s of ${l.grantedTTL} s`}</span>
              </div>
              <div
                className="bar"
                role="meter"
                aria-valuemin={0}
                aria-valuemax={l.grantedTTL}
                aria-valuenow={left === null ? l.grantedTTL : Math.round(left / 1000)}
                aria-label={`lease ${l.id} time to live`}
              >
                <div style={{ width: `${(frac * 100).toFixed(1)}%` }} className={left === null ? 'idle' : frac < 0.25 ? 'low' : ''} />
              </div>
              <div className="muted">{l.keys.length ? `keys: ${l.keys.join(', ')}` : 'no keys attached'}</div>
            </li>
          );
        })}
      </ul>
    </>
  );
}

/** Watches streaming in the console now: the client's side of what this member may be serving. */
function ConsoleWatches() {
  const entries = usePlayground((s) => s.consoleEntries);
  const watches = entries.filter((e) => e.running && /^watch\b/.test(e.command));
  const endpoint = usePlayground((s) => s.consoleEndpoint);
  if (watches.length === 0) return null;
  return (
    <>
      <h4>Watches open in the console{endpoint ? ` (endpoint ${endpoint})` : ''}</h4>
      <ul className="plain" data-testid="console-watches">
        {watches.map((w) => (
          <li key={w.id} className="mono">
            etcdctl {w.command}
          </li>
        ))}
      </ul>
    </>
  );
}

function WatchersTab({ d }: { d: MemberDetails }) {
  if (d.watchers.length === 0) {
    return (
      <div>
        <p className="muted">This member reports no watchers. Try <code>watch foo</code> in the console.</p>
        <ConsoleWatches />
      </div>
    );
  }
  return (
    <div>
      <table className="grid" data-testid="watchers-table">
        <thead>
          <tr>
            <th>id</th>
            <th>client</th>
            <th>key</th>
            <th>range end</th>
            <th>next rev</th>
          </tr>
        </thead>
        <tbody>
          {d.watchers.map((w) => (
            <tr key={`${w.client}/${w.watchId}`}>
              <td>{w.watchId}</td>
              <td>{w.client}</td>
              <td className="mono">{w.key}</td>
              <td className="mono">{w.rangeEnd || '—'}</td>
              <td>{w.nextRevision}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ConsoleWatches />
    </div>
  );
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

export function Inspector() {
  const store = useStoreApi();
  const name = usePlayground((s) => s.selectedMember);
  const m = usePlayground((s) => s.members.find((x) => x.name === s.selectedMember));
  const tab = usePlayground((s) => s.inspectorTab);
  if (!name || !m) {
    return (
      <div className="inspector empty">
        <p>Select a member to inspect it: click it, or press its number (1–9).</p>
        <ClusterActions />
      </div>
    );
  }
  return (
    <div className="inspector" data-testid="inspector">
      <header className="inspector-head">
        <h2>
          {m.name} <span style={{ color: roleColor[m.role] }}>{m.role}</span> <span className="muted">term {m.term}</span>
        </h2>
        <button type="button" className="icon" aria-label="deselect member" onClick={() => store.getState().select('')}>
          ✕
        </button>
      </header>
      <MemberActions m={m} />
      <div role="tablist" aria-label="inspector" className="tabs small" onKeyDown={tabKeys(tabs.map((t) => t.id), tab, (id) => store.getState().setInspectorTab(id), 'itab-')}>
        {tabs.map((t) => (
          <button
            key={t.id}
            role="tab"
            type="button"
            aria-selected={tab === t.id}
            tabIndex={tab === t.id ? 0 : -1}
            aria-controls="inspector-panel"
            id={`itab-${t.id}`}
            onClick={() => store.getState().setInspectorTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="inspector-panel" aria-labelledby={`itab-${tab}`} className="tab-body">
        <DetailsBody name={m.name} m={m} tab={tab} />
      </div>
    </div>
  );
}

function DetailsBody({ name, m, tab }: { name: string; m: MemberInfo; tab: InspectorTab }) {
  const { details, error } = useDetails(name, m.alive);
  if (!details) return <p className="muted">{error ? `Details unavailable: ${error}` : 'Loading…'}</p>;
  switch (tab) {
    case 'raft':
      return <RaftTab d={details} role={m.role} />;
    case 'storage':
      return <StorageTab d={details} />;
    case 'mvcc':
      return <MvccTab d={details} />;
    case 'leases':
      return <LeasesTab d={details} />;
    case 'watchers':
      return <WatchersTab d={details} />;
  }
}
