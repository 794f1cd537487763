// A tiny training run end to end: compileGraph + runPlan on the embedded MNIST subset with the
// wasm backend. The local losses fall, the seed fixes every number, no tensor outlives the run or
// piles up across epochs, and Stop ends a run within a second.
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../nodes/core/compiler.ts';
import { addProgress, type Series, splitTraces } from '../nodes/core/run-view.ts';
import { GRAPH_FORMAT, type GraphDocument } from '../nodes/core/document.ts';
import type { JsonObject } from '../nodes/core/json.ts';
import type { Plan } from '../nodes/core/plan.ts';
import { createRegistry } from '../nodes/kinds/index.ts';
import { initBackend } from '../nodes/runtime/backend.ts';
import { StopToken, runPlan } from '../nodes/runtime/engine.ts';
import type { RunEvent, RunSummary } from '../nodes/runtime/events.ts';
import type { RunOptions, Tf } from '../nodes/runtime/op.ts';

const TRAIN = 600;

/**
 * x (784) - h1 (64 softplus) - h2 (16 sigmoid), Algorithm 2 with a short inference loop. As in the
 * examples, the encoders learn more slowly than the decoders (with one rate for all, f1 chases its
 * own inference targets and the f1 and g2 losses climb; see ALGORITHMS.md).
 */
function tinyGraph(epochs = 3): GraphDocument {
  const n = (id: string, kind: string, params: JsonObject = {}, parent?: string) => ({ id, kind, params, position: [0, 0] as [number, number], ...(parent ? { parent } : {}) });
  const w = (a: string, b: string) => ({ from: { node: a.split('.')[0], port: a.split('.')[1] }, to: { node: b.split('.')[0], port: b.split('.')[1] } });
  return {
    format: GRAPH_FORMAT,
    version: 1,
    name: 'train-run',
    seed: 1,
    nodes: [
      n('data', 'data.mnist', { validCount: 100 }),
      n('f1', 'layers.encoder', { units: 64, activation: 'softplus', initGain: 0.4, lr: 1e-4 }),
      n('f2', 'layers.encoder', { units: 16, activation: 'sigmoid', lr: 1e-3 }),
      n('g1', 'layers.decoder', { activation: 'sigmoid' }),
      n('g2', 'layers.decoder', { activation: 'softplus' }),
      n('model', 'model.hierarchy'),
      n('train', 'train.local', { epochs, batchSize: 50, optimizer: 'adam', lr: 0.003, warmupBatches: 0 }),
      n('infer', 'infer.iterative', { method: 'targetprop', steps: 3, delta: 0.1, alpha: 0.001 }, 'train'),
      n('noise_x', 'corrupt.gaussian', { sigma: 0.3 }, 'train'),
      n('spike_h2', 'corrupt.spike', { samples: 3 }, 'train'),
      n('recon', 'eval.reconstruction', { count: 200 }),
      n('m_recon', 'output.metric', { name: 'recon_mse' }),
    ],
    wires: [
      w('data.x', 'f1.in'), w('f1.out', 'f2.in'), w('f1.out', 'g1.from'), w('data.x', 'g1.to'), w('f2.out', 'g2.from'), w('f1.out', 'g2.to'),
      w('f2.out', 'model.top'), w('g1.decoder', 'model.decoders'), w('g2.decoder', 'model.decoders'),
      w('model.model', 'train.model'), w('data.train', 'train.data'), w('infer.inference', 'train.inference'),
      w('data.x', 'noise_x.layer'), w('f2.out', 'spike_h2.layer'), w('noise_x.corruption', 'train.corruption'), w('spike_h2.corruption', 'train.corruption'),
      w('train.model', 'recon.model'), w('data.test', 'recon.data'), w('recon.mse', 'm_recon.value'),
    ],
  };
}

