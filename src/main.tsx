import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App.tsx';
import { createPlaygroundStore } from './state/store.ts';
import type { FinderWorker } from './state/finderSlice.ts';
import { bootPlayground } from './state/boot.ts';
import { startPlayground } from './runtime/bootstrap.ts';
import { TimeMachine } from './scenario/timeMachine.ts';
import { readShareFragment, ScenarioError } from './scenario/index.ts';
import { parseViewQuery } from './state/urlSettings.ts';
import { parseRuntimeParams } from './runtime/urlParams.ts';
import { createLiveStore, isLiveQuery, parseLiveQuery } from './state/liveStore.ts';
import { LiveApp } from './ui/live/LiveApp.tsx';

const store = createPlaygroundStore();
store.setState(parseViewQuery(location.search));
// The bug finder runs seeds in a worker of its own, in memory, so the page keeps its frame rate.
store.getState().attachFinder(() => new Worker(new URL('../workers/bugFinder.worker.ts', import.meta.url), { type: 'module', name: 'bug-finder' }) as unknown as FinderWorker);
const liveMode = isLiveQuery(location.search);

if (liveMode) startLiveMode();
else {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App store={store} />
    </StrictMode>,
  );
}

/** ?live: a real etcd instead of the simulation (no workers, no IndexedDB, nothing simulated). */
function startLiveMode(): void {
  const live = createLiveStore({ pageOrigin: location.origin });
  const q = parseLiveQuery(location.search);
  live.getState().setForm({ via: q.via, ...(q.endpoints ? { endpoints: q.endpoints.join(', ') } : {}), ...(q.pollMs ? { pollMs: q.pollMs } : {}), ...(q.user ? { user: q.user } : {}) });
  if (q.problems.length > 0) live.setState({ problems: q.problems });
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <LiveApp store={live} />
    </StrictMode>,
  );
  (window as unknown as { etcdPlaygroundLive?: typeof live }).etcdPlaygroundLive = live;
  // Connect at once when the address names endpoints and no password is needed for the user.
  if (q.endpoints && !q.user && q.problems.length === 0) void live.getState().connect();
}

declare global {
  interface Window {
    /** The time machine over the live cluster (also window.etcdPlayground). */
    etcdPlaygroundTime?: TimeMachine;
  }
}

/** Opens the scenario a shared link carries, if any; a bad link is reported and changes nothing. */
async function openSharedLink(): Promise<void> {
  let shared: ReturnType<typeof readShareFragment>;
  try {
    shared = readShareFragment(location.hash);
  } catch (e) {
    store.getState().notify(`this link's scenario cannot be opened: ${e instanceof ScenarioError ? e.message : String(e)}`, 'error');
    return;
  }
  if (shared) await store.getState().loadScenario(shared.scenario, shared.atMs);
}

// One Web Worker and one IndexedDB database per member; the URL's settings (?members=5&seed=42),
// and a scenario in the fragment (#scenario=...) replayed once the cluster is up.
if (!liveMode) void bootPlayground(
  store,
  async () => {
    const pg = await startPlayground({ search: location.search });
    const tm = new TimeMachine(pg);
    window.etcdPlayground = tm;
    window.etcdPlaygroundTime = tm;
    store.getState().attachMachine(tm);
    return tm;
  },
  location.search,
).then(async (api) => {
  if (!api) return;
  await openSharedLink();
  // ?lesson=<id>&step=<n>: a teacher's link to one step of a lesson (steps count from 1).
  const { lesson, lessonStep } = parseRuntimeParams(location.search);
  if (lesson) await store.getState().startLesson(lesson, (lessonStep ?? 1) - 1);
  window.addEventListener('hashchange', () => void openSharedLink());
});
