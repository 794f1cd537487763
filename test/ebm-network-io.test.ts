// Save network / Load network: a round trip keeps every weight and bias bit for bit (so the energy of a state, worked
// by hand below, is the same), a trained example's network read back scores the same test error, and a bad file is
// refused with a sentence that names the node.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph, emptyGraph, parseGraphText, type GraphDocument } from '../nodes/core/index.ts';
import { createRegistry } from '../nodes/kinds/index.ts';
import { initBackend } from '../nodes/runtime/backend.ts';
import { runPlan } from '../nodes/runtime/engine.ts';
import { type EbmNetwork, clampInput, energy, makeNetwork } from '../nodes/runtime/ebm/network.ts';
import { ebmOps } from '../nodes/runtime/ebm/ops.ts';
import { NETWORK_FORMAT } from '../nodes/runtime/ebm/weights.ts';
import type { Tf } from '../nodes/runtime/op.ts';
import { UserError } from '../nodes/runtime/op.ts';
import { fakeCtx } from './support/fake-ctx.ts';

let tf: Tf;
let dir: string;
beforeAll(async () => {
  tf = (await initBackend('cpu')).tf;
  dir = await mkdtemp(join(tmpdir(), 'plasticity-ebm-io-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** x — h — y, one unit each: W0 = 0.5, W1 = −2, b_h = 0.25, b_y = 1. */
const smallNet = (): EbmNetwork =>
  makeNetwork(tf, [1, 1, 1], 'hard_sigmoid', [tf.tensor2d([[0.5]]), tf.tensor2d([[-2]])], [tf.tensor1d([0.25]), tf.tensor1d([1])]);

async function save(net: EbmNetwork, name: string, outDir?: string) {
  const ctx = fakeCtx(tf, { options: outDir ? { outDir } : {}, node: 'save' });
  await ebmOps['ebm.save'](ctx, { network: net }, { name });
  return ctx;
}

async function load(path: string): Promise<EbmNetwork> {
  return (await ebmOps['ebm.load'](fakeCtx(tf, { node: 'load' }), {}, { path })).network as EbmNetwork;
}

async function loadError(path: string): Promise<UserError> {
  const e = await load(path).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UserError);
  expect((e as UserError).node).toBe('load');
  return e as UserError;
}

describe('ebm.save and ebm.load', () => {
  it('the file layout by hand: W_l row-major [from unit, to unit] as little-endian float32, read and written so', async () => {
    // A 2-3-1 network written by hand: W0 = [[1, 2, 3], [4, 5, 6]] (input 0 feeds hidden units 1, 2, 3), W1 = (0.5, −1, 2),
    // b_h = (0.25, 0, −0.25), b_y = (3). A transposed read would give input 0 the weights (1, 4, 2).
    const f32 = (...v: number[]): string => Buffer.from(new Float32Array(v).buffer).toString('base64');
    const file = join(dir, 'by-hand.network.json');
    const doc = { format: NETWORK_FORMAT, version: 1, sizes: [2, 3, 1], activation: 'hard_sigmoid', W: [f32(1, 2, 3, 4, 5, 6), f32(0.5, -1, 2)], b: [f32(0.25, 0, -0.25), f32(3)] };
    await writeFile(file, JSON.stringify(doc));
    const net = await load(file);
    // x = (1, 0) drives the hidden units with row 0 of W0, x = (0, 1) with row 1; the output's input from h = (1, 1, 0)
    // is 0.5 − 1 = −0.5.
    const x = tf.tensor2d([[1, 0], [0, 1]]);
    const clamp = clampInput(tf, net, x);
    expect(Array.from(clamp.xW0.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tf.matMul(tf.tensor2d([[1, 1, 0]]), net.W[1]).dataSync()[0]).toBeCloseTo(-0.5, 6);
    expect(Array.from(net.read().b[0])).toEqual([0.25, 0, -0.25]);
    // Saving writes the same bytes back: the file round-trips to the letter.
    await save(net, 'again', dir);
    const again = JSON.parse(await readFile(join(dir, 'again.network.json'), 'utf8'));
    expect(again).toEqual(doc);
    for (const t of [x, clamp]) t.dispose();
    net.dispose();
  });

  it('round trip: the same sizes, activation, weights and biases, and the energy worked by hand', async () => {
    const net = smallNet();
    await save(net, 'small', dir);
    const doc = JSON.parse(await readFile(join(dir, 'small.network.json'), 'utf8'));
    expect(doc).toMatchObject({ format: NETWORK_FORMAT, version: 1, sizes: [1, 1, 1], activation: 'hard_sigmoid' });
    const back = await load(join(dir, 'small.network.json'));
    expect(back.sizes).toEqual([1, 1, 1]);
    expect(back.activation).toBe('hard_sigmoid');
    expect(back.read()).toEqual(net.read());
    // In the app, a relative path starts from the workspace (RunOptions.baseDir).
    const ctx = fakeCtx(tf, { node: 'load', options: { baseDir: dir } });
    const rel = (await ebmOps['ebm.load'](ctx, {}, { path: 'small.network.json' })).network as EbmNetwork;
    expect(rel.read()).toEqual(net.read());
    rel.dispose();
    // x = 1, h = 0.5, y = 0.75: ½(0.25 + 0.5625) − 1·0.5·0.5 − 0.5·(−2)·0.75 − (0.25·0.5 + 1·0.75)
    //   = 0.40625 − 0.25 + 0.75 − 0.875 = 0.03125
    const x = tf.tensor2d([[1]]);
    const clamp = clampInput(tf, back, x);
    const states = [tf.tensor2d([[0.5]]), tf.tensor2d([[0.75]])];
    const e = energy(tf, back, clamp, states);
    expect(e.dataSync()[0]).toBeCloseTo(0.03125, 6);
    for (const t of [x, clamp, e, ...states]) t.dispose();
    net.dispose();
    back.dispose();
  });

  it('without an output folder it warns and writes nothing', async () => {
    const net = smallNet();
    const ctx = await save(net, 'nowhere');
    expect(ctx.logs).toEqual([{ message: 'no output folder: network not saved', level: 'warn' }]);
    net.dispose();
  });

  it('refuses a missing file, another format and weights of the wrong size, naming the node', async () => {
    // Named once, with the reason in a few words (not the system's ENOENT line naming the path again).
    expect((await loadError(join(dir, 'absent.network.json'))).message).toMatch(/^cannot read a network from [^ ]*absent\.network\.json: no such file$/);
    const other = join(dir, 'other.json');
    await writeFile(other, JSON.stringify({ format: 'plasticity-weights', version: 1 }));
    expect((await loadError(other)).message).toMatch(/is not a network file written by Save network \(format: /);
    const net = smallNet();
    await save(net, 'cut', dir);
    const doc = JSON.parse(await readFile(join(dir, 'cut.network.json'), 'utf8'));
    doc.sizes = [1, 2, 1];
    await writeFile(join(dir, 'cut.network.json'), JSON.stringify(doc));
    expect((await loadError(join(dir, 'cut.network.json'))).message).toMatch(/weight matrix 0 should hold 1×2 values, it holds 1$/);
    net.dispose();
  });

  it('a network read back for other data is refused by the nodes that run it, naming the sizes', async () => {
    // The 1-1-1 network on 2-value examples of 10 classes.
    const data = { type: 'dataset', images: new Float32Array([0, 1, 1, 0]), labels: Uint8Array.from([0, 1]), n: 2, inputSize: 2, classes: 10, description: '' };
    const dynamics = { type: 'ebm.dynamics', epsilon: 0.5, steps: 2, sigma: 0, persistent: false };
    const err = async (op: 'ebm.evaluate' | 'ebm.relax', input: Record<string, unknown>): Promise<string> =>
      ebmOps[op](fakeCtx(tf, { node: 'eval' }), input, { steps: 0, batch_size: 2, readout: 'input', metric: 'e', name: 'r' }).then(
        () => 'no error',
        (e: unknown) => (e instanceof UserError && e.node === 'eval' ? e.message : String(e)),
      );
    const net = smallNet();
    expect(await err('ebm.evaluate', { network: net, data, dynamics })).toBe('the network on network takes 1 inputs, but the examples on data have 2 values each');
    const wide = makeNetwork(tf, [2, 1, 1], 'hard_sigmoid', [tf.tensor2d([[0.5], [0.5]]), tf.tensor2d([[-2]])], [tf.tensor1d([0.25]), tf.tensor1d([1])]);
    expect(await err('ebm.relax', { network: wide, data, dynamics })).toBe('the network on network has 1 output units, but the data on data has 10 classes (one output unit each)');
    net.dispose();
    wide.dispose();
  });

  it('compile asks for a path and a plain file name', () => {
    const doc: GraphDocument = {
      ...emptyGraph('t'),
      nodes: [
        { id: 'load', kind: 'ebm.load', params: {}, position: [0, 0] },
        { id: 'net', kind: 'ebm.network', params: {}, position: [0, 0] },
        { id: 'save', kind: 'ebm.save', params: { name: '../up' }, position: [0, 0] },
      ],
      wires: [{ from: { node: 'net', port: 'network' }, to: { node: 'save', port: 'network' } }],
    };
    const c = compileGraph(doc, createRegistry());
    expect(c.ok).toBe(false);
    const msgs = c.diagnostics.map((d) => `${d.node}: ${d.message}`);
    expect(msgs).toContain('load: give the path of a .network.json file');
    expect(msgs).toContain('save: the name "../up" may use only letters, digits, _ . -');
  });

  it('a Load network whose file is not there fails the run before any step, naming the node (it failed after training)', async () => {
    const r = parseGraphText(readFileSync(new URL('../examples/eqprop-mnist.json', import.meta.url), 'utf8'));
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const withLoad = (path: string): GraphDocument => ({ ...r.doc, nodes: [...r.doc.nodes, { id: 'ld', kind: 'ebm.load', params: { path }, position: [0, 0] }] });
    const c = compileGraph(withLoad('nowhere/eqprop.network.json'), createRegistry());
    if (!c.ok) throw new Error(JSON.stringify(c.diagnostics));
    const events: string[] = [];
    const s = await runPlan({ plan: c.plan, backend: 'cpu', options: { epochs: 1, trainLimit: 100, testLimit: 50, baseDir: dir }, onEvent: (e) => void events.push(e.type) });
    expect(s.status).toBe('error');
    expect(s.error).toBe(`ld: cannot read a network from ${join(dir, 'nowhere', 'eqprop.network.json')}: no such file`);
    expect(events).not.toContain('step');
    // A folder is not a network either.
    const c2 = compileGraph(withLoad('.'), createRegistry());
    if (!c2.ok) throw new Error(JSON.stringify(c2.diagnostics));
    expect((await runPlan({ plan: c2.plan, backend: 'cpu', options: { baseDir: dir } })).error).toBe(`ld: cannot read a network from ${dir}: it is a folder`);
    // The file the run's own Save network writes (the example's, into the output folder) is not asked for beforehand.
    const out = join(dir, 'fresh-out');
    const c3 = compileGraph(withLoad(join(out, 'eqprop.network.json')), createRegistry());
    if (!c3.ok) throw new Error(JSON.stringify(c3.diagnostics));
    const s3 = await runPlan({ plan: c3.plan, backend: 'cpu', options: { epochs: 1, trainLimit: 100, testLimit: 50, outDir: out } });
    expect(s3.status).toBe('done');
  });

  it("the EqProp example's trained network, read back, scores the same test error", async () => {
    const r = parseGraphText(readFileSync(new URL('../examples/eqprop-mnist.json', import.meta.url), 'utf8'));
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const opts = { epochs: 1, trainLimit: 200, testLimit: 100, outDir: dir };
    const c = compileGraph(r.doc, createRegistry());
    if (!c.ok) throw new Error(JSON.stringify(c.diagnostics));
    const trained = await runPlan({ plan: c.plan, backend: 'cpu', options: opts });
    expect(trained.error).toBeUndefined();
    // The same test relaxation and evaluator, with Load network in place of the network and the trainer.
    const keep = new Set(['data', 'test_dyn', 'eval']);
    const evalDoc: GraphDocument = {
      ...r.doc,
      nodes: [...r.doc.nodes.filter((n) => keep.has(n.id)), { id: 'net', kind: 'ebm.load', params: { path: join(dir, 'eqprop.network.json') }, position: [0, 0] }],
      wires: [
        ...r.doc.wires.filter((w) => keep.has(w.from.node) && keep.has(w.to.node)),
        { from: { node: 'net', port: 'network' }, to: { node: 'eval', port: 'network' } },
      ],
    };
    const c2 = compileGraph(evalDoc, createRegistry());
    if (!c2.ok) throw new Error(JSON.stringify(c2.diagnostics));
    const again = await runPlan({ plan: c2.plan, backend: 'cpu', options: { testLimit: 100 } });
    expect(again.error).toBeUndefined();
    expect(again.metrics.test_error).toBe(trained.metrics.test_error);
    expect(again.metrics.test_error_cost).toBe(trained.metrics.test_error_cost);
  });
});
