/**
 * Starting the playground in a page: one Web Worker and one IndexedDB database per member, the
 * clock driven by the page, `window.etcdPlayground` set for scripts.
 *
 *   import { startPlayground } from './runtime/bootstrap.ts';
 *   const pg = await startPlayground({ search: location.search });
 */
import { createIndexedDbStorageFactory } from '../storage/indexeddb/idbStorageFactory.ts';
import { Playground } from './playground.ts';
import type { ClusterSettings, PlaygroundApi, Speed } from './playgroundApi.ts';
import { parseRuntimeParams } from './urlParams.ts';
import { workerActorFactory, workerCounter } from './workerHost.ts';

export interface StartPlaygroundOptions {
  /** A query string to read settings from (e.g. location.search). */
  search?: string;
  /** Settings given directly (they win over the URL's). */
  settings?: Partial<ClusterSettings>;
  speed?: Speed;
  paused?: boolean;
  /** Set window.etcdPlayground (default true). */
  expose?: boolean;
}

declare global {
  interface Window {
    etcdPlayground?: PlaygroundApi;
    /** The runtime itself, with the host's extras (worker counts, chaos kills). */
    etcdPlaygroundRuntime?: { playground: Playground; workers: typeof workerCounter };
  }
}

function makeMemberWorker(): Worker {
  return new Worker(new URL('../../workers/member.worker.ts', import.meta.url), { type: 'module', name: 'etcd-member' });
}

/**
 * Which storage namespace this tab uses: the first tab gets the plain cluster names, a second tab
 * open at the same time gets its own, so tabs never fight over a member's database.
 */
async function tabSuffix(): Promise<string> {
  const locks = (navigator as { locks?: LockManager }).locks;
  if (!locks) return '';
  for (let n = 0; n < 64; n++) {
    const got = await new Promise<boolean>((resolve) => {
      void locks.request(`etcd-playground-tab-${n}`, { ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        // Held for the page's lifetime.
        return lock ? new Promise<void>(() => undefined) : undefined;
      });
    });
    if (got) return n === 0 ? '' : `-tab${n}`;
  }
  return `-tab${Math.floor(Math.random() * 1e9)}`;
}

export async function startPlayground(opts: StartPlaygroundOptions = {}): Promise<Playground> {
  const params = parseRuntimeParams(opts.search ?? '');
  const settings = { ...params.settings, ...opts.settings };
  // Without a seed in the URL, every visit is a new run; with one, a shared link replays it.
  if (settings.seed === undefined) settings.seed = Math.floor(Math.random() * 1_000_000);
  const suffix = await tabSuffix();
  const pg = new Playground({
    settings,
    storageFactory: createIndexedDbStorageFactory(),
    actorFactory: (host) => workerActorFactory(host, makeMemberWorker),
    storageClusterId: (key) => `${key}${suffix}`,
    speed: opts.speed ?? params.speed ?? 1,
    paused: opts.paused ?? params.paused ?? false,
  });
  if (opts.expose ?? true) {
    window.etcdPlayground = pg;
    window.etcdPlaygroundRuntime = { playground: pg, workers: workerCounter };
  }
  // docs/ARCHITECTURE.md §8: the clock stops while nobody can see it.
  document.addEventListener('visibilitychange', () => pg.setHidden(document.hidden));
  if (document.hidden) pg.setHidden(true);
  await pg.ready();
  return pg;
}

/** The minimal status line (leader, members, virtual clock), refreshed every frame. */
export function renderStatusReadout(pg: PlaygroundApi, el: HTMLElement): () => void {
  let stop = false;
  const draw = () => {
    if (stop) return;
    const ms = pg.members();
    const lead = pg.leader();
    const t = pg.time();
    el.textContent = `leader: ${lead ? `${lead.name} (term ${lead.term})` : 'none'} | members: ${ms.map((m) => `${m.name}:${m.role}`).join(' ')} | virtual time: ${(t.nowMs / 1000).toFixed(1)} s${t.paused ? ' (paused)' : ''} | speed: ${t.speed}`;
    requestAnimationFrame(draw);
  };
  draw();
  return () => (stop = true);
}
