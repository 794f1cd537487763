/**
 * Runs from earlier sessions, read back from their folders (the app's `runs/<date>_<time>-<graph>`, or any
 * CLI `--out` folder placed there): summary.json for the list; for one run, its events from metrics.jsonl
 * with the pictures read from their files, so the renderer can rebuild the run as if it had watched it, and
 * the graph it ran (graph.json), to open again. Also the user's note on a run (note.md), moving a run's
 * folder out of the list (into .trash), and the files Save nodes wrote in the runs (for a Load node's path).
 */
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { FOLDER_NAME, isRunId, type LabServiceImpl, type Response, runEventSchema, runSummarySchema } from '../../electron/common/contract.ts';
import type { RunEvent, RunSummary } from '../runtime/events.ts';
import { writeFileAtomic } from '../runtime/fs-atomic.ts';
import { dataUsedText, lastValueName } from '../core/format.ts';
import { isCurvePart } from '../core/run-view.ts';
import { graphOrNull, runLimitsMarker } from '../core/document.ts';
import { RUN_LIMIT_KEYS } from '../core/kind.ts';
import { createRegistry } from '../kinds/index.ts';
import { SAVED_SORT_NAMES, SAVED_SORTS, type SavedSort } from '../kinds/b15/model-io.ts';

export interface PastRunEntry {
  /** The folder's name inside the runs folder (sweep/run for a run of a sweep). */
  id: string;
  graph: string;
  status: RunSummary['status'];
  /** When the run ended (summary.json's time), ms since 1970. */
  endedAt: number;
  wallSeconds: number;
  /** The scalar metrics. */
  metrics: Record<string, number>;
  /** The user's note on the run (note.md), or ''. */
  note: string;
  /** A run of a series started in the app: its place and what set it apart (RunSummary.label). */
  label?: string;
  /**
   * A Quick run's or a limited run's marker, so its figures are not taken for a full run's: the Run tab pill's words
   * (runLimitsMarker, "Quick run: 1 epoch · up to 200 training"), of the limits some node of its graph obeys.
   */
  limits?: string;
  /** A failed run's error, as its summary.json gives it. */
  error?: string;
  /** The data it read, short ("embedded", or the IDX folder's name: dataUsedText); absent when its summary does not say. */
  data?: string;
}

/** The file in a run folder that holds the user's note on the run. */
export const NOTE_FILE = 'note.md';

/** The note as written, without the line break that ends the file. */
const readNote = (dir: string): Promise<string> => readFile(join(dir, NOTE_FILE), 'utf8').then((t) => t.trimEnd(), () => '');

function checkId(id: string): void {
  if (!isRunId(id)) throw new Error(`"${id}" is not the name of a run folder`);
}

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

async function subfolders(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory() && FOLDER_NAME.test(d.name) && !d.name.startsWith('.')).map((d) => d.name);
  } catch {
    return [];
  }
}

/**
 * `dir`'s summary.json read as a run's summary, or why it cannot be, as the end of a sentence naming the run (the
 * file is read and parsed once, whichever the answer).
 */
