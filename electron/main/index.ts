/** Electron entry (bundled to dist/electron/main.cjs by build/vite.electron.config.ts). */
import { join } from 'node:path';
import { app } from 'electron';
import { startApp } from './app.ts';

// In the bundle, __dirname is dist/electron (inside the asar when packaged).
const bundleDir = __dirname;
const root = join(bundleDir, '..', '..');
startApp({
  bundleDir,
  rendererIndex: join(root, 'dist', 'renderer', 'index.html'),
  examplesDir: app.isPackaged ? join(process.resourcesPath, 'examples') : join(root, 'examples'),
  version: app.getVersion(),
});
