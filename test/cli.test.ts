// The `plasticity` command: main(argv, io) called directly with captured output, and the real
// bin/plasticity.mjs spawned as a user would. Exit codes: 0 ok, 1 the graph has problems or the
// run failed, 2 the file is not a graph at all. Never a stack trace for a user's mistake.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../nodes/cli/main.ts';
import { cli, lines, notIdxFolder, type CliResult } from './support/cli.ts';
import { combinations, parseSeeds, parseVary } from '../nodes/cli/sweep.ts';
import { scalarMetrics, stats } from '../nodes/core/stats.ts';
import { fmtMeanSd } from '../nodes/core/format.ts';
import { writeRunNote } from '../nodes/server/past-runs.ts';
import { GRAPH_FORMAT, type GraphDocument } from '../nodes/core/document.ts';
import type { JsonObject } from '../nodes/core/json.ts';

const root = join(import.meta.dirname, '..');
const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.json')).sort().map((f) => join(root, 'examples', f));

/** No stack trace, no internal error text, whatever happened. */
function expectNoStack(r: CliResult): void {
  const all = r.out + r.err;
  expect(all).not.toMatch(/^\s+at /m);
  expect(all).not.toMatch(/\n\s+at .*:\d+:\d+/);
  expect(all).not.toMatch(/TypeError|ReferenceError|Cannot read properties/);
}

let tmp: string;
const file = (name: string, content: string | Buffer): string => {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
};

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'plasticity-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const n = (id: string, kind: string, params: JsonObject = {}, parent?: string) => ({ id, kind, params, position: [0, 0] as [number, number], ...(parent ? { parent } : {}) });
const w = (a: string, b: string) => ({ from: { node: a.split('.')[0], port: a.split('.')[1] }, to: { node: b.split('.')[0], port: b.split('.')[1] } });

/** The mnist example in miniature: 784-32-8, GENERATE and directed samples, Parzen, the log p trace, pictures. */
function tinyGraph(): GraphDocument {
  return {
    format: GRAPH_FORMAT,
    version: 1,
    name: 'tiny-cli',
    seed: 3,
    nodes: [
      n('data', 'data.mnist', { validCount: 1000 }),
      n('f1', 'layers.encoder', { units: 32, initGain: 0.4, lr: 1e-4 }),
      n('f2', 'layers.encoder', { units: 8, activation: 'sigmoid', lr: 1e-3 }),
      n('g1', 'layers.decoder', { activation: 'sigmoid' }),
      n('g2', 'layers.decoder', { activation: 'softplus' }),
      n('model', 'model.hierarchy'),
      n('train', 'train.local', { epochs: 20, batchSize: 50, lr: 0.003, warmupBatches: 2 }),
      n('infer', 'infer.iterative', { steps: 3 }, 'train'),
      n('noise_x', 'corrupt.gaussian', { sigma: 0.3 }, 'train'),
      n('prior', 'prior.gaussian'),
      n('generate', 'sample.chain', { rounds: 1 }),
      n('directed', 'sample.directed'),
      n('parzen', 'eval.parzen', { validCount: 100 }),
      n('logp', 'eval.logp_trace', { iterations: 4 }),
      n('m_ll', 'output.metric', { name: 'parzen_ll' }),
      n('m_sig', 'output.metric', { name: 'parzen_sigma' }),
      n('s_logp', 'output.series', { name: 'logp_trace' }),
      n('img', 'output.image_grid', { name: 'samples_generate', count: 20, cols: 10 }),
      n('img_d', 'output.image_grid', { name: 'samples_directed', count: 20, cols: 10 }),
    ],
    wires: [
      w('data.x', 'f1.in'), w('f1.out', 'f2.in'), w('f1.out', 'g1.from'), w('data.x', 'g1.to'), w('f2.out', 'g2.from'), w('f1.out', 'g2.to'),
      w('f2.out', 'model.top'), w('g1.decoder', 'model.decoders'), w('g2.decoder', 'model.decoders'),
      w('model.model', 'train.model'), w('data.train', 'train.data'), w('infer.inference', 'train.inference'),
      w('data.x', 'noise_x.layer'), w('noise_x.corruption', 'train.corruption'),
      w('train.model', 'prior.model'), w('data.train', 'prior.data'),
      w('train.model', 'generate.model'), w('prior.prior', 'generate.prior'), w('infer.inference', 'generate.inference'),
      w('train.model', 'directed.model'), w('prior.prior', 'directed.prior'),
      w('generate.samples', 'parzen.samples'), w('data.valid', 'parzen.valid'), w('data.test', 'parzen.test'),
      w('train.model', 'logp.model'), w('infer.inference', 'logp.inference'), w('data.test', 'logp.data'),
      w('parzen.ll', 'm_ll.value'), w('parzen.sigma', 'm_sig.value'), w('logp.trace', 's_logp.value'),
      w('generate.samples', 'img.samples'), w('directed.samples', 'img_d.samples'),
    ],
  };
}

