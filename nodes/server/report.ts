/**
 * A run as one self-contained HTML page, to keep in a lab notebook or send to a colleague: what ran (graph,
 * description, seed, options), how it went (status, backend, time), its metrics beside the paper's figures, its
 * curves (drawn as PNG), its pictures and the user's note. Everything is inside the file (pictures as data
 * URLs), so it opens anywhere without the run folder. `plasticity report DIR` writes it; the app's History
 * offers it for any run kept in a folder.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { addProgress, appliedLimits, compileGraph, type KindRegistry, recordedDocs, autoLogY, dataUsedText, effectiveParams, fmtMetric, type GraphDocument, graphOrNull, paperFigure, paperLines, type Reference, rowText, isIdleLimit, type RunLimitKey, runLimitsMarker, type Series, seriesByPhase, splitTraces, withQuickSets } from '../core/index.ts';
import { GRAY, plotPng, type Rgb, SERIES_COLORS } from '../runtime/ebm/plot.ts';
import type { RunEvent } from '../runtime/events.ts';
import { createRegistry } from '../kinds/index.ts';
import { type PastRun, readRunFolder } from './past-runs.ts';

export const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const pngData = (png: Buffer): string => `data:image/png;base64,${png.toString('base64')}`;

/** A line of a chart: drawn with points while it is short, or as points only (`points`). */
export interface ChartLine {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  points?: boolean;
}

/**
 * A chart of the lines; a line with a published figure gets it as a flat line in its colour, as in the app. Like the
 * app's charts, a log y axis when every value is positive (and they span a decade, so there is a tick to read).
 */
export function chart(
  title: string,
  xLabel: string,
  lines: ChartLine[],
  references: Record<string, Reference> = {},
  size = { width: 640, height: 300 },
  fromZero = true,
): string {
  const color = (i: number): Rgb => SERIES_COLORS[i % SERIES_COLORS.length];
  // The app's rule: a curve that reaches 0 (a training error) keeps the log axis, its zeros left out.
  const yLog = autoLogY(lines.flatMap((l) => Array.from(l.y)));
  const png = plotPng({
    ...size,
    xLabel,
    yLabel: yLog ? `${title} (log scale)` : title,
    yLog,
    fromZero,
    series: lines.map((l, i) => ({ x: l.x, y: l.y, color: color(i), mode: l.points ? 'points' : l.x.length > 60 ? 'line' : 'both', radius: l.points ? 2.5 : undefined, label: l.label })),
    lines: paperLines(lines.map((l) => l.label), references).map((p) => ({ intercept: p.value, slope: 0, color: p.shared ? GRAY : color(p.index), label: p.label, dash: true })),
  });
  return `<figure><img src="${pngData(png)}" width="${size.width}" height="${size.height}" alt="${escape(title)}"><figcaption>${escape(title)}</figcaption></figure>`;
}

/** A whole page: the shared style, then `body`. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escape(title)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; color: #1f2328; max-width: 1000px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 16px; margin-top: 28px; border-bottom: 1px solid #d0d7de; }
table { border-collapse: collapse; } td, th { padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-family: ui-monospace, monospace; }
.desc { color: #57606a; } figure { display: inline-block; margin: 8px 12px 8px 0; } figcaption { color: #57606a; font-size: 12px; }
img { max-width: 100%; height: auto; image-rendering: pixelated; } pre { white-space: pre-wrap; background: #f6f8fa; padding: 8px; }
code { font-size: 12px; } td.params code { word-break: break-all; } td.params code.default { color: #777; } td.params code.quick { background: #fff1c2; }
.what { color: #57606a; font-size: 12px; max-width: 60ch; } figcaption .what { max-width: 40ch; }
p.limits { background: #fff8e1; border-left: 3px solid #d4a72c; padding: 6px 10px; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** A table of facts, a heading cell and a value per row. */
export const factsTable = (facts: [string, string][]): string => `<table>${facts.map(([k, v]) => `<tr><th>${escape(k)}</th><td>${escape(v)}</td></tr>`).join('')}</table>`;

/** Where each published figure of `names` comes from, written out (the tables' tooltips do not print). */
export function paperSources(references: Record<string, Reference>, names: (name: string) => boolean): string {
  const items = Object.entries(references)
    .filter(([k]) => names(k))
    .map(([k, r]) => `<li><b>${escape(k)}</b> ${fmtMetric(r.value)}: ${escape(paperFigure(r)!.title)}</li>`);
  return items.length ? `<ul>${items.join('')}</ul>` : '';
}

