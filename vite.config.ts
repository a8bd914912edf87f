import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  test: {
    include: ['src/**/*.test.ts', 'workers/**/*.test.ts'],
    environment: 'node',
    // Simulation sweeps run many seeds; a seed that hangs is itself a failure, so keep a generous cap.
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