describe('plasticity validate', () => {
  for (const ex of examples) {
    it(`exit 0 for ${ex.split('/').pop()}`, async () => {
      const r = await cli('validate', ex);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`${ex}: ok\n`);
      expect(r.err).toBe('');
    });
  }

  it('a Load node whose file is not there is a problem of the graph, named with its full path; one the graph itself saves is not', async () => {
    const eq = JSON.parse(readFileSync('examples/eqprop-mnist.json', 'utf8')) as GraphDocument;
    const withLoad = (path: string): string =>
      file('load.json', JSON.stringify({ ...eq, nodes: [...eq.nodes, n('ld', 'ebm.load', { path })] }));
    const missing = await cli('validate', withLoad(join(tmp, 'nowhere', 'x.network.json')));
    expect(missing.code).toBe(1);
    expect(lines(missing.out)).toEqual([`ld.path: cannot read a network from ${join(tmp, 'nowhere', 'x.network.json')}: no such file`]);
    expectNoStack(missing);
    // The example's Save network writes eqprop.network.json into the run's output folder, wherever that is.
    const own = await cli('validate', withLoad('runs/somewhere/eqprop.network.json'));
    expect([own.code, own.out]).toEqual([0, `${join(tmp, 'load.json')}: ok\n`]);
    const there = await cli('validate', withLoad(file('real.network.json', '{}')));
    expect(there.code).toBe(0);
  });

  it('exit 1 with one line per problem: nodeId[.port]: message', async () => {
    const g = tinyGraph();
    g.nodes.find((x) => x.id === 'f1')!.params = { units: 0 };
    g.nodes.find((x) => x.id === 'g2')!.params = { activation: 'swish', extra: 1 };
    g.nodes.push(n('ghost_user', 'layers.encoder'));
    g.wires.push(w('nowhere.out', 'ghost_user.in'));
    // A warning: an Example spike sequence fed by a Spike trains node, whose τ it uses, not its own.
    g.nodes.push(n('rates', 'stdp.rate_sequences'), n('sim', 'stdp.simulate'), n('trace', 'stdp.spike_trace', { tau: 8 }));
    g.wires.push(w('rates.rates', 'sim.rates'), w('sim.trains', 'trace.rates'));
    const r = await cli('validate', file('problems.json', JSON.stringify(g)));
    expect(r.code).toBe(1);
    const out = lines(r.out);
    expect(out.length).toBeGreaterThanOrEqual(3);
    for (const l of out) expect(l).toMatch(/^[A-Za-z_][\w-]*(\.[A-Za-z_]\w*)?: [a-z"].{10,}$/);
    expect(out).toContain('f1.units: parameter units must be at least 1, got 0');
    expect(out).toContain('g2.activation: parameter activation must be one of softplus, sigmoid, tanh, relu, linear, got "swish"');
    expect(out.some((l) => l.startsWith('ghost_user.in: wire ') && l.includes('"nowhere"'))).toBe(true);
    // A parameter the kind does not have is a problem (a typo would run with the default value).
    expect(out.find((l) => l.startsWith('g2.extra: '))).toMatch(/^g2\.extra: "Decoder g" has no parameter extra; its parameters are [a-z]/);
    // Warnings go to stderr, marked as such.
    expect(lines(r.err)).toEqual(['warning: trace.tau: τ 8 is not used: the trains come from sim, whose τ is 5 (wire rates from a Rate sequences node to use this node\'s own)']);
    expectNoStack(r);
  });

  it('exit 1 naming the node for a schema violation', async () => {
    const g = tinyGraph() as unknown as { nodes: Record<string, unknown>[] };
    g.nodes[1].position = ['left', 3];
    const r = await cli('validate', file('schema.json', JSON.stringify(g)));
    expect(r.code).toBe(1);
    expect(lines(r.out)).toHaveLength(1);
    expect(r.out).toMatch(/^f1: nodes\[1\]\.position\[0\]: .+\n$/);
    expectNoStack(r);
  });

  it('exit 1 for a graph from a newer version of the program', async () => {
    const r = await cli('validate', file('future.json', JSON.stringify({ format: GRAPH_FORMAT, version: 9, nodes: [] })));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^graph: the document has format version 9, newer than this program understands/);
    expectNoStack(r);
  });

  it('a version 0 graph is migrated, with a note', async () => {
    const v0 = { format: GRAPH_FORMAT, version: 0, nodes: [{ id: 'data', kind: 'data.mnist', x: 1, y: 2 }], edges: [] };
    const r = await cli('validate', file('v0.json', JSON.stringify(v0)));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/was migrated from format version 0/);
  });

  const unreadable: [string, () => string, RegExp][] = [
    ['a missing file', () => join(tmp, 'does-not-exist.json'), /^error: cannot read .*does-not-exist\.json: no such file$/],
    ['a folder', () => {
      const d = join(tmp, 'a-folder');
      mkdirSync(d, { recursive: true });
      return d;
    }, /^error: cannot read .*a-folder: it is a folder$/],
    ['non-JSON text', () => file('words.json', 'this is not json at all'), /^error: .*words\.json: the file is not valid JSON/],
    ['an empty file', () => file('empty.json', ''), /^error: .*empty\.json: the file is not valid JSON/],
    ['JSON that is a list', () => file('list.json', '[1, 2, 3]'), /^error: .*list\.json: the file is not a graph document \(expected a JSON object\)$/],
    ['JSON of another format', () => file('other.json', JSON.stringify({ format: 'rete', nodes: [] })), /^error: .*other\.json: the file is not a graph document \(its "format" is "rete", expected "plasticity-graph"\)$/],
    ['JSON without a version', () => file('nover.json', JSON.stringify({ format: GRAPH_FORMAT, nodes: [] })), /^error: .*nover\.json: the document has no valid "version"$/],
    ['text with line breaks', () => file('lines.json', 'hello\nworld\nthis is\nnot json\n'), /^error: .*lines\.json: the file is not valid JSON/],
    ['binary garbage', () => file('garbage.json', Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 97 + 13) % 256))), /^error: .*garbage\.json: the file is not valid JSON/],
  ];
  for (const [what, make, re] of unreadable) {
    it(`exit 2 with one line for ${what}`, async () => {
      const r = await cli('validate', make());
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(lines(r.err), JSON.stringify(r.err)).toHaveLength(1);
      expect(lines(r.err)[0]).toMatch(re);
      // eslint-disable-next-line no-control-regex
      expect(r.err.slice(0, -1)).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
      expectNoStack(r);
    });
  }

  it('a missing argument or an unknown command is not a crash', async () => {
    for (const argv of [['validate'], ['frobnicate', 'x.json'], ['run', examples[0], '--epochs', 'many']]) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).not.toBe(0);
      expect(r.err).toMatch(/error: /);
      expectNoStack(r);
    }
  });
});

