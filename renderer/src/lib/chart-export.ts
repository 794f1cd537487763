/**
 * A chart's data as a CSV table and its picture as a PNG, for the export buttons on every chart (and a
 * table as CSV, for History's comparison): the numbers for one's own scripts, the picture for notes and slides.
 */

export interface ChartLine {
  label: string;
  x: number[];
  y: number[];
  color: string;
  /** Drawn dashed (a paper's figure across the chart). */
  dash?: boolean;
}

/** The legend's sample of a line, `width` long: one stroke, or two with a gap for a dashed line, as the chart draws it. */
export function legendSwatch(dash: boolean | undefined, width: number): [number, number][] {
  const third = Math.round(width / 3);
  return dash ? [[0, third], [width - third, width]] : [[0, width]];
}

/** A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
const field = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Rows of cells as CSV text: numbers in full (JavaScript's shortest round-trip form), a missing or non-finite value as an empty cell. */
export function csvTable(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const cell = (v: string | number | null | undefined): string => (typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v == null ? '' : field(v));
  return rows.map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

/**
 * One row per x value of any line (sorted), one column per line; a line without a value at that x leaves its
 * cell empty. Numbers are written in full (JavaScript's shortest round-trip form).
 */
export function chartCsv(lines: readonly ChartLine[], xLabel: string): string {
  const xs = [...new Set(lines.flatMap((l) => l.x))].sort((a, b) => a - b);
  const cols = lines.map((l) => new Map(l.x.map((x, i) => [x, l.y[i]])));
  return csvTable([[xLabel || 'x', ...lines.map((l) => l.label)], ...xs.map((x) => [x, ...cols.map((c) => c.get(x))])]);
}

/** A file name from a chart title: letters, digits, dots and dashes; the rest become underscores. */
export function exportName(title: string, ext: string): string {
  return `${title.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'chart'}.${ext}`;
}

/**
 * The chart as one picture: its title, the plot (uPlot's canvas, axes included) on the panel's background,
 * and a legend line per series in its colour. `scale`: the plot's pixels per CSS pixel, which the title and legend
 * follow. Returns a PNG data URL.
 */
export function chartPng(plot: HTMLCanvasElement, title: string, lines: readonly ChartLine[], background: string, text: string, scale = 1): string {
  const px = (n: number): number => Math.round(n * scale);
  const pad = px(8);
  const titleH = px(18);
  const rowH = px(14);
  const out = document.createElement('canvas');
  out.width = plot.width + 2 * pad;
  out.height = titleH + plot.height + lines.length * rowH + 2 * pad;
  const g = out.getContext('2d')!;
  g.fillStyle = background;
  g.fillRect(0, 0, out.width, out.height);
  g.fillStyle = text;
  g.font = `600 ${px(12)}px system-ui, sans-serif`;
  g.textBaseline = 'top';
  g.fillText(title, pad, pad);
  g.drawImage(plot, pad, pad + titleH);
  g.font = `${px(11)}px system-ui, sans-serif`;
  lines.forEach((l, i) => {
    const y = pad + titleH + plot.height + i * rowH + px(3);
    g.fillStyle = l.color;
    for (const [a, b] of legendSwatch(l.dash, px(14))) g.fillRect(pad + a, y + px(4), b - a, px(3));
    g.fillStyle = text;
    g.fillText(l.label, pad + px(20), y);
  });
  return out.toDataURL('image/png');
}

/** Hands `href` (a data or blob URL) to the browser as a download named `name`. */
export function download(href: string, name: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Hands text to the browser as a download named `name`. */
export function downloadText(text: string, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  download(url, name);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Hands CSV text to the browser as a download named `name`. */
export const downloadCsv = (text: string, name: string): void => downloadText(text, name, 'text/csv');
