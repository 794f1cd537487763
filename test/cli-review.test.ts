// The `plasticity` command after a user's review: node ids with a dot in --set, --vary and quick.set; --quick for plan
// and validate; repeated options; `kinds ID`; incomplete run folders in `runs`; a picture's "wrote" line once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applySets } from '../nodes/cli/main.ts';
import { cli, lines } from './support/cli.ts';
import { parseVary } from '../nodes/cli/sweep.ts';
import { LOCK_FILE } from '../nodes/runtime/out-lock.ts';
import { type GraphDocument, parseGraphText, splitQuickKey, withQuickSets } from '../nodes/core/document.ts';

const root = join(import.meta.dirname, '..');
const eqprop = join(root, 'examples', 'eqprop-mnist.json');

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'plasticity-cli-review-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** eqprop-mnist with its node `free` renamed `to`, saved; its Quick run sets `set`. */
function renamed(to: string, set: Record<string, number> = {}): string {
  const doc = JSON.parse(readFileSync(eqprop, 'utf8')) as GraphDocument;
  const id = (x: string): string => (x === 'free' ? to : x);
  doc.nodes = doc.nodes.map((n) => ({ ...n, id: id(n.id) }));
  doc.wires = doc.wires.map((w) => ({ ...w, from: { ...w.from, node: id(w.from.node) }, to: { ...w.to, node: id(w.to.node) } }));
  doc.quick = { ...doc.quick, set };
  const file = join(tmp, `${to}.json`);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe('node ids with a dot (free.v2) in --set, --vary and quick.set', () => {
  it('a "node.param" key is split at its last dot', () => {
    expect(splitQuickKey('free.v2.steps')).toEqual({ node: 'free.v2', param: 'steps' });
    expect(splitQuickKey('free.steps')).toEqual({ node: 'free', param: 'steps' });
    expect(splitQuickKey('free')).toBeNull();
    expect(splitQuickKey('free.')).toBeNull();
  });

  it('--set free.v2.steps=5 sets the parameter of node free.v2; an unknown parameter names the node', async () => {
    const graph = renamed('free.v2');
    const doc = parseGraphText(readFileSync(graph, 'utf8'));
    if (!doc.ok) throw new Error('not a graph');
    expect(applySets(doc.doc, ['free.v2.steps=5']).nodes.find((n) => n.id === 'free.v2')!.params.steps).toBe(5);
    expect((await cli('validate', graph, '--set', 'free.v2.steps=5')).code).toBe(0);
    const bad = await cli('validate', graph, '--set', 'free.v2.nope=5');
    expect(bad.code).toBe(1);
    expect(lines(bad.err)[0]).toMatch(/^error: --set free\.v2\.nope=5: ".*" \(free\.v2\) has no parameter nope; its parameters are /);
  });

  it('quick.set {"free.v2.steps": 7} is a valid key and makes its change', () => {
    const r = parseGraphText(readFileSync(renamed('free.v2', { 'free.v2.steps': 7 }), 'utf8'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(withQuickSets(r.doc).nodes.find((n) => n.id === 'free.v2')!.params.steps).toBe(7);
  });

  it('--vary free.v2.steps=[5, 6] targets node free.v2', async () => {
    expect(parseVary('free.v2.steps=[5, 6]')).toEqual({ target: 'free.v2.steps', values: [5, 6] });
    const bad = await cli('sweep', renamed('free.v2'), '--vary', 'free.v2.nope=[1, 2]', '--out', join(tmp, 'vary-dot'));
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('(free.v2) has no parameter nope');
  });
});

describe('plan and validate --quick: the graph as run --quick compiles it', () => {
  it('plan --quick shows quick.set\'s change, plan without it the graph\'s own value; validate --quick checks it', async () => {
    const graph = renamed('free', { 'free.steps': 7 });
    const stepsOf = (out: string): unknown => JSON.stringify(JSON.parse(out)).match(/"node":"free"[^}]*?"steps":(\d+)/)?.[1];
    const quick = await cli('plan', graph, '--quick');
    expect(quick.code, quick.err).toBe(0);
    const full = await cli('plan', graph);
    expect(stepsOf(quick.out)).toBe('7');
    expect(stepsOf(full.out)).not.toBe('7');
    expect((await cli('plan', graph, '--quick', '--set', 'free.steps=9')).out).toContain('"steps": 9');
    const v = await cli('validate', graph, '--quick');
    expect(v.code, v.err).toBe(0);
    // A quick.set value the parameter does not take fails validate --quick too.
    const bad = renamed('free', { 'free.steps': -3 });
    expect((await cli('validate', bad, '--quick')).code).toBe(1);
  });
});

describe('repeated options are errors, not the last one silently', () => {
  it('a parameter --set twice is a usage error naming both, for validate, plan, run and sweep', async () => {
    for (const cmd of ['validate', 'plan', 'run', 'sweep']) {
      const r = await cli(cmd, eqprop, '--set', 'free.steps=5', '--set', 'nudge.beta=1', '--set', 'free.steps=6', ...(cmd === 'run' || cmd === 'sweep' ? ['--out', join(tmp, `set-twice-${cmd}`)] : []));
      expect(r.code, cmd).toBe(2);
      expect(r.err).toBe(`error: --set free.steps is given twice (--set free.steps=5 and --set free.steps=6); give it once\n(plasticity ${cmd} --help for the options)\n`);
    }
    // A --vary still replaces a --set of the same parameter.
    expect((await cli('sweep', eqprop, '--set', 'free.steps=5', '--vary', 'free.steps=[a]', '--out', join(tmp, 'set-vary'))).err).not.toContain('given twice');
  });

  it('sweep --seeds with a seed twice is a usage error, as a --vary value twice is', async () => {
    for (const seeds of ['1,1', '1-3,2']) {
      const r = await cli('sweep', eqprop, '--seeds', seeds, '--out', join(tmp, 'seeds-twice'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`^error: --seeds ${seeds}: seed [12] is there twice\\n\\(plasticity sweep --help for the options\\)\\n$`));
    }
  });
});

describe('plasticity kinds ID', () => {
  it('prints that kind\'s section of the reference page, as kinds --markdown gives it', async () => {
    const r = await cli('kinds', 'ebm.evaluate');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^<a id="ebm\.evaluate"><\/a>\n\n### /);
    expect((await cli('kinds', '--markdown')).out).toContain(r.out.trimEnd());
    expect(JSON.parse((await cli('kinds', 'ebm.evaluate', '--json')).out).map((k: { kind: string }) => k.kind)).toEqual(['ebm.evaluate']);
  });

  it('an unknown id is an error suggesting the nearest', async () => {
    for (const [id, near] of [['ebm.evalute', 'ebm.evaluate'], ['evaluate', 'ebm.evaluate']]) {
      const r = await cli('kinds', id);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`error: there is no node kind "${id}"; did you mean "${near}"? (plasticity kinds lists them all)\n`);
    }
    expect((await cli('kinds', 'totally.made_up')).err).toBe('error: there is no node kind "totally.made_up" (plasticity kinds lists them all)\n');
  });
});

describe('plasticity runs: folders without summary.json, and what failed', () => {
  it('lists a killed run as incomplete, one a live process writes as running, and a failed run with its error on one line', async () => {
    const dir = join(tmp, 'runs');
    const curve = join(root, 'examples', 'stdp-curve.json');
    expect((await cli('run', curve, '--set', 'neuron.trials=500', '--quiet', '--out', join(dir, 'failed'))).code).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'failed', 'summary.json'), 'utf8'));
    writeFileSync(join(dir, 'failed', 'summary.json'), JSON.stringify({ ...summary, status: 'error', error: 'neuron: the simulation went wrong\nsecond line' }));
    for (const [id, lock] of [['killed', ''], ['live', `${process.pid}\n`]]) {
      mkdirSync(join(dir, id));
      writeFileSync(join(dir, id, 'graph.json'), JSON.stringify({ name: 'half-done' }));
      writeFileSync(join(dir, id, 'metrics.jsonl'), '');
      if (lock) writeFileSync(join(dir, id, LOCK_FILE), lock);
    }
    mkdirSync(join(dir, 'empty'));
    const r = await cli('runs', dir);
    expect(r.code, r.err).toBe(0);
    const rows = new Map(lines(r.out).slice(1).map((l) => l.split(/\s{2,}/)).map((row) => [row[1], row]));
    expect([...rows.keys()].sort()).toEqual(['failed', 'killed', 'live']);
    expect(rows.get('killed')!.slice(2)).toEqual(['half-done', '—', 'incomplete', '—', '—', 'no summary.json: still running, or killed']);
    expect(rows.get('live')!.slice(2)).toEqual(['half-done', '—', 'running', '—', '—', `process ${process.pid} is writing it now`]);
    expect(rows.get('failed')![4]).toBe('error');
    expect(rows.get('failed')!.at(-1)).toBe('error: neuron: the simulation went wrong');
    const json = JSON.parse((await cli('runs', dir, '--json')).out) as { id: string; status: string }[];
    expect(json.map((x) => x.status).sort()).toEqual(['error', 'incomplete', 'running']);
  });
});

