/**
 * The store's bug-finder slice: runs the finder in its worker with the cluster's settings (its
 * safety switches), mirrors its progress, and opens the counterexample it found as a scenario.
 * The worker is made by the page (`attachFinder`), so the store runs without a DOM in tests.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { FinderMessage, FinderStart } from '../scenario/bugFinderProtocol.ts';
import { parseScenario } from '../scenario/scenarioFormat.ts';
import type { Store } from './store.ts';
import { unsafeNumbersOn } from './safetySwitches.ts';

/** What the page needs of a worker: post a start, hear back, terminate. */
export interface FinderWorker {
  postMessage(m: FinderStart): void;
  onmessage: ((e: { data: FinderMessage }) => void) | null;
  terminate(): void;
}

export interface FinderView {
  status: 'idle' | 'running' | 'found' | 'none' | 'error';
  phase: 'search' | 'shrink';
  seed: number;
  tried: number;
  planSteps: number;
  maxSeeds: number;
  /** What was found, in words, and the counterexample. */
  found: { text: string; what: string; kind: 'invariant' | 'history'; seed: number; steps: number; originalSteps: number; runs: number; scenario: string } | null;
  error: string;
}

export interface FinderState {
  finder: FinderView;
}

export interface FinderActions {
  attachFinder(make: () => FinderWorker): void;
  /** Searches seeds with the current cluster's settings; needs a safety switch on. */
  findFailure(maxSeeds?: number): void;
  stopFinder(): void;
  /** Replays the counterexample into the cluster (a loaded scenario, as Import does). */
  openCounterexample(): Promise<boolean>;
}

const idle: FinderView = { status: 'idle', phase: 'search', seed: 0, tried: 0, planSteps: 0, maxSeeds: 0, found: null, error: '' };

export function finderSlice(set: StoreApi<Store>['setState'], get: StoreApi<Store>['getState']): FinderState & FinderActions {
  let make: (() => FinderWorker) | null = null;
  let worker: FinderWorker | null = null;
  const stop = (): void => {
    worker?.terminate();
    worker = null;
  };
  return {
    finder: idle,
    attachFinder(m) {
      make = m;
    },
    findFailure(maxSeeds = 100) {
      const settings = get().settings;
      if (!settings) return;
      const switches = unsafeNumbersOn(settings).length > 0;
      if (!switches) {
        get().notify('turn on a safety switch first (Settings → Unsafe experiments), then look for a failure it allows', 'error');
        return;
      }
      if (!make) {
        set({ finder: { ...idle, status: 'error', error: 'the bug finder needs Web Workers, which this page cannot start' } });
        return;
      }
      stop();
      const w = make();
      worker = w;
      set({ finder: { ...idle, status: 'running', maxSeeds } });
      w.onmessage = (e) => {
        if (worker !== w) return;
        const m = e.data;
        const f = get().finder;
        if (m.type === 'progress') set({ finder: { ...f, phase: m.phase, seed: m.seed, tried: m.tried, planSteps: m.planSteps } });
        else {
          stop();
          if (m.type === 'found') {
            set({ finder: { ...f, status: 'found', found: { text: m.failure.text, what: m.failure.what, kind: m.failure.kind, seed: m.seed, steps: m.plan.length, originalSteps: m.originalSteps, runs: m.runs, scenario: m.scenario } } });
          } else if (m.type === 'none') set({ finder: { ...f, status: 'none' } });
          else set({ finder: { ...f, status: 'error', error: m.message } });
        }
      };
      // The cluster the user runs, with its switches; the finder picks its own plans.
      w.postMessage({ type: 'start', settings: { ...settings, seed: 1 }, maxSeeds });
    },
    stopFinder() {
      stop();
      set({ finder: { ...get().finder, status: 'idle' } });
    },
    async openCounterexample() {
      const found = get().finder.found;
      if (!found) return false;
      return get().loadScenario(parseScenario(found.scenario));
    },
  };
}
