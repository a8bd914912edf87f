/**
 * The bug finder in a Web Worker, so the page keeps its frame rate while seeds run: in-process
 * clusters in memory (no IndexedDB), progress after every run, the counterexample as a scenario
 * file's text. The page stops it by terminating the worker.
 */
import { findFailure } from '../src/scenario/bugFinder.ts';
import { serializeScenario } from '../src/scenario/scenarioFormat.ts';
import type { FinderMessage, FinderStart } from '../src/scenario/bugFinderProtocol.ts';

const post = (m: FinderMessage): void => (self as unknown as Worker).postMessage(m);

self.onmessage = (e: MessageEvent<FinderStart>) => {
  const o = e.data;
  if (o.type !== 'start') return;
  void findFailure({ settings: o.settings, maxSeeds: o.maxSeeds, onProgress: (p) => post({ type: 'progress', ...p }) })
    .then((r) => {
      if (!r) post({ type: 'none', seeds: o.maxSeeds });
      else post({ type: 'found', seed: r.seed, plan: r.plan, originalSteps: r.originalSteps, runs: r.runs, failure: r.failure, scenario: serializeScenario(r.scenario) });
    })
    .catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
};
