/**
 * How a run is drawn, shared by the app's run panel and History and by `plasticity report`: scalar metrics
 * reported with progress become series over training progress, and array-valued metrics become charts or rows.
 */
import { fmtMetric, fmtShort, lastValueName } from './format.ts';

/** A scalar over a run: x in epochs (epoch − 1 + batch/batches), or in progress reports when its phase reports no epochs. */
export interface Series {
  x: number[];
  y: number[];
  unit: 'epoch' | 'report';
}

/** Training progress in epochs of a progress event: 1.5 is half-way through the second epoch. */
export function progressEpochs(e: { epoch?: number; batch?: number; batches?: number }): number | null {
  if (e.epoch === undefined || !Number.isFinite(e.epoch)) return null;
  if (e.batch !== undefined && e.batches) return e.epoch - 1 + e.batch / e.batches;
  // An end-of-epoch report (no batch): the epoch is complete.
  return e.epoch;
}

/** A series' key: its phase and its name, "train: train_error". */
const seriesKey = (phase: string, name: string): string => `${phase}: ${name}`;
/** The phase and name of a series' key (a key without a phase is all name). */
function splitKey(key: string): { phase: string; name: string } {
  const at = key.indexOf(': ');
  return at < 0 ? { phase: '', name: key } : { phase: key.slice(0, at), name: key.slice(at + 2) };
}

/**
 * The series grouped by phase, one chart each, in the order their phases first reported; each line keeps its name
 * and its place among all the series (`index`, for a colour that does not change as phases come and go). A
 * chart's unit is its first series'.
 */
export function seriesByPhase(series: Record<string, Series>): { phase: string; unit: Series['unit']; lines: (Series & { label: string; index: number })[] }[] {
  const groups = new Map<string, { phase: string; unit: Series['unit']; lines: (Series & { label: string; index: number })[] }>();
  Object.entries(series).forEach(([key, s], index) => {
    const { phase, name } = splitKey(key);
    const g = groups.get(phase) ?? { phase, unit: s.unit, lines: [] };
    g.lines.push({ ...s, label: name, index });
    groups.set(phase, g);
  });
  return [...groups.values()];
}

/**
 * The published figures to draw across a chart of these lines (by label): one dashed line per value, in the colour of
 * the first line it belongs to, labelled with every line it belongs to (EqProp's test_error_stored and test_error_zero
 * share the paper's 0.024: one line, not two drawn on top of each other with two legend entries).
 */
export function paperLines(labels: readonly string[], references: Record<string, { value: number }>): { index: number; value: number; label: string; shared: boolean }[] {
  const out: { index: number; value: number; names: string[] }[] = [];
  labels.forEach((label, index) => {
    const ref = references[label];
    if (!ref) return;
    const same = out.find((o) => o.value === ref.value);
    if (same) same.names.push(label);
    else out.push({ index, value: ref.value, names: [label] });
  });
  return out.map((o) => ({ index: o.index, value: o.value, label: `paper: ${o.names.join(' & ')}`, shared: o.names.length > 1 }));
}

/**
 * The points a series keeps. Beyond them every other point between end-of-epoch points is dropped (those and the
 * last point all stay), so an hours-long run's charts cost as much to update and draw near its end as near its
 * start: each report copies the series, and the chart redraws every point (a few per second).
 */
export const MAX_SERIES_POINTS = 2000;

/** `s` with every other point dropped, except whole epochs of an epoch series and the last point. */
function thinned(s: Series): Series {
  const x: number[] = [];
  const y: number[] = [];
  let drop = false;
  s.x.forEach((xi, i) => {
    const keep = i === s.x.length - 1 || (s.unit === 'epoch' && Number.isInteger(xi));
    if (!keep) drop = !drop;
    if (keep || !drop) {
      x.push(xi);
      y.push(s.y[i]!);
    }
  });
  return { ...s, x, y };
}

/** The series keyed "phase: name" with a progress report's metrics added (a new record; the old one is not changed). */
export function addProgress(
  series: Record<string, Series>,
  e: { phase: string; epoch?: number; batch?: number; batches?: number; metrics?: Record<string, number> },
): Record<string, Series> {
  if (!e.metrics) return series;
  const epochs = progressEpochs(e);
  const next = { ...series };
  for (const [k, v] of Object.entries(e.metrics)) {
    if (!Number.isFinite(v)) continue;
    const key = seriesKey(e.phase, k);
    const s = next[key] ?? { x: [], y: [], unit: epochs === null ? 'report' : 'epoch' };
    // A series keeps one unit: epochs when its first report had them, report counts otherwise.
    const x = s.unit === 'epoch' ? (epochs ?? s.x.at(-1) ?? 0) : s.x.length + 1;
    // Two reports at the same x (an end-of-epoch report after the last batch): the later wins.
    if (s.x.length && s.x.at(-1) === x) next[key] = { ...s, x: [...s.x.slice(0, -1), x], y: [...s.y.slice(0, -1), v] };
    else next[key] = { ...s, x: [...s.x, x], y: [...s.y, v] };
    if (next[key].x.length > MAX_SERIES_POINTS) next[key] = thinned(next[key]);
  }
  return next;
}

