/**
 * Cluster settings, applied by resetting the cluster with them; the seed and every changed
 * setting go into the URL so the scenario can be shared. Display preferences live here too.
 */
import { useEffect, useState } from 'react';
import type { ClusterSettings } from '../state/types.ts';
import { settingsToQuery } from '../state/urlSettings.ts';
import { NO_LIVENESS_SWITCH, UNSAFE_SWITCHES, unsafeNumbersOn, type UnsafeSwitch } from '../state/safetySwitches.ts';
import { usePlayground, useStoreApi } from './hooks.ts';

/**
 * Raft needs heartbeats more often than the election timeout; etcd 3.4 goes further and refuses
 * to start with an election timeout under 5 heartbeat intervals. The playground enforces the
 * first (Apply fails with the reason) and only warns about the second, which is worth watching.
 */
function HeartbeatNote({ electionTicks, heartbeatTicks, tickMs }: { electionTicks: number; heartbeatTicks: number; tickMs: number }) {
  if (!(Number.isInteger(heartbeatTicks) && heartbeatTicks >= 1 && heartbeatTicks < electionTicks)) {
    return (
      <p className="muted" role="status" data-testid="heartbeat-note">
        ✕ heartbeat ticks must be a whole number from 1 to {Math.max(1, electionTicks - 1)} (below the election ticks), or the cluster cannot keep a leader.
      </p>
    );
  }
  if (electionTicks >= 5 * heartbeatTicks) return null;
  return (
    <p className="muted" role="status" data-testid="heartbeat-note">
      ⚠ election timeout {electionTicks * tickMs} ms is under 5 heartbeat intervals (5 × {heartbeatTicks * tickMs} ms): etcd 3.4 refuses to start like this. The
      playground runs it, so you can watch followers time out between sparse heartbeats.
    </p>
  );
}

/**
 * The safety switches, kept apart and marked: each turns off one rule that keeps etcd correct,
 * through a real code path, so the learner can see what the rule is for. Switch 6 is two real
 * etcd settings (pre-vote and check-quorum) turned off together.
 */
function UnsafeExperiments({ draft, setDraft }: { draft: ClusterSettings; setDraft(s: ClusterSettings): void }) {
  const toggle = (id: UnsafeSwitch, on: boolean) => {
    const next = UNSAFE_SWITCHES.map((s) => s.id).filter((x) => (x === id ? on : draft.unsafe.includes(x)));
    setDraft({ ...draft, unsafe: next });
  };
  const noLiveness = !draft.preVote && !draft.checkQuorum;
  const anyOn = unsafeNumbersOn(draft).length > 0;
  return (
    <fieldset className={`unsafe${anyOn ? ' on' : ''}`} data-testid="unsafe-experiments">
      <legend>⚠ Unsafe experiments</legend>
      <p className="muted">Each switch turns off one rule that keeps etcd correct. Turn one on, break the cluster, and watch what the rule was for. Never like this in a real cluster.</p>
      {UNSAFE_SWITCHES.map((s) => (
        <label key={s.id} className="check unsafe-switch" title={`${s.rule} ${s.breaks}`}>
          <input type="checkbox" checked={draft.unsafe.includes(s.id)} onChange={(e) => toggle(s.id, e.target.checked)} data-testid={`unsafe-${s.id}`} />
          <span>
            <b>
              {s.number}. {s.title}
            </b>
            <small>
              Off: {s.rule} On: {s.breaks}
            </small>
          </span>
        </label>
      ))}
      <label className="check unsafe-switch" title="Both are etcd settings; with both off, a member that rejoins forces an election, and a cut-off leader does not step down.">
        <input
          type="checkbox"
          checked={noLiveness}
          onChange={(e) => setDraft({ ...draft, preVote: !e.target.checked, checkQuorum: !e.target.checked })}
          data-testid="unsafe-noPreVoteCheckQuorum"
        />
        <span>
          <b>{NO_LIVENESS_SWITCH}. no pre-vote and no check-quorum</b>
          <small>Off: a member asks whether it could win before it raises its term, and a leader that cannot reach a majority steps down. On: a member that rejoins disrupts the cluster with a higher term; a cut-off leader keeps believing it leads.</small>
        </span>
      </label>
      <BugFinder />
    </fieldset>
  );
}

/**
 * Looks for a failure the applied switches allow: seeded fault plans on clusters in a worker,
 * then the smallest plan that still fails, opened as a scenario to step through.
 */
