/** How the run panel, History and `plasticity report` show numbers, so one metric reads the same in all of them. */
import type { Reference } from './document.ts';

/**
 * A scalar metric: whole numbers (and anything from 1000 up) as whole numbers, tiny values in exponent form, the
 * rest to four significant digits without trailing zeros, so an error of 0.0256 does not read as 0.026.
 */
export function fmtMetric(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) || Math.abs(v) >= 1000) return v.toFixed(0);
  if (Math.abs(v) < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** The values of a short array (one per layer): four significant digits, so a cosine of 0.9987 does not read as 1.000. */
export const fmtShort = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(4));

/** A published figure as shown beside a run's value: the number as the metric's, and where it comes from (for a tooltip). */
export function paperFigure(ref: Reference | undefined): { text: string; title: string } | null {
  return ref ? { text: fmtMetric(ref.value), title: `${ref.source}${ref.note ? `: ${ref.note}` : ''}` } : null;
}
