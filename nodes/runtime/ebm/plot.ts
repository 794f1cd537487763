/**
 * PNG plots for the STDP figures, drawn with pureimage (a canvas 2D API in plain JS) and the DejaVu
 * Sans font of the dejavu-fonts-ttf package, encoded with pngjs: a framed plot area with numbered
 * ticks, axis labels, the x = 0 and y = 0 axes dashed in gray where they fall inside, straight lines
 * (a fit), any number of line or point series (clipped to the plot area), and a legend when series are labelled:
 * in a corner with no data under it, or else in rows under the plot.
 */
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import * as PImage from 'pureimage';

export type Rgb = [number, number, number];

/** The plots' colours. */
export const BLUE: Rgb = [31, 119, 180];
export const RED: Rgb = [214, 39, 40];
export const GRAY: Rgb = [150, 150, 150];
export const GREEN: Rgb = [44, 160, 44];
/** Colours for many series, one after another (the reports' charts). */
export const SERIES_COLORS: Rgb[] = [BLUE, [255, 127, 14], GREEN, RED, [148, 103, 189], [140, 86, 75], [227, 119, 194], [127, 127, 127]];

export interface PlotSeries {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color: Rgb;
  mode: 'line' | 'points' | 'both';
  /** Radius of a point in pixels (default 1.5 for points, 2.5 for lines with points). */
  radius?: number;
  /** Shown in the legend. */
  label?: string;
}

export interface PlotOptions {
  width?: number;
  height?: number;
  series: PlotSeries[];
  /** Ranges; by default the data's range with 5% padding, including 0 unless fromZero is false. */
  xRange?: [number, number];
  yRange?: [number, number];
  /** Whether the default ranges reach 0 (default true); false hugs the data, to show small differences. */
  fromZero?: boolean;
  /** Straight lines y = a + b x drawn across the plot (e.g. a least-squares fit). */
  /** Straight lines (a fit; dash: a reference value, such as a paper's figure, drawn dashed as in the app). */
  lines?: { intercept: number; slope: number; color: Rgb; label?: string; dash?: boolean }[];
  xLabel?: string;
  yLabel?: string;
  /** Ticks on whole numbers only (epochs). */
  xIntegers?: boolean;
  /** A logarithmic y axis, ticks at powers of ten (values ≤ 0 are left out; only flat lines are drawn). */
  yLog?: boolean;
}

