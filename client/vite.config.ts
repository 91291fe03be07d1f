/**
 * Vite builds the console from client/ into dist/client, which the server serves as static files.
 * In development, /api and /socket.io are proxied to the server so cookies stay same-origin.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const clientDir = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/client', import.meta.url));
const target = process.env.API_TARGET ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: clientDir,
  plugins: [react()],
  build: { outDir, emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 800 },
  server: {
    port: 5173,
    proxy: {
      '/api': { target, changeOrigin: false },
      '/socket.io': { target, ws: true, changeOrigin: false },
    },
  },
});
