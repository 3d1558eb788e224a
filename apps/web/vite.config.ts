import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// Built into dist/, which the API process serves on its own port (apps/api/src/web/web-app.ts).
export default defineConfig({
  plugins: [preact()],
  build: { outDir: process.env.WEB_OUT_DIR ?? 'dist', emptyOutDir: true, target: 'es2022', modulePreload: { polyfill: false } },
});
