/** Buttons for what can be done to a member, and to the cluster's membership. */
import type { MemberInfo } from '../state/types.ts';
import { usePlayground, useStoreApi } from './hooks.ts';

export function MemberActions({ m }: { m: MemberInfo }) {
  const store = useStoreApi();
  const busy = usePlayground((s) => s.busy);
  const leader = usePlayground((s) => s.members.find((x) => x.role === 'leader' && x.alive)?.name ?? '');
  const clusterFsyncMs = usePlayground((s) => s.settings?.walFsyncMs ?? 0);
  // The past cannot be changed: every action waits for the present (or Continue from here).
  const past = usePlayground((s) => s.travel.view.mode === 'past');
  const s = store.getState();
  const dis = busy !== '' || past;
  return (
    <div className="actions" role="toolbar" aria-label={`actions for ${m.name}`}>
      {m.alive ? (
        <button type="button" disabled={dis} onClick={() => s.crash(m.name)} aria-keyshortcuts="c">
          Crash <kbd>c</kbd>
        </button>
      ) : (
        <button type="button" disabled={dis} onClick={() => s.restart(m.name)} aria-keyshortcuts="r">
          Restart <kbd>r</kbd>
        </button>
      )}
      <button type="button" disabled={dis} onClick={() => s.wipe(m.name)} aria-keyshortcuts="w" title="crash it and erase its disk">
        Wipe disk <kbd>w</kbd>
      </button>
      <button type="button" disabled={dis || !m.alive} onClick={() => s.campaign(m.name)} aria-keyshortcuts="e" title="start an election now">
        Campaign <kbd>e</kbd>
      </button>
      <button type="button" disabled={dis || !m.alive || m.role === 'leader' || !leader || m.isLearner} onClick={() => s.transferLeader(m.name)} aria-keyshortcuts="t">
        Transfer leadership here <kbd>t</kbd>
      </button>
      {m.isLearner && (
        <button type="button" disabled={dis} onClick={() => s.promote(m.name)} aria-keyshortcuts="p">
          Promote <kbd>p</kbd>
        </button>
      )}
      <button type="button" disabled={dis} onClick={() => s.removeMember(m.name)} aria-keyshortcuts="x">
        Remove <kbd>x</kbd>
      </button>
      <button type="button" disabled={dis || m.alive} onClick={() => s.replaceMember(m.name)} aria-keyshortcuts="y" title="remove this (wiped) member and add a fresh one">
        Replace <kbd>y</kbd>
      </button>
      <label className="disk" title="how long one WAL write (fsync) takes on this member's disk, in virtual time; a leader that syncs for longer than the election timeout sends its heartbeats too late">
        disk
        <select
          disabled={past}
          value={m.walFsyncMs === clusterFsyncMs ? '' : String(m.walFsyncMs)}
          onChange={(e) => s.setDisk(m.name, e.target.value === '' ? null : Number(e.target.value))}
          aria-label={`${m.name} disk: virtual time per WAL write`}
        >
          <option value="">as the cluster ({clusterFsyncMs} ms)</option>
          {[...new Set([...DISK_PRESETS_MS, m.walFsyncMs])].sort((a, b) => a - b).filter((ms) => ms !== clusterFsyncMs).map((ms) => (
            <option key={ms} value={String(ms)}>
              {ms >= 1000 ? `very slow (${ms / 1000} s)` : ms >= 100 ? `slow (${ms} ms)` : `${ms} ms`}
            </option>
          ))}
        </select>
      </label>
      <label className="disk" title="how fast this member's clock runs against everyone else's: its heartbeat and election timers tick that much faster or slower. Raft stays safe; a rule that trusts clocks (safety switch 4, lease reads) does not">
        clock
        <select
          disabled={past}
          value={String(m.clockRate)}
          onChange={(e) => s.setClock(m.name, Number(e.target.value) === 1 ? null : Number(e.target.value))}
          aria-label={`${m.name} clock: how fast its timers run`}
        >
          {[...new Set([...CLOCK_PRESETS, m.clockRate])].sort((a, b) => a - b).map((r) => (
            <option key={r} value={String(r)}>
              {r === 1 ? 'in step' : r > 1 ? `×${r} fast` : `×${r} slow`}
            </option>
          ))}
        </select>
      </label>
      {busy && <span className="busy" role="status">{busy}…</span>}
    </div>
  );
}

/** Disk sync times offered per member, in virtual ms: from a fast SSD to a disk that stalls elections. */
const DISK_PRESETS_MS = [0, 10, 100, 500, 3000];

/** Clock rates offered per member: a clock that runs at half speed up to one four times fast. */
const CLOCK_PRESETS = [0.5, 1, 1.5, 2, 4];

export function ClusterActions() {
  const store = useStoreApi();
  const busy = usePlayground((s) => s.busy);
  const dis = usePlayground((s) => s.busy !== '' || s.travel.view.mode === 'past');
  return (
    <div className="actions" role="toolbar" aria-label="membership">
      <button type="button" disabled={dis} onClick={() => store.getState().addMember(false)} aria-keyshortcuts="a">
        Add member <kbd>a</kbd>
      </button>
      <button type="button" disabled={dis} onClick={() => store.getState().addMember(true)} aria-keyshortcuts="l">
        Add learner <kbd>l</kbd>
      </button>
      {busy && <span className="busy" role="status">{busy}…</span>}
    </div>
  );
}
