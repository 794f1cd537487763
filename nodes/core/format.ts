/** How the run panel, History and `plasticity report` show numbers, so one metric reads the same in all of them. */
import type { Reference } from './document.ts';

/** A scalar metric: whole numbers as they are, tiny values in exponent form, the rest with three decimals. */
export const fmtMetric = (v: number): string => (Math.abs(v) >= 1000 || Number.isInteger(v) ? v.toFixed(0) : Math.abs(v) < 0.01 ? v.toExponential(2) : v.toFixed(3));

/** The values of a short array (one per layer): four significant digits, so a cosine of 0.9987 does not read as 1.000. */
export const fmtShort = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(4));

/** A published figure as shown beside a run's value: the number as the metric's, and where it comes from (for a tooltip). */
export function paperFigure(ref: Reference | undefined): { text: string; title: string } | null {
  return ref ? { text: fmtMetric(ref.value), title: `${ref.source}${ref.note ? `: ${ref.note}` : ''}` } : null;
}
