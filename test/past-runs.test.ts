// Runs of earlier sessions read back from their folders (nodes/server/past-runs.ts): what History → Past runs shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../nodes/cli/main.ts';
import { listPastRuns, listSavedFiles, pastRunMethods, readPastRun, TRASH, trashRun, writeRunNote } from '../nodes/server/past-runs.ts';
import { chart, runReport } from '../nodes/server/report.ts';
import { fmtMetric } from '../nodes/core/format.ts';
import { graphOrNull, quickLimits } from '../nodes/core/document.ts';
import { methods } from '../electron/common/contract.ts';

let runs: string;
const quiet = { out: () => undefined, err: () => undefined };

beforeAll(async () => {
  runs = mkdtempSync(join(tmpdir(), 'plasticity-past-'));
  // A CLI run straight into the runs folder, as a user would with --out.
  const code = await main(
    ['run', join(import.meta.dirname, '..', 'examples', 'stdp-rate-vs-spike.json'), '--set', 'rates.sequences=30', '--set', 'sim.trains=30', '--quiet', '--out', join(runs, 'cli-run')],
    quiet,
  );
  expect(code).toBe(0);
  mkdirSync(join(runs, 'no-summary'));
  writeFileSync(join(runs, 'no-summary', 'metrics.jsonl'), '');
  mkdirSync(join(runs, 'bad-summary'));
  writeFileSync(join(runs, 'bad-summary', 'summary.json'), '{"graph": 1}');
  writeFileSync(join(runs, 'a-file.json'), '{}');
}, 60_000);
afterAll(() => rmSync(runs, { recursive: true, force: true }));