/**
 * What a run's limits made of it, for the report: its marker (runLimitsMarker: "Quick run: 1 epoch · up to 200 training"),
 * the parameters its Quick run changed ("node.param" → the graph's own value, as shown), and a sentence saying so
 * to follow the marker (empty for a full run).
 */
export function runLimitsNotice(
  options: Readonly<Record<string, unknown>>,
  graph: GraphDocument | null,
  registry: KindRegistry = createRegistry(),
): { marker: string; changed: Map<string, string>; preview: boolean; text: string; applies: readonly RunLimitKey[] } {
  const applies = registry.limitsOfGraph(graph);
  const marker = runLimitsMarker(options, applies);
  const limited = appliedLimits(options, applies).length > 0;
  const changed = new Map<string, string>();
  if (options.quick === true && graph) {
    const ran = withQuickSets(graph);
    graph.nodes.forEach((n, i) => {
      const before = new Map(effectiveParams(n, registry).map((p) => [p.name, JSON.stringify(p.value)]));
      for (const p of effectiveParams(ran.nodes[i], registry)) {
        const was = before.get(p.name);
        if (JSON.stringify(p.value) !== was) changed.set(`${n.id}.${p.name}`, was ?? 'not set');
      }
    });
  }
  const changes = changed.size ? `${changed.size} parameter change${changed.size === 1 ? '' : 's'} of the graph's Quick run settings (quick.set; marked in the Graph table)` : '';
  const preview = limited || changed.size > 0;
  const how = options.quick === true ? "the app's Quick run, or the CLI's --quick" : "the CLI's --epochs, --train-limit …";
  const text = !marker
    ? ''
    : `(${how})${changes ? `, with ${changes}` : ''}: ${preview ? "its figures are a preview, not those of the graph's full run." : 'it ran as its full run does.'}`;
  return { marker, changed, preview, text, applies };
}

