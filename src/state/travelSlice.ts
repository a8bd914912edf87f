/**
 * The store's time-travel slice: what the time machine shows (live or a past time), a long
 * replay's progress, the branches, and the actions behind the scrubber, Continue from here, Share,
 * Export and Import. The machine is the source of truth; this mirrors it for the UI.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { Branch, TimeMachine, TravelProgress, TravelView } from '../scenario/timeMachine.ts';
import { parseScenario, serializeScenario, type Scenario } from '../scenario/scenarioFormat.ts';
import { shareUrl } from '../scenario/shareLink.ts';
import type { ConsoleEntry, Store } from './store.ts';

export interface TravelState {
  travel: {
    machine: TimeMachine | null;
    view: TravelView;
    progress: TravelProgress | null;
    branches: Branch[];
  };
}

export interface TravelActions {
  /** Connects the machine; returns the disconnect. */
  attachMachine(tm: TimeMachine): () => void;
  /** Shows the run at `ms` (virtual); at or after the present, the present. */
  seek(ms: number): void;
  seekBy(deltaMs: number): void;
  present(): void;
  continueFromHere(): Promise<void>;
  switchBranch(id: number): Promise<void>;
  /** The run (from its start to now) as a scenario file's name and text. */
  exportScenario(): Promise<{ name: string; text: string }>;
  /** Checks a scenario file and replays it; a refused file is reported and changes nothing. */
  importScenario(text: string, atMs?: number): Promise<boolean>;
  loadScenario(s: Scenario, atMs?: number): Promise<boolean>;
  /** A link that replays the run to the time shown. */
  shareLink(pageUrl: string): Promise<string>;
  /** The trace events the view holds, as JSON. */
  exportTrace(): { name: string; text: string };
  /** What the clients saw in the run shown (etcd-playground-history). */
  exportHistory(): { name: string; text: string };
}

type Set = StoreApi<Store>['setState'];
type Get = StoreApi<Store>['getState'];

const fileStamp = (s: Scenario | { settings: { seed: number }; endMs: number }): string => `seed${s.settings.seed}-${Math.round(s.endMs / 100) / 10}s`;

