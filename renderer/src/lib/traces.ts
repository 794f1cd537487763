/**
 * How the run panel shows a run's array-valued metrics. A trainer's per-epoch series also arrive live
 * as progress reports (drawn on an epoch axis), so those are left out here. A curve recorded as two
 * arrays, `<name>_dt` and `<name>_dw` of the same length (ΔW against ΔT, as the STDP nodes record
 * them), is one line of y against x. A short array (at most SHORT_TRACE values, such as the early-
 * inference probe's one cosine per hidden layer) reads better as numbers than as a chart, so it becomes
 * a row of the metrics table. The rest are drawn against their index.
 */
export interface TraceChart {
  title: string;
  xLabel: string;
  lines: { label: string; x: number[]; y: number[] }[];
}

export interface TraceRow {
  name: string;
  values: number[];
}

export const SHORT_TRACE = 6;

const PAIRS: { x: string; y: string; xLabel: string }[] = [{ x: '_dt', y: '_dw', xLabel: 'ΔT (steps)' }];

/** `series` are the run's live series, keyed "phase: name"; a trace of the same name is not shown again. */
export function splitTraces(traces: Record<string, number[]>, series: Record<string, unknown>): { charts: TraceChart[]; rows: TraceRow[] } {
  const live = new Set(Object.keys(series).map((k) => (k.includes(': ') ? k.slice(k.indexOf(': ') + 2) : k)));
  const used = new Set<string>();
  const charts: TraceChart[] = [];
  const rows: TraceRow[] = [];
  for (const [name, ys] of Object.entries(traces)) {
    if (live.has(name) || used.has(name)) continue;
    const pair = PAIRS.find((p) => name.endsWith(p.x) || name.endsWith(p.y));
    if (pair) {
      const base = name.slice(0, -(name.endsWith(pair.x) ? pair.x : pair.y).length);
      const x = traces[base + pair.x];
      const y = traces[base + pair.y];
      if (x && y && x.length === y.length) {
        used.add(base + pair.x).add(base + pair.y);
        charts.push({ title: base, xLabel: pair.xLabel, lines: [{ label: base, x, y }] });
        continue;
      }
    }
    if (ys.length <= SHORT_TRACE) rows.push({ name, values: ys });
    else charts.push({ title: name, xLabel: 'iteration', lines: [{ label: name, x: ys.map((_, j) => j), y: ys }] });
  }
  return { charts, rows };
}
