/** Builds the renderer with vite when dist/renderer is missing or older than its sources. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_STATIC_DIR, REPO_ROOT } from './ws-server.ts';

async function newest(dir: string): Promise<number> {
  let t = 0;
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, await newest(p));
    else t = Math.max(t, (await stat(p)).mtimeMs);
  }
  return t;
}

export async function ensureRendererBuilt(force = false): Promise<boolean> {
  const index = join(DEFAULT_STATIC_DIR, 'index.html');
  const built = (await stat(index).catch(() => null))?.mtimeMs ?? 0;
  const configs = await Promise.all(['vite.config.ts', 'svelte.config.js'].map(async (f) => (await stat(join(REPO_ROOT, f)).catch(() => null))?.mtimeMs ?? 0));
  const sources = Math.max(...configs, ...(await Promise.all(['renderer', 'electron/common', 'nodes/core', 'nodes/kinds'].map((d) => newest(join(REPO_ROOT, d))))));
  if (!force && built > sources) return false;
  console.log('building the renderer…');
  const { build } = await import('vite');
  await build({ configFile: join(REPO_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  return true;
}

