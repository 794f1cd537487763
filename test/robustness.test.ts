// Bad input gets a sentence naming the node or file and what is wrong, before any work is lost, and never a
// plausible-looking result: node ids that are not plain file names (they name the node's pictures), loaded weights
// that are damaged or not finite, per-example states too large to hold, browser-mode file names that are not plain
// names in the workspace, and a --workspace that is a file.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGraph, nodeIdProblem, parseGraphText } from '../nodes/core/document.ts';
import { PLAN_FORMAT, type Plan } from '../nodes/core/plan.ts';
import { initBackend } from '../nodes/runtime/backend.ts';
import { runPlan } from '../nodes/runtime/engine.ts';
import { plainFileNameProblem } from '../nodes/runtime/fs-atomic.ts';
import { readWeights, WEIGHTS_FORMAT } from '../nodes/runtime/bengio2015/weights.ts';
import type { EbmDataset } from '../nodes/runtime/ebm/data.ts';
import { MAX_STATES, PersistentStates, type RuleSpec, statesProblem, train } from '../nodes/runtime/ebm/eqprop.ts';
import { type DynamicsSpec, makeNetwork } from '../nodes/runtime/ebm/network.ts';
import { ebmOps } from '../nodes/runtime/ebm/ops.ts';
import { NETWORK_FORMAT, readNetwork } from '../nodes/runtime/ebm/weights.ts';
import { type OpTable, type Tf, UserError } from '../nodes/runtime/op.ts';
import { workspaceFileNameProblem } from '../nodes/server/files.ts';
import { createServerService } from '../nodes/server/service.ts';
import { fakeCtx } from './support/fake-ctx.ts';

