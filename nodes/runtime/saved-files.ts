/** What Save and Load nodes share: writing a file into the run's output folder, and reading one a user named. */
import { join, resolve } from 'node:path';
import { type GraphDocument, saveGraph } from '../core/document.ts';
import { writeFileAtomic } from './fs-atomic.ts';
import type { RunEvent, RunSummary } from './events.ts';
import { type RunContext, UserError } from './op.ts';

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