describe('listPastRuns', () => {
  it('lists the folders with a readable summary.json, with their scalar metrics, then where each array ends (name[-1])', async () => {
    const list = await listPastRuns(runs);
    expect(list.map((r) => r.id)).toEqual(['cli-run']);
    const summary = JSON.parse(readFileSync(join(runs, 'cli-run', 'summary.json'), 'utf8'));
    expect(list[0]).toMatchObject({ graph: 'stdp-rate-vs-spike', status: 'done', wallSeconds: summary.wall_seconds });
    const { stdp_pearson_r, stdp_slope, stdp_spike_trace_rate_dw, stdp_spike_trace_stdp_dw, rate_rule_curve_ltp, rate_rule_curve_ltd } = summary.metrics;
    const arrays = Object.entries(summary.metrics).filter((e): e is [string, number[]] => Array.isArray(e[1]));
    // The rate rule's ΔW against ΔT (a curve's two arrays) has its figures, _ltp and _ltd, and no [-1].
    expect(arrays.map(([k]) => k).sort()).toEqual(['rate_rule_curve_dt', 'rate_rule_curve_dw']);
    expect(list[0].metrics).toEqual({ stdp_pearson_r, stdp_slope, stdp_spike_trace_rate_dw, stdp_spike_trace_stdp_dw, rate_rule_curve_ltp, rate_rule_curve_ltd });
    // the scalars first: they are what the list shows
    expect(Object.keys(list[0].metrics).slice(0, 4)).toEqual(['stdp_pearson_r', 'stdp_slope', 'rate_rule_curve_ltp', 'rate_rule_curve_ltd']);
    expect(await listPastRuns(join(runs, 'no-such-folder'))).toEqual([]);
  });

  it('dates a run by the end its summary records (a copied folder keeps it), not by the file\'s time', async () => {
    const summary = JSON.parse(readFileSync(join(runs, 'cli-run', 'summary.json'), 'utf8'));
    expect(Date.parse(summary.finished_at) - Date.parse(summary.started_at)).toBeGreaterThanOrEqual(0);
    expect(summary.finished_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const copy = join(runs, 'copied-run');
    mkdirSync(copy);
    writeFileSync(join(copy, 'summary.json'), JSON.stringify({ ...summary, finished_at: '2026-01-02T03:04:05.000Z' }));
    const list = await listPastRuns(runs);
    expect(list.find((r) => r.id === 'copied-run')!.endedAt).toBe(Date.parse('2026-01-02T03:04:05.000Z'));
    rmSync(copy, { recursive: true });
  });
});

describe('Quick and limited runs in the list', () => {
  it('marks them with the Run tab pill\'s words, of the limits their graph obeys, in the list, over the contract and in plasticity runs', async () => {
    const summary = JSON.parse(readFileSync(join(runs, 'cli-run', 'summary.json'), 'utf8'));
    const bengio = join(import.meta.dirname, '..', 'examples', 'bengio2015-mnist.json');
    const folder = (name: string, options: Record<string, unknown>, graph?: string): void => {
      mkdirSync(join(runs, name));
      writeFileSync(join(runs, name, 'summary.json'), JSON.stringify({ ...summary, options: { outDir: name, ...options } }));
      if (graph) copyFileSync(graph, join(runs, name, 'graph.json'));
    };
    folder('quick-bengio', { epochs: 1, trainLimit: 200, testLimit: 200, sampleLimit: 200, quick: true }, bengio);
    folder('limited-bengio', { epochs: 2 }, bengio);
    folder('quick-stdp', { epochs: 1, trainLimit: 200, testLimit: 200, sampleLimit: 200, quick: true }, join(runs, 'cli-run', 'graph.json'));
    folder('limited-stdp', { epochs: 2 }, join(runs, 'cli-run', 'graph.json'));
    folder('quick-no-graph', { epochs: 1, trainLimit: 200, quick: true });
    try {
      const list = await listPastRuns(runs);
      const limits = Object.fromEntries(list.map((r) => [r.id, r.limits]));
      expect(limits).toEqual({
        'cli-run': undefined,
        'quick-bengio': 'Quick run: 1 epoch · up to 200 training · up to 200 test · 200 samples',
        'limited-bengio': 'limited: 2 epochs',
        // no node of an STDP graph obeys a run limit: the --epochs run is a full one
        'quick-stdp': 'Quick run: no limits apply to this graph',
        'limited-stdp': undefined,
        // its graph unknown: every limit it had
        'quick-no-graph': 'Quick run: 1 epoch · up to 200 training',
      });
      expect(list.find((r) => r.id === 'cli-run')).not.toHaveProperty('limits');
      // the app gets them over the contract
      const served = methods.listRuns.res.parse(await pastRunMethods(runs).listRuns({}));
      expect(served.runs.find((r) => r.id === 'quick-bengio')!.limits).toBe('Quick run: 1 epoch · up to 200 training · up to 200 test · 200 samples');
      // plasticity runs says it beside the status
      let out = '';
      const r = await main(['runs', runs], { out: (t: string) => void (out += t), err: () => undefined });
      expect(r).toBe(0);
      const row = (id: string): string => out.split('\n').find((l) => l.includes(`  ${id}  `))!;
      expect(row('quick-bengio')).toContain('done (Quick run: 1 epoch · up to 200 training · up to 200 test · 200 samples)');
      expect(row('limited-bengio')).toContain('done (limited: 2 epochs)');
      expect(row('cli-run')).not.toContain('(');
    } finally {
      for (const name of ['quick-bengio', 'limited-bengio', 'quick-stdp', 'limited-stdp', 'quick-no-graph']) rmSync(join(runs, name), { recursive: true });
    }
  });
});

describe('notes on runs', () => {
  it('writes note.md into the run folder (a sweep\'s run too), reads it back with the list and the run, and removes it when empty', async () => {
    await writeRunNote(runs, 'cli-run', 'rates 30, trains 30: quick look');
    expect(readFileSync(join(runs, 'cli-run', 'note.md'), 'utf8')).toBe('rates 30, trains 30: quick look\n');
    expect((await listPastRuns(runs)).find((r) => r.id === 'cli-run')!.note).toBe('rates 30, trains 30: quick look');
    expect((await readPastRun(runs, 'cli-run')).note).toBe('rates 30, trains 30: quick look');
    await writeRunNote(runs, 'cli-run', '   ');
    expect(existsSync(join(runs, 'cli-run', 'note.md'))).toBe(false);
    expect((await readPastRun(runs, 'cli-run')).note).toBe('');
  });

  it('refuses a path that is not a run folder, and never creates a folder', async () => {
    for (const id of ['..', '../x', 'a/b/c', '/etc', 'no-such-run']) await expect(writeRunNote(runs, id, 'x'), id).rejects.toThrow();
    expect(existsSync(join(runs, 'no-such-run'))).toBe(false);
    for (const id of ['..', '../x', 'a/b/c']) expect(methods.setRunNote.req.safeParse({ id, text: 'x' }).success, id).toBe(false);
    expect(methods.setRunNote.req.safeParse({ id: 'cli-run', text: 'x'.repeat(20_001) }).success).toBe(false);
  });
});

describe('deleting a run', () => {
  it('moves the folder into .trash (kept, out of the list); only a finished run, only a run id', async () => {
    const copy = join(runs, 'to-delete');
    mkdirSync(copy);
    for (const f of ['summary.json', 'metrics.jsonl', 'graph.json']) copyFileSync(join(runs, 'cli-run', f), join(copy, f));
    expect((await listPastRuns(runs)).map((r) => r.id)).toContain('to-delete');
    const to = await trashRun(runs, 'to-delete');
    expect(to.startsWith(join(runs, TRASH, 'to-delete-'))).toBe(true);
    expect(existsSync(copy)).toBe(false);
    expect(readFileSync(join(to, 'summary.json'), 'utf8')).toBe(readFileSync(join(runs, 'cli-run', 'summary.json'), 'utf8'));
    expect((await listPastRuns(runs)).map((r) => r.id)).not.toContain('to-delete');
    expect((await listPastRuns(runs)).some((r) => r.id.startsWith(TRASH))).toBe(false);
    // A folder without summary.json (a run still going, or not a run) stays where it is.
    await expect(trashRun(runs, 'no-summary')).rejects.toThrow('not a finished run');
    expect(existsSync(join(runs, 'no-summary'))).toBe(true);
    for (const id of ['..', '../x', 'a/b/c', '/etc']) await expect(trashRun(runs, id), id).rejects.toThrow();
    for (const id of ['..', '../x', 'a/b/c']) expect(methods.deleteRun.req.safeParse({ id }).success, id).toBe(false);
  });
});

describe('readPastRun', () => {
  it('gives the summary and every event, the pictures read back from their files', async () => {
    const r = await readPastRun(runs, 'cli-run');
    const summary = JSON.parse(readFileSync(join(runs, 'cli-run', 'summary.json'), 'utf8'));
    expect(r.summary).toEqual(summary);
    // the graph as it ran: the --set values in it
    const graph = JSON.parse(r.graph!);
    expect(graph.name).toBe('stdp-rate-vs-spike');
    expect(graph.nodes.find((n: { id: string }) => n.id === 'sim').params.trains).toBe(30);
    const logged = readFileSync(join(runs, 'cli-run', 'metrics.jsonl'), 'utf8').trimEnd().split('\n');
    expect(r.events).toHaveLength(logged.length);
    expect(r.events[0].type).toBe('start');
    expect(r.events.at(-1)).toMatchObject({ type: 'end', status: 'done' });
    const images = r.events.filter((e) => e.type === 'image');
    expect(images.map((e) => e.file).sort()).toEqual(['rate_rule_curve.png', 'stdp_scatter.png', 'stdp_spike_trace.png']);
    for (const e of images) {
      expect(e.pngBase64).toBe(readFileSync(join(runs, 'cli-run', e.file)).toString('base64'));
      expect([e.width, e.height]).toEqual(e.file === 'stdp_spike_trace.png' ? [640, 600] : [480, 320]);
    }
  });

  it('a folder without metrics.jsonl still gives its summary and its pictures', async () => {
    mkdirSync(join(runs, 'old-app-run'));
    copyFileSync(join(runs, 'cli-run', 'summary.json'), join(runs, 'old-app-run', 'summary.json'));
    copyFileSync(join(runs, 'cli-run', 'stdp_scatter.png'), join(runs, 'old-app-run', 'stdp_scatter.png'));
    const r = await readPastRun(runs, 'old-app-run');
    // rate_rule_curve.png is listed in the summary but missing: left out.
    expect(r.events.map((e) => (e.type === 'image' ? `${e.name} ${e.width}x${e.height}` : e.type))).toEqual(['stdp_scatter 480x320']);
    expect(r.graph).toBeNull();
  });

  it('thins a long run\'s batch reports but keeps every end-of-epoch report and the last batch', async () => {
    const dir = join(runs, 'long-run');
    mkdirSync(dir);
    copyFileSync(join(runs, 'cli-run', 'summary.json'), join(dir, 'summary.json'));
    const lines: string[] = [JSON.stringify({ type: 'start', time: 1, graph: 'g', backend: 'cpu', backendNote: '', steps: 1, seed: 1 })];
    for (let epoch = 1; epoch <= 3; epoch++) {
      for (let batch = 1; batch <= 4000; batch++) lines.push(JSON.stringify({ type: 'progress', time: 2, node: 't', phase: 'train', epoch, epochs: 3, batch, batches: 4000, metrics: { loss: batch } }));
      lines.push(JSON.stringify({ type: 'progress', time: 3, node: 't', phase: 'train', epoch, epochs: 3, metrics: { valid: epoch } }));
    }
    lines.push('not json', JSON.stringify({ type: 'end', time: 4, status: 'done', wallSeconds: 1 }));
    writeFileSync(join(dir, 'metrics.jsonl'), `${lines.join('\n')}\n`);
    const r = await readPastRun(runs, 'long-run');
    const batches = r.events.filter((e) => e.type === 'progress' && e.batch !== undefined);
    // 12,000 batch reports, every third kept (the 1st, 4th, …, 11,998th) and the last: 4,001.
    expect(batches).toHaveLength(4001);
    expect(batches.at(-1)).toMatchObject({ epoch: 3, batch: 4000 });
    expect(r.events.filter((e) => e.type === 'progress' && e.batch === undefined).map((e) => (e.type === 'progress' ? e.metrics : null))).toEqual([{ valid: 1 }, { valid: 2 }, { valid: 3 }]);
    expect(r.events.at(-1)).toMatchObject({ type: 'end' });
  });

  it('lists and reads the runs of a sweep folder as sweep/run, named as sweep --vary names them', async () => {
    const sweep = join(runs, 'my-sweep');
    // `plasticity sweep --seeds 1 --vary 'nudge.beta=[0.5]' --set …` names its runs like the second one.
    for (const run of ['seed1', 'beta=0.5_lrs=0.1_0.05_seed1', 'x=1e+3_seed2']) {
      mkdirSync(join(sweep, run), { recursive: true });
      for (const f of ['summary.json', 'metrics.jsonl', 'graph.json']) copyFileSync(join(runs, 'cli-run', f), join(sweep, run, f));
    }
    writeFileSync(join(sweep, 'sweep.json'), '{}');
    const ids = (await listPastRuns(runs)).map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['my-sweep/seed1', 'my-sweep/beta=0.5_lrs=0.1_0.05_seed1', 'my-sweep/x=1e+3_seed2']));
    expect(ids).not.toContain('my-sweep');
    for (const id of ['my-sweep/seed1', 'my-sweep/beta=0.5_lrs=0.1_0.05_seed1', 'my-sweep/x=1e+3_seed2']) {
      const r = await readPastRun(runs, id);
      expect(r.summary.graph).toBe('stdp-rate-vs-spike');
      expect(methods.readRun.req.safeParse({ id }).success).toBe(true);
    }
  });

  it('refuses anything but a run folder\'s name (or sweep/run), in the service and in the contract', async () => {
    for (const id of ['..', '.', '../cli-run', 'a/b/c', 'my-sweep/..', 'my-sweep/.', '/etc', 'no-summary', 'bad-summary'])
      await expect(readPastRun(runs, id), id).rejects.toThrow();
    for (const id of ['..', '.', '../x', 'a/b/c', 'a/..', 'a/.', '/a', 'a/', '']) expect(methods.readRun.req.safeParse({ id }).success, id).toBe(false);
    expect(methods.readRun.req.safeParse({ id: '2026-11-24_00-12-51-eqprop-mnist' }).success).toBe(true);
  });
});

