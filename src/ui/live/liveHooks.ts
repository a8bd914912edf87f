/** Live mode's store as React sees it (its own context: live mode never touches the simulation's store). */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { LiveActions, LiveState, LiveStore } from '../../state/liveStore.ts';

export const LiveStoreContext = createContext<LiveStore | null>(null);

export function useLiveApi(): LiveStore {
  const s = useContext(LiveStoreContext);
  if (!s) throw new Error('LiveStoreContext is missing');
  return s;
}

export function useLive<U>(selector: (s: LiveState & LiveActions) => U): U {
  return useStore(useLiveApi(), selector);
}
