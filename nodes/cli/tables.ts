/**
 * Text tables of the CLI's run commands: `plasticity diff` (what differs between graphs or run folders, one
 * row per difference and one column per argument) and `plasticity runs` (the run folders under a folder).
 */
import type { DiffRow } from '../core/diff.ts';
import { fmtMetric } from '../core/format.ts';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { lockHolder } from '../runtime/out-lock.ts';
import { type PastRunEntry, runFolderIds } from '../server/past-runs.ts';

/**
 * A row of `plasticity runs`: a run with its summary.json (an error's message beside it), or a run folder without one,
 * `running` (a live process holds its lock) or `incomplete` (still running elsewhere, or killed), as of its last write.
 */
export type RunRow = Omit<PastRunEntry, 'status' | 'wallSeconds'> & { status: PastRunEntry['status'] | 'running' | 'incomplete'; wallSeconds: number | null; error?: string };

/** One line of at most `max` characters: the first line of `s`, cut with "…". */
const oneLine = (s: string, max = 120): string => {
  const line = s.trim().split('\n')[0];
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** The runs of listPastRuns as rows, with each failed run's error, and the run folders under `runsDir` without a summary.json. */
export async function runRows(runsDir: string, listed: readonly PastRunEntry[], unreadable: readonly string[]): Promise<RunRow[]> {
  const rows: RunRow[] = listed.map(({ error, ...r }) => (r.status === 'error' && error?.trim() ? { ...r, error: oneLine(error) } : r));
  const known = new Set([...listed.map((r) => r.id), ...unreadable]);
  for (const id of await runFolderIds(runsDir)) {
    const dir = join(runsDir, id);
    if (known.has(id)) continue;
    const files = await Promise.all(['summary.json', 'metrics.jsonl', 'graph.json'].map((f) => stat(join(dir, f)).catch(() => null)));
    if (files[0] || (!files[1] && !files[2])) continue;
    const graph = await readFile(join(dir, 'graph.json'), 'utf8').then((t) => String((JSON.parse(t) as { name?: unknown }).name ?? '?'), () => '?');
    const holder = lockHolder(dir);
    rows.push({
      id,
      graph,
      status: holder === null ? 'incomplete' : 'running',
      endedAt: Math.max(...files.map((f) => f?.mtimeMs ?? 0)),
      wallSeconds: null,
      metrics: {},
      note: '',
      error: holder === null ? 'no summary.json: still running, or killed' : `process ${holder} is writing it now`,
    });
  }
  return rows.sort((a, b) => b.endedAt - a.endedAt);
}

/** Lines of cells as an aligned table: every column but the last padded to its widest cell. */
function aligned(table: string[][]): string {
  const cols = Math.max(...table.map((l) => l.length));
  const widths = Array.from({ length: cols - 1 }, (_, j) => Math.max(...table.map((line) => (line[j] ?? '').length)));
  return table.map((line) => line.map((cell, j) => (j < widths.length ? cell.padEnd(widths[j]) : cell)).join('  ').trimEnd()).join('\n') + '\n';
}

/** The rows as an aligned text table, headed by the names of what was compared; `—` where absent. */
export function formatDiff(rows: DiffRow[], names: string[]): string {
  return aligned([['', ...names], ...rows.map((r) => [r.key, ...r.values.map((v) => v ?? '—')])]);
}

/**
 * The run folders as a table: when each ended (local time; a folder without summary.json: its last write), its id,
 * graph, the data it read ("embedded" or the IDX folder's name; `—` when its summary does not say), status (a Quick or limited run's marker beside it, as the app's Run tab says it), wall time, its first three
 * scalar metrics (as the app shows them) and its note's first line, or instead what went wrong (an error's message,
 * why a folder is incomplete).
 */
export function formatRuns(list: RunRow[]): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const when = (t: number): string => {
    const d = new Date(t);
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
  };
  return aligned([
    ['ended', 'run', 'graph', 'data', 'status', 'time', 'metrics', 'note'],
    ...list.map((r) => [
      when(r.endedAt),
      r.id,
      r.label ? `${r.graph} (${r.label})` : r.graph,
      r.data ?? '—',
      r.limits ? `${r.status} (${r.limits})` : r.status,
      r.wallSeconds === null ? '—' : `${r.wallSeconds.toFixed(1)} s`,
      Object.entries(r.metrics).slice(0, 3).map(([k, v]) => `${k}=${fmtMetric(v)}`).join(' ') || '—',
      r.error ? `${r.status === 'error' ? 'error: ' : ''}${r.error}${r.note ? ` · ${r.note.split('\n')[0]}` : ''}` : r.note.split('\n')[0],
    ]),
  ]);
}