const FONT = 'DejaVu Sans';
let fontLoaded = false;
function loadFont(): void {
  if (fontLoaded) return;
  const require = createRequire(import.meta.url);
  PImage.registerFont(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'), FONT).loadSync();
  fontLoaded = true;
}

export function niceStep(span: number, target: number): number {
  const raw = span / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/** A tick value with as many decimals as the step needs, and a true minus sign. */
export function tickLabel(v: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const s = (Math.abs(v) < step / 1e6 ? 0 : v).toFixed(decimals);
  return s.startsWith('-') ? `−${s.slice(1)}` : s;
}

/** A power of ten as a tick label: 0.01, 0.1, 1, 10, 100; beyond four places in exponent form (1e-5). */
export function powerLabel(k: number): string {
  return k >= -4 && k <= 4 ? String(Number((10 ** k).toPrecision(1))) : `1e${k < 0 ? '−' : ''}${Math.abs(k)}`;
}

function range(vals: number[], fixed?: [number, number], withZero = true): [number, number] {
  if (fixed) return fixed;
  // From 0 (so the axis shows it), or from the first value; the loop widens it to every value.
  let lo = withZero || !vals.length ? 0 : vals[0];
  let hi = lo;
  for (const v of vals) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/**
 * The part of the segment a → b inside the box [x0, y0, x1, y1] (Liang–Barsky), as [ax, ay, bx, by]; null when none
 * of it is inside.
 */
export function clipSegment(a: [number, number], b: [number, number], [x0, y0, x1, y1]: [number, number, number, number]): [number, number, number, number] | null {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  let [t0, t1] = [0, 1];
  // Each edge as p·t ≤ q: left, right, top, bottom.
  for (const [p, q] of [
    [-dx, a[0] - x0],
    [dx, x1 - a[0]],
    [-dy, a[1] - y0],
    [dy, y1 - a[1]],
  ]) {
    if (p === 0) {
      if (q < 0) return null;
    } else if (p < 0) t0 = Math.max(t0, q / p);
    else t1 = Math.min(t1, q / p);
    if (t0 > t1) return null;
  }
  return [a[0] + t0 * dx, a[1] + t0 * dy, a[0] + t1 * dx, a[1] + t1 * dy];
}

const css = (c: Rgb): string => `rgb(${c[0]},${c[1]},${c[2]})`;

export function plotPng(options: PlotOptions): Buffer {
  loadFont();
  // A log axis is a linear one over log10(y): transform the data, and label the ticks as powers of ten.
  const log = options.yLog === true;
  const ly = (v: number): number => (v > 0 ? Math.log10(v) : Number.NaN);
  const o: PlotOptions = log
    ? {
        ...options,
        series: options.series.map((s) => ({ ...s, y: Array.from(s.y, ly) })),
        lines: (options.lines ?? []).filter((l) => l.slope === 0 && l.intercept > 0).map((l) => ({ ...l, intercept: ly(l.intercept) })),
        ...(options.yRange ? { yRange: options.yRange.map(ly) as [number, number] } : {}),
      }
    : options;
  const w = o.width ?? 480;
  const h = o.height ?? 320;
  const img = PImage.make(w, h);
  const g = img.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, w, h);

  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of o.series)
    for (let i = 0; i < s.x.length; i++)
      if (Number.isFinite(s.x[i]) && Number.isFinite(s.y[i])) {
        xs.push(s.x[i]);
        ys.push(s.y[i]);
      }
  const [x0, x1] = range(xs, o.xRange, o.fromZero !== false);
  const [y0, y1] = range(ys, o.yRange, !log && o.fromZero !== false);
  const xt = o.xIntegers ? Math.max(1, Math.round(niceStep(x1 - x0, 7))) : niceStep(x1 - x0, 7);
  const yt = log ? Math.max(1, Math.ceil((y1 - y0) / 6)) : niceStep(y1 - y0, 6);
  const yTickLabel = (v: number): string => (log ? powerLabel(Math.round(v)) : tickLabel(v, yt));
  const ticks = (lo: number, hi: number, step: number): number[] => {
    const out: number[] = [];
    for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) out.push(k * step);
    return out;
  };
  const xTicks = ticks(x0, x1, xt);
  const yTicks = ticks(y0, y1, yt);

  g.font = `11pt '${FONT}'`;
  const yTickWidth = Math.max(...yTicks.map((v) => g.measureText(yTickLabel(v)).width), 10);
  const left = Math.ceil(yTickWidth) + 14;
  const right = w - 14;
  const top = o.yLabel ? 30 : 12;
  // The room under the plot for the legend, when no corner of the plot area is free of data (see below).
  let band = 0;
  let bottom = h - (o.xLabel ? 46 : 28);
  const px = (x: number): number => left + ((x - x0) / (x1 - x0)) * (right - left);
  const py = (y: number): number => bottom - ((y - y0) / (y1 - y0)) * (bottom - top);
  const inside = (x: number, y: number): boolean => x >= left - 0.5 && x <= right + 0.5 && y >= top - 0.5 && y <= bottom + 0.5;

  // The legend: in the corner of the plot area that covers the fewest data points (top right first on a tie); when
  // every corner covers some, in rows under the plot, which gives up that much of its height (at most a third).
  const legend = [...o.series.map((s) => ({ label: s.label, color: s.color, dash: false })), ...(o.lines ?? []).map((l) => ({ label: l.label, color: l.color, dash: !!l.dash }))].filter(
    (e): e is { label: string; color: Rgb; dash: boolean } => !!e.label,
  );
  g.font = `10pt '${FONT}'`;
  // Where each entry goes, and the white box under them when they are in a corner.
  let place: { at: [number, number][]; box: { w: number; h: number } | null } | null = null;
  if (legend.length) {
    const widths = legend.map((e) => g.measureText(e.label).width);
    const bw = 38 + Math.max(...widths);
    const bh = 8 + legend.length * 16;
    const corners: [number, number][] = [
      [right - bw, top],
      [left, top],
      [right - bw, bottom - bh],
      [left, bottom - bh],
    ];
    // Data under a box: its points and, for lines, points along each segment (two points far apart draw a line
    // across the box without a point in it).
    const covered = ([cx, cy]: [number, number]): number => {
      let n = 0;
      const at = (X: number, Y: number): void => {
        if (X >= cx && X <= cx + bw && Y >= cy && Y <= cy + bh) n++;
      };
      for (const s of o.series)
        for (let i = 0; i < s.x.length; i++) {
          at(px(s.x[i]), py(s.y[i]));
          if (s.mode === 'points' || i === 0) continue;
          // A sample every 4 px along the segment.
          const [X0, Y0, X1, Y1] = [px(s.x[i - 1]), py(s.y[i - 1]), px(s.x[i]), py(s.y[i])];
          const k = Math.min(1000, Math.ceil(Math.hypot(X1 - X0, Y1 - Y0) / 4));
          for (let j = 1; j < k; j++) at(X0 + ((X1 - X0) * j) / k, Y0 + ((Y1 - Y0) * j) / k);
        }
      return n;
    };
    const counts = corners.map(covered);
    const best = counts.indexOf(Math.min(...counts));
    const corner = corners[best];
    // Below the plot: entries side by side, a new row when one would pass the plot's right edge.
    const rows: [number, number][] = [];
    let [x, row] = [left, 0];
    widths.forEach((tw) => {
      const ew = 30 + tw + 18;
      if (x > left && x + ew - 18 > right) [x, row] = [left, row + 1];
      rows.push([x, row]);
      x += ew;
    });
    const need = (row + 1) * 16 + 8;
    if (counts[best] === 0 || need > h / 3) place = { at: legend.map((_, i) => [corner[0], corner[1] + i * 16]), box: { w: bw, h: bh } };
    else {
      band = need;
      bottom -= band;
      place = { at: rows.map(([ex, r]) => [ex - 8, h - band - 8 + r * 16]), box: null };
    }
  }
  /** Each entry at its place: a box's entries on a white ground with the frame's corner, the band's on the page. */
  const drawLegend = ({ at, box }: NonNullable<typeof place>): void => {
    g.font = `10pt '${FONT}'`;
    if (box) {
      g.fillStyle = '#ffffff';
      g.fillRect(at[0][0] + 1, at[0][1] + 1, box.w - 2, box.h - 2);
    }
    legend.forEach((e, i) => {
      const [cx, cy] = at[i];
      const y = cy + 16;
      (e.dash ? dashed : segment)(cx + 8, y - 4, cx + 24, y - 4, css(e.color), 2.5);
      g.fillStyle = '#000000';
      g.fillText(e.label, cx + 30, y);
    });
  };


  const segment = (ax: number, ay: number, bx: number, by: number, color: string, width = 1): void => {
    g.strokeStyle = color;
    g.lineWidth = width;
    g.beginPath();
    g.moveTo(ax, ay);
    g.lineTo(bx, by);
    g.stroke();
  };
  const dashed = (ax: number, ay: number, bx: number, by: number, color = '#aaaaaa', width = 1): void => {
    const len = Math.hypot(bx - ax, by - ay);
    for (let d = 0; d < len; d += 8) {
      const e = Math.min(len, d + 4);
      segment(ax + ((bx - ax) * d) / len, ay + ((by - ay) * d) / len, ax + ((bx - ax) * e) / len, ay + ((by - ay) * e) / len, color, width);
    }
  };

  // zero axes, frame, ticks and their numbers
  if (x0 < 0 && x1 > 0) dashed(px(0), top, px(0), bottom);
  if (!log && y0 < 0 && y1 > 0) dashed(left, py(0), right, py(0));
  g.fillStyle = '#000000';
  g.font = `11pt '${FONT}'`;
  for (const v of xTicks) {
    segment(px(v), bottom, px(v), bottom + 4, '#000000');
    const t = tickLabel(v, xt);
    g.fillText(t, px(v) - g.measureText(t).width / 2, bottom + 17);
  }
  for (const v of yTicks) {
    segment(left - 4, py(v), left, py(v), '#000000');
    const t = yTickLabel(v);
    g.fillText(t, left - 7 - g.measureText(t).width, py(v) + 4);
  }
  g.font = `12pt '${FONT}'`;
  if (o.xLabel) g.fillText(o.xLabel, (left + right) / 2 - g.measureText(o.xLabel).width / 2, h - 8 - band);
  if (o.yLabel) g.fillText(o.yLabel, left - Math.min(left - 4, g.measureText(o.yLabel).width / 2), 18);

  // fitted lines, clipped to the plot area: the x interval where y stays inside [y0, y1]
  for (const l of o.lines ?? []) {
    let a = x0;
    let b = x1;
    if (l.slope !== 0) {
      const xa = (y0 - l.intercept) / l.slope;
      const xb = (y1 - l.intercept) / l.slope;
      a = Math.max(a, Math.min(xa, xb));
      b = Math.min(b, Math.max(xa, xb));
    } else if (l.intercept < y0 || l.intercept > y1) continue;
    if (b > a) (l.dash ? dashed : segment)(px(a), py(l.intercept + l.slope * a), px(b), py(l.intercept + l.slope * b), css(l.color), 1.5);
  }

  for (const s of o.series) {
    const color = css(s.color);
    const r = s.radius ?? (s.mode === 'points' ? 1.5 : 2.5);
    if (s.mode !== 'points') {
      g.strokeStyle = color;
      g.lineWidth = 1.5;
      // One path, clipped to the plot area: a line leaving it (data outside a given x or y range) stops at the frame.
      g.beginPath();
      let prev: [number, number] | null = null;
      let pen: [number, number] | null = null;
      for (let i = 0; i < s.x.length; i++) {
        if (!Number.isFinite(s.x[i]) || !Number.isFinite(s.y[i])) {
          prev = null;
          continue;
        }
        const cur: [number, number] = [px(s.x[i]), py(s.y[i])];
        const c = prev && clipSegment(prev, cur, [left, top, right, bottom]);
        if (c) {
          if (!pen || pen[0] !== c[0] || pen[1] !== c[1]) g.moveTo(c[0], c[1]);
          g.lineTo(c[2], c[3]);
          pen = [c[2], c[3]];
        }
        prev = cur;
      }
      g.stroke();
    }
    if (s.mode !== 'line') {
      g.fillStyle = color;
      for (let i = 0; i < s.x.length; i++) {
        const X = px(s.x[i]);
        const Y = py(s.y[i]);
        if (!Number.isFinite(X) || !Number.isFinite(Y) || !inside(X, Y)) continue;
        g.beginPath();
        g.arc(X, Y, r, 0, 2 * Math.PI);
        g.fill();
      }
    }
  }

  // frame on top of the data, then the legend
  g.strokeStyle = '#000000';
  g.lineWidth = 1;
  g.strokeRect(left, top, right - left, bottom - top);
  if (place) drawLegend(place);

  const png = new PNG({ width: w, height: h });
  png.data.set(img.data);
  return PNG.sync.write(png);
}

/** Plots drawn one above the other on a shared width (panels of a figure with a common time axis). */
export function stackPngs(pngs: Buffer[]): { png: Buffer; width: number; height: number } {
  const parts = pngs.map((b) => PNG.sync.read(b));
  const width = Math.max(...parts.map((p) => p.width));
  const height = parts.reduce((h, p) => h + p.height, 0);
  const out = new PNG({ width, height });
  out.data.fill(255);
  let y = 0;
  for (const p of parts) {
    for (let r = 0; r < p.height; r++) p.data.copy(out.data, ((y + r) * width) * 4, r * p.width * 4, (r + 1) * p.width * 4);
    y += p.height;
  }
  return { png: PNG.sync.write(out), width, height };
}