describe('plasticity plan', () => {
  it('prints the compiled plan as JSON', async () => {
    const r = await cli('plan', examples.find((e) => e.endsWith('bengio2015-mnist.json'))!);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.out);
    expect(plan.format).toBe('plasticity-plan');
    expect(plan.graph).toBe('bengio2015-mnist');
    expect(plan.steps.length).toBeGreaterThan(10);
    const train = plan.steps.find((s: { node: string }) => s.node === 'train');
    expect(train.body.map((s: { node: string }) => s.node)).toContain('infer');
  });

  it('exit 1 and no JSON for a graph with problems: they are errors on stderr', async () => {
    const g = tinyGraph();
    g.nodes.find((x) => x.id === 'f2')!.params = { units: -1 };
    const r = await cli('plan', file('bad-plan.json', JSON.stringify(g)));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe('error: f2.units: parameter units must be at least 1, got -1\n');
  });
});

describe('--set node.param=value', () => {
  const eqprop = (): string => examples.find((e) => e.endsWith('eqprop-mnist.json'))!;
  const stepParams = (planJson: string, node: string): Record<string, unknown> => {
    const all = (steps: { node: string; params: Record<string, unknown>; body?: unknown[] }[]): { node: string; params: Record<string, unknown> }[] =>
      steps.flatMap((x) => [x, ...all((x.body ?? []) as never)]);
    return all(JSON.parse(planJson).steps).find((x) => x.node === node)!.params;
  };

  it('changes the compiled plan: JSON values and plain text, repeatable', async () => {
    const r = await cli('plan', eqprop(), '--set', 'train.persistent=false', '--set', 'free.steps=30', '--set', 'train.readout=state');
    expect(r.code, r.err).toBe(0);
    expect(stepParams(r.out, 'train')).toMatchObject({ persistent: false, readout: 'state' });
    expect(stepParams(r.out, 'free')).toMatchObject({ steps: 30 });
    const plain = await cli('plan', eqprop());
    expect(stepParams(plain.out, 'train')).toMatchObject({ persistent: true, readout: 'input' });
    // A text parameter takes what was typed as text, even when it reads as JSON (a number, true).
    const text = await cli('plan', eqprop(), '--set', 'eval.metric=2024', '--set', 'train.valid_metric=true');
    expect(text.code, text.err).toBe(0);
    expect(stepParams(text.out, 'eval')).toMatchObject({ metric: '2024' });
    expect(stepParams(text.out, 'train')).toMatchObject({ valid_metric: 'true' });
  });

  it('a value the parameter does not accept is the usual one-line diagnostic naming the node', async () => {
    const r = await cli('validate', eqprop(), '--set', 'train.readout=both');
    expect(r.code).toBe(1);
    expect(r.out).toBe('train.readout: parameter readout must be one of input, state, got "both"\n');
  });

  it('an unknown node or parameter is an error, not silently ignored; a malformed one is a usage error', async () => {
    const node = await cli('validate', eqprop(), '--set', 'trian.epochs=3');
    expect(node.code).toBe(1);
    expect(node.err).toMatch(/^error: --set trian\.epochs=3: the graph has no node trian; did you mean train\?/);
    const param = await cli('validate', eqprop(), '--set', 'train.epoch=3');
    expect(param.code).toBe(1);
    expect(param.err).toMatch(/^error: --set train\.epoch=3: .* \(train\) has no parameter epoch; did you mean epochs\?/);
    const bad = await cli('plan', eqprop(), '--set', 'train.epochs');
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('error: --set train.epochs: expected node.param=value, e.g. --set train.epochs=5\n(plasticity plan --help for the options)\n');
    for (const r of [node, param, bad]) {
      expect(r.out).toBe('');
      expectNoStack(r);
    }
  });
});

