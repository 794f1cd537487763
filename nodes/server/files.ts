/** File access shared by the hosts: the examples folder, atomic writes, autosave. */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { quoted } from '../core/format.ts';
import { plainFileNameProblem, writeFileAtomic } from '../runtime/fs-atomic.ts';

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

/**
 * Why `name` cannot be the name of a graph saved in browser mode's workspace, or null when it can: a plain file name
 * in the workspace folder itself (what the Open list shows), ending in .json. A sentence, never a file system error.
 */
export function workspaceFileNameProblem(name: string): string | null {
  if (!name.trim()) return 'give the file a name';
  const problem = plainFileNameProblem(name, 200, {
    slash: 'graphs are saved in the workspace folder itself',
    dot: 'the file would be hidden, and the Open list would not show it',
  });
  if (problem) return problem;
  if (!name.endsWith('.json')) return 'graph documents are .json files';
  return null;
}

/** `name` for a message: quoted, control characters escaped, a long one cut short. */
export function shownName(name: string): string {
  return quoted(name, 80);
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

/**
 * What an autosave file holds when the work belongs to a file: the work's text and that file's path, in an envelope
 * (`format` first, so that a graph document, written as is, is told from one by its start). Work with no file is
 * written as its bare text, as every autosave of earlier versions was, and such a file still reads as work with none.
 */
const AUTOSAVE_FORMAT = 'plasticity-autosave';
const envelopeStart = `{"format":"${AUTOSAVE_FORMAT}"`;
const envelopeSchema = z.object({ format: z.literal(AUTOSAVE_FORMAT), path: z.string().min(1).max(4096).nullable(), text: z.string() });

/** An autosave read back: the work's text, when it was saved, and the path of the file it belongs to (null: none). */
export interface AutosaveContent {
  text: string | null;
  savedAt: number | null;
  path: string | null;
}

/** Autosave: one file, written atomically; its presence at start means the last session did not close cleanly. */
export class Autosave {
  constructor(private readonly file: string) {}
  /** Keeps `text` (null removes the autosave), with the path of the file it belongs to, if any. */
  async write(text: string | null, path: string | null = null): Promise<void> {
    if (text === null) await unlink(this.file).catch(() => undefined);
    else await writeFileAtomic(this.file, path === null ? text : JSON.stringify({ format: AUTOSAVE_FORMAT, path, text }));
  }
  async read(): Promise<AutosaveContent> {
    let raw: string;
    let savedAt: number;
    try {
      const [t, s] = await Promise.all([readFile(this.file, 'utf8'), stat(this.file)]);
      raw = t;
      savedAt = s.mtimeMs;
    } catch {
      return { text: null, savedAt: null, path: null };
    }
    if (raw.startsWith(envelopeStart)) {
      try {
        const e = envelopeSchema.parse(JSON.parse(raw));
        return { text: e.text, savedAt, path: e.path };
      } catch {
        // Not an envelope after all (cut short, say): offered as it is, like any text, for the user to judge.
      }
    }
    return { text: raw, savedAt, path: null };
  }
}

/** What recovery offers: an autosave's text, when it was saved, its file's path (null: none), and the slot it lies in (null when there is none). */
export interface Recovered extends AutosaveContent {
  slot: string | null;
}

/**
 * Autosaves for browser mode, one file per tab (its slot) in one folder, so tabs editing different graphs do not
 * overwrite each other's unsaved work. A tab is offered its own autosave (after a reload); a new tab is offered the
 * newest autosave no open tab holds (a tab closed or crashed, or the last session's), and adopts its slot when it
 * takes it. The host says which slots open tabs hold (`hold` / `release`, per connection).
 */
export class AutosaveSlots {
  private readonly held = new Map<string, number>();
  /** legacy: where the one autosave of earlier versions lay; it moves into the folder as a slot of its own. */
  constructor(
    private readonly dir: string,
    private readonly legacy?: string,
  ) {}
  private file(slot: string): string {
    return join(this.dir, `${slot}.plasticity.json`);
  }
  hold(slot: string): void {
    this.held.set(slot, (this.held.get(slot) ?? 0) + 1);
  }
  release(slot: string): void {
    const n = (this.held.get(slot) ?? 0) - 1;
    if (n > 0) this.held.set(slot, n);
    else this.held.delete(slot);
  }
  async write(slot: string, text: string | null, path: string | null = null): Promise<void> {
    if (text !== null) await mkdir(this.dir, { recursive: true });
    await new Autosave(this.file(slot)).write(text, path);
  }
  async read(slot: string): Promise<Recovered> {
    if (this.legacy && existsSync(this.legacy)) {
      await mkdir(this.dir, { recursive: true });
      await rename(this.legacy, this.file('earlier')).catch(() => undefined);
    }
    const own = await new Autosave(this.file(slot)).read();
    if (own.text !== null) return { ...own, slot };
    const names = await readdir(this.dir).catch(() => [] as string[]);
    let best: { slot: string; mtime: number } | null = null;
    for (const n of names) {
      const m = /^(.+)\.plasticity\.json$/.exec(n);
      if (!m || this.held.has(m[1])) continue;
      const s = await stat(join(this.dir, n)).catch(() => null);
      if (s?.isFile() && (!best || s.mtimeMs > best.mtime)) best = { slot: m[1], mtime: s.mtimeMs };
    }
    const none = { text: null, savedAt: null, path: null, slot: null };
    if (!best) return none;
    const other = await new Autosave(this.file(best.slot)).read();
    return other.text === null ? none : { ...other, slot: best.slot };
  }
}

export { writeFileAtomic, basename };