let tf: Tf;
let dir: string;
beforeAll(async () => {
  tf = (await initBackend('cpu')).tf;
  dir = await mkdtemp(join(tmpdir(), 'plasticity-robust-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const graphWith = (ids: string[]) => ({
  format: 'plasticity-graph',
  version: 1,
  name: 'g',
  nodes: ids.map((id) => ({ id, kind: 'ebm.network', params: {} })),
});

describe('node ids are plain file names', () => {
  it('a graph with a node id holding /, \\, .., a leading dot, a space or a control character does not load, naming the id', () => {
    const cases: [string, RegExp][] = [
      ['phase1/train', /^nodes\[1\]\.id: node id "phase1\/train": use letters, digits, _ - \. \(no \/ or \\\), e\.g\. phase1_train, in its wires too$/],
      ['../../escaped/x', /node id "\.\.\/\.\.\/escaped\/x": use letters, digits, _ - \. \(no \/ or \\\)/],
      ['a\\b', /node id "a\\\\b": use letters, digits, _ - \. \(no \/ or \\\)/],
      ['..', /node id "\.\.": start it with a letter, digit or _ \(not \. or -\)/],
      ['.hidden', /node id "\.hidden": start it with a letter, digit or _/],
      ['two words', /node id "two words": use only letters, digits, _ - \. \(no spaces, control or other characters\), e\.g\. two_words, in its wires too$/],
      ['tab\there', /node id "tab\\there": use only letters/],
      // a right-to-left override is shown escaped, so the message reads as it is
      ['🧠 data\u202e', /node id "🧠 data\\u\{202e\}": use only letters/],
      ['x'.repeat(201), /node id "x{60}…": at most 200 characters \(it has 201\)/],
    ];
    for (const [id, message] of cases) {
      const r = loadGraph(graphWith(['data', id]));
      expect(r.ok, id).toBe(false);
      if (r.ok) continue;
      expect(r.diagnostics, id).toHaveLength(1);
      expect(r.diagnostics[0].message, id).toMatch(message);
      // the message names the id, escaped; the node field (which hosts print as it is) is left out
      expect(r.diagnostics[0].node, id).toBeUndefined();
      expect(r.diagnostics[0].message).not.toMatch(/[\u0000-\u001f\u202e]/);
    }
  });

  it('ids the editor makes (stem and number), and ids with _ - . load; every example loads', () => {
    const ids = ['data', 'nudge1', 'prior_gaussian1', 'corrupt_gaussian12', 'phase1.train', 'm-ll', '_x', '1st', 'x'.repeat(200)];
    expect(loadGraph(graphWith(ids)).ok).toBe(true);
    for (const id of ids) expect(nodeIdProblem(id), id).toBeNull();
    const examples = join(import.meta.dirname, '..', 'examples');
    for (const f of readdirSync(examples).filter((n) => n.endsWith('.json'))) {
      const r = parseGraphText(readFileSync(join(examples, f), 'utf8'));
      expect(r.ok ? [] : r.diagnostics, f).toEqual([]);
    }
  });

  /** A plan of one step `node`, whose op draws the picture `picture(node)`. */
  const onePicture = (node: string, picture: (node: string) => string): { plan: Plan; ops: OpTable; ran: string[] } => {
    const ran: string[] = [];
    const ops: OpTable = {
      'test.picture': async (ctx) => {
        ran.push(ctx.step.node);
        await ctx.image(picture(ctx.step.node), Buffer.from('png'), 1, 1);
        return {};
      },
    };
    const plan: Plan = { format: PLAN_FORMAT, version: 1, graph: 'g', seed: 1, steps: [{ node, kind: 'test.picture', params: {}, inputs: {}, outputs: {}, signature: '0' }] };
    return { plan, ops, ran };
  };

  it('the engine refuses a plan whose node id is not a plain file name before running any step, and writes nothing outside the run folder', async () => {
    const out = join(dir, 'run1', 'out');
    const { plan, ops, ran } = onePicture('../../escaped', (n) => `${n}_fields`);
    const s = await runPlan({ plan, backend: 'cpu', options: { outDir: out }, ops });
    expect(s.status).toBe('error');
    expect(s.error).toBe('node id "../../escaped": use letters, digits, _ - . (no / or \\), e.g. escaped, in its wires too');
    expect(ran).toEqual([]);
    expect(existsSync(join(dir, 'escaped_fields.png'))).toBe(false);
    expect(existsSync(join(dir, 'run1'))).toBe(false);
  });

  it('the picture writer refuses a name that is not a plain file name inside the run folder, naming the node', async () => {
    const out = join(dir, 'run2', 'out');
    for (const name of ['../escape', 'sub/pic', 'a\\b', '.hidden', 'nul\u0000x', 'x'.repeat(230)]) {
      const { plan, ops } = onePicture('pic', () => name);
      const s = await runPlan({ plan, backend: 'cpu', options: { outDir: out }, ops });
      expect(s.status, name).toBe('error');
      expect(s.error, name).toMatch(/^pic: cannot write the picture ".*\.png": (a file name cannot|the file name is \d+ bytes long)/);
      expect(s.images, name).toEqual([]);
    }
    expect(await readdir(out)).toEqual([]);
    expect(await readdir(join(dir, 'run2'))).toEqual(['out']);
    expect(plainFileNameProblem('train_learning_curve.png')).toBeNull();
    expect(plainFileNameProblem(`${'x'.repeat(200)}_learning_curve.png`)).toBeNull();
  });
});

describe('loaded weights are whole and finite', () => {
  const f32 = (...v: number[]): string => Buffer.from(new Float32Array(v).buffer).toString('base64');
  const network = (W0: string, W1 = f32(-2), b = [f32(0.25), f32(1)]) => ({ format: NETWORK_FORMAT, version: 1, sizes: [1, 1, 1], activation: 'hard_sigmoid', W: [W0, W1], b });
  async function networkError(name: string, doc: unknown): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, JSON.stringify(doc));
    const e = await readNetwork(tf, file).then(
      (net) => (net.dispose(), null),
      (err: unknown) => err as Error,
    );
    expect(e, name).toBeInstanceOf(Error);
    return e!.message;
  }

  it('a network file holding NaN or an infinity is refused, naming the file and the matrix', async () => {
    expect(await networkError('nan.network.json', network(f32(NaN)))).toBe(
      `${join(dir, 'nan.network.json')}: weight matrix 0 holds NaN at position 0: saved values must be finite numbers (the file is damaged, or was saved from a run that diverged)`,
    );
    expect(await networkError('inf.network.json', network(f32(0.5), f32(-Infinity)))).toMatch(/inf\.network\.json: weight matrix 1 holds -Infinity at position 0/);
    expect(await networkError('binf.network.json', network(f32(0.5), f32(1), [f32(0), f32(Infinity)]))).toMatch(/binf\.network\.json: bias vector 1 holds Infinity/);
    // and a whole one loads
    const file = join(dir, 'ok.network.json');
    await writeFile(file, JSON.stringify(network(f32(0.5))));
    const net = await readNetwork(tf, file);
    expect(net.read().W[0][0]).toBe(0.5);
    net.dispose();
  });

  it('a network file with a matrix cut short says so (not "it holds 0"), naming the file and the matrix', async () => {
    const cut = f32(1, 2, 3).slice(0, 8); // 6 bytes of 12
    expect(await networkError('cut.network.json', { ...network(f32(1)), sizes: [1, 3, 1], W: [cut, f32(1, 1, 1)], b: [f32(0, 0, 0), f32(0)] })).toMatch(
      /cut\.network\.json: weight matrix 0 is damaged \(it holds 6 bytes, not a whole number of 4-byte values; the file may be cut short\)$/,
    );
    expect(await networkError('b64.network.json', network('not base64!'))).toMatch(/b64\.network\.json: weight matrix 0 is damaged \(its text is not base64\)$/);
  });

  const weights = (W: string, b = f32(0)) => ({
    format: WEIGHTS_FORMAT,
    version: 1,
    architecture: { sizes: [2, 1], encoders: [{ node: 'f1', inUnits: 2, outUnits: 1, activation: 'linear' }], decoders: [{ node: 'g1', inUnits: 1, outUnits: 2, activation: 'linear' }] },
    encoders: [{ node: 'f1', W, b }],
    decoders: [{ node: 'g1', W: f32(1, 2), b: f32(0, 0) }],
  });
  async function weightsError(name: string, doc: unknown): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, JSON.stringify(doc));
    const e = await readWeights(tf, file, 1).then(
      (m) => (m.dispose(), null),
      (err: unknown) => err as Error,
    );
    expect(e, name).toBeInstanceOf(Error);
    return e!.message;
  }

  it('a weights file holding NaN or an infinity, or a matrix of a byte count not a multiple of 4, is refused naming the file and the matrix', async () => {
    expect(await weightsError('nan.weights.json', weights(f32(0.5, NaN)))).toBe(
      `${join(dir, 'nan.weights.json')}: the weight matrix W of f1 holds NaN at position 1: saved values must be finite numbers (the file is damaged, or was saved from a run that diverged)`,
    );
    expect(await weightsError('inf.weights.json', weights(f32(0.5, 1), f32(Infinity)))).toMatch(/inf\.weights\.json: the bias vector b of f1 holds Infinity at position 0/);
    expect(await weightsError('odd.weights.json', weights(f32(0.5, 1).slice(0, 7)))).toMatch(
      /odd\.weights\.json: the weight matrix W of f1 is damaged \(it holds 5 bytes, not a whole number of 4-byte values; the file may be cut short\)$/,
    );
    expect(await weightsError('short.weights.json', weights(f32(0.5)))).toMatch(/short\.weights\.json: weights of f1 have the wrong size: its weight matrix W should hold 2×1 values, it holds 1$/);
    const file = join(dir, 'ok.weights.json');
    await writeFile(file, JSON.stringify(weights(f32(0.5, 1))));
    const m = await readWeights(tf, file, 1);
    expect(Array.from(m.f[0].W.dataSync())).toEqual([0.5, 1]);
    m.dispose();
  });
});

