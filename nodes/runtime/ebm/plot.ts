/**
 * A tiny PNG plot renderer (pngjs, no text): a framed plot area with tick marks, the x = 0 and
 * y = 0 axes drawn in gray where they fall inside, and any number of line or point series.
 */
import { PNG } from 'pngjs';

export type Rgb = [number, number, number];

export interface PlotSeries {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color: Rgb;
  mode: 'line' | 'points' | 'both';
  /** Radius of a point in pixels (default 1 for many points, 2 for lines with points). */
  radius?: number;
}

export interface PlotOptions {
  width?: number;
  height?: number;
  series: PlotSeries[];
  /** Ranges; by default the data's range with 5% padding, always including 0. */
  xRange?: [number, number];
  yRange?: [number, number];
  /** Straight lines y = a + b x drawn across the plot (e.g. a least-squares fit). */
  lines?: { intercept: number; slope: number; color: Rgb }[];
}

const MARGIN = 24;

function niceStep(span: number, target: number): number {
  const raw = span / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

function range(vals: number[], fixed?: [number, number]): [number, number] {
  if (fixed) return fixed;
  const finite = vals.filter(Number.isFinite);
  let lo = Math.min(0, ...finite);
  let hi = Math.max(0, ...finite);
  if (!(hi > lo)) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

export function plotPng(o: PlotOptions): Buffer {
  const w = o.width ?? 480;
  const h = o.height ?? 320;
  const png = new PNG({ width: w, height: h });
  png.data.fill(255);
  const set = (x: number, y: number, c: Rgb): void => {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= w || y >= h) return;
    const i = (y * w + x) * 4;
    png.data[i] = c[0];
    png.data[i + 1] = c[1];
    png.data[i + 2] = c[2];
    png.data[i + 3] = 255;
  };
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of o.series) {
    for (let i = 0; i < s.x.length; i++) {
      if (Number.isFinite(s.x[i]) && Number.isFinite(s.y[i])) {
        xs.push(s.x[i]);
        ys.push(s.y[i]);
      }
    }
  }
  const [x0, x1] = range(xs, o.xRange);
  const [y0, y1] = range(ys, o.yRange);
  const left = MARGIN;
  const right = w - MARGIN / 2;
  const top = MARGIN / 2;
  const bottom = h - MARGIN;
  const px = (x: number): number => left + ((x - x0) / (x1 - x0)) * (right - left);
  const py = (y: number): number => bottom - ((y - y0) / (y1 - y0)) * (bottom - top);
  const inside = (x: number, y: number): boolean => x >= left && x <= right && y >= top && y <= bottom;
  const line = (ax: number, ay: number, bx: number, by: number, c: Rgb, dash = 0): void => {
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(bx - ax), Math.abs(by - ay))));
    for (let k = 0; k <= n; k++) {
      if (dash && Math.floor(k / dash) % 2 === 1) continue;
      const x = ax + ((bx - ax) * k) / n;
      const y = ay + ((by - ay) * k) / n;
      if (inside(x, y)) set(x, y, c);
    }
  };
  const gray: Rgb = [170, 170, 170];
  const black: Rgb = [0, 0, 0];
  // zero axes
  if (x0 < 0 && x1 > 0) line(px(0), top, px(0), bottom, gray, 3);
  if (y0 < 0 && y1 > 0) line(left, py(0), right, py(0), gray, 3);
  // frame and ticks
  line(left, top, right, top, black);
  line(left, bottom, right, bottom, black);
  line(left, top, left, bottom, black);
  line(right, top, right, bottom, black);
  const xt = niceStep(x1 - x0, 8);
  for (let v = Math.ceil(x0 / xt) * xt; v <= x1; v += xt) {
    const len = Math.abs(v) < xt / 2 ? 8 : 4;
    for (let k = 0; k <= len; k++) set(px(v), bottom + k, black);
  }
  const yt = niceStep(y1 - y0, 6);
  for (let v = Math.ceil(y0 / yt) * yt; v <= y1; v += yt) {
    const len = Math.abs(v) < yt / 2 ? 8 : 4;
    for (let k = 0; k <= len; k++) set(left - k, py(v), black);
  }
  for (const l of o.lines ?? []) line(px(x0), py(l.intercept + l.slope * x0), px(x1), py(l.intercept + l.slope * x1), l.color);
  for (const s of o.series) {
    const r = s.radius ?? (s.mode === 'points' ? 1 : 2);
    let prev: [number, number] | null = null;
    for (let i = 0; i < s.x.length; i++) {
      if (!Number.isFinite(s.x[i]) || !Number.isFinite(s.y[i])) {
        prev = null;
        continue;
      }
      const X = px(s.x[i]);
      const Y = py(s.y[i]);
      if (s.mode !== 'points' && prev) line(prev[0], prev[1], X, Y, s.color);
      if (s.mode !== 'line')
        for (let dx = -r; dx <= r; dx++)
          for (let dy = -r; dy <= r; dy++) if (dx * dx + dy * dy <= r * r + 0.5 && inside(X + dx, Y + dy)) set(X + dx, Y + dy, s.color);
      prev = [X, Y];
    }
  }
  return PNG.sync.write(png);
}