function planOf(doc: GraphDocument): Plan {
  const r = compileGraph(doc, createRegistry());
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.node}: ${d.message}`).join('; '));
  return r.plan;
}

type Progress = Extract<RunEvent, { type: 'progress' }>;

interface Run {
  summary: RunSummary;
  events: RunEvent[];
  /** The last train progress event of each epoch, with the live tensor count when it was emitted. */
  epochEnds: (Progress & { numTensors: number })[];
}

let tf: Tf;

async function run(o: { epochs?: number; seed?: number; options?: RunOptions; stop?: StopToken; onEvent?: (e: RunEvent) => void } = {}): Promise<Run> {
  const events: RunEvent[] = [];
  const epochEnds: Run['epochEnds'] = [];
  const summary = await runPlan({
    plan: planOf(tinyGraph(o.epochs ?? 3)),
    backend: 'wasm',
    options: { trainLimit: TRAIN, testLimit: 200, ...o.options },
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.stop ? { stop: o.stop } : {}),
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'progress' && e.phase === 'train' && e.batch === e.batches) epochEnds.push({ ...e, numTensors: tf.memory().numTensors });
      o.onEvent?.(e);
    },
  });
  return { summary, events, epochEnds };
}

/**
 * The mean local loss of each module over each epoch. A train progress event with losses carries
 * their mean over the batches since the previous one, and such reports are made every second and
 * at the end of every epoch, so the windows depend on the machine's speed; weighting each by its
 * number of batches gives the per-epoch means, which do not.
 */
function epochLosses(r: Run): Record<string, number>[] {
  const sums: Record<string, number>[] = [];
  let prevBatch = 0;
  for (const e of r.events) {
    if (e.type !== 'progress' || e.phase !== 'train') continue;
    const ep = e.epoch! - 1;
    sums[ep] ??= {};
    if (!e.metrics) continue;
    // This event's losses are the mean over batches prevBatch+1 .. batch of this epoch.
    const size = e.batch! - prevBatch;
    for (const [k, v] of Object.entries(e.metrics)) sums[ep][k] = (sums[ep][k] ?? 0) + v * size;
    prevBatch = e.batch === e.batches ? 0 : e.batch!;
  }
  return sums.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v / (r.epochEnds[0]?.batches ?? 1)])));
}

function expectSameLosses(a: Record<string, number>[], b: Record<string, number>[]): void {
  expect(a.map((l) => Object.keys(l).sort())).toEqual(b.map((l) => Object.keys(l).sort()));
  for (const [i, l] of a.entries()) for (const [k, v] of Object.entries(l)) expect(v, `epoch ${i + 1} ${k}`).toBeCloseTo(b[i][k], 4);
}

/** Names of the tfjs variables alive now. */
const variableNames = (): string[] => Object.keys((tf.engine() as unknown as { state: { registeredVariables: Record<string, unknown> } }).state.registeredVariables).sort();

describe('a tiny Algorithm 2 training run on the embedded MNIST subset', () => {
  let first: Run;
  let tensorsBefore: number;
  let tensorsAfter: number;

  beforeAll(async () => {
    tf = (await initBackend('wasm')).tf;
    // A warm-up run loads the data set and lets tfjs make its one-off internals.
    await run({ epochs: 1, options: { trainLimit: 100 } });
    tensorsBefore = tf.memory().numTensors;
    first = await run();
    tensorsAfter = tf.memory().numTensors;
  });

  it('runs to the end on the wasm backend and reports throughput and the metric', () => {
    expect(first.summary.error).toBeUndefined();
    expect(first.summary.status).toBe('done');
    expect(first.summary.backend).toBe('wasm');
    expect(first.summary.train_examples_per_second).toBeGreaterThan(0);
    expect(Number.isFinite(first.summary.metrics.recon_mse)).toBe(true);
    // 600 digits in batches of 50: 12 batches an epoch, 3 epochs
    expect(first.epochEnds.map((e) => [e.epoch, e.batch, e.batches])).toEqual([[1, 12, 12], [2, 12, 12], [3, 12, 12]]);
  });

  it('the local losses fall', () => {
    const losses = epochLosses(first);
    expect(losses).toHaveLength(3);
    expect(Object.keys(losses[0]).sort()).toEqual(['loss_f1', 'loss_f2', 'loss_g1', 'loss_g2']);
    const [e1, e2, e3] = losses;
    // Every module's own loss falls from epoch to epoch; the pixel decoder g1 by far the most.
    for (const k of Object.keys(e1)) {
      expect(e2[k], k).toBeLessThan(e1[k]);
      expect(e3[k], k).toBeLessThan(e2[k]);
    }
    expect(e3.loss_g1).toBeLessThan(0.75 * e1.loss_g1);
  });

  it("each module's local loss per epoch is a metric, the progress reports' losses averaged over the epoch, drawn once", () => {
    const losses = epochLosses(first);
    const metrics = first.summary.metrics;
    expect(Object.keys(metrics).filter((k) => k.startsWith('loss_'))).toEqual(['loss_f1', 'loss_g1', 'loss_f2', 'loss_g2']);
    for (const k of ['loss_f1', 'loss_g1', 'loss_f2', 'loss_g2']) {
      const ys = metrics[k] as number[];
      expect(ys, k).toHaveLength(3);
      for (const [i, l] of losses.entries()) expect(ys[i], `${k} epoch ${i + 1}`).toBeCloseTo(l[k], 5);
      // once, as a metric event at the end of training
      expect(first.events.filter((e) => e.type === 'metric' && e.name === k)).toHaveLength(1);
    }
    // The Run tab draws them from the progress reports; the series recorded is not charted again, only its last value.
    let series: Record<string, Series> = {};
    for (const e of first.events) if (e.type === 'progress') series = addProgress(series, e);
    const arrays = Object.fromEntries(Object.entries(metrics).filter((kv): kv is [string, number[]] => Array.isArray(kv[1])));
    const { charts, rows } = splitTraces(arrays, series);
    expect(charts).toEqual([]);
    expect(rows.map((r) => r.name)).toEqual(['loss_f1[-1]', 'loss_g1[-1]', 'loss_f2[-1]', 'loss_g2[-1]']);
  });

  it('the same seed gives the same numbers', async () => {
    const again = await run();
    expectSameLosses(epochLosses(again), epochLosses(first));
    // The trained model is the same to the last bit, so is everything computed from it.
    expect(again.summary.metrics).toEqual(first.summary.metrics);
  });

  it('another seed gives other numbers', async () => {
    const other = await run({ seed: 2 });
    expect(other.summary.status).toBe('done');
    expect(other.summary.seed).toBe(2);
    expect(epochLosses(other)[0].loss_g1).not.toBeCloseTo(epochLosses(first)[0].loss_g1, 4);
    expect(other.summary.metrics.recon_mse).not.toBe(first.summary.metrics.recon_mse);
  });

  it('the losses reported at the end of an epoch do not depend on the speed of the machine', async () => {
    // Same graph, same seed; in the second run the machine is "busy" for a moment during the
    // first epoch (here: a listener that takes 1.1 s), so progress is reported at other batches.
    const a = await run({ epochs: 1 });
    let slowed = false;
    const b = await run({
      epochs: 1,
      onEvent: (e) => {
        if (e.type === 'progress' && e.phase === 'train' && !slowed) {
          slowed = true;
          const until = performance.now() + 1100;
          while (performance.now() < until);
        }
      },
    });
    expect(b.summary.metrics).toEqual(a.summary.metrics);
    // What the run writes to metrics.jsonl for the epoch must be the same numbers.
    expect(b.epochEnds[0].metrics).toEqual(a.epochEnds[0].metrics);
  });

  it('the number of live tensors stays flat from epoch to epoch', () => {
    const counts = first.epochEnds.map((e) => e.numTensors);
    expect(counts).toHaveLength(3);
    expect(new Set(counts).size).toBe(1);
  });

  it('1 epoch and 3 epochs leave the same number of tensors', async () => {
    const a = tf.memory().numTensors;
    await run({ epochs: 1 });
    const b = tf.memory().numTensors;
    await run({ epochs: 3 });
    const c = tf.memory().numTensors;
    expect(c - b).toBe(b - a);
  });

  it('no tensor outlives the run', () => {
    expect(tensorsAfter).toBe(tensorsBefore);
  });

  it('Stop during training ends the run as stopped within a second, leaving no variable behind', async () => {
    const stop = new StopToken();
    const vars = variableNames();
    let stoppedAt = 0;
    let trainProgress = 0;
    const r = run({
      epochs: 1000,
      stop,
      onEvent: (e) => {
        if (e.type === 'progress' && e.phase === 'train' && ++trainProgress === 2) {
          // Ask from outside the run, as a UI or Ctrl-C would.
          setTimeout(() => {
            stoppedAt = performance.now();
            stop.stop();
          }, 100);
        }
      },
    });
    const { summary, events } = await r;
    const latency = performance.now() - stoppedAt;
    expect(stoppedAt).toBeGreaterThan(0);
    expect(summary.status).toBe('stopped');
    expect(latency).toBeLessThan(1000);
    expect(events.at(-1)).toMatchObject({ type: 'end', status: 'stopped', node: 'train' });
    // Only the local losses of the epochs finished before the stop are kept (no evaluator ran).
    const finished = events.filter((e) => e.type === 'progress' && e.phase === 'train' && e.batch === e.batches).length;
    expect(Object.keys(summary.metrics)).toEqual(finished ? ['loss_f1', 'loss_g1', 'loss_f2', 'loss_g2'] : []);
    for (const v of Object.values(summary.metrics)) expect(v).toHaveLength(finished);
    // The model being trained is freed too.
    expect(variableNames()).toEqual(vars);
  });

  it('a stopped run frees every tensor it made', async () => {
    const stop = new StopToken();
    const before = tf.memory().numTensors;
    const { summary } = await run({
      epochs: 1000,
      stop,
      onEvent: (e) => {
        if (e.type === 'progress' && e.phase === 'train') stop.stop();
      },
    });
    expect(summary.status).toBe('stopped');
    expect(tf.memory().numTensors).toBe(before);
  });
});