async function readSummaryOrWhy(dir: string): Promise<{ summary: RunSummary } | { why: string }> {
  let text: string;
  try {
    text = await readFile(join(dir, 'summary.json'), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { why: code === 'ENOENT' ? 'has no readable summary.json (there is none: not a run folder, or a run still going or killed)' : `has no readable summary.json (${code === 'EISDIR' ? 'it is a folder' : (code ?? 'it cannot be read')})` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { why: `has no readable summary.json (not valid JSON: ${(e as Error).message})` };
  }
  const r = runSummarySchema.safeParse(raw);
  if (r.success) return { summary: r.data as RunSummary };
  const issue = r.error.issues[0];
  return { why: `has no readable summary.json (not a run's summary${issue ? `: ${issue.path.join('.') || 'the file'}: ${issue.message}` : ''})` };
}

export async function readSummary(dir: string): Promise<RunSummary | null> {
  const r = await readSummaryOrWhy(dir);
  return 'summary' in r ? r.summary : null;
}

/**
 * The ids of the run folders under `runsDir`: its folders, and for a sweep folder (one with a sweep.json and no
 * summary.json of its own) the folders in it, as sweep/run. Hidden folders (.trash) and links are left out.
 */
export async function runFolderIds(runsDir: string): Promise<string[]> {
  const ids: string[] = [];
  for (const name of await subfolders(runsDir)) {
    if (!(await exists(join(runsDir, name, 'summary.json'))) && (await exists(join(runsDir, name, 'sweep.json'))))
      ids.push(...(await subfolders(join(runsDir, name))).map((run) => `${name}/${run}`));
    else ids.push(name);
  }
  return ids;
}

/**
 * The run folders under `runsDir` that hold a readable summary.json, and the runs of a sweep folder (one with a
 * sweep.json) as sweep/run; newest first (at most `max`). The folders whose summary.json is there but cannot be
 * read are added to `unreadable`, when given (a folder without one, say a run still going, is not a run yet).
 */
export async function listPastRuns(runsDir: string, max = 200, unreadable?: string[]): Promise<PastRunEntry[]> {
  const names = await runFolderIds(runsDir);
  const entries = await Promise.all(
    names.map(async (id): Promise<PastRunEntry | null> => {
      const dir = join(runsDir, id);
      const s = await readSummary(dir);
      if (!s) {
        if (unreadable && (await exists(join(dir, 'summary.json')))) unreadable.push(id);
        return null;
      }
      // When it ended, as the run recorded it (a copied folder keeps it); older summaries: the file's time.
      const endedAt = s.finished_at ? Date.parse(s.finished_at) : (await stat(join(dir, 'summary.json'))).mtimeMs;
      // Its scalar metrics, then where each array ends (name[-1], as plasticity sweep names it): a run stopped during
      // training has only its per-epoch curves.
      const all = Object.entries(s.metrics);
      const metrics = Object.fromEntries([
        ...all.filter((e): e is [string, number] => typeof e[1] === 'number'),
        ...all.flatMap(([k, v]): [string, number][] => (Array.isArray(v) && typeof v.at(-1) === 'number' && !isCurvePart(k, s.metrics) ? [[lastValueName(k), v.at(-1) as number]] : [])),
      ]);
      const limits = await limitsMarker(dir, s.options);
      return { id, graph: s.graph, status: s.status, endedAt, wallSeconds: s.wall_seconds, metrics, note: await readNote(dir), ...(s.label ? { label: s.label } : {}), ...(limits ? { limits } : {}), ...(s.error ? { error: s.error } : {}), ...(s.data ? { data: dataUsedText(s.data, true) } : {}) };
    }),
  );
  return entries.filter((e): e is PastRunEntry => e !== null).sort((a, b) => b.endedAt - a.endedAt).slice(0, max);
}

/**
 * The marker of the run in `dir` run with `options` (runLimitsMarker), of the limits some node of its graph
 * (graph.json) obeys; all of them when the graph cannot be read. '' for a full run, without reading the graph.
 */
async function limitsMarker(dir: string, options: RunSummary['options']): Promise<string> {
  if (!runLimitsMarker(options, RUN_LIMIT_KEYS)) return '';
  const doc = graphOrNull(await readFile(join(dir, 'graph.json'), 'utf8').catch(() => null));
  return runLimitsMarker(options, createRegistry().limitsOfGraph(doc));
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } | null {
  if (png.length < 24 || png.toString('ascii', 12, 16) !== 'IHDR') return null;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** At most this many batch progress reports are kept, so a long run's history stays light. */
const MAX_PROGRESS = 5000;

/**
 * One run: its summary and its events, image events carrying their pictures again. A folder without
 * metrics.jsonl (or with a damaged line) still gives its summary and its pictures; unreadable lines are skipped.
 */
export async function readPastRun(runsDir: string, id: string): Promise<PastRun> {
  checkId(id);
  return readRunFolder(join(runsDir, id), id);
}

/** A run read back from its folder. */
export interface PastRun {
  id: string;
  summary: RunSummary;
  events: RunEvent[];
  graph: string | null;
  note: string;
}

/** The run in folder `dir`, whatever its name (a folder the user names on the command line), shown as `id`. */
export async function readRunFolder(dir: string, id: string): Promise<PastRun> {
  const read = await readSummaryOrWhy(dir);
  if ('why' in read) throw new Error(`${id} ${read.why}`);
  const { summary } = read;
  let lines: string[] = [];
  try {
    lines = (await readFile(join(dir, 'metrics.jsonl'), 'utf8')).split('\n');
  } catch {
    // an app run from before the event log was kept: the summary and pictures only
  }
  const picture = async (file: string): Promise<{ pngBase64: string; width: number; height: number } | null> => {
    if (!FOLDER_NAME.test(file)) return null;
    try {
      const png = await readFile(join(dir, file));
      const size = pngSize(png);
      return size ? { pngBase64: png.toString('base64'), ...size } : null;
    } catch {
      return null;
    }
  };
  const events: RunEvent[] = [];
  const seenImages = new Set<string>();
  for (const line of lines) {
    if (!line.trim()) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      continue;
    }
    const e = raw as { type?: unknown; file?: unknown };
    if (e.type === 'image' && typeof e.file === 'string') {
      const pic = await picture(e.file);
      if (!pic) continue;
      raw = { ...e, pngBase64: pic.pngBase64 };
      seenImages.add(e.file);
    }
    const r = runEventSchema.safeParse(raw);
    if (r.success) events.push(r.data as RunEvent);
  }
  // Pictures the summary lists but no event announced (a run without metrics.jsonl).
  const end = events.findIndex((e) => e.type === 'end');
  for (const file of summary.images.filter((f) => !seenImages.has(f))) {
    const pic = await picture(file);
    if (!pic) continue;
    const image: RunEvent = { type: 'image', time: 0, node: '', name: file.replace(/\.png$/, ''), file, ...pic };
    if (end >= 0) events.splice(end, 0, image);
    else events.push(image);
  }
  const graph = await readFile(join(dir, 'graph.json'), 'utf8').catch(() => null);
  return { id, summary, events: thinProgress(events), graph, note: await readNote(dir) };
}

/** Batch reports beyond MAX_PROGRESS are thinned evenly (the last kept); end-of-epoch reports, which carry the per-epoch series, all stay. */
function thinProgress(events: RunEvent[]): RunEvent[] {
  const isBatch = (e: RunEvent): boolean => e.type === 'progress' && e.batch !== undefined;
  const n = events.filter(isBatch).length;
  if (n <= MAX_PROGRESS) return events;
  const every = Math.ceil(n / MAX_PROGRESS);
  let last = -1;
  events.forEach((e, i) => void (isBatch(e) && (last = i)));
  let k = 0;
  return events.filter((e, i) => !isBatch(e) || k++ % every === 0 || i === last);
}

/**
 * Writes the note on run `id` (note.md in its folder, atomically); an empty note removes the file. The folder
 * must exist: a note is never the first file of a folder.
 */
export async function writeRunNote(runsDir: string, id: string, text: string): Promise<void> {
  checkId(id);
  const dir = join(runsDir, id);
  if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw new Error(`there is no run folder ${id}`);
  if (text.trim()) await writeFileAtomic(join(dir, NOTE_FILE), text.endsWith('\n') ? text : `${text}\n`);
  else await rm(join(dir, NOTE_FILE), { force: true });
}

/** Where deleted run folders go: inside the runs folder, hidden from the list, to be put back by hand if need be. */
export const TRASH = '.trash';

/**
 * Moves run `id`'s folder into the runs folder's .trash (as `<id with / as __>-<time>`), out of the list but not
 * destroyed. Only a finished run (one with a summary.json) can be moved. Returns where it went.
 */
export async function trashRun(runsDir: string, id: string): Promise<string> {
  checkId(id);
  const dir = join(runsDir, id);
  if (!(await exists(join(dir, 'summary.json')))) throw new Error(`${id} is not a finished run (no summary.json)`);
  await mkdir(join(runsDir, TRASH), { recursive: true });
  const to = join(runsDir, TRASH, `${id.replace('/', '__')}-${Date.now()}`);
  await rename(dir, to);
  return to;
}

/** A file a Save node wrote into a run folder, as listSavedFiles gives it. */
export type SavedFileEntry = Response<'listSavedFiles'>['files'][number];

/**
 * The files of `sort` (`*.network.json`, `*.weights.json`) in the run folders under `runsDir` (runFolderIds: a
 * sweep's runs too), newest first (at most `max`). Each path is the one a Load node reads, relative to the folder
 * that holds `runsDir` (where the app's Load nodes start), with /. Only plain files in plain folders: a link is not
 * followed out of the runs folder.
 */
export async function listSavedFiles(runsDir: string, sort: SavedSort, max = 500): Promise<SavedFileEntry[]> {
  if (!Object.hasOwn(SAVED_SORTS, sort)) throw new Error(`"${String(sort)}" is not a sort of saved file (${SAVED_SORT_NAMES.join(' or ')})`);
  const { suffix } = SAVED_SORTS[sort];
  const top = basename(runsDir);
  const perFolder = await Promise.all(
    (await runFolderIds(runsDir)).map(async (folder): Promise<SavedFileEntry[]> => {
      const dir = join(runsDir, folder);
      const names = await readdir(dir, { withFileTypes: true }).then(
        (ds) => ds.filter((d) => d.isFile() && d.name.endsWith(suffix) && d.name.length > suffix.length && FOLDER_NAME.test(d.name)).map((d) => d.name),
        () => [],
      );
      if (!names.length) return [];
      const graph = (await readSummary(dir))?.graph ?? null;
      const files = await Promise.all(
        names.map(async (name) => {
          const modified = await stat(join(dir, name)).then((st) => st.mtimeMs, () => null);
          return modified === null ? null : { path: `${top}/${folder}/${name}`, folder, graph, modified };
        }),
      );
      return files.filter((f) => f !== null);
    }),
  );
  return perFolder.flat().sort((a, b) => b.modified - a.modified || a.path.localeCompare(b.path)).slice(0, max);
}

/** The contract's listRuns, readRun, setRunNote, deleteRun, runReport and listSavedFiles for a host whose runs go to `runsDir` (none: no past runs). */
export function pastRunMethods(runsDir: string | undefined): Pick<LabServiceImpl, 'listRuns' | 'readRun' | 'setRunNote' | 'deleteRun' | 'runReport' | 'listSavedFiles'> {
  return {
    async listSavedFiles({ sort }) {
      return { files: runsDir ? await listSavedFiles(runsDir, sort) : [] };
    },
    async listRuns() {
      return { runs: runsDir ? await listPastRuns(runsDir) : [] };
    },
    async readRun({ id }) {
      if (!runsDir) throw new Error('this host keeps no run folders');
      return readPastRun(runsDir, id);
    },
    async setRunNote({ id, text }) {
      if (!runsDir) throw new Error('this host keeps no run folders');
      await writeRunNote(runsDir, id, text);
      return {};
    },
    async deleteRun({ id }) {
      if (!runsDir) throw new Error('this host keeps no run folders');
      return { movedTo: await trashRun(runsDir, id) };
    },
    async runReport({ id }) {
      if (!runsDir) throw new Error('this host keeps no run folders');
      checkId(id);
      // Loaded when first asked for: it draws with pureimage, which nothing else on this side needs.
      const { reportForFolder } = await import('./report.ts');
      return { html: await reportForFolder(join(runsDir, id), id) };
    },
  };
}