function BugFinder() {
  const store = useStoreApi();
  const f = usePlayground((s) => s.finder);
  const armed = usePlayground((s) => (s.settings ? unsafeNumbersOn(s.settings).length > 0 : false));
  const running = f.status === 'running';
  return (
    <div className="bug-finder" data-testid="bug-finder" data-status={f.status}>
      <h4>Bug finder</h4>
      {!armed && !running && f.status !== 'found' && <p className="muted">Turn a switch on and Apply; then the finder runs fault plans until a checker fails, and hands you the smallest run that still fails.</p>}
      <div className="finder-actions">
        {!running ? (
          <button type="button" disabled={!armed} onClick={() => store.getState().findFailure()} data-testid="finder-start">
            Find a failure
          </button>
        ) : (
          <button type="button" onClick={() => store.getState().stopFinder()} data-testid="finder-stop">
            Stop
          </button>
        )}
        {running && <progress max={f.maxSeeds} value={f.phase === 'search' ? f.seed - 1 : f.maxSeeds} aria-label="bug finder progress" />}
      </div>
      {running && (
        <p className="muted" role="status" data-testid="finder-progress">
          {f.phase === 'search' ? `Trying seed ${f.seed} of ${f.maxSeeds}…` : `Found one with seed ${f.seed}; shrinking it: ${f.planSteps} moves left (${f.tried} runs)…`}
        </p>
      )}
      {f.status === 'found' && f.found && (
        <div className="finder-found" role="status" data-testid="finder-found">
          <p>
            <b>{f.found.kind === 'invariant' ? 'Raft safety broken' : 'History not linearizable'}</b> with seed {f.found.seed}: {f.found.text}
          </p>
          <p className="muted">
            Shrunk from {f.found.originalSteps} moves to {f.found.steps} ({f.found.runs} runs).
          </p>
          <button type="button" className="primary" onClick={() => void store.getState().openCounterexample()} data-testid="finder-open">
            Open it (replaces this run)
          </button>
        </div>
      )}
      {f.status === 'none' && (
        <p className="muted" role="status" data-testid="finder-none">
          No failure in {f.maxSeeds} seeds. Some switches only hurt liveness, or need rarer timing.
        </p>
      )}
      {f.status === 'error' && (
        <p className="error" role="alert">
          The bug finder stopped: {f.error}
        </p>
      )}
    </div>
  );
}

export function SettingsPanel() {
  const store = useStoreApi();
  const current = usePlayground((s) => s.settings);
  const status = usePlayground((s) => s.status);
  const projector = usePlayground((s) => s.projector);
  const reduced = usePlayground((s) => s.reducedMotion);
  const [draft, setDraft] = useState<ClusterSettings | null>(current);
  useEffect(() => setDraft(current), [current]);
  if (!draft) return <p className="muted">Waiting for the cluster…</p>;
  const num = (k: keyof ClusterSettings, label: string, min: number, max: number) => (
    <label>
      {label}
      <input type="number" min={min} max={max} value={draft[k] as number} onChange={(e) => setDraft({ ...draft, [k]: Number(e.target.value) })} data-testid={`set-${k}`} />
    </label>
  );
  const bool = (k: keyof ClusterSettings, label: string) => (
    <label className="check">
      <input type="checkbox" checked={draft[k] as boolean} onChange={(e) => setDraft({ ...draft, [k]: e.target.checked })} />
      {label}
    </label>
  );
  return (
    <div className="settings">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void store
            .getState()
            .reset(draft)
            .then(() => {
              const s = store.getState().settings;
              if (s) history.replaceState(null, '', `${location.pathname}${settingsToQuery(s, current ?? undefined)}`);
            });
        }}
      >
        <div className="form-grid">
          {num('members', 'members', 1, 9)}
          {num('seed', 'seed', 0, 2 ** 31 - 1)}
          {num('electionTicks', 'election ticks', 2, 1000)}
          {num('heartbeatTicks', 'heartbeat ticks', 1, Math.max(1, draft.electionTicks - 1))}
          {num('tickMs', 'tick (ms)', 1, 10000)}
          {num('snapshotCount', 'snapshot count', 1, 10_000_000)}
          {num('quotaBackendBytes', 'backend quota (bytes)', 1024, 8 * 1024 ** 3)}
          {num('requestTimeoutMs', 'request timeout (ms)', 1, 3_600_000)}
          {num('walFsyncMs', 'WAL fsync (virtual ms)', 0, 1000)}
          <label>
            durability
            <select value={draft.durability} onChange={(e) => setDraft({ ...draft, durability: e.target.value as ClusterSettings['durability'] })}>
              <option value="strict">strict (fsync each Ready)</option>
              <option value="relaxed">relaxed</option>
            </select>
          </label>
          {bool('preVote', 'PreVote')}
          {bool('checkQuorum', 'CheckQuorum')}
        </div>
        <HeartbeatNote electionTicks={draft.electionTicks} heartbeatTicks={draft.heartbeatTicks} tickMs={draft.tickMs} />
        <UnsafeExperiments draft={draft} setDraft={setDraft} />
        <button type="submit" className="primary" disabled={status === 'resetting'} data-testid="apply-settings">
          {status === 'resetting' ? 'Resetting…' : 'Apply (resets the cluster)'}
        </button>
      </form>
      <h3>Display</h3>
      <label className="check">
        <input type="checkbox" checked={projector} onChange={(e) => store.getState().setProjector(e.target.checked)} aria-keyshortcuts="g" />
        Projector mode (large type, high contrast) <kbd>g</kbd>
      </label>
      <label className="check">
        <input type="checkbox" checked={reduced} onChange={(e) => store.getState().setReducedMotion(e.target.checked)} />
        Reduced motion (messages as link highlights)
      </label>
    </div>
  );
}