describe('plasticity run', () => {
  it('writes summary.json and metrics.jsonl for a tiny graph', async () => {
    const out = join(tmp, 'run-out');
    const graph = file('tiny.json', JSON.stringify(tinyGraph()));
    const r = await cli('run', graph, '--epochs', '1', '--train-limit', '200', '--test-limit', '200', '--sample-limit', '200', '--set', 'logp.iterations=5', '--out', out);
    expect(r.code, r.err).toBe(0);
    expectNoStack(r);
    expect(r.err).toMatch(/^backend: /m);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.status).toBe('done');
    expect(typeof summary.backend).toBe('string');
    expect(summary.backend).not.toBe('unknown');
    expect(summary.wall_seconds).toBeGreaterThan(0);
    expect(summary.train_examples_per_second).toBeGreaterThan(0);
    expect(Object.keys(summary.metrics).sort()).toEqual(['logp_trace', 'loss_f1', 'loss_f2', 'loss_g1', 'loss_g2', 'parzen_ll', 'parzen_sigma']);
    expect(summary.metrics.loss_g1).toHaveLength(1); // one value per epoch
    expect(summary.metrics.logp_trace).toHaveLength(6); // 5 iterations (set on the command line; the file says 4) + the start
    expect(Number.isFinite(summary.metrics.parzen_ll)).toBe(true);
    expect(summary.options).toMatchObject({ epochs: 1, trainLimit: 200, testLimit: 200, sampleLimit: 200, set: ['logp.iterations=5'] });
    expect(summary.images.sort()).toEqual(['samples_directed.png', 'samples_generate.png']);
    for (const f of summary.images) expect(existsSync(join(out, f))).toBe(true);
    // The graph as it ran, --set included, so the folder can be run again.
    const ran = JSON.parse(readFileSync(join(out, 'graph.json'), 'utf8')) as GraphDocument;
    expect(ran.nodes.find((x) => x.id === 'logp')!.params.iterations).toBe(5);
    expect({ ...ran, nodes: ran.nodes.map((x) => (x.id === 'logp' ? { ...x, params: { ...x.params, iterations: 4 } } : x)) }).toEqual(JSON.parse(readFileSync(graph, 'utf8')));
    const events = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(events[0].type).toBe('start');
    expect(events.at(-1)).toMatchObject({ type: 'end', status: 'done' });
    expect(events.filter((e) => e.type === 'metric').map((e) => e.name).sort()).toEqual(['logp_trace', 'loss_f1', 'loss_f2', 'loss_g1', 'loss_g2', 'parzen_ll', 'parzen_sigma']);
    // 200 training digits in batches of 50, one epoch: the last train progress says so
    const train = events.filter((e) => e.type === 'progress' && e.phase === 'train');
    expect(train.at(-1)).toMatchObject({ epoch: 1, epochs: 1, batch: 4, batches: 4 });
    // images are announced without their pixels
    for (const e of events.filter((x) => x.type === 'image')) expect(e.pngBase64).toBeUndefined();
  });

  it('--quick takes the Quick run limits of the graph (the rest the defaults); an explicit limit overrides one', async () => {
    const doc = JSON.parse(readFileSync(join(root, 'examples', 'eqprop-mnist.json'), 'utf8')) as GraphDocument;
    expect(doc.quick).toEqual({ trainLimit: 10000, testLimit: 1000 });
    const graph = file('eqprop-quick.json', JSON.stringify({ ...doc, quick: { trainLimit: 300, testLimit: 100 } }));
    const out = join(tmp, 'quick-out');
    const r = await cli('run', graph, '--quick', '--test-limit', '50', '--out', out, '--quiet');
    expect(r.code, r.err).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.options).toMatchObject({ epochs: 1, trainLimit: 300, testLimit: 50, sampleLimit: 200 });
    const events = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    // 300 training digits in minibatches of 20, one epoch.
    expect(events.filter((e) => e.type === 'progress' && e.phase === 'train' && e.batches).at(-1)).toMatchObject({ epoch: 1, epochs: 1, batches: 15 });
  });

  it('--quick makes the Quick run\'s parameter changes (quick.set), --set\'s winning; graph.json keeps the graph without them; without --quick the graph runs as saved', async () => {
    const doc = JSON.parse(readFileSync(join(root, 'examples', 'eqprop-mnist.json'), 'utf8')) as GraphDocument;
    const train = doc.nodes.find((n) => n.kind === 'ebm.eqprop_train')!;
    const set = { [`${train.id}.batch_size`]: 50, [`${train.id}.persistent`]: false };
    const graph = file('eqprop-quick-set.json', JSON.stringify({ ...doc, quick: { trainLimit: 100, testLimit: 20, set } }));
    const out = join(tmp, 'quick-set-out');
    const r = await cli('run', graph, '--quick', '--set', `${train.id}.persistent=true`, '--out', out, '--quiet');
    expect(r.code, r.err).toBe(0);
    // The graph the run ran, as the user had it (its own batch size) with --set made, in the graph and in the Quick
    // run's changes alike; summary.json says it was a Quick run. So run again with --quick, it repeats the run, and
    // without, it runs in full as the user made it.
    const ran = JSON.parse(readFileSync(join(out, 'graph.json'), 'utf8')) as GraphDocument;
    expect(ran.nodes.find((n) => n.id === train.id)!.params).toMatchObject({ batch_size: train.params.batch_size, persistent: true });
    expect(ran.quick?.set).toEqual({ [`${train.id}.batch_size`]: 50, [`${train.id}.persistent`]: true });
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).options).toMatchObject({ quick: true, trainLimit: 100, testLimit: 20 });
    const events = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    // 100 training digits in minibatches of 50 (the Quick run's).
    expect(events.filter((e) => e.type === 'progress' && e.phase === 'train' && e.batches).at(-1)).toMatchObject({ batches: 2 });
    // Without --quick: the saved batch size.
    const plan = await cli('plan', graph);
    expect(plan.code, plan.err).toBe(0);
    const step = (JSON.parse(plan.out) as { steps: { node: string; params: Record<string, unknown> }[] }).steps.find((st) => st.node === train.id)!;
    expect(step.params.batch_size).toBe(train.params.batch_size);
    // A Quick run change to a node the graph does not have is a problem of the graph, for every command.
    const bad = file('eqprop-quick-bad.json', JSON.stringify({ ...doc, quick: { set: { 'nope.batch_size': 50 } } }));
    const v = await cli('validate', bad);
    expect(v.code).toBe(1);
    expect(v.out).toContain('graph: the Quick run sets nope.batch_size, but the graph has no node nope');
  });

  it('a metric with a published figure (the graph\'s references) is printed with it', async () => {
    const doc = JSON.parse(readFileSync(join(root, 'examples', 'ebm-early-inference.json'), 'utf8')) as GraphDocument;
    const graph = file('probe-refs.json', JSON.stringify({ ...doc, references: { energy_trace_max_rise: { value: 0, source: 'Bengio et al. 2017', note: 'energy never rises' } } }));
    const r = await cli('run', graph, '--out', join(tmp, 'refs-out'), '--quiet');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^metric energy_trace_max_rise = 0 {3}\(paper: 0, Bengio et al\. 2017; energy never rises\)$/m);
    expect(r.err).toMatch(/^metric backprop_cosine = \[[^\]]+\]$/m);
    // Every number printed to four significant digits (summary.json keeps every digit).
    for (const line of r.err.split('\n').filter((l) => l.startsWith('metric ')))
      for (const n of line.replace(/\(paper.*$/, '').match(/-?\d+\.\d+(e-?\d+)?/g) ?? []) expect(n.replace(/^-/, '').replace(/^0\.0*/, '').replace(/e.*$/, '').replace('.', '').length, n).toBeLessThanOrEqual(4);
  });

  it('a data folder whose files are not IDX: exit 1 with a one-line error naming the data node', async () => {
    // (A folder that does not exist is refused before the run: cli-review.test.ts.)
    const out = join(tmp, 'run-nodata');
    const data = notIdxFolder(join(tmp, 'not-idx'));
    const r = await cli('run', file('tiny2.json', JSON.stringify(tinyGraph())), '--data-dir', data, '--epochs', '1', '--out', out, '--quiet');
    expect(r.code).toBe(1);
    const errors = lines(r.err).filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: data: File .*not-idx\/train-images-idx3-ubyte is not an IDX file/);
    expectNoStack(r);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.status).toBe('error');
    expect(summary.error).toMatch(/^data: /);
  });

  it('an output folder that is a file: one error line, no stack trace', async () => {
    const notDir = file('not-a-folder', 'x');
    const r = await cli('run', file('tiny4.json', JSON.stringify(tinyGraph())), '--epochs', '0', '--out', notDir, '--quiet');
    expect(r.code).not.toBe(0);
    expect(lines(r.err).filter((l) => l.startsWith('error:'))).toHaveLength(1);
    expectNoStack(r);
  });

  it('a graph with problems is not run; its problems are errors on stderr', async () => {
    const g = tinyGraph();
    g.wires = g.wires.filter((x) => x.to.node !== 'train' || x.to.port !== 'data');
    const out = join(tmp, 'run-bad');
    const r = await cli('run', file('tiny3.json', JSON.stringify(g)), '--out', out);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(lines(r.err)).toContain('error: train.data: input data (dataset) must be wired');
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
  });
});

