/**
 * Text tables of the CLI's run commands: `plasticity diff` (what differs between graphs or run folders, one
 * row per difference and one column per argument) and `plasticity runs` (the run folders under a folder).
 */
import type { DiffRow } from '../core/diff.ts';
import { fmtMetric } from '../core/format.ts';
import type { PastRunEntry } from '../server/past-runs.ts';

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

/** The run folders as a table: when each ended (local time), its id, graph, status (a Quick or limited run's marker beside it, as the app's Run tab says it), wall time, its first three scalar metrics (as the app shows them) and its note's first line. */
export function formatRuns(list: PastRunEntry[]): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const when = (t: number): string => {
    const d = new Date(t);
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
  };
  return aligned([
    ['ended', 'run', 'graph', 'status', 'time', 'metrics', 'note'],
    ...list.map((r) => [
      when(r.endedAt),
      r.id,
      r.label ? `${r.graph} (${r.label})` : r.graph,
      r.limits ? `${r.status} (${r.limits})` : r.status,
      `${r.wallSeconds.toFixed(1)} s`,
      Object.entries(r.metrics).slice(0, 3).map(([k, v]) => `${k}=${fmtMetric(v)}`).join(' ') || '—',
      r.note.split('\n')[0],
    ]),
  ]);
}
