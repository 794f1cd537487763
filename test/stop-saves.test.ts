// A run stopped during training keeps the network trained so far: the Save nodes fed by the trainer write it (and
// nothing else runs after it: no evaluator), the run still ends as stopped, and summary.json and the log say where it
// stopped and what was written. Both trainers: Algorithm 2's train.local (Save weights) and ebm.eqprop_train (Save
// network). The stop is asked for from inside the trainer's own checkStop, after a fixed number of batches.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph, parseGraphText, type GraphDocument } from '../nodes/core/index.ts';
import { GRAPH_FORMAT } from '../nodes/core/document.ts';
import type { JsonObject } from '../nodes/core/json.ts';
import { createRegistry } from '../nodes/kinds/index.ts';
import { initBackend } from '../nodes/runtime/backend.ts';
import { StopToken, runPlan } from '../nodes/runtime/engine.ts';
import type { RunEvent } from '../nodes/runtime/events.ts';
import type { OpImpl, OpTable, Tf } from '../nodes/runtime/op.ts';
import { allOps } from '../nodes/runtime/ops/index.ts';
import type { HierarchicalModel } from '../nodes/runtime/bengio2015/model.ts';
import type { EbmNetwork } from '../nodes/runtime/ebm/network.ts';
import { fakeCtx } from './support/fake-ctx.ts';

