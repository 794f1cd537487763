/**
 * Statistics over runs: each metric's mean, sample standard deviation, minimum and maximum over seeds, for
 * `plasticity sweep` and History's runs that differ only in their seed.
 */
import { lastValueName } from './format.ts';
import { isCurvePart } from './run-view.ts';

export interface Stat {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for one value (where it is undefined: see SeedStat for a sweep's). */
  sd: number;
  min: number;
  max: number;
}

/** A metric over a sweep's runs: as Stat, but the standard deviation of one run is null (undefined, not 0). */
export type SeedStat = Omit<Stat, 'sd'> & { sd: number | null };

export function seedStats(xs: readonly number[]): SeedStat {
  const s = stats(xs);
  return { ...s, sd: s.n > 1 ? s.sd : null };
}

export function stats(xs: readonly number[]): Stat {
  const n = xs.length;
  const mean = xs.reduce((a, x) => a + x, 0) / n;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : 0;
  return { n, mean, sd, min: Math.min(...xs), max: Math.max(...xs) };
}

/**
 * The numbers a sweep compares: every scalar metric first (the figures a graph is about, such as test_error);
 * then of every array its last value as name[-1] (a series over epochs ends there, whatever the number of
 * epochs), and of a short array (2 to 6 values, e.g. one per layer) also each value as name[i].
 */
export function scalarMetrics(metrics: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) if (typeof v === 'number') out[k] = v;
  for (const [k, v] of Object.entries(metrics)) {
    // (A curve's x and y arrays, such as ΔW against ΔT, are not series over epochs: their last values are no figures.)
    if (Array.isArray(v) && v.length && v.every((x) => typeof x === 'number') && !isCurvePart(k, metrics)) {
      if (v.length > 1 && v.length <= 6) v.forEach((x, i) => (out[`${k}[${i}]`] = x));
      out[lastValueName(k)] = v[v.length - 1];
    }
  }
  return out;
}
