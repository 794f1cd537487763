/** File access shared by the hosts: the examples folder, atomic writes, autosave. */
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../runtime/fs-atomic.ts';

/** The repository's examples/ folder (next to nodes/). */
export const DEFAULT_EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));

export interface ExampleInfo {
  id: string;
  name: string;
  description: string;
}

export async function listExamples(dir: string): Promise<ExampleInfo[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const out: ExampleInfo[] = [];
  for (const n of names) {
    try {
      const doc = JSON.parse(await readFile(join(dir, n), 'utf8')) as { name?: unknown; description?: unknown; format?: unknown };
      if (doc.format !== 'plasticity-graph') continue;
      out.push({
        id: n.replace(/\.json$/, ''),
        name: typeof doc.name === 'string' ? doc.name : n,
        description: typeof doc.description === 'string' ? doc.description : '',
      });
    } catch {
      // a broken example is left out of the menu rather than breaking it
    }
  }
  return out;
}

export async function readExample(dir: string, id: string): Promise<string> {
  if (!/^[\w.-]+$/.test(id) || id.includes('..')) throw new Error(`no example named ${id}`);
  try {
    return await readFile(join(dir, `${id}.json`), 'utf8');
  } catch {
    throw new Error(`no example named ${id}`);
  }
}

export async function listJsonFiles(dir: string): Promise<{ path: string; name: string; modified: number }[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
  } catch {
    return [];
  }
  const out = [];
  for (const n of names.sort()) {
    const s = await stat(join(dir, n)).catch(() => null);
    if (s?.isFile()) out.push({ path: n, name: n, modified: s.mtimeMs });
  }
  return out;
}

/** Autosave: one file, written atomically; its presence at start means the last session did not close cleanly. */
export class Autosave {
  constructor(private readonly file: string) {}
  async write(text: string | null): Promise<void> {
    if (text === null) await unlink(this.file).catch(() => undefined);
    else await writeFileAtomic(this.file, text);
  }
  async read(): Promise<{ text: string | null; savedAt: number | null }> {
    try {
      const [text, s] = await Promise.all([readFile(this.file, 'utf8'), stat(this.file)]);
      return { text, savedAt: s.mtimeMs };
    } catch {
      return { text: null, savedAt: null };
    }
  }
}

export { writeFileAtomic, basename };
