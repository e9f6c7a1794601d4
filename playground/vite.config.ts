// `npx vite playground` serves the page; `npx vite build playground` writes playground/dist.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const repo = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  // Relative asset URLs: the built page works from any folder or static server.
  base: './',
  server: { host: '127.0.0.1', fs: { allow: [repo] } },
  preview: { host: '127.0.0.1' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096, assetsInlineLimit: 0 },
});
