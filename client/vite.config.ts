/**
 * Vite builds the console from client/ into dist/client, which the server serves as static files.
 * In development, /api and /socket.io are proxied to the server so cookies stay same-origin.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const clientDir = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/client', import.meta.url));
const target = process.env.API_TARGET ?? 'http://127.0.0.1:3000';

/**
 * Writes the service worker (client/sw/sw.js) to the site root with this build's app shell: the
 * built index.html and every hashed asset (not source maps), versioned by a hash of their contents.
 */
function serviceWorker(): Plugin {
  return {
    name: 'relocation-service-worker',
    apply: 'build',
    closeBundle() {
      const files: string[] = [];
      const walk = (dir: string) => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          const full = path.join(dir, e.name);
          if (e.isDirectory()) walk(full);
          else if (!e.name.endsWith('.map') && e.name !== 'sw.js') files.push(full);
        }
      };
      walk(outDir);
      files.sort();
      const hash = createHash('sha256');
      for (const f of files) hash.update(f).update(readFileSync(f));
      const shell = files.map((f) => `/${path.relative(outDir, f).split(path.sep).join('/')}`);
      const source = readFileSync(path.join(clientDir, 'sw/sw.js'), 'utf8')
        .replace("'__VERSION__'", JSON.stringify(hash.digest('hex').slice(0, 16)))
        .replace('__SHELL__', JSON.stringify(shell));
      writeFileSync(path.join(outDir, 'sw.js'), source);
    },
  };
}

export default defineConfig({
  root: clientDir,
  plugins: [react(), serviceWorker()],
  build: { outDir, emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 800 },
  server: {
    port: 5173,
    proxy: {
      '/api': { target, changeOrigin: false },
      '/socket.io': { target, ws: true, changeOrigin: false },
    },
  },
});