export function travelSlice(set: Set, get: Get): TravelState & TravelActions {
  const machine = (): TimeMachine => {
    const m = get().travel.machine;
    if (!m) throw new Error('time travel is not ready yet');
    return m;
  };
  /** Each branch keeps its own console transcript; the live one is in consoleEntries. */
  const consoleOf = new Map<number, ConsoleEntry[]>();
  const patchTravel = (p: Partial<TravelState['travel']>): void => set((s) => ({ travel: { ...s.travel, ...p } }));
  const failed = (label: string, e: unknown): void => get().notify(`${label} failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
  /** A new run in the live cluster: the timeline starts again from what the replay shows. */
  const clearTimeline = (): void =>
    set({ bands: [], markers: [], feed: [], clients: [], selectedFlight: null, selectedMarker: 0, perLink: {}, globalLink: {} });

  return {
    travel: { machine: null, view: { mode: 'live' }, progress: null, branches: [] },

    attachMachine(tm) {
      let lastMode = 'live';
      const offView = tm.onView((view) => {
        if (view.mode !== lastMode) {
          lastMode = view.mode;
          if (view.mode === 'past') {
            // Nothing may act on the past: the workload stops, a picked message is let go.
            get().stopWorkload();
            set({ selectedFlight: null });
            get().narrate(`viewing the past at ${(view.targetMs / 1000).toFixed(1)} s`);
          } else get().narrate('back to the present');
        }
        patchTravel({ view, branches: tm.branches() });
      });
      const offProgress = tm.onProgress((progress) => patchTravel({ progress }));
      patchTravel({ machine: tm, view: tm.viewing(), branches: tm.branches() });
      return () => {
        offView();
        offProgress();
      };
    },

    seek(ms) {
      machine()
        .seek(ms)
        .catch((e: unknown) => failed('going back in time', e));
    },
    seekBy(deltaMs) {
      const v = get().travel.view;
      const from = v.mode === 'past' ? v.targetMs : get().nowMs;
      get().seek(Math.max(0, from + deltaMs));
    },
    present() {
      machine().present();
    },

    async continueFromHere() {
      const tm = machine();
      const v = tm.viewing();
      if (v.mode !== 'past') return;
      const leftId = tm.branches().find((b) => b.current)?.id ?? 1;
      const entries = get().consoleEntries;
      get().stopWorkload();
      try {
        clearTimeline();
        await tm.fork();
        consoleOf.set(leftId, entries);
        set({ consoleEntries: entries.filter((e) => e.atMs === undefined || e.atMs <= v.targetMs), members: tm.members() });
        patchTravel({ branches: tm.branches() });
        get().narrate(`continuing from ${(v.targetMs / 1000).toFixed(1)} s on a new branch; the run you left is kept`);
      } catch (e) {
        failed('continuing from here', e);
      }
    },

    async switchBranch(id) {
      const tm = machine();
      const leftId = tm.branches().find((b) => b.current)?.id ?? 1;
      if (leftId === id) {
        tm.present();
        return;
      }
      get().stopWorkload();
      const entries = get().consoleEntries;
      try {
        clearTimeline();
        await tm.switchBranch(id);
        consoleOf.set(leftId, entries);
        set({ consoleEntries: consoleOf.get(id) ?? [], members: tm.members() });
        consoleOf.delete(id);
        patchTravel({ branches: tm.branches() });
        get().narrate(`back on ${tm.branches().find((b) => b.id === id)?.label ?? `branch ${id}`}`);
      } catch (e) {
        failed('switching branch', e);
      }
    },

    async exportScenario() {
      const s = await machine().scenario();
      return { name: `etcd-playground-scenario-${fileStamp(s)}.json`, text: serializeScenario(s) };
    },

    async importScenario(text, atMs) {
      let s: Scenario;
      try {
        s = parseScenario(text);
      } catch (e) {
        get().notify(`this scenario cannot be opened: ${e instanceof Error ? e.message : String(e)}`, 'error');
        return false;
      }
      return get().loadScenario(s, atMs);
    },

    async loadScenario(s, atMs) {
      const tm = machine();
      get().stopWorkload();
      clearTimeline();
      consoleOf.clear();
      set({ consoleEntries: [], status: 'resetting' });
      try {
        const r = await tm.load(s, atMs !== undefined ? { atMs } : {});
        const members = tm.members();
        set({ status: 'ready', settings: tm.settings(), members, islands: [members.map((m) => m.name)] });
        patchTravel({ branches: tm.branches(), view: tm.viewing() });
        const where = `${(tm.now() / 1000).toFixed(1)} s`;
        if (r.partial) get().notify(`scenario${s.title ? ` "${s.title}"` : ''} replayed to ${where} (it runs to ${(s.endMs / 1000).toFixed(1)} s)`);
        else if (r.matches) get().notify(`scenario${s.title ? ` "${s.title}"` : ''} replayed to ${where}: the same run as its author's (trace hash ${r.traceHash})`);
        else get().notify(`scenario replayed to ${where}, but the run differs from its author's (trace hash ${r.traceHash}, expected ${r.expectedHash}): it was made with another version of the playground`, 'error');
        return true;
      } catch (e) {
        set({ status: 'ready', members: tm.members() });
        get().notify(`the scenario could not be replayed: ${e instanceof Error ? e.message : String(e)}`, 'error');
        return false;
      }
    },

    async shareLink(pageUrl) {
      const tm = machine();
      const v = tm.viewing();
      const s = await tm.scenario();
      return shareUrl(pageUrl, s, v.mode === 'past' ? v.targetMs : undefined);
    },

    exportTrace() {
      const tm = machine();
      const events = tm.trace();
      const text = JSON.stringify({ format: 'etcd-playground-trace', version: 1, settings: tm.settings(), nowMs: tm.now(), traceHash: tm.traceHash(), events }, null, 1);
      return { name: `etcd-playground-trace-${fileStamp({ settings: tm.settings(), endMs: tm.now() })}.json`, text };
    },
    exportHistory() {
      const tm = machine();
      return { name: `etcd-playground-history-${fileStamp({ settings: tm.settings(), endMs: tm.now() })}.json`, text: JSON.stringify(tm.clientHistory()) };
    },
  };
}