describe('a picture redrawn after every epoch', () => {
  it('is said once ("wrote …/train_fields.png"), at the end of the run, --quiet or not', async () => {
    const out = join(tmp, 'pictures');
    const r = await cli('run', eqprop, '--quick', '--epochs', '3', '--train-limit', '60', '--test-limit', '60', '--quiet', '--out', out);
    expect(r.code, r.err).toBe(0);
    const wrote = lines(r.err).filter((l) => l.startsWith('wrote '));
    expect(wrote.filter((l) => l === `wrote ${join(out, 'train_fields.png')}`)).toHaveLength(1);
    expect(wrote.at(-1)).toMatch(/summary\.json \(done, /);
    expect(new Set(wrote).size).toBe(wrote.length);
  });
});

describe('a data folder that is not there (user review)', () => {
  it('run: a misspelt --data-dir fails before the run, and the earlier run in --out keeps its pictures and summary', async () => {
    const out = join(tmp, 'kept');
    const first = await cli('run', eqprop, '--quick', '--train-limit', '40', '--test-limit', '20', '--quiet', '--out', out);
    expect(first.code, first.err).toBe(0);
    const summary = readFileSync(join(out, 'summary.json'), 'utf8');
    const typo = join(tmp, 'fashoin');
    const r = await cli('run', eqprop, '--quick', '--data-dir', typo, '--out', out);
    expect(r.code).toBe(2);
    expect(lines(r.err)).toEqual([
      `error: --data-dir: MNIST data folder ${typo} does not exist (expected a folder holding the four MNIST IDX files train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, optionally gzipped).`,
    ]);
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe(summary);
    expect(existsSync(join(out, 'train_fields.png'))).toBe(true);
  }, 120_000);

  it('run: an MNIST node\'s dataDir that is not there is a problem of the graph naming the node, before the run', async () => {
    const doc = JSON.parse(readFileSync(eqprop, 'utf8')) as GraphDocument;
    const data = doc.nodes.find((n) => n.id === 'data')!;
    data.params = { ...data.params, dataDir: join(tmp, 'nowhere') };
    const file = join(tmp, 'nowhere.json');
    writeFileSync(file, JSON.stringify(doc));
    const out = join(tmp, 'nowhere-run');
    const r = await cli('run', file, '--quick', '--out', out);
    expect(r.code).toBe(1);
    expect(lines(r.err)[0]).toMatch(/^error: data: MNIST data folder .*nowhere does not exist/);
    expect(existsSync(out)).toBe(false);
  });

  it('validate: an MNIST node\'s dataDir without the four files is a problem, one line naming node and parameter', async () => {
    const doc = JSON.parse(readFileSync(eqprop, 'utf8')) as GraphDocument;
    const data = doc.nodes.find((n) => n.id === 'data')!;
    const onlyTrain = join(tmp, 'only-train');
    mkdirSync(onlyTrain);
    writeFileSync(join(onlyTrain, 'train-images-idx3-ubyte.gz'), 'x');
    writeFileSync(join(onlyTrain, 'train-labels-idx1-ubyte.gz'), 'x');
    data.params = { ...data.params, dataDir: onlyTrain };
    const file = join(tmp, 'only-train.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = await cli('validate', file);
    expect(r.code).toBe(1);
    expect(lines(r.out)).toEqual([
      `data.dataDir: MNIST files t10k-images-idx3-ubyte(.gz), t10k-labels-idx1-ubyte(.gz) were not found in ${onlyTrain} (expected the four IDX files of MNIST there, gzipped or not, e.g. ${join(onlyTrain, 't10k-images-idx3-ubyte.gz')}).`,
    ]);
  });

  it('sweep: an empty --data-dir folder starts no run', async () => {
    const empty = join(tmp, 'empty-data');
    mkdirSync(empty);
    const out = join(tmp, 'sweep-nodata');
    const r = await cli('sweep', eqprop, '--quick', '--seeds', '1-3', '--data-dir', empty, '--out', out);
    expect(r.code).toBe(2);
    expect(lines(r.err)[0]).toMatch(/^error: --data-dir: MNIST files train-images-idx3-ubyte\(\.gz\), .* were not found in /);
    expect(existsSync(out)).toBe(false);
  });
});
