/**
 * Starting the page: settings from the URL, the runtime created with them, the store connected.
 * A failure to start is shown, not thrown.
 */
import { connectStore, type FrameScheduler } from './bridge.ts';
import type { PlaygroundStore } from './store.ts';
import type { ClusterSettings, PlaygroundApi } from './types.ts';
import { parseSettingsQuery } from './urlSettings.ts';

export type PlaygroundFactory = (settings: Partial<ClusterSettings>) => PlaygroundApi | Promise<PlaygroundApi>;

export async function bootPlayground(store: PlaygroundStore, create: PlaygroundFactory, search: string, frames?: FrameScheduler): Promise<PlaygroundApi | null> {
  const { settings, errors } = parseSettingsQuery(search);
  for (const e of errors) store.getState().notify(`ignored: ${e}`, 'error');
  try {
    const api = await create(settings);
    await api.ready();
    // A runtime that started before it saw the URL gets the URL's settings now.
    const current = api.settings() as unknown as Record<string, unknown>;
    if (Object.entries(settings).some(([k, v]) => JSON.stringify(current[k]) !== JSON.stringify(v))) {
      await api.reset(settings);
      await api.ready();
    }
    const members = api.members();
    store.setState({ status: 'ready', settings: api.settings(), members, islands: [members.map((m) => m.name)] });
    connectStore(store, api, frames);
    const leader = api.leader();
    store.getState().narrate(`cluster of ${members.length} members started${leader ? `, ${leader.name} leads term ${leader.term}` : ''}`);
    return api;
  } catch (e) {
    store.setState({ status: 'error', error: e instanceof Error ? e.message : String(e) });
    return null;
  }
}
