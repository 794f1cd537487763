/**
 * Bundles Electron's main process, preload and engine utilityProcess into dist/electron/*.cjs.
 * electron, tfjs and other native or large packages stay external (resolved from node_modules in
 * the app, with tfjs-node's binaries unpacked from the asar, see build/electron-builder.yml).
 */
import { defineConfig } from 'vite';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

const r = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const external = ['electron', /^@tensorflow\//, 'ws', 'seedrandom', 'pngjs', 'pureimage', 'dejavu-fonts-ttf', 'mnist', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// Two passes (`--mode main`, `--mode preload`): a sandboxed preload must be one self-contained file.
export default defineConfig(({ mode }) => ({
  build: {
    outDir: r('../dist/electron'),
    emptyOutDir: mode !== 'preload',
    target: 'node20',
    minify: false,
    sourcemap: true,
    ssr: true,
    lib: {
      entry: (mode === 'preload'
          ? { preload: r('../electron/preload/index.ts') }
          : { main: r('../electron/main/index.ts'), engine: r('../electron/main/engine-entry.ts') }) as Record<string, string>,
      formats: ['cjs'],
      fileName: (_format, name) => `${name}.cjs`,
    },
    // import() of tfjs and its backends becomes require(): packages inside app.asar load through Electron's asar-aware
    // require, where Node's ESM loader has had asar bugs.
    rollupOptions: { external, output: { dynamicImportInCjs: false } },
  },
  ssr: { noExternal: true },
}));