describe('per-example states are checked before they are allocated', () => {
  // n examples of one pixel, into a 1-1000-1 network: n × 1001 state values.
  const over = Math.ceil(MAX_STATES / 1001) + 1;
  const dataset = (n: number): EbmDataset => ({ type: 'dataset', images: new Float32Array(n), labels: new Uint8Array(n), n, inputSize: 1, classes: 1, description: 'x = 0' });
  const net = () => makeNetwork(tf, [1, 1000, 1], 'hard_sigmoid', [tf.zeros([1, 1000]), tf.zeros([1000, 1])], [tf.zeros([1000]), tf.zeros([1])]);
  const free: DynamicsSpec = { type: 'ebm.dynamics', epsilon: 1, sigma: 0, steps: 1, form: 'clipped' };
  const nudged: DynamicsSpec = { ...free, nudge: { beta: 0.5, randomSign: false, cost: 'half_squared' } };
  const rule: RuleSpec = { type: 'ebm.rule', form: 'eqprop', lrs: [0.1, 0.1], direction: 'both' };

  it('the message: examples × units, the GiB, the limit and what to change', () => {
    expect(statesProblem([784, 100000, 10], 8000, 'training examples', 'set persistent to false')).toBe(
      'keeping a state for each of the 8,000 training examples of 784-100000-10 takes 8,000 × 100,010 units = 800,080,000 values (3.0 GiB as float32), more than the 268,435,456 (1 GiB) allowed here; make the hidden layers smaller, use fewer examples or set persistent to false',
    );
    expect(statesProblem([784, 500, 10], 60000)).toBeNull();
    expect(() => new PersistentStates([784, 100000, 10], 60000)).toThrow(UserError);
  });

  it('training with persistent states too large stops with a UserError before training', async () => {
    const n = net();
    const e = await train(tf, n, dataset(over), { epochs: 1, batchSize: 100, persistent: true, shuffle: false, free, nudged, rule, readout: 'state', random: Math.random, nextSeed: () => 1, checkStop: async () => {
      throw new Error('training started');
    } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toMatch(/^keeping a state for each of the 268,\d{3} training examples of 1-1000-1 takes .* values \(1\.0 GiB as float32\), more than the 268,435,456 \(1 GiB\) allowed here; .* set persistent to false$/);
    n.dispose();
  });

  it('validation from stored states too large stops the train node with a UserError before training', async () => {
    const n = net();
    const ctx = fakeCtx(tf, { node: 'train', stopAfter: 0 });
    const params = { epochs: 1, batch_size: 1, persistent: false, shuffle: false, valid_steps: 1, valid_states: 'persistent', readout: 'state' };
    const e = await ebmOps['ebm.eqprop_train'](ctx, { network: n, data: dataset(1), valid: dataset(over), free, nudged, rule }, params).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toMatch(/^keeping a state for each of the 268,\d{3} validation examples of 1-1000-1 takes.*set valid_states to from_zero$/);
    n.dispose();
  });

  it('through the engine, the error names the node', async () => {
    const plan: Plan = { format: PLAN_FORMAT, version: 1, graph: 'g', seed: 1, steps: [{ node: 'train', kind: 'test.states', params: {}, inputs: {}, outputs: {}, signature: '0' }] };
    const ops: OpTable = {
      'test.states': async () => {
        new PersistentStates([784, 100000, 10], 8000, 'training examples', 'set persistent to false');
        return {};
      },
    };
    const s = await runPlan({ plan, backend: 'cpu', options: {}, ops });
    expect(s.error).toMatch(/^train: keeping a state for each of the 8,000 training examples/);
  });
});

describe('browser mode: file names', () => {
  it('writeFile refuses a name that is not a plain .json file name in the workspace with a sentence, and writes nothing', async () => {
    const ws = join(dir, 'ws');
    await mkdir(ws);
    const { service } = createServerService({ workspace: ws, examplesDir: ws, version: '0', emit: () => undefined, spawn: () => {
      throw new Error('no runs here');
    } });
    const cases: [string, string][] = [
      ['a/b.json', 'cannot save as "a/b.json": a file name cannot contain / (graphs are saved in the workspace folder itself)'],
      ['/tmp/abs.json', 'cannot save as "/tmp/abs.json": a file name cannot contain / (graphs are saved in the workspace folder itself)'],
      ['a\\b.json', 'cannot save as "a\\\\b.json": a file name cannot contain \\ (graphs are saved in the workspace folder itself)'],
      ['nul\u0000.json', 'cannot save as "nul\\u0000.json": a file name cannot contain control characters'],
      ['.json', 'cannot save as ".json": a file name cannot start with a dot (the file would be hidden, and the Open list would not show it)'],
      ['.foo.json', 'cannot save as ".foo.json": a file name cannot start with a dot (the file would be hidden, and the Open list would not show it)'],
      [`${'x'.repeat(295)}.json`, `cannot save as "${'x'.repeat(80)}…": the file name is 300 bytes long; use at most 200`],
      ['', 'cannot save as "": give the file a name'],
      ['g.txt', 'cannot save as "g.txt": graph documents are .json files'],
    ];
    for (const [path, message] of cases) await expect(service.writeFile({ path, text: '{}' }), JSON.stringify(path)).rejects.toThrow(message);
    expect(await readdir(ws)).toEqual([]);
    expect(await service.writeFile({ path: 'g.json', text: '{}' })).toMatchObject({ name: 'g.json' });
    expect(await readdir(ws)).toEqual(['g.json']);
    expect(workspaceFileNameProblem('my graph (2).json')).toBeNull();
  });
});

describe('npm run serve and plasticity serve', () => {
  it('--workspace naming a file: a sentence and exit 2, before any build', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const main = join(import.meta.dirname, '..', 'nodes', 'server', 'main.ts');
    const tsx = join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
    for (const [ws, said] of [
      [file, `--workspace ${file} is a file, not a folder; give a folder (it is made if it does not exist)`],
      [join(file, 'sub'), `--workspace ${join(file, 'sub')} cannot be made: a part of its path is a file, not a folder`],
    ]) {
      const r = await promisify(execFile)(tsx, [main, '--workspace', ws, '--no-build', '--port', '0'], { timeout: 60_000 }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(said);
    }
    // The CLI's subcommand says the same, then where its options are, as its other usage errors.
    const cli = join(import.meta.dirname, '..', 'bin', 'plasticity.mjs');
    for (const [args, said] of <[string[], string][]>[
      [['--workspace', file], `error: --workspace ${file} is a file, not a folder; give a folder (it is made if it does not exist)`],
      [['--port', '80x'], 'error: --port must be a number from 0 to 65535, got 80x'],
      [['--port', '70000'], 'error: --port must be a number from 0 to 65535, got 70000'],
      [['--examples', join(dir, 'none')], `error: --examples ${join(dir, 'none')} is not a folder (the folder of example graphs the Examples list shows)`],
    ]) {
      const r = await promisify(execFile)(process.execPath, [cli, 'serve', ...args, '--no-build'], { timeout: 60_000 }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([said, '(plasticity serve --help for the options)']);
    }
  }, 120_000);

  it('plasticity serve: prints the URL, answers on it, and exits 0 at SIGTERM', async () => {
    const ws = join(dir, 'served');
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'bin', 'plasticity.mjs'), 'serve', '--port', '0', '--workspace', ws, '--no-build'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const url = await new Promise<string>((done, fail) => {
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /^Open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(out);
        if (m) done(m[1]);
      });
      child.on('exit', (code) => fail(new Error(`exited ${code} before printing the URL: ${out}`)));
    });
    expect(out).toContain(`Plasticity Lab is serving ${ws}`);
    expect(existsSync(ws)).toBe(true);
    // Without the token: refused, with where to find the URL.
    const refused = await fetch(url.replace(/\?token=.*$/, ''));
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('open the URL printed by `plasticity serve`');
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 120_000);
});
