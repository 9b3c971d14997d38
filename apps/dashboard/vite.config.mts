import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const projectRoot = fileURLToPath(new URL('.', import.meta.url));

// The page only: the backend is bundled by esbuild (see project.json).
export default defineConfig({
  root: projectRoot,
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(
      new URL('../../dist/apps/dashboard/public', import.meta.url),
    ),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    // `nx run dashboard:dev`: the page with hot reload, the API from a
    // dashboard backend running on its default port.
    proxy: { '/api': 'http://127.0.0.1:8700' },
  },
});