/**
 * How a run's array-valued metrics are shown. A trainer's per-epoch series also arrive live
 * as progress reports (drawn on an epoch axis), so those are not drawn again here: only their last
 * value is, as a row (name[-1]). A curve recorded as two
 * arrays, `<name>_dt` and `<name>_dw` of the same length (ΔW against ΔT, as the STDP nodes record
 * them), is one line of y against x. A short array (at most SHORT_TRACE values, such as the early-
 * inference probe's one cosine per hidden layer) reads better as numbers than as a chart, so it becomes
 * a row of the metrics table. The rest are drawn against their index.
 */
export interface TraceChart {
  title: string;
  xLabel: string;
  /** grid: x is a regular grid (ΔT bins) on which a missing point is a gap in the line, not a value skipped. */
  lines: { label: string; x: number[]; y: number[]; grid?: boolean }[];
}

export interface TraceRow {
  name: string;
  values: number[];
  /** The metric the row shows, when its name is not the metric's own (name[-1]): its published figure is the row's. */
  metric?: string;
}

export const SHORT_TRACE = 6;

/**
 * A row's values as the metrics table shows them: a curve's last value as the scalar metrics are (0.118), the values
 * of a short array (one per layer) to four significant digits each (a cosine of 0.9987 must not read as 1).
 */
export const rowText = (r: TraceRow): string => (r.metric ? r.values.map(fmtMetric) : r.values.map(fmtShort)).join(' · ');

const PAIRS: { x: string; y: string; xLabel: string }[] = [{ x: '_dt', y: '_dw', xLabel: 'ΔT (steps)' }];

/**
 * Whether metric `name` is one of a curve's two arrays (x and y, such as stdp_curve_dt and stdp_curve_dw, both
 * recorded): drawn as one chart, and not a series over epochs whose last value is a figure.
 */
export function isCurvePart(name: string, metrics: Record<string, unknown>): boolean {
  const c = curveOf(name);
  return c !== null && Array.isArray(metrics[c.base + c.pair.x]) && Array.isArray(metrics[c.base + c.pair.y]);
}

/** The curve a metric's name would be part of (stdp_curve_dt: base stdp_curve, the ΔT pair), or null. */
function curveOf(name: string): { base: string; pair: (typeof PAIRS)[number] } | null {
  const pair = PAIRS.find((p) => name.endsWith(p.x) || name.endsWith(p.y));
  return pair ? { base: name.slice(0, -(name.endsWith(pair.x) ? pair.x : pair.y).length), pair } : null;
}

/**
 * `series` are the run's live series, keyed "phase: name"; a trace of the same name is not drawn again, but its
 * last value (where a curve over the epochs ends) is a row, `name[-1]`, as `plasticity sweep` names it.
 */
export function splitTraces(traces: Record<string, number[]>, series: Record<string, unknown>): { charts: TraceChart[]; rows: TraceRow[] } {
  const live = new Set(Object.keys(series).map((k) => splitKey(k).name));
  const used = new Set<string>();
  const charts: TraceChart[] = [];
  const rows: TraceRow[] = [];
  for (const [name, ys] of Object.entries(traces)) {
    if (used.has(name)) continue;
    if (live.has(name)) {
      if (ys.length) rows.push({ name: lastValueName(name), values: [ys[ys.length - 1]!], metric: name });
      continue;
    }
    const curve = curveOf(name);
    if (curve) {
      const { base, pair } = curve;
      const x = traces[base + pair.x];
      const y = traces[base + pair.y];
      if (x && y && x.length === y.length) {
        used.add(base + pair.x).add(base + pair.y);
        charts.push({ title: base, xLabel: pair.xLabel, lines: [{ label: base, x, y, grid: true }] });
        continue;
      }
    }
    if (ys.length <= SHORT_TRACE) rows.push({ name, values: ys });
    else charts.push({ title: name, xLabel: 'iteration', lines: [{ label: name, x: ys.map((_, j) => j), y: ys }] });
  }
  return { charts, rows };
}

/** How many times the smallest positive value the largest must be for a chart's automatic log y axis. */
export const LOG_SPAN = 20;

/**
 * Whether a chart's y axis is logarithmic when the user has not picked one: when no value is negative and the positive
 * ones span more than a factor of `span` (losses span orders of magnitude across modules; a narrower range reads
 * better on a linear axis). Values at 0 are left out, of the choice and of the drawing: a training error that reaches
 * exactly 0 mid-run would otherwise flip the axis to linear and flatten the other curves onto 0.
 */
export function autoLogY(values: readonly number[], span = LOG_SPAN): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || v === 0) continue;
    if (v < 0) return false;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi > span * lo;
}

/**
 * Ticks and grid lines of a log axis: at the powers of ten in [lo, hi], or at 1, 2 and 5 times them when fewer than
 * two powers fall inside (uPlot's default puts one at every 1-9 × 10^k, which on a short chart is a grey band).
 */
export function logSplits(lo: number, hi: number): number[] {
  const inside = (v: number): boolean => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const powers: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) powers.push(10 ** e);
  const decades = powers.filter(inside);
  return decades.length >= 2 ? decades : powers.flatMap((p) => [p, 2 * p, 5 * p]).filter(inside);
}
