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

/**
 * A mean ± its standard deviation: the sd to two significant digits and the mean to the same decimal place, the
 * digits the spread leaves meaningful (0.1180 ± 0.0030, 2.48 ± 0.14, 143.0 ± 3.5). An sd of 0, or one far below the
 * mean's own digits, leaves the mean at four significant digits.
 */
export function fmtMeanSd(mean: number, sd: number): string {
  const decimals = sd > 0 && Number.isFinite(sd) && Number.isFinite(mean) ? Math.max(0, 1 - Math.floor(Math.log10(sd))) : Infinity;
  if (decimals > 8) return `${fmtMetric(mean)} ± ${fmtMetric(sd)}`;
  return `${mean.toFixed(decimals)} ± ${sd.toFixed(decimals)}`;
}

/** The values of a short array (one per layer): four significant digits, so a cosine of 0.9987 does not read as 1.000. */
/** The name of a curve's last value (where a series over the epochs ends), as `plasticity sweep`, Past runs and the Run tab show it. */
export const lastValueName = (name: string): string => `${name}[-1]`;

export const fmtShort = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(4));

/** A published figure as shown beside a run's value: the number as the metric's, and where it comes from (for a tooltip). */
export function paperFigure(ref: Reference | undefined): { text: string; title: string } | null {
  return ref ? { text: fmtMetric(ref.value), title: `${ref.source}${ref.note ? `: ${ref.note}` : ''}` } : null;
}

/** `text` quoted for a message: cut to `max` characters, control and format characters shown as \u{…}, never acted on. */
export function quoted(text: string, max = 60): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text).replace(/\p{C}/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** What a data node read (summary.json's `data`). */
export interface DataUsed {
  source: 'embedded' | 'idx';
  /** The folder of IDX files, absolute. */
  dir?: string;
  train: number;
  valid: number;
  test: number;
}

/**
 * The data a run read, as one line: "the embedded MNIST subset (6,667 training, 1,333 validation, 2,000 test)" or
 * "IDX files in /data/fashion (…)", one part per data node (named when there are several); `short`: only "embedded"
 * or the folder's last name, for a table's cell. '' when the summary does not say.
 */
export function dataUsedText(data: Record<string, DataUsed> | undefined, short = false): string {
  const entries = Object.entries(data ?? {});
  const n = (v: number): string => v.toLocaleString('en-US');
  return entries
    .map(([node, d]) => {
      const where = d.source === 'embedded' ? (short ? 'embedded' : 'the embedded MNIST subset') : short ? (d.dir ?? '').split(/[\\/]/).filter(Boolean).at(-1) ?? d.dir ?? '' : `IDX files in ${d.dir ?? '?'}`;
      const text = short ? where : `${where} (${n(d.train)} training, ${n(d.valid)} validation, ${n(d.test)} test)`;
      return entries.length > 1 ? `${node}: ${text}` : text;
    })
    .join(short ? ', ' : '; ');
}
