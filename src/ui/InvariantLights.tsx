/**
 * The invariant monitor's lights: one per Raft safety property, green while it holds, red when
 * the monitor caught it broken (with what broke, where, and which members), so an unsafe
 * experiment shows its failure the moment it happens. The clock stopped there; the learner may
 * go on or look back with the time machine.
 */
import { useState } from 'react';
import { INVARIANT_LIGHTS } from '../state/types.ts';
import { unsafeNumbersOn } from '../state/safetySwitches.ts';
import { usePlayground, useStoreApi } from './hooks.ts';

export function InvariantLights() {
  const v = usePlayground((s) => s.invariants.violation);
  const checks = usePlayground((s) => s.invariants.checks);
  const unsafe = usePlayground((s) => (s.settings ? unsafeNumbersOn(s.settings).length > 0 : false));
  // The names are shown on request (they cover part of the cluster), and always once one broke.
  const [open, setOpen] = useState(false);
  const label = v ? `Raft safety broken: ${v.invariant}` : `Raft safety: all ${INVARIANT_LIGHTS.length} properties hold (${checks} checks)`;
  return (
    <div className={`invariants${v ? ' broken' : ''}${unsafe ? ' watching' : ''}${open || v ? ' open' : ''}`} data-testid="invariant-monitor" data-state={v ? 'broken' : 'ok'}>
      <button type="button" className="invariants-title" aria-expanded={open || !!v} onClick={() => setOpen(!open)} title="show or hide the names of the properties" data-testid="invariants-toggle">
        Raft safety {open || v ? '▴' : '▾'}
      </button>
      <ul className="lights" aria-label={label} title={label}>
        {INVARIANT_LIGHTS.map((l) => {
          const state = v ? (v.light === l.id ? 'red' : 'unknown') : 'green';
          return (
            <li key={l.id} className={`light ${state}`} data-testid={`light-${l.id}`} data-state={state} title={`${l.title}: ${l.says}${state === 'red' ? ' — BROKEN' : state === 'unknown' ? ' (not checked after the first failure)' : ''}`}>
              <span className="dot" aria-hidden="true" />
              <span className="name">{l.title}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/**
 * What broke, where and on which members, with the way on. It sits beside the cluster (the side
 * panel), not over it, so the members it names stay in view.
 */
export function ViolationCard() {
  const store = useStoreApi();
  const v = usePlayground((s) => s.invariants.violation);
  if (!v) return null;
  return (
    <div className="violation" role="alert" data-testid="invariant-violation">
      <b>
        ⚠ {INVARIANT_LIGHTS.find((l) => l.id === v.light)!.title} broken at {(v.atMs / 1000).toFixed(2)} s
      </b>
      <p>{v.detail}.</p>
      <p className="muted">
        {v.members.length > 0 && <>Members: {v.members.join(', ')}. </>}
        {v.terms.length > 0 && <>Terms: {v.terms.join(', ')}. </>}
        {v.indexes.length > 0 && <>Log indexes: {v.indexes.join(', ')}. </>}
        The clock stopped here. Drag the timeline back to see how it came to this.
      </p>
      <button type="button" onClick={() => store.getState().paused && store.getState().togglePause()} data-testid="invariant-run-on">
        Run on anyway
      </button>
    </div>
  );
}
