/**
 * `plasticity diff`: what differs between graphs or run folders (a folder's graph.json is the graph as it
 * ran, its summary.json's options the run options), one row per difference and one column per argument.
 */
import type { DiffRow } from '../core/diff.ts';

/** The rows as an aligned text table, headed by the names of what was compared; `—` where absent. */
export function formatDiff(rows: DiffRow[], names: string[]): string {
  const table = [['', ...names], ...rows.map((r) => [r.key, ...r.values.map((v) => v ?? '—')])];
  const widths = names.map((_, j) => Math.max(...table.map((line) => line[j].length)));
  return table.map((line) => line.map((cell, j) => (j < widths.length ? cell.padEnd(widths[j]) : cell)).join('  ').trimEnd()).join('\n') + '\n';
}
