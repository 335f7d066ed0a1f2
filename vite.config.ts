// Builds the renderer (src-renderer) into out/renderer, where the Electron shell's app://
// protocol and `lifeboat serve` read it. Relative base: the files work under any origin.
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('./src-renderer'),
  base: './',
  plugins: [vue()],
  resolve: {
    // The renderer may import only src-main/shared from the main side.
    alias: { '@shared': here('./src-main/shared') },
  },
  build: {
    outDir: here('./out/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    // Electron 45 ships Chromium 142; the polyfill would only add code it never needs.
    target: 'chrome140',
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
