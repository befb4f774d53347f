// Builds the renderer (Vue 3 + Naive UI) into dist/renderer, which `paddock ui` serves in web mode. Relative asset
// URLs (base './') let the same build load from a file:// page in Electron and from the web-mode server.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const rendererRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: rendererRoot,
  base: './',
  plugins: [vue()],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // One chunk per vendor keeps rebuilds readable; the app is served locally, so size warnings are noise.
    chunkSizeWarningLimit: 4096,
    sourcemap: false,
  },
});
