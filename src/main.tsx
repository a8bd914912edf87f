import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App.tsx';
import { createPlaygroundStore } from './state/store.ts';
import { bootPlayground } from './state/boot.ts';
import type { PlaygroundApi } from './runtime/playgroundApi.ts';

declare global {
  interface Window {
    etcdPlayground?: PlaygroundApi;
  }
}

const store = createPlaygroundStore();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App store={store} />
  </StrictMode>,
);

void bootPlayground(
  store,
  () => {
    const api = window.etcdPlayground;
    if (!api) throw new Error('the browser runtime is not part of this build yet');
    return api;
  },
  location.search,
);