/** The report's HTML. */
export function runReport(run: PastRun): string {
  const { summary } = run;
  const saved = graphOrNull(run.graph);
  const registry = createRegistry();
  // graph.json keeps a Quick run's graph without its quick.set changes: the report shows the graph as it ran.
  const notice = runLimitsNotice(summary.options, saved, registry);
  const doc = saved && summary.options.quick === true ? withQuickSets(saved) : saved;
  const references: Record<string, Reference> = doc?.references ?? {};
  let series: Record<string, Series> = {};
  let start: Extract<RunEvent, { type: 'start' }> | undefined;
  for (const e of run.events) {
    if (e.type === 'progress') series = addProgress(series, e);
    else if (e.type === 'start') start = e;
  }
  const arrays = Object.fromEntries(Object.entries(summary.metrics).filter((kv): kv is [string, number[]] => Array.isArray(kv[1])));
  const scalars = Object.entries(summary.metrics).filter((kv): kv is [string, number] => !Array.isArray(kv[1]));
  const traces = splitTraces(arrays, series);

  const facts: [string, string][] = [
    ['run', run.id],
    ['status', summary.status + (summary.error ? `: ${summary.error}` : '')],
    ['seed', String(summary.seed)],
    ['backend', start?.backendNote ?? summary.backend],
    ...(summary.started_at ? [['started', summary.started_at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')] as [string, string]] : []),
    ...(summary.data ? [['data', dataUsedText(summary.data)] as [string, string]] : []),
    ['wall time', `${summary.wall_seconds.toFixed(1)} s`],
    ...(summary.train_examples_per_second !== null ? [['training examples/s', fmtMetric(summary.train_examples_per_second)] as [string, string]] : []),
    ...Object.entries(summary.options)
      .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
      .map(([k, v]): [string, string] => {
        // A limit no node of the graph obeys (an STDP graph's Quick run) was passed, but changed nothing: said so.
        const idle = isIdleLimit(k, notice.applies);
        return [`option ${k}`, `${Array.isArray(v) ? v.join(', ') : String(v)}${idle ? ' (no node of this graph obeys it)' : ''}`];
      }),
  ];

  const paperCol = [...scalars.map(([k]) => k), ...traces.rows.map((r) => r.metric ?? r.name)].some((k) => references[k]);
  const paperCell = (k: string): string => {
    const p = paperFigure(references[k]);
    return paperCol ? `<td class="num" title="${escape(p?.title ?? '')}">${p?.text ?? ''}</td>` : '';
  };
  // What each figure is, from the graph as it ran (recordedDocs), under its name: the page is read without the app.
  const compiled = doc ? compileGraph(doc, registry) : null;
  const docs = compiled?.ok ? recordedDocs(compiled.plan, registry) : { metrics: {}, pictures: {} };
  const what = (text: string | undefined): string => (text ? `<div class="what">${escape(text)}</div>` : '');
  const metricRows = [
    ...scalars.map(([k, v]) => `<tr><td>${escape(k)}${what(docs.metrics[k])}</td><td class="num">${fmtMetric(v)}</td>${paperCell(k)}</tr>`),
    ...traces.rows.map((r) => `<tr><td>${escape(r.name)}${what(docs.metrics[r.metric ?? r.name])}</td><td class="num">${rowText(r)}</td>${paperCell(r.metric ?? r.name)}</tr>`),
  ];

  // Series grouped by phase, as the run panel draws them; array metrics that are not series, as their own charts.
  const charts = [
    ...seriesByPhase(series).map((g) => chart(g.phase, g.unit === 'epoch' ? 'epoch' : 'progress report', g.lines, references)),
    ...traces.charts.map((c) => chart(c.title, c.xLabel, c.lines)),
  ];
  // A picture redrawn during the run (every epoch's learning curve) is shown once, as it was last drawn, where it
  // first appeared, as the run panel shows it.
  const lastImages = new Map<string, Extract<RunEvent, { type: 'image' }>>();
  for (const e of run.events) if (e.type === 'image') lastImages.set(e.name, e);
  const pictures = [...lastImages.values()]
    .map((e) => `<figure><img src="data:image/png;base64,${e.pngBase64}" width="${e.width}" height="${e.height}" alt="${escape(e.name)}"><figcaption>${escape(e.name)}${what(docs.pictures[e.name])}</figcaption></figure>`);

  // Every parameter as it ran, defaults filled in (a default in grey), so the page says the whole setting; one a Quick
  // run changed says so, with the graph's own value.
  const param = (n: NonNullable<typeof doc>['nodes'][number], p: ReturnType<typeof effectiveParams>[number]): string => {
    const shown = `${escape(p.name)}=${escape(JSON.stringify(p.value))}`;
    const was = notice.changed.get(`${n.id}.${p.name}`);
    if (was !== undefined) return `<code class="quick" title="set by the graph's Quick run settings (quick.set)">${shown} (Quick run; the graph: ${escape(was)})</code>`;
    return `<code${p.set ? '' : ' class="default" title="the default"'}>${shown}</code>`;
  };
  const params = (n: NonNullable<typeof doc>['nodes'][number]): string =>
    effectiveParams(n, registry)
      .map((p) => param(n, p))
      .join(' ');
  const nodes = (doc?.nodes ?? []).map(
    (n) => `<tr><td>${escape(n.id)}</td><td>${escape(n.label ?? '')}</td><td><code>${escape(n.kind)}</code></td><td class="params">${params(n)}</td></tr>`,
  );
  return htmlPage(
    `${summary.graph} — ${run.id}`,
    `<h1>${escape(summary.graph)}</h1>
${doc?.description ? `<p class="desc">${escape(doc.description)}</p>` : ''}
${notice.marker ? `<p class="limits"><b>${escape(notice.marker)}</b> ${escape(notice.text)}</p>` : ''}
${factsTable(facts)}
${run.note ? `<h2>Note</h2><pre>${escape(run.note)}</pre>` : ''}
<h2>Metrics</h2>
${metricRows.length ? `<table>${paperCol ? `<tr><th></th><th class="num">this run${notice.preview ? ' (preview)' : ''}</th><th class="num">paper${notice.preview ? ' (full run)' : ''}</th></tr>` : ''}${metricRows.join('')}</table>` : '<p>No metrics.</p>'}
${paperCol && notice.preview ? `<p class="limits">${escape(`The paper's figures are for the full run; this run's are a preview (${notice.marker}).`)}</p>` : ''}
${paperSources(references, (k) => k in summary.metrics)}
${charts.length ? `<h2>Curves</h2>${charts.join('\n')}` : ''}
${pictures.length ? `<h2>Pictures</h2>${pictures.join('\n')}` : ''}
${nodes.length ? `<h2>Graph</h2><table><tr><th>node</th><th>label</th><th>kind</th><th>parameters</th></tr>${nodes.join('')}</table>` : ''}
<p class="desc">Made by Plasticity Lab from the run folder ${escape(run.id)}.</p>`,
  );
}

/**
 * The page of folder `dir`, named `id` on it: a run folder (the app's, or a CLI --out folder), or a sweep folder
 * (sweep.json and no summary.json).
 */
export async function reportForFolder(dir: string, id = basename(dir)): Promise<string> {
  if (existsSync(join(dir, 'sweep.json')) && !existsSync(join(dir, 'summary.json'))) return (await import('./sweep-report.ts')).sweepReportForFolder(dir, id);
  return runReport(await readRunFolder(dir, id));
}
