import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App.tsx';
import { createPlaygroundStore } from './state/store.ts';
import { bootPlayground } from './state/boot.ts';
import { startPlayground } from './runtime/bootstrap.ts';

const store = createPlaygroundStore();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App store={store} />
  </StrictMode>,
);

// One Web Worker and one IndexedDB database per member; the URL's settings (?members=5&seed=42).
void bootPlayground(store, () => startPlayground({ search: location.search }), location.search);
