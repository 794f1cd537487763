/** What Save and Load nodes share: writing a file into the run's output folder, and reading one a user named. */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type GraphDocument, saveGraph } from '../core/document.ts';
import type { JsonObject } from '../core/json.ts';
import type { PlanStep } from '../core/plan.ts';
import { LoadModel, SAVED_SORTS, SaveModel } from '../kinds/b15/model-io.ts';
import { writeFileAtomic } from './fs-atomic.ts';
import type { RunEvent, RunSummary } from './events.ts';
import { type RunContext, type RunOptions, UserError } from './op.ts';

/** Writes `text()` atomically to `file` in the output folder; without one, warns that the `what` was not saved. */
export async function saveToOutDir(ctx: RunContext, file: string, what: string, text: () => string | Promise<string>): Promise<void> {
  if (!ctx.options.outDir) {
    ctx.log(`no output folder: ${what} not saved`, 'warn');
    return;
  }
  const path = join(ctx.options.outDir, file);
  await writeFileAtomic(path, await text());
  ctx.log(`${what} written to ${path}`);
}

/** Writes a run's summary.json (pretty-printed, as the CLI and the app leave it) into `dir`, atomically; returns its path. */
export async function writeSummaryJson(dir: string, summary: RunSummary): Promise<string> {
  const path = join(dir, 'summary.json');
  await writeFileAtomic(path, `${JSON.stringify(summary, null, 2)}\n`);
  return path;
}

/** Writes the graph a run runs (its --set changes applied) as graph.json into `dir`: every run folder can be run again. */
export async function writeGraphJson(dir: string, doc: GraphDocument): Promise<void> {
  await writeFileAtomic(join(dir, 'graph.json'), saveGraph(doc));
}

/** One line of a run's metrics.jsonl: the event as JSON; an image event without its PNG (the picture is a file beside it). */
export function eventJsonLine(e: RunEvent): string {
  return `${JSON.stringify(e.type === 'image' ? { ...e, pngBase64: undefined } : e)}\n`;
}

/** Reads with `read` from `path` (relative to the app's workspace, or the current folder); a failure is the node's user error. */
export async function loadFromPath<T>(ctx: RunContext, path: string, read: (full: string) => Promise<T>): Promise<T> {
  try {
    return await read(resolve(ctx.options.baseDir ?? '.', path));
  } catch (e) {
    throw new UserError((e as Error).message, ctx.step.node);
  }
}

/**
 * Why a file could not be read or written, in a few words without the paths the system message names (the caller
 * names the file): "no such file", "permission denied", "not JSON (…)", or the system's own words.
 */
export function fileProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'the file system is read-only';
  if (code === 'ENOSPC') return 'the disk is full';
  if (e instanceof SyntaxError) return `not JSON (${e.message})`;
  return (e as Error).message.replace(/^E[A-Z]+: /, '').replace(/,.*$/s, '');
}

/** The file each Save kind writes into the output folder. */
export const SAVED_FILE: Record<string, (p: JsonObject) => string> = {
  [SaveModel]: (p) => `${p.name as string}${SAVED_SORTS.weights.suffix}`,
  'ebm.save': (p) => `${p.name as string}${SAVED_SORTS.network.suffix}`,
};

/** The file each Load kind reads, and what it holds (for the message when it cannot be read). */
const LOADED_FILE: Record<string, { path: (p: JsonObject) => string; what: string }> = {
  [LoadModel]: { path: (p) => p.path as string, what: 'weights' },
  'ebm.load': { path: (p) => p.path as string, what: 'a network' },
};

/**
 * Each Load node whose file is not there (or is a folder): `{ node, message }`, the message naming the full path.
 * `written(full)` is true for a file a Save node of the same run writes, which need not exist yet.
 */
export async function missingLoadFiles(steps: readonly PlanStep[], baseDir: string | undefined, written: (full: string) => boolean): Promise<{ node: string; message: string }[]> {
  const missing: { node: string; message: string }[] = [];
  for (const s of steps) {
    const load = LOADED_FILE[s.kind];
    if (!load) continue;
    const full = resolve(baseDir ?? '.', load.path(s.params));
    if (written(full)) continue;
    try {
      if ((await stat(full)).isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    } catch (e) {
      missing.push({ node: s.node, message: `cannot read ${load.what} from ${full}: ${fileProblem(e)}` });
    }
  }
  return missing;
}

/** The names of the files the Save nodes of `steps` write (in the output folder, wherever that is). */
export function savedFileNames(steps: readonly PlanStep[]): Set<string> {
  return new Set(steps.flatMap((s) => (SAVED_FILE[s.kind] ? [SAVED_FILE[s.kind]!(s.params)] : [])));
}

/**
 * Before a run: every file a Load node is to read is there, unless a Save node of the same run writes it; so a
 * wrong path fails at once, naming the node, not after the training that comes before it in the plan. (The Load
 * still reads and checks the file when its turn comes.)
 */
export async function checkLoadPaths(steps: readonly PlanStep[], options: RunOptions): Promise<void> {
  const out = options.outDir;
  const written = new Set(out ? [...savedFileNames(steps)].map((f) => resolve(out, f)) : []);
  const [first] = await missingLoadFiles(steps, options.baseDir, (full) => written.has(full));
  if (first) throw new UserError(first.message, first.node);
}

/**
 * The float32 values saved as base64 in a weights or network file, `what` naming them in the file at `path` ("the
 * weight matrix W of f1"). Damaged text, a byte count that is not a whole number of values, or a value that is not a
 * finite number (NaN or infinite: a damaged file, or one saved from a run that diverged) is an error naming both.
 */
export function decodeFloats(s: string, path: string, what: string): Float32Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new Error(`${path}: ${what} is damaged (its text is not base64)`);
  const b = Buffer.from(s, 'base64');
  if (b.byteLength % 4 !== 0) throw new Error(`${path}: ${what} is damaged (it holds ${b.byteLength} bytes, not a whole number of 4-byte values; the file may be cut short)`);
  const a = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) throw new Error(`${path}: ${what} holds ${a[i]} at position ${i}: saved values must be finite numbers (the file is damaged, or was saved from a run that diverged)`);
  }
  return a;
}
