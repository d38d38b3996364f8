import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The server (PORT, default 8080) serves the API and socket.io; in development Vite proxies to it.
const target = process.env.BRIDGEBOARD_API ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
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
  },
});
