import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { etcdProxy } from './scripts/etcdProxy.ts';

export default defineConfig({
  // etcdProxy: live mode's /etcd-proxy/<host>:<port>/ in `vite` and `vite preview` (scripts/etcdProxy.ts).
  plugins: [react(), etcdProxy()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    // The app, and a bare page that boots only the runtime (its end-to-end tests load it).
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        runtime: fileURLToPath(new URL('runtime.html', import.meta.url)),
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'workers/**/*.test.ts'],
    environment: 'node',
    // Simulation sweeps run many seeds; a seed that hangs is itself a failure, so keep a generous cap.
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