describe('runReport (plasticity report, History → Report)', () => {
  it('one HTML page: what ran, every scalar metric as the app shows it, curves and pictures inside the file, the note escaped', async () => {
    const summary = JSON.parse(readFileSync(join(runs, 'cli-run', 'summary.json'), 'utf8'));
    const run = { ...(await readPastRun(runs, 'cli-run')), note: 'r & slope <b>fine</b>' };
    const html = runReport(run);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<h1>stdp-rate-vs-spike</h1>');
    // each metric with what it is under its name (recordedDocs of the graph as it ran)
    expect(html).toContain(`<td>stdp_pearson_r<div class="what">Pearson correlation between the two rules&#39; weight changes, one point per sequence: 1 when they agree up to scale. Recorded by`);
    expect(html).toContain(`</div></td><td class="num">${fmtMetric(summary.metrics.stdp_pearson_r)}</td>`);
    expect(html).toContain('<pre>r &amp; slope &lt;b&gt;fine&lt;/b&gt;</pre>');
    expect(html).not.toContain('<b>fine');
    // three pictures of the run and one chart (the rate rule's ΔW against ΔT), all as data URLs; nothing fetched
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(4);
    expect(html).not.toMatch(/src="(?!data:)/);
    for (const name of ['stdp_scatter', 'rate_rule_curve', 'stdp_spike_trace']) expect(html).toContain(`<figcaption>${name}<div class="what">`);
    expect(html).toContain('<figcaption>rate_rule_curve<div class="what">ΔW against ΔT, with the zero axes. Recorded by');
    // the graph's nodes, with their parameters as they ran (--set included)
    expect(html).toContain('<code>trains=30</code>');
    // and every other parameter at its default, marked as one (sim's coincident is not in the file)
    expect(html).toContain('<code class="default" title="the default">coincident=&quot;ignore&quot;</code>');
    // no published figures in this graph: no paper column
    expect(html).not.toContain('>paper</th>');
  });

  it('a curve that reaches 0 keeps its chart\'s log axis (the zero left out), as the app draws it', () => {
    const line = (last: number) => [{ label: 'train_error', x: [1, 2, 3], y: [0.5, 0.01, last] }];
    // the same picture as with that point missing altogether: log scale, nothing drawn at 0
    expect(chart('train', 'epoch', line(0))).toBe(chart('train', 'epoch', line(Number.NaN)));
    expect(chart('train', 'epoch', line(0))).not.toBe(chart('train', 'epoch', line(-0.01)));
  });

  it('shows a picture redrawn during the run once, as last drawn, where it first appeared', async () => {
    const run = await readPastRun(runs, 'cli-run');
    const images = run.events.filter((e) => e.type === 'image');
    const first = images[0]!;
    // the first picture drawn twice more (as a per-epoch learning curve is), the last time with other pixels
    const redrawn = [...run.events, { ...first }, { ...first, pngBase64: 'TEFTVA==' }];
    const html = runReport({ ...run, events: redrawn });
    const imgs = (page: string) => page.match(/<img src="data:image\/png;base64,/g)?.length;
    expect(imgs(html)).toBe(imgs(runReport(run)));
    expect(html.match(new RegExp(`<figcaption>${first.name}<`, 'g'))).toHaveLength(1);
    expect(html).toContain('base64,TEFTVA==');
    expect(html).not.toContain(`base64,${first.pngBase64}`);
    const pictures = html.slice(html.indexOf('<h2>Pictures</h2>'));
    expect(pictures.indexOf('base64,TEFTVA==')).toBeLessThan(pictures.indexOf(`alt="${images[1]!.name}"`));
  });

  it('puts the paper\'s figure beside a metric the graph has a reference for, and says where it comes from', async () => {
    const run = await readPastRun(runs, 'cli-run');
    const graph = JSON.parse(run.graph!);
    graph.references = { stdp_slope: { value: 3, source: 'A paper, Fig. 5', note: 'read off the plot' } };
    const html = runReport({ ...run, graph: JSON.stringify(graph) });
    expect(html).toContain('<th class="num">paper</th>');
    expect(html).toMatch(/<td>stdp_slope<div class="what">[^<]*<\/div><\/td><td class="num">[\d.]+<\/td><td class="num" title="A paper, Fig. 5: read off the plot">3<\/td>/);
    expect(html).toContain('<li><b>stdp_slope</b> 3: A paper, Fig. 5: read off the plot</li>');
  });

  it('shows a Quick run\'s parameters as it ran (quick.set made, each marked with the graph\'s value) and says near the top which limits applied', async () => {
    const run = await readPastRun(runs, 'cli-run');
    const text = readFileSync(join(import.meta.dirname, '..', 'examples', 'bengio2015-mnist.json'), 'utf8');
    const doc = graphOrNull(text)!;
    const summary = { ...run.summary, graph: doc.name, metrics: { parzen_ll: -53.05 }, options: { outDir: 'x', ...quickLimits(doc), quick: true } };
    const html = runReport({ ...run, events: [], summary, graph: text });
    // as it ran: the quick.set values, each saying the graph's own
    expect(html).toContain('lr=0.0001 (Quick run; the graph: 0.00001)</code>');
    expect(html).toContain('batchSize=50 (Quick run; the graph: 100)</code>');
    expect(html).toContain('warmupBatches=10 (Quick run; the graph: 100)</code>');
    expect(html).not.toContain('<code>lr=0.00001</code>');
    expect(html).not.toContain('<code>batchSize=100</code>');
    // a parameter the Quick run leaves alone is shown plainly
    expect(html).toContain('<code>lr=0.001</code>');
    // said before the facts: a Quick run, its limits (the Run tab's words), and that its figures are a preview
    const top = html.slice(0, html.indexOf('<table>'));
    expect(top).toContain('<b>Quick run: 12 epochs · up to 500 training · up to 200 test · 200 samples</b>');
    expect(top).toContain('(the app&#39;s Quick run, or the CLI&#39;s --quick), with 4 parameter changes of the graph&#39;s Quick run settings');
    expect(top).toContain('a preview, not those of the graph&#39;s full run');
    // the paper's figure is for the full run
    expect(html).toContain('<th class="num">paper (full run)</th>');
    expect(html).toContain('The paper&#39;s figures are for the full run; this run&#39;s are a preview');
    // the same graph's full run: its own values, nothing said
    const full = runReport({ ...run, events: [], summary: { ...summary, options: { outDir: 'x' } }, graph: text });
    expect(full).toContain('<code>lr=0.00001</code>');
    expect(full).not.toContain('(Quick run; the graph:');
    expect(full).not.toContain('class="limits"');
    expect(full).toContain('<th class="num">paper</th>');
    // a run with --epochs only: limited, its graph as saved
    const limited = runReport({ ...run, events: [], summary: { ...summary, options: { outDir: 'x', epochs: 2 } }, graph: text });
    expect(limited).toContain('<b>limited: 2 epochs</b>');
    expect(limited).toContain('<code>lr=0.00001</code>');
  });

  it('says an STDP graph\'s Quick run limited nothing (no node obeys a run limit)', async () => {
    const run = await readPastRun(runs, 'cli-run');
    const summary = { ...run.summary, options: { ...run.summary.options, epochs: 1, trainLimit: 200, testLimit: 200, sampleLimit: 200, quick: true } };
    const html = runReport({ ...run, summary });
    expect(html).toContain('<b>Quick run: no limits apply to this graph</b>');
    expect(html).toContain('it ran as its full run does.');
    expect(html).not.toContain('200 training');
    expect(html).not.toContain('(Quick run; the graph:');
    // The options passed are listed as passed, each limit saying it changed nothing here.
    expect(html).toContain('<tr><th>option trainLimit</th><td>200 (no node of this graph obeys it)</td></tr>');
    expect(html).toContain('<tr><th>option quick</th><td>true</td></tr>');
  });

  it('is served over the contract for a run id, and refused for anything else', async () => {
    const m = pastRunMethods(runs);
    expect((await m.runReport({ id: 'cli-run' })).html).toContain('<h1>stdp-rate-vs-spike</h1>');
    for (const id of ['..', '../x', 'a/b/c', 'a\\..\\b', 'x/..', 'tab\there']) expect(methods.runReport.req.safeParse({ id }).success, id).toBe(false);
    // Folder names with spaces and other letters are run ids (a run into --out "runs/β sweep").
    for (const id of ['β sweep', 'my runs/seed 1']) expect(methods.runReport.req.safeParse({ id }).success, id).toBe(true);
    await expect(m.runReport({ id: 'no-summary' })).rejects.toThrow('no-summary has no readable summary.json');
    // a sweep folder gets the sweep's page; this one's sweep.json is empty, which the page says
    await expect(m.runReport({ id: 'my-sweep' })).rejects.toThrow(/sweep\.json is not a sweep's summary \(graph: /);
    await expect(pastRunMethods(undefined).runReport({ id: 'cli-run' })).rejects.toThrow('this host keeps no run folders');
  });
});

describe('saved files for a Load node (listSavedFiles)', () => {
  let workspace: string;
  const summaryOf = (graph: string) => JSON.stringify({ graph, status: 'done', backend: 'cpu', seed: 1, wall_seconds: 1, train_examples_per_second: null, metrics: {}, images: [], options: {} });
  /** Writes `text` to `path` in the workspace (its folders made), dated `seconds` after a fixed time. */
  const put = (path: string, seconds: number, text = '{}'): void => {
    const full = join(workspace, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, text);
    const t = new Date(Date.UTC(2026, 10, 25, 9, 0, seconds));
    utimesSync(full, t, t);
  };

  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'plasticity-saved-'));
    put('runs/2026-11-25_09-00-00-eqprop-mnist/summary.json', 0, summaryOf('eqprop-mnist'));
    put('runs/2026-11-25_09-00-00-eqprop-mnist/eqprop.network.json', 10);
    put('runs/2026-11-25_09-00-00-eqprop-mnist/model.weights.json', 11);
    // A run without a readable summary.json (killed, say): its file is listed, without a graph name.
    put('runs/killed/later.network.json', 30);
    // A sweep's runs, one level deeper.
    put('runs/β sweep/sweep.json', 0);
    put('runs/β sweep/beta=0.5/summary.json', 0, summaryOf('eqprop-sweep'));
    put('runs/β sweep/beta=0.5/net.network.json', 20);
    // Not a saved network: another file's name, a name that is only the ending, a folder so named, a hidden folder (.trash), outside runs/.
    put('runs/killed/notes.json', 40);
    put('runs/killed/.network.json', 41);
    mkdirSync(join(workspace, 'runs', 'killed', 'dir.network.json'));
    put('runs/.trash/old.network.json', 50);
    put('outside.network.json', 60);
    put('runs/2026-11-25_09-00-00-eqprop-mnist/deeper/too-deep.network.json', 70);
  });
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  it('lists the runs\' *.network.json, a sweep\'s runs too, newest first, each with its path from the workspace, its run folder and its graph', async () => {
    const files = await listSavedFiles(join(workspace, 'runs'), 'network');
    expect(files).toEqual([
      { path: 'runs/killed/later.network.json', folder: 'killed', graph: null, modified: Date.UTC(2026, 10, 25, 9, 0, 30) },
      { path: 'runs/β sweep/beta=0.5/net.network.json', folder: 'β sweep/beta=0.5', graph: 'eqprop-sweep', modified: Date.UTC(2026, 10, 25, 9, 0, 20) },
      { path: 'runs/2026-11-25_09-00-00-eqprop-mnist/eqprop.network.json', folder: '2026-11-25_09-00-00-eqprop-mnist', graph: 'eqprop-mnist', modified: Date.UTC(2026, 10, 25, 9, 0, 10) },
    ]);
    // The path is the one a Load node reads: from the folder that holds runs/ (the app's workspace).
    for (const f of files) expect(existsSync(join(workspace, f.path))).toBe(true);
    expect(await listSavedFiles(join(workspace, 'runs'), 'weights')).toEqual([
      { path: 'runs/2026-11-25_09-00-00-eqprop-mnist/model.weights.json', folder: '2026-11-25_09-00-00-eqprop-mnist', graph: 'eqprop-mnist', modified: Date.UTC(2026, 10, 25, 9, 0, 11) },
    ]);
    expect(await listSavedFiles(join(workspace, 'no-runs-yet'), 'network')).toEqual([]);
  });

  it('over the contract: the answer fits its schema; a sort that is not one is refused, in the request and in the call', async () => {
    const served = methods.listSavedFiles.res.parse(await pastRunMethods(join(workspace, 'runs')).listSavedFiles({ sort: 'weights' }));
    expect(served.files.map((f) => f.path)).toEqual(['runs/2026-11-25_09-00-00-eqprop-mnist/model.weights.json']);
    expect(await pastRunMethods(undefined).listSavedFiles({ sort: 'network' })).toEqual({ files: [] });
    for (const req of [{}, { sort: 'graph' }, { sort: '../network' }, { sort: 'network', dir: '/' }, { sort: 1 }]) expect(methods.listSavedFiles.req.safeParse(req).success, JSON.stringify(req)).toBe(false);
    expect(methods.listSavedFiles.req.safeParse({ sort: 'network' }).success).toBe(true);
    await expect(listSavedFiles(join(workspace, 'runs'), '../..' as never)).rejects.toThrow('"../.." is not a sort of saved file (network or weights)');
  });
});