describe('plasticity sweep', () => {
  const stdp = join(root, 'examples', 'stdp-rate-vs-spike.json');
  const small = ['--set', 'rates.sequences=40', '--set', 'sim.trains=40'];

  it('parses seeds and values, and combines them with the varied parameter varying slowest', () => {
    expect(parseSeeds('1-3,7')).toEqual([1, 2, 3, 7]);
    expect(() => parseSeeds('3-1')).toThrow(/runs backwards/);
    expect(() => parseSeeds('one')).toThrow(/expected whole numbers and ranges/);
    expect(parseVary('nudge.beta=[0.5, 1]')).toEqual({ target: 'nudge.beta', values: [0.5, 1] });
    expect(() => parseVary('nudge.beta=0.5')).toThrow(/must be a JSON array/);
    expect(combinations([parseVary('a.x=[1,2]'), parseVary('b.y=["p","q"]')])).toEqual([
      ['a.x=1', 'b.y="p"'],
      ['a.x=1', 'b.y="q"'],
      ['a.x=2', 'b.y="p"'],
      ['a.x=2', 'b.y="q"'],
    ]);
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum to 32, sample sd sqrt(32/7)
    expect(stats([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ n: 8, mean: 5, sd: Math.sqrt(32 / 7), min: 2, max: 9 });
    expect(stats([3]).sd).toBe(0);
    // Scalars as they are; every array by its last value (the same key whatever the number of epochs), a short one
    // (one value per layer) also value by value.
    expect(scalarMetrics({ e: 0.1, cos: [0.9, 0.8], curve: [1, 2, 3, 4, 5, 6, 7], words: ['a'] })).toEqual({
      e: 0.1,
      'cos[0]': 0.9,
      'cos[1]': 0.8,
      'cos[-1]': 0.8,
      'curve[-1]': 7,
    });
    // Scalars first, whatever order they were recorded in; a one-value series (one epoch) only as [-1].
    expect(Object.keys(scalarMetrics({ train_error: [0.2], test_error: 0.1, cos: [0.9, 0.8] }))).toEqual(['test_error', 'train_error[-1]', 'cos[0]', 'cos[1]', 'cos[-1]']);
    // A curve's two arrays (ΔW against ΔT) are no series over epochs: no [-1] of theirs (stdp_curve_dt[-1] would be
    // the window's edge, 20); its figures are its own scalars. A lone _dt array is a series like any other.
    expect(scalarMetrics({ c_dt: [-1, 1, 2], c_dw: [-0.5, 0.4, 0.2], c_ltp: 0.4, lone_dt: [1, 2, 3, 4, 5, 6, 7] })).toEqual({ c_ltp: 0.4, 'lone_dt[-1]': 7 });
  });

  it('runs every seed for every value, two at a time, and summarises each metric over the seeds', async () => {
    const out = join(tmp, 'sweep');
    const r = await cli('sweep', stdp, ...small, '--seeds', '1-2', '--vary', 'sim.trains=[40, 80]', '--parallel', '2', '--out', out);
    expect(r.code, r.err).toBe(0);
    expectNoStack(r);
    expect(readdirSync(out).sort()).toEqual(['sweep.json', 'trains=40_seed1', 'trains=40_seed2', 'trains=80_seed1', 'trains=80_seed2']);
    const doc = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(doc.runs.map((x: { label: string; status: string }) => `${x.label} ${x.status}`)).toEqual([
      'trains=40_seed1 done',
      'trains=40_seed2 done',
      'trains=80_seed1 done',
      'trains=80_seed2 done',
    ]);
    // Each group's figures are those of its runs' own summary.json files.
    for (const [i, trains] of [40, 80].entries()) {
      const rs = [1, 2].map((seed) => JSON.parse(readFileSync(join(out, `trains=${trains}_seed${seed}`, 'summary.json'), 'utf8')));
      expect(rs.map((x) => x.options.set.at(-1))).toEqual([`sim.trains=${trains}`, `sim.trains=${trains}`]);
      expect(rs.map((x) => x.seed)).toEqual([1, 2]);
      const g = doc.groups[i];
      expect(g.set).toEqual([`sim.trains=${trains}`]);
      expect(g.metrics.stdp_pearson_r).toEqual(stats(rs.map((x) => x.metrics.stdp_pearson_r)));
    }
    // Different seeds, different figures.
    expect(doc.groups[0].metrics.stdp_pearson_r.sd).toBeGreaterThan(0);
    expect(r.out).toMatch(/^sim\.trains=40\n  stdp_pearson_r +0\.\d+ ± /);
    expect(r.out).toMatch(/\nsim\.trains=80\n/);
    // plasticity report on the sweep folder: the means ± sd as sweep.json has them, a chart per metric against
    // sim.trains, and every run.
    const rep = await cli('report', out);
    expect(rep.code, rep.err).toBe(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h1>Sweep of stdp-rate-vs-spike</h1>');
    const g = doc.groups[1].metrics.stdp_pearson_r;
    expect(html).toContain(`<td class="num">${fmtMeanSd(g.mean, g.sd)} <span class="desc">(2 runs)</span></td>`);
    expect(html).toContain('<h2>Against sim.trains</h2>');
    expect(html).toContain('<figcaption>stdp_pearson_r</figcaption>');
    for (const label of ['trains=40_seed1', 'trains=80_seed2']) expect(html).toContain(`<td>${label}</td><td>done</td>`);
  }, 60_000);

  it('values that read the same as folder names get folders of their own; an old summary is not taken for a new run', async () => {
    const out = join(tmp, 'sweep-names');
    // A summary.json left in the first run's folder by an earlier sweep.
    mkdirSync(join(out, 'x_label=a-b'), { recursive: true });
    writeFileSync(join(out, 'x_label=a-b', 'summary.json'), JSON.stringify({ status: 'done', wall_seconds: 1, metrics: { stale: 1 }, images: ['old-plot.png'] }));
    writeFileSync(join(out, 'x_label=a-b', 'old-plot.png'), 'an earlier run\'s picture');
    writeFileSync(join(out, 'x_label=a-b', 'note.md'), 'my words');
    // Text values are named without their quotes, their unsafe characters as "-": "a b" and "a-b" both read a-b
    // ("_" only separates the parameters and the seed).
    const r = await cli('sweep', stdp, ...small, '--vary', 'scatter.x_label=["a b", "a-b"]', '--out', out);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(doc.runs.map((x: { label: string }) => x.label)).toEqual(['x_label=a-b', 'x_label=a-b-2']);
    for (const run of doc.runs) expect(run.metrics.stale).toBeUndefined();
    // The earlier run's picture went, as `plasticity run` clears a reused folder; its note was kept aside; run.log says so.
    const first = join(out, 'x_label=a-b');
    expect(existsSync(join(first, 'old-plot.png'))).toBe(false);
    expect(readFileSync(join(first, 'note-of-an-earlier-run.md'), 'utf8')).toBe('my words');
    expect(readFileSync(join(first, 'run.log'), 'utf8')).toMatch(/^note: .*x_label=a-b held an earlier run; its pictures and report were removed, its note kept as note-of-an-earlier-run\.md\n/);
  }, 60_000);

  it('a typo in a varied parameter stops the sweep before any run', async () => {
    const out = join(tmp, 'sweep-typo');
    const r = await cli('sweep', stdp, '--vary', 'sim.train=[40, 80]', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: --vary sim\.train=\[40, 80\]: "Spike trains: rate rule vs STDP" \(sim\) has no parameter train/);
    expect(existsSync(out)).toBe(false);
    expect((await cli('sweep', stdp, '--seeds', 'x', '--out', out)).code).toBe(2);
  });

  it('a run that fails is reported, and the sweep exits 1', async () => {
    const out = join(tmp, 'sweep-fail');
    const r = await cli('sweep', join(root, 'examples', 'eqprop-mnist.json'), '--data-dir', notIdxFolder(join(tmp, 'sweep-not-idx')), '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[1\/1\] run: error/);
    expect(r.err).toMatch(/error: some runs failed/);
    const doc = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(doc.runs[0]).toMatchObject({ status: 'error' });
    expect(doc.runs[0].error).toMatch(/is not an IDX file/);
    expect(doc.groups).toEqual([{ set: [], metrics: {} }]);
  }, 60_000);
});

describe('plasticity diff', () => {
  const curve = join(root, 'examples', 'stdp-curve.json');

  it('graph files: one row per difference, exit 1; the same graph: exit 0 and "no differences"', async () => {
    const doc = JSON.parse(readFileSync(curve, 'utf8')) as GraphDocument;
    const node = doc.nodes[0];
    const changed = file('curve-changed.json', JSON.stringify({ ...doc, seed: 7, nodes: [{ ...node, params: { ...node.params, trials: 5000 } }, ...doc.nodes.slice(1)] }));
    const r = await cli('diff', curve, changed);
    expect(r.code, r.err).toBe(1);
    expect(lines(r.out).map((l) => l.split(/\s{2,}/))).toEqual([['', curve, changed], ['seed', '1', '7'], [`${node.id}.trials`, '20000', '5000']]);
    const same = await cli('diff', curve, curve);
    expect(same.code).toBe(0);
    expect(same.out).toBe('');
    expect(same.err).toBe('no differences\n');
    const json = await cli('diff', '--json', curve, changed);
    expect(JSON.parse(json.out).differences).toHaveLength(2);
  });

  it('run folders: the graph as it ran (--seed included) and the run options from summary.json', async () => {
    const a = join(tmp, 'diff-runs', 'a');
    const b = join(tmp, 'diff-runs', 'b');
    expect((await cli('run', curve, '--seed', '3', '--out', a, '--quiet')).code).toBe(0);
    expect((await cli('run', curve, '--epochs', '1', '--set', `${JSON.parse(readFileSync(curve, 'utf8')).nodes[0].id}.trials=5000`, '--out', b, '--quiet')).code).toBe(0);
    // The folder's graph.json repeats the run: its seed is the one it ran with.
    expect(JSON.parse(readFileSync(join(a, 'graph.json'), 'utf8')).seed).toBe(3);
    const r = await cli('diff', a, b);
    expect(r.code, r.err).toBe(1);
    const rows = lines(r.out).slice(1).map((l) => l.split(/\s{2,}/));
    // --epochs on this STDP graph changed nothing (no node obeys it): not a difference.
    expect(rows.map((x) => x[0])).toEqual(['seed', 'neuron.trials']);
    expect(rows[0].slice(1)).toEqual(['3', '1']);
    // `plasticity runs` lists both folders, newest first, with their note.
    await writeRunNote(join(tmp, 'diff-runs'), 'a', 'seed 3\nsecond line');
    const listed = await cli('runs', join(tmp, 'diff-runs'));
    expect(listed.code, listed.err).toBe(0);
    const table = lines(listed.out).map((l) => l.split(/\s{2,}/));
    expect(table[0]).toEqual(['ended', 'run', 'graph', 'data', 'status', 'time', 'metrics', 'note']);
    expect(table.slice(1).map((row) => row[1])).toEqual(['b', 'a']);
    // The STDP curve reads no data set.
    expect(table[2].slice(2, 5)).toEqual(['stdp-curve', '—', 'done']);
    expect(table[2].at(-1)).toBe('seed 3');
    const json = JSON.parse((await cli('runs', join(tmp, 'diff-runs'), '--json')).out);
    expect(json.map((r: { id: string; note: string }) => [r.id, r.note])).toEqual([['b', ''], ['a', 'seed 3\nsecond line']]);
    expect((await cli('runs', join(tmp, 'nope'))).code).toBe(2);
    // A folder whose summary.json cannot be read is not listed, and said so; one without any is not a run yet.
    mkdirSync(join(tmp, 'diff-runs', 'broken'));
    writeFileSync(join(tmp, 'diff-runs', 'broken', 'summary.json'), '{"graph": ');
    mkdirSync(join(tmp, 'diff-runs', 'going'));
    const withBroken = await cli('runs', join(tmp, 'diff-runs'));
    expect(lines(withBroken.out)).toHaveLength(3);
    expect(withBroken.err).toBe(`warning: ${join(tmp, 'diff-runs', 'broken')}: its summary.json cannot be read, so it is not listed\n`);
    rmSync(join(tmp, 'diff-runs', 'broken'), { recursive: true });
    rmSync(join(tmp, 'diff-runs', 'going'), { recursive: true });
  });

  it('plasticity report: a run folder as one HTML page, in the folder or where --out says; not a run folder: exit 2', async () => {
    const a = join(tmp, 'diff-runs', 'a');
    const r = await cli('report', a);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(`wrote ${join(a, 'report.html')}\n`);
    const html = readFileSync(join(a, 'report.html'), 'utf8');
    expect(html).toContain('<h1>stdp-curve</h1>');
    expect(html).toContain('<tr><th>seed</th><td>3</td></tr>');
    const out = join(tmp, 'a-report.html');
    expect((await cli('report', a, '--out', out)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(html);
    const notRun = await cli('report', tmp);
    expect(notRun.code).toBe(2);
    expect(notRun.err).toMatch(/^error: .*has no readable summary\.json \(there is none: not a run folder, or a run still going or killed\)\n$/);
    // A summary.json cut short says why it cannot be read.
    const cut = join(tmp, 'cut-summary');
    mkdirSync(cut, { recursive: true });
    writeFileSync(join(cut, 'summary.json'), '{"graph": "stdp-curve", "sta');
    expect((await cli('report', cut)).err).toMatch(/^error: .*cut-summary has no readable summary\.json \(not valid JSON: .*\)\n$/);
    // A sweep.json that is not a sweep's: one line naming the field.
    const fake = join(tmp, 'fake-sweep');
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(fake, 'sweep.json'), '{"graph": 1}');
    const badSweep = await cli('report', fake);
    expect(badSweep.code).toBe(2);
    expect(badSweep.err).toMatch(/^error: .*fake-sweep: sweep\.json is not a sweep's summary \(graph: .*\)\n$/);
    expect((await cli('report', join(tmp, 'nope'))).code).toBe(2);
    const nowhere = await cli('report', a, '--out', join(tmp, 'no-such-folder', 'r.html'));
    expect(nowhere.code).toBe(2);
    expect(nowhere.err).toMatch(/^error: --out .*r\.html: its folder does not exist\n\(plasticity report --help for the options\)\n$/);
    expectNoStack(notRun);
  });

  it('a folder that is not a run, a missing file, or one argument: exit 2 with one line', async () => {
    const r = await cli('diff', tmp, curve);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: .* is a folder without graph\.json \(not a run folder\)\n$/);
    const missing = await cli('diff', join(tmp, 'nope.json'), curve);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read .*nope\.json: no such file/);
    expect((await cli('diff', curve)).code).toBe(2);
    // A graph with a problem is trouble (2), not a difference (1); the problem is on stderr, stdout stays empty.
    const broken = file('diff-broken.json', JSON.stringify({ format: GRAPH_FORMAT, version: 1, seed: 1.5, nodes: [] }));
    const bad = await cli('diff', curve, broken);
    expect(bad.code).toBe(2);
    expect(bad.out).toBe('');
    expect(bad.err).toMatch(/seed/);
    expect(bad.err).toMatch(/diff-broken\.json is not a valid graph document/);
    expectNoStack(r);
    expectNoStack(missing);
  });
});

describe('bin/plasticity.mjs as a process', () => {
  const bin = join(root, 'bin', 'plasticity.mjs');
  const spawn = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

  it('validate an example: exit 0', () => {
    const p = spawn('validate', 'examples/bengio2015-mnist.json');
    expect(p.status).toBe(0);
    expect(p.stdout).toBe('examples/bengio2015-mnist.json: ok\n');
    expect(p.stderr).not.toMatch(/^\s+at /m);
  });

  it('validate a file that is not a graph: exit 2, one line, no stack trace', () => {
    const p = spawn('validate', file('notgraph.json', '{"hello": "world"}'));
    expect(p.status).toBe(2);
    expect(p.stdout).toBe('');
    expect(lines(p.stderr)).toHaveLength(1);
    expect(p.stderr).toMatch(/^error: .*notgraph\.json: the file is not a graph document/);
  });
});
