/**
 * Builds the renderer (Svelte 5 + Rete v2) into dist/renderer: one static bundle that Electron
 * loads from file:// and `npm run serve` serves over HTTP. Relative base so both work.
 */
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [svelte({ configFile: fileURLToPath(new URL('./svelte.config.js', import.meta.url)) })],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: { host: '127.0.0.1' },
  css: {
    // rete-svelte-plugin's presets still use Sass @import; their warnings are not ours to fix.
    preprocessorOptions: { scss: { quietDeps: true, silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'slash-div'] } },
  },
  // nodes/core uses zod; nodes/kinds is pure descriptors; never tfjs in the renderer.
  resolve: {
    conditions: ['browser'],
    // elkjs' main entry wants a web worker package; the bundled build runs in the page.
    alias: [{ find: /^elkjs$/, replacement: 'elkjs/lib/elk.bundled.js' }],
  },
});
