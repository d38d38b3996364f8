import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// Vitest 5's reporter calls Map.groupBy, which Node 20 (our minimum) does not have yet.
const M = Map as unknown as { groupBy?: unknown };
M.groupBy ??= <K, V>(items: Iterable<V>, key: (v: V, i: number) => K): Map<K, V[]> => {
  const m = new Map<K, V[]>();
  let i = 0;
  for (const v of items) {
    const k = key(v, i++);
    m.set(k, [...(m.get(k) ?? []), v]);
  }
  return m;
};

// The server (PORT, default 8080) serves the API and socket.io; in development Vite proxies to it.
const target = process.env.BRIDGEBOARD_API ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
  resolve: {
    // shared types and small helpers come from the source: no build step for the web app
    alias: { '@bridgeboard/contracts': fileURLToPath(new URL('../../libs/contracts/src/index.ts', import.meta.url)) },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target, changeOrigin: true },
      '/socket.io': { target, ws: true, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Monaco is big by nature; it only loads on converter pages (see ui/CodeEditor.tsx).
    chunkSizeWarningLimit: 4000,
  },
  worker: { format: 'es' },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    css: false,
    // the CI machine is shared: give slow renders room instead of flaking
    testTimeout: 20_000,
  },
});
