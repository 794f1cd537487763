/**
 * A `plasticity sweep` folder as one HTML page (`plasticity report SWEEP_DIR`, History → Past runs → Sweep
 * report): what was swept and how, each
 * metric's mean ± sd per combination of values beside the paper's figure, a chart of each metric against the
 * swept parameter when one numeric parameter varies, and every run's own figures.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readSweep, setValue, type SweepFile } from '../cli/sweep-file.ts';
import { fmtMeanSd, fmtMetric, graphOrNull, type Reference, type SeedStat } from '../core/index.ts';
import { readSummary } from './past-runs.ts';
import { chart, escape, factsTable, htmlPage, paperSources, runLimitsNotice } from './report.ts';

const groupName = (g: { set: string[] }): string => g.set.join(', ') || 'all runs';

/**
 * The sweep's page. `graphText` is the graph it ran (a run folder's graph.json), for its name, description and
 * published figures; `options` its runs' options (a run's summary.json), so that a sweep of Quick or limited runs
 * says its figures are a preview beside the paper's full-run ones, as a run's own report does.
 */
export function sweepReport(name: string, sw: SweepFile, graphText: string | null, options: Readonly<Record<string, unknown>> = {}): string {
  const doc = graphOrNull(graphText);
  const notice = runLimitsNotice(options, doc);
  const references: Record<string, Reference> = doc?.references ?? {};
  const { groups, runs } = sw;
  const metrics = [...new Set(groups.flatMap((g) => Object.keys(g.metrics)))];
  // An array metric counts by its last value ("test_error_stored[-1]"): its published figure is the array's.
  const ref = (m: string): Reference | undefined => references[m] ?? references[m.replace(/\[-?\d+\]$/, '')];
  const paperCol = metrics.some((m) => ref(m));
  // One run has no sd (null; 0 in sweeps written before): the mean alone, with "1 run".
  const cell = (s: SeedStat | undefined): string =>
    s ? `${s.n > 1 && s.sd !== null ? fmtMeanSd(s.mean, s.sd) : fmtMetric(s.mean)} <span class="desc">(${s.n === 1 ? '1 run' : `${s.n} runs`})</span>` : '—';
  const table = `<table><tr><th></th>${groups.map((g) => `<th class="num">${escape(groupName(g))}</th>`).join('')}${paperCol ? `<th class="num">paper${notice.preview ? ' (full run)' : ''}</th>` : ''}</tr>${metrics
    .map(
      (m) =>
        `<tr><td>${escape(m)}</td>${groups.map((g) => `<td class="num">${cell(g.metrics[m])}</td>`).join('')}${paperCol ? `<td class="num">${ref(m) ? fmtMetric(ref(m)!.value) : ''}</td>` : ''}</tr>`,
    )
    .join('')}</table>`;

  // One numeric parameter varied: each metric against it, the mean over the seeds and each run as a point.
  const numeric = sw.vary.length === 1 && sw.vary[0].values.every((v) => typeof v === 'number');
  const charts = numeric
    ? metrics.slice(0, 12).map((m) => {
        const means = groups.filter((g) => g.metrics[m]).map((g) => ({ x: setValue(g.set[0]) as number, y: g.metrics[m].mean }));
        const each = runs.filter((r) => r.status === 'done' && m in r.metrics).map((r) => ({ x: setValue(r.set[0]) as number, y: r.metrics[m] }));
        return chart(
          m,
          sw.vary[0].target,
          [
            { label: 'mean over seeds', x: means.map((p) => p.x), y: means.map((p) => p.y) },
            { label: 'each run', x: each.map((p) => p.x), y: each.map((p) => p.y), points: true },
          ],
          // the published figure as a flat line beside the means
          ref(m) ? { 'mean over seeds': ref(m)! } : {},
          { width: 460, height: 260 },
          // The axes hug the values: a metric that moves from 0.945 to 0.953 should not look flat on 0 to 1.
          false,
        );
      })
    : [];

  const runRows = runs.map(
    (r) =>
      `<tr><td>${escape(r.label)}</td><td>${escape(r.status)}${r.error ? `: ${escape(r.error)}` : ''}</td><td class="num">${r.wall_seconds !== null ? `${r.wall_seconds.toFixed(1)} s` : ''}</td><td class="num">${metrics
        .slice(0, 6)
        .map((m) => (m in r.metrics ? `${escape(m)} ${fmtMetric(r.metrics[m])}` : ''))
        .filter(Boolean)
        .join('<br>')}</td></tr>`,
  );
  const facts: [string, string][] = [
    ['sweep', name],
    ['graph', sw.graph],
    ['seeds', sw.seeds?.join(', ') ?? 'the graph\'s own'],
    ...sw.vary.map((v): [string, string] => [`varied ${v.target}`, v.values.map((x) => JSON.stringify(x)).join(', ')]),
    ...(sw.set.length ? [['set', sw.set.join(', ')] as [string, string]] : []),
    ...(sw.run_args.length ? [['run options', sw.run_args.join(' ')] as [string, string]] : []),
    ['runs', `${runs.length} (${runs.filter((r) => r.status === 'done').length} done)`],
    ...(notice.marker ? [['limits', `${notice.marker} ${notice.text}`] as [string, string]] : []),
  ];
  const title = doc?.name ?? sw.graph;
  return htmlPage(
    `sweep of ${title} — ${name}`,
    `<h1>Sweep of ${escape(title)}</h1>
${doc?.description ? `<p class="desc">${escape(doc.description)}</p>` : ''}
${factsTable(facts)}
<h2>Metrics: mean ± sd over the seeds</h2>
${metrics.length ? table : '<p>No run finished with metrics.</p>'}
${paperCol && notice.preview ? `<p class="limits">${escape(`The paper's figures are for the full run; these runs' are a preview (${notice.marker}).`)}</p>` : ''}
${paperSources(references, (k) => metrics.some((m) => ref(m) === references[k]))}
${charts.length ? `<h2>Against ${escape(sw.vary[0].target)}</h2>${charts.join('\n')}` : ''}
<h2>Runs</h2>
<table><tr><th>run</th><th>status</th><th class="num">time</th><th class="num">metrics</th></tr>${runRows.join('')}</table>
<p class="desc">Made by Plasticity Lab from the sweep folder ${escape(name)}; <code>plasticity report ${escape(name)}/&lt;run&gt;</code> gives one run's page.</p>`,
  );
}

/** The page of sweep folder `dir`, with the graph its first run ran (for the name, description and published figures). */
export async function sweepReportForFolder(dir: string, name = basename(dir)): Promise<string> {
  const sw = await readSweep(dir);
  const first = sw.runs[0]?.label;
  const graph = first ? await readFile(join(dir, first, 'graph.json'), 'utf8').catch(() => null) : null;
  // Every run of a sweep has the same options but its seed and --set: the first run's say whether they were limited.
  const summary = first ? await readSummary(join(dir, first)) : null;
  return sweepReport(name, sw, graph, summary?.options ?? {});
}
