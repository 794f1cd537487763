/**
 * Statistics over runs: each metric's mean, sample standard deviation, minimum and maximum over seeds, for
 * `plasticity sweep` and History's runs that differ only in their seed.
 */

export interface Stat {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for one run. */
  sd: number;
  min: number;
  max: number;
}

export function stats(xs: readonly number[]): Stat {
  const n = xs.length;
  const mean = xs.reduce((a, x) => a + x, 0) / n;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : 0;
  return { n, mean, sd, min: Math.min(...xs), max: Math.max(...xs) };
}

/**
 * The numbers a sweep compares: every scalar metric; of every array its last value as name[-1] (a series over
 * epochs ends there, whatever the number of epochs); and of a short array (at most 6 values, e.g. one per
 * layer) also each value as name[i].
 */
export function scalarMetrics(metrics: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) {
    if (typeof v === 'number') out[k] = v;
    else if (Array.isArray(v) && v.length && v.every((x) => typeof x === 'number')) {
      if (v.length <= 6) v.forEach((x, i) => (out[`${k}[${i}]`] = x));
      out[`${k}[-1]`] = v[v.length - 1];
    }
  }
  return out;
}
