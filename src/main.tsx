import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

function App() {
  return (
    <main>
      <h1>etcd playground</h1>
      <p data-testid="status">A real etcd cluster in this tab is on its way: the Raft core and simulator come first.</p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