let tf: Tf;
let dir: string;
beforeAll(async () => {
  tf = (await initBackend('cpu')).tf;
  dir = await mkdtemp(join(tmpdir(), 'plasticity-stop-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * The ops, with `trainer`'s checkStop asking the run to stop at its `at`-th call (as Stop pressed then would), and
 * `init`'s output handed to `seen` (the untrained network, read before the run frees it).
 */
function opsStoppingAt(stop: StopToken, trainer: string, at: number, init: string, seen: (out: Record<string, unknown>) => void, save?: string): OpTable {
  let checks = 0;
  const wrap =
    (kind: string, f: (impl: OpImpl) => OpImpl): OpTable => ({ [kind]: f(allOps[kind]!) });
  return {
    ...allOps,
    ...wrap(trainer, (impl) => (ctx, i, p) =>
      impl(
        {
          ...ctx,
          checkStop: async () => {
            if (++checks === at) stop.stop();
            await ctx.checkStop();
          },
        },
        i,
        p,
      ),
    ),
    ...wrap(init, (impl) => async (ctx, i, p) => {
      const out = await impl(ctx, i, p);
      seen(out);
      return out;
    }),
    // A Save that checks for Stop while it writes, after a second request (Ctrl-C again, Stop clicked twice).
    ...(save
      ? wrap(save, (impl) => async (ctx, i, p) => {
          stop.stop();
          await ctx.checkStop();
          return impl(ctx, i, p);
        })
      : {}),
  };
}

function planOf(doc: GraphDocument) {
  const c = compileGraph(doc, createRegistry());
  if (!c.ok) throw new Error(c.diagnostics.map((d) => `${d.node}: ${d.message}`).join('; '));
  return c.plan;
}

/** The EqProp example as a graph. */
function eqpropExample(): GraphDocument {
  const r = parseGraphText(readFileSync(new URL('../examples/eqprop-mnist.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.doc;
}

const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('a run stopped during training saves the network trained so far', () => {
  it('EqProp: Save network writes it, Load network reads it back, the evaluator does not run', async () => {
    const example = eqpropExample();
    const out = join(dir, 'eqprop');
    const stop = new StopToken();
    let untrained: Float32Array | undefined;
    const events: RunEvent[] = [];
    // 200 examples in batches of 20: 10 batches an epoch, then 2 checks in the validation (stored states, from zero);
    // the 15th check is before the 3rd batch of epoch 2.
    const s = await runPlan({
      plan: planOf(example),
      backend: 'cpu',
      options: { epochs: 3, trainLimit: 200, testLimit: 100, outDir: out },
      stop,
      ops: opsStoppingAt(stop, 'ebm.eqprop_train', 15, 'ebm.network', (o) => (untrained = (o.network as EbmNetwork).read().W[0].slice())),
      onEvent: (e) => events.push(e),
    });
    expect(s.status).toBe('stopped');
    const file = join(out, 'eqprop.network.json');
    const message = `stopped in epoch 2 of 3, after 2 of its 10 minibatches: save wrote the network as trained so far to ${file}`;
    expect(s.stopped).toEqual({ node: 'train', epoch: 2, epochs: 3, batch: 2, batches: 10, saved: [file], message });
    expect(events).toContainEqual(expect.objectContaining({ type: 'log', node: 'train', message }));
    expect(events.at(-1)).toMatchObject({ type: 'end', status: 'stopped', node: 'train' });
    // The last progress report is where it stopped (the trainer's own are throttled and can lie minibatches behind):
    // the Run tab and the Log's closing line show it.
    expect(events.filter((e) => e.type === 'progress').at(-1)).toMatchObject({ node: 'train', phase: 'train', epoch: 2, epochs: 3, batch: 2, batches: 10, fraction: 1.2 / 3 });
    // The first epoch's measurements are kept; the evaluator after the trainer never ran.
    expect((s.metrics.train_error as number[]).length).toBe(1);
    expect(s.metrics.test_error).toBeUndefined();
    expect(events.some((e) => e.type === 'step' && e.node === 'eval')).toBe(false);
    expect(existsSync(file)).toBe(true);
    const net = (await allOps['ebm.load']!(fakeCtx(tf, { node: 'load' }), {}, { path: file })).network as EbmNetwork;
    try {
      expect(net.sizes).toEqual([784, 500, 10]);
      expect(maxDiff(net.read().W[0], untrained!)).toBeGreaterThan(1e-4);
    } finally {
      net.dispose();
    }
  });

  it('Algorithm 2: Save weights writes the model (a second stop request does not cut it short), Load weights reads it back, the evaluator does not run', async () => {
    const n = (id: string, kind: string, params: JsonObject = {}, parent?: string) => ({ id, kind, params, position: [0, 0] as [number, number], ...(parent ? { parent } : {}) });
    const w = (a: string, b: string) => ({ from: { node: a.split('.')[0]!, port: a.split('.')[1]! }, to: { node: b.split('.')[0]!, port: b.split('.')[1]! } });
    const doc: GraphDocument = {
      format: GRAPH_FORMAT,
      version: 1,
      name: 'stop-saves',
      seed: 1,
      nodes: [
        n('data', 'data.mnist', { validCount: 100 }),
        n('f1', 'layers.encoder', { units: 16, activation: 'sigmoid' }),
        n('g1', 'layers.decoder', { activation: 'sigmoid' }),
        n('model', 'model.hierarchy'),
        n('train', 'train.local', { epochs: 3, batchSize: 50, optimizer: 'adam', lr: 0.01, warmupBatches: 0 }),
        n('infer', 'infer.iterative', { method: 'targetprop', steps: 2, delta: 0.1, alpha: 0.001 }, 'train'),
        n('keep', 'model.save', { name: 'partly' }),
        n('recon', 'eval.reconstruction', { count: 100 }),
        n('m_recon', 'output.metric', { name: 'recon_mse' }),
      ],
      wires: [
        w('data.x', 'f1.in'), w('f1.out', 'g1.from'), w('data.x', 'g1.to'), w('f1.out', 'model.top'), w('g1.decoder', 'model.decoders'),
        w('model.model', 'train.model'), w('data.train', 'train.data'), w('infer.inference', 'train.inference'),
        w('train.model', 'keep.model'), w('train.model', 'recon.model'), w('data.test', 'recon.data'), w('recon.mse', 'm_recon.value'),
      ],
    };
    const out = join(dir, 'b15');
    const stop = new StopToken();
    let untrained: Float32Array | undefined;
    const events: RunEvent[] = [];
    // 300 examples in batches of 50: 6 batches an epoch; the 9th check is before the 3rd batch of epoch 2.
    const s = await runPlan({
      plan: planOf(doc),
      backend: 'cpu',
      options: { trainLimit: 300, testLimit: 100, outDir: out },
      stop,
      ops: opsStoppingAt(stop, 'train.local', 9, 'model.hierarchy', (o) => (untrained = (o.model as HierarchicalModel).f[0]!.W.dataSync().slice() as Float32Array), 'model.save'),
      onEvent: (e) => events.push(e),
    });
    expect(s.status).toBe('stopped');
    const file = join(out, 'partly.weights.json');
    const message = `stopped in epoch 2 of 3, after 2 of its 6 minibatches: keep wrote the network as trained so far to ${file}`;
    expect(s.stopped).toEqual({ node: 'train', epoch: 2, epochs: 3, batch: 2, batches: 6, saved: [file], message });
    expect(events).toContainEqual(expect.objectContaining({ type: 'log', node: 'train', message }));
    expect(events.at(-1)).toMatchObject({ type: 'end', status: 'stopped', node: 'train' });
    expect(events.filter((e) => e.type === 'progress').at(-1)).toMatchObject({ node: 'train', phase: 'train', epoch: 2, epochs: 3, batch: 2, batches: 6 });
    // The first epoch's local losses are kept; the evaluator after the trainer never ran.
    expect(Object.keys(s.metrics)).toEqual(['loss_f1', 'loss_g1']);
    expect((s.metrics.loss_g1 as number[]).length).toBe(1);
    expect(s.metrics.recon_mse).toBeUndefined();
    expect(events.some((e) => e.type === 'step' && (e.node === 'recon' || e.node === 'm_recon'))).toBe(false);
    const model = (await allOps['model.load']!(fakeCtx(tf, { node: 'load' }), {}, { path: file })).model as HierarchicalModel;
    try {
      expect(model.arch.sizes).toEqual([784, 16]);
      expect(maxDiff(model.f[0]!.W.dataSync() as Float32Array, untrained!)).toBeGreaterThan(1e-4);
    } finally {
      model.dispose();
    }
  });

  it('a stop after training (in the evaluator) still saves the trained network: the Save that comes later in the plan runs', async () => {
    const example = eqpropExample();
    const out = join(dir, 'eqprop-eval');
    const stop = new StopToken();
    const events: RunEvent[] = [];
    const s = await runPlan({
      plan: planOf(example),
      backend: 'cpu',
      options: { epochs: 1, trainLimit: 100, testLimit: 50, outDir: out },
      stop,
      ops: {
        ...allOps,
        // Stop pressed while the evaluator relaxes the test digits.
        'ebm.evaluate': async (ctx, i, p) => {
          stop.stop();
          await ctx.checkStop();
          return allOps['ebm.evaluate']!(ctx, i, p);
        },
      },
      onEvent: (e) => events.push(e),
    });
    expect(s.status).toBe('stopped');
    const file = join(out, 'eqprop.network.json');
    const message = `stopped in eval: save wrote the trained network to ${file}`;
    expect(s.stopped).toEqual({ node: 'eval', saved: [file], message });
    expect(events).toContainEqual(expect.objectContaining({ type: 'log', node: 'eval', message }));
    expect((s.metrics.train_error as number[]).length).toBe(1);
    expect(s.metrics.test_error).toBeUndefined();
    const net = (await allOps['ebm.load']!(fakeCtx(tf, { node: 'load' }), {}, { path: file })).network as EbmNetwork;
    try {
      expect(net.sizes).toEqual([784, 500, 10]);
    } finally {
      net.dispose();
    }
  });

  it('a stopped trainer that no Save node takes says that nothing is kept', async () => {
    const example = eqpropExample();
    const doc = { ...example, nodes: example.nodes.filter((n) => n.id !== 'save'), wires: example.wires.filter((w) => w.to.node !== 'save') };
    const stop = new StopToken();
    const s = await runPlan({
      plan: planOf(doc),
      backend: 'cpu',
      options: { epochs: 3, trainLimit: 200, testLimit: 100 },
      stop,
      ops: opsStoppingAt(stop, 'ebm.eqprop_train', 1, 'ebm.network', () => {}),
    });
    expect(s.status).toBe('stopped');
    expect(s.stopped?.saved).toEqual([]);
    expect(s.stopped?.message).toBe('stopped at the start of epoch 1 of 3: no Save node takes the network, so what was trained so far is not kept');
  });
});
