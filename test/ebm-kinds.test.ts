// Each energy-based node kind against numbers computed by hand on tiny networks with explicit weights.
import { describe, expect, it, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import type * as TF from '@tensorflow/tfjs';
import { initBackend } from '../nodes/runtime/backend.ts';
import { fakeCtx } from './support/fake-ctx.ts';
import type { Tf } from '../nodes/runtime/op.ts';
import { StopRequested } from '../nodes/runtime/op.ts';
import type { JsonObject } from '../nodes/core/json.ts';
import { ebmOps } from '../nodes/runtime/ebm/ops.ts';
import { compileGraph, emptyGraph, type GraphDocument } from '../nodes/core/index.ts';
import { createRegistry } from '../nodes/kinds/index.ts';
import { type EbmNetwork, makeNetwork, clampInput, energy, rhoPrime, step, type DynamicsSpec } from '../nodes/runtime/ebm/network.ts';
import type { EbmDataset } from '../nodes/runtime/ebm/data.ts';
import { lrFactor, trainBatch, type RuleSpec } from '../nodes/runtime/ebm/eqprop.ts';
import { backpropGradient } from '../nodes/runtime/ebm/probe.ts';
import type { Picture } from '../nodes/runtime/png.ts';
import { PNG } from 'pngjs';

let tf: Tf;
beforeAll(async () => {
  tf = (await initBackend('cpu')).tf;
});

async function run(kind: string, inputs: Record<string, unknown>, params: JsonObject, metrics: Record<string, unknown> = {}, options = {}, images: { name: string; png: Buffer }[] = []) {
  const ctx = fakeCtx(tf, { options });
  const out = await ebmOps[kind](ctx, inputs, params);
  Object.assign(metrics, ctx.metrics);
  images.push(...ctx.images);
  return out;
}

/** x — h — y, one unit each, W0 = W1 = 0.5, biases 0. */
function tinyNet(): EbmNetwork {
  const W = [tf.tensor2d([[0.5]]), tf.tensor2d([[0.5]])];
  const b = [tf.tensor1d([0]), tf.tensor1d([0])];
  return makeNetwork(tf, [1, 1, 1], 'hard_sigmoid', W, b);
}

/** The 1-1-1 network's two weights and two biases after training. */
function expectParams(net: EbmNetwork, [w0, w1, b0, b1]: number[]): void {
  const { W, b } = net.read();
  expect(W[0][0]).toBeCloseTo(w0, 6);
  expect(W[1][0]).toBeCloseTo(w1, 6);
  expect(b[0][0]).toBeCloseTo(b0, 6);
  expect(b[1][0]).toBeCloseTo(b1, 6);
}

const oneExample: EbmDataset = { type: 'dataset', images: new Float32Array([1]), labels: new Uint8Array([0]), n: 1, inputSize: 1, classes: 1, description: 'x = 1' };

// ε = 1 (clipped): s ← clip(drive). Free phase, 2 steps from 0: h = 0.5, y = 0.25.
// Nudged, 1 step, β = 0.5, C = ½(y − 1)²: h = 0.5 + 0.5·0.25 = 0.625, y = 0.5·0.5 + 0.5·(1 − 0.25) = 0.625.
const free: DynamicsSpec = { type: 'ebm.dynamics', epsilon: 1, sigma: 0, steps: 2, form: 'clipped' };
const nudged: DynamicsSpec = { ...free, steps: 1, nudge: { beta: 0.5, randomSign: false, cost: 'half_squared' } };

describe('ebm.network', () => {
  it('builds constant weights of the sizes the compiler resolved, with the visible layer from the data', async () => {
    const out = await run('ebm.network', { data: oneExample }, { sizes: [1, 2, 1], activation: 'hard_sigmoid', init: 'constant', init_scale: 0.25, bias_init: 0.1 });
    const net = out.network as EbmNetwork;
    const { W, b } = net.read();
    expect(net.sizes).toEqual([1, 2, 1]);
    expect(Array.from(W[0])).toEqual([0.25, 0.25]);
    expect(Array.from(W[1])).toEqual([0.25, 0.25]);
    expect(Array.from(b[1])).toEqual([0.1].map((v) => Math.fround(v)));
    net.dispose();
  });

  it('energy E = ½Σs² − Σ W ρρ − Σ bρ by hand', () => {
    const net = tinyNet();
    const x = tf.tensor2d([[1]]);
    const clamp = clampInput(tf, net, x);
    // h = 0.5, y = 0.25: ½(0.25 + 0.0625) − 0.5·1·0.5 − 0.5·0.5·0.25 = 0.15625 − 0.25 − 0.0625 = −0.15625
    const e = energy(tf, net, clamp, [tf.tensor2d([[0.5]]), tf.tensor2d([[0.25]])]);
    expect(e.dataSync()[0]).toBeCloseTo(-0.15625, 6);
    // a saturated unit: h = 1.5 counts ½·2.25 in the leak term but ρ(h) = 1 in the couplings
    const e2 = energy(tf, net, clamp, [tf.tensor2d([[1.5]]), tf.tensor2d([[0]])]);
    expect(e2.dataSync()[0]).toBeCloseTo(1.125 - 0.5, 6);
    clamp.dispose();
    net.dispose();
  });

  it('compile reports a data set that does not fit the output layer', () => {
    const reg = createRegistry();
    const doc: GraphDocument = {
      ...emptyGraph('t'),
      nodes: [
        { id: 'd', kind: 'data.mnist', params: { validCount: 0 }, position: [0, 0] },
        { id: 'n', kind: 'ebm.network', params: { output_size: 5 }, position: [0, 0] },
      ],
      wires: [{ from: { node: 'd', port: 'train' }, to: { node: 'n', port: 'data' } }],
    };
    const c = compileGraph(doc, reg);
    expect(c.ok).toBe(false);
    expect(c.diagnostics.map((d) => d.message).join(' ')).toMatch(/10 classes/);
    // more output units than classes: the runtime wants one per class, so compile says so (it passed, then the run failed)
    doc.nodes[1]!.params = { output_size: 12 };
    expect(compileGraph(doc, reg).diagnostics.map((d) => `${d.node}.${d.port}: ${d.message}`)).toEqual(['n.output_size: the output layer has 12 units but the data has 10 classes; give it 10 (one output unit per class)']);
    doc.nodes[1]!.params = { output_size: 10 };
    expect(compileGraph(doc, reg).ok).toBe(true);
  });
});

describe('ebm.langevin and ebm.nudge', () => {
  it('one clipped step and one leaky step by hand', async () => {
    const dyn = (await run('ebm.langevin', {}, { epsilon: 0.5, sigma: 0, steps: 3, form: 'clipped' })).dynamics as DynamicsSpec;
    expect(dyn).toMatchObject({ epsilon: 0.5, sigma: 0, steps: 3, form: 'clipped' });
    const net = tinyNet();
    const clamp = clampInput(tf, net, tf.tensor2d([[1]]));
    // h: drive 0.5·1 + 0.5·ρ(0.2) = 0.6; s = 0.8 + 0.5(0.6 − 0.8) = 0.7. y: drive 0.5·ρ(0.8) = 0.4; s = 0.2 + 0.5(0.4 − 0.2) = 0.3
    const s = step(tf, net, clamp, dyn, [tf.tensor2d([[0.8]]), tf.tensor2d([[0.2]])]);
    expect(s[0].dataSync()[0]).toBeCloseTo(0.7, 6);
    expect(s[1].dataSync()[0]).toBeCloseTo(0.3, 6);
    // leaky, h = 1.4 (saturated: ρ' = 0, it only leaks): 1.4 + 0.5(0 − 1.4) = 0.7; clipped would give clip(1.4 + 0.5(0.6−1.4)) = 1
    const leaky = step(tf, net, clamp, { ...dyn, form: 'leaky' }, [tf.tensor2d([[1.4]]), tf.tensor2d([[0.2]])]);
    expect(leaky[0].dataSync()[0]).toBeCloseTo(0.7, 6);
    const nd = (await run('ebm.nudge', { dynamics: dyn }, { beta: 0.5, random_sign: false, steps: 1, cost: 'half_squared' })).dynamics as DynamicsSpec;
    expect(nd.steps).toBe(1);
    expect(nd.nudge).toEqual({ beta: 0.5, randomSign: false, cost: 'half_squared', clamp: false });
    // nudged output: 0.2 + 0.5(0.4 − 0.2) + 0.5·0.5·(1 − 0.2) = 0.3 + 0.2 = 0.5 (cost 'squared' doubles the force: 0.7)
    const t = tf.tensor2d([[1]]);
    const sn = step(tf, net, clamp, nd, [tf.tensor2d([[0.8]]), tf.tensor2d([[0.2]])], { beta: 0.5, target: t });
    expect(sn[1].dataSync()[0]).toBeCloseTo(0.5, 6);
    const sq = step(tf, net, clamp, { ...nd, nudge: { ...nd.nudge!, cost: 'squared' } }, [tf.tensor2d([[0.8]]), tf.tensor2d([[0.2]])], { beta: 0.5, target: t });
    expect(sq[1].dataSync()[0]).toBeCloseTo(0.7, 6);
    net.dispose();
  });

  it('Langevin noise: each step adds σ√ε times a standard normal (σ 0.4, ε 0.25: sd 0.2)', async () => {
    const dyn = (await run('ebm.langevin', {}, { epsilon: 0.25, sigma: 0.4, steps: 1, form: 'leaky' })).dynamics as DynamicsSpec;
    const net = tinyNet();
    const clamp = clampInput(tf, net, tf.tensor2d([[1]]));
    // With the normal draw given as 1.5: h = 0.8 + 0.25(0.6 − 0.8) + 0.2·1.5 = 1.05 (leaky: not clipped),
    // y = 0.2 + 0.25(0.4 − 0.2) + 0.2·1.5 = 0.55.
    const given = step(tf, net, clamp, dyn, [tf.tensor2d([[0.8]]), tf.tensor2d([[0.2]])], { noise: (_i, shape) => tf.fill(shape, 1.5) });
    expect(given[0].dataSync()[0]).toBeCloseTo(1.05, 6);
    expect(given[1].dataSync()[0]).toBeCloseTo(0.55, 6);
    // Drawn from a seed over 20,000 copies of the same state: mean 0.75 and sd 0.2 for h.
    const n = 20_000;
    const batch = clampInput(tf, net, tf.fill([n, 1], 1) as TF.Tensor2D);
    const drawn = step(tf, net, batch, dyn, [tf.fill([n, 1], 0.8) as TF.Tensor2D, tf.fill([n, 1], 0.2) as TF.Tensor2D], { seed: () => 7 });
    const h = Array.from(drawn[0].dataSync());
    const mean = h.reduce((a, v) => a + v, 0) / n;
    const sd = Math.sqrt(h.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
    expect(mean).toBeCloseTo(0.75, 2);
    expect(Math.abs(sd - 0.2)).toBeLessThan(0.005);
    net.dispose();
  });
});

describe('clipped steps are projected gradient steps on E: downhill while ε(1 + ‖W‖) ≤ 2', () => {
  // x − h − y with W0 = 0 and b = (2, 2): E = ½h² + ½y² − w·h·y − 2h − 2y in the box. With ε = 0.5 the bound is
  // |w| ≤ 3. At w = −4 the synchronous step overshoots: from h = y = 0.45 (E = 0.2025 + 0.81 − 1.8 = −0.7875) both
  // go to 0.45 + 0.5(−0.45 − 4·0.45 + 2) = 0.325, where E = 0.105625 + 0.4225 − 1.3 = −0.771875: higher.
  const energies = (w: number, h0: number, steps: number): number[] => {
    const net = makeNetwork(tf, [1, 1, 1], 'hard_sigmoid', [tf.tensor2d([[0]]), tf.tensor2d([[w]])], [tf.tensor1d([2]), tf.tensor1d([2])]);
    const clamp = clampInput(tf, net, tf.tensor2d([[0]]));
    const dyn: DynamicsSpec = { type: 'ebm.dynamics', epsilon: 0.5, sigma: 0, steps: 1, form: 'clipped' };
    let s = [tf.tensor2d([[h0]]), tf.tensor2d([[h0]])];
    const out: number[] = [];
    for (let t = 0; t <= steps; t++) {
      const e = energy(tf, net, clamp, s);
      out.push(e.dataSync()[0]);
      e.dispose();
      if (t < steps) {
        const next = step(tf, net, clamp, dyn, s);
        s.forEach((x) => x.dispose());
        s = next;
      }
    }
    s.forEach((x) => x.dispose());
    clamp.rx.dispose();
    net.dispose();
    return out;
  };
  it('beyond the bound the energy can rise (w = −4, by hand); within it (w = −3 and 3) it does not', () => {
    const strong = energies(-4, 0.45, 3);
    expect(strong[0]).toBeCloseTo(-0.7875, 6);
    expect(strong[1]).toBeCloseTo(-0.771875, 6);
    expect(strong[1]).toBeGreaterThan(strong[0]);
    for (const w of [-3, 3])
      for (const h0 of [0, 0.45, 1]) {
        const e = energies(w, h0, 20);
        for (let t = 1; t < e.length; t++) expect(e[t], `w ${w}, from ${h0}, step ${t}`).toBeLessThanOrEqual(e[t - 1] + 1e-6);
      }
  });
});

describe('learning rules (one minibatch by hand)', () => {
  const settings = (rule: RuleSpec) => ({ free, nudged, rule, readout: 'input' as const, random: () => 0.9, nextSeed: () => 1 });
  const lr = [0.1, 0.1];
  /** One minibatch of the one example x = 1 (label 0), from zero states. */
  const trainOnOne = (net: EbmNetwork, s: Parameters<typeof trainBatch>[5]) =>
    trainBatch(tf, net, tf.tensor2d([[1]]), new Uint8Array([0]), [tf.zeros([1, 1]) as TF.Tensor2D, tf.zeros([1, 1]) as TF.Tensor2D], s);

  it('ebm.eqprop_rule: ΔW = (α/β)[ρ(s^β)ρ(s^β) − ρ(s^0)ρ(s^0)]', async () => {
    const rule = (await run('ebm.eqprop_rule', {}, { lrs: lr })).rule as RuleSpec;
    expect(rule).toMatchObject({ form: 'eqprop', lrs: lr });
    const net = tinyNet();
    const r = trainOnOne(net, settings(rule));
    expect(r.free[0].dataSync()[0]).toBeCloseTo(0.5, 6);
    expect(r.free[1].dataSync()[0]).toBeCloseTo(0.25, 6);
    // α/β = 0.2: W0 += 0.2·1·(0.625 − 0.5) = 0.025; W1 += 0.2·(0.625·0.625 − 0.5·0.25) = 0.053125
    expectParams(net, [0.525, 0.553125, 0.025, 0.075]);
    net.dispose();
  });

  it('ebm.eqprop_rule with a random sign that comes out negative: β = −0.5 in the nudge and in α/β', async () => {
    const rule = (await run('ebm.eqprop_rule', {}, { lrs: lr })).rule as RuleSpec;
    const net = tinyNet();
    // random() < 0.5 draws the minus sign. s^−β, one step from h = 0.5, y = 0.25: h = 0.5·1 + 0.5·0.25 = 0.625,
    // y = clip(0.5·0.5 − 0.5·(1 − 0.25)) = clip(−0.125) = 0. α/β = 0.1/(−0.5) = −0.2:
    // W0 += −0.2·1·(0.625 − 0.5) = −0.025; W1 += −0.2·(0.625·0 − 0.5·0.25) = 0.025;
    // b_h += −0.2·(0.625 − 0.5) = −0.025; b_y += −0.2·(0 − 0.25) = 0.05.
    trainOnOne(net, { ...settings(rule), nudged: { ...nudged, nudge: { ...nudged.nudge!, randomSign: true } }, random: () => 0.1 });
    expectParams(net, [0.475, 0.525, -0.025, 0.05]);
    net.dispose();
  });

  it('ebm.eqprop_rule centered: ΔW = (α/2β)[ρ(s^β)ρ(s^β) − ρ(s^−β)ρ(s^−β)]', async () => {
    const rule = (await run('ebm.eqprop_rule', {}, { lrs: lr, centered: true })).rule as RuleSpec;
    expect(rule).toMatchObject({ form: 'eqprop', lrs: lr, centered: true });
    // s^β: h = 0.625, y = 0.625 (as above). s^−β, one step from h = 0.5, y = 0.25: h = 0.5·1 + 0.5·0.25 = 0.625,
    // y = clip(0.5·0.5 − 0.5·(1 − 0.25)) = clip(−0.125) = 0. α/2β = 0.1.
    for (const random of [() => 0.9, () => 0.1]) {
      const net = tinyNet();
      trainOnOne(net, { ...settings(rule), nudged: { ...nudged, nudge: { ...nudged.nudge!, randomSign: true } }, random });
      // W0: 0.1·1·(0.625 − 0.625) = 0; W1: 0.1·(0.625·0.625 − 0.625·0) = 0.0390625; b1: 0.1·(0.625 − 0) = 0.0625
      expectParams(net, [0.5, 0.5390625, 0, 0.0625]);
      net.dispose();
    }
  });

  it('ebm.stdp_rule: Σ_t ρ(pre)Δρ(post) + Δρ(pre)ρ(post) (= EqProp minus Δρ_iΔρ_j)', async () => {
    const rule = (await run('ebm.stdp_rule', {}, { lrs: lr, direction: 'both' })).rule as RuleSpec;
    const net = tinyNet();
    trainOnOne(net, settings(rule));
    // W1: 0.2·(0.5·0.375 + 0.125·0.25) = 0.04375 (EqProp's 0.053125 minus 0.2·0.125·0.375)
    expect(net.read().W[1][0]).toBeCloseTo(0.5 + 0.04375, 6);
    expect(net.read().W[0][0]).toBeCloseTo(0.525, 6);
    net.dispose();
    const up = (await run('ebm.stdp_rule', {}, { lrs: lr, direction: 'bottom_up' })).rule as RuleSpec;
    const net2 = tinyNet();
    trainOnOne(net2, settings(up));
    // bottom-up only, doubled: 0.2·2·0.5·0.375 = 0.075
    expect(net2.read().W[1][0]).toBeCloseTo(0.575, 6);
    // The input weights have only a bottom-up term (the clamped input's rate never changes): as with "both", not doubled.
    expect(net2.read().W[0][0]).toBeCloseTo(0.525, 6);
    net2.dispose();
    const down = (await run('ebm.stdp_rule', {}, { lrs: lr, direction: 'top_down' })).rule as RuleSpec;
    const net3 = tinyNet();
    trainOnOne(net3, settings(down));
    // top-down only, doubled: 0.2·2·0.125·0.25 = 0.0125 on W1; no input unit is postsynaptic, so W0 stays.
    expect(net3.read().W[1][0]).toBeCloseTo(0.5125, 6);
    expect(net3.read().W[0][0]).toBe(0.5);
    net3.dispose();
  });
});

describe('the hard sigmoid\'s slope ρ\' on the closed interval [0, 1]', () => {
  it('ρ\'(s) is 1 at exactly s = 0 and s = 1 and 0 just outside', () => {
    const s = tf.tensor1d([-(2 ** -20), 0, 0.5, 1, 1 + 2 ** -20]);
    const d = rhoPrime(tf, 'hard_sigmoid', s);
    expect(Array.from(d.dataSync())).toEqual([0, 1, 1, 1, 0]);
    d.dispose();
    s.dispose();
  });

  it('a leaky step from a unit at exactly 1 and one at exactly 0 still follows its drive, by hand', () => {
    const net = tinyNet();
    const clamp = clampInput(tf, net, tf.tensor2d([[1]]));
    const dyn: DynamicsSpec = { type: 'ebm.dynamics', epsilon: 0.5, sigma: 0, steps: 1, form: 'leaky' };
    // h = 1: drive 0.5·1 + 0.5·ρ(0) = 0.5, ρ'(1) = 1, so h' = 1 + 0.5(0.5 − 1) = 0.75 (with ρ'(1) = 0 it would only
    // leak: 0.5). y = 0: drive 0.5·ρ(1) = 0.5, ρ'(0) = 1, so y' = 0 + 0.5(0.5 − 0) = 0.25 (with ρ'(0) = 0: y' = 0).
    const s = step(tf, net, clamp, dyn, [tf.tensor2d([[1]]), tf.tensor2d([[0]])]);
    expect(s[0].dataSync()[0]).toBeCloseTo(0.75, 6);
    expect(s[1].dataSync()[0]).toBeCloseTo(0.25, 6);
    clamp.dispose();
    net.dispose();
  });
});

describe('an asymmetric 2-2-2 network by hand (a transposed or swapped matrix, or a swapped rate, shows)', () => {
  // x = [1, 0.5]; rows of W are the lower layer:
  //   W0 = [[0.5, 0], [0.25, 0.5]] (x → h), W1 = [[0.5, 0.25], [0, 0.75]] (h → y), b_h = [0, 0.125], b_y = [0.25, 0].
  // Bottom-up into h: ρ(x)W0 = [1·0.5 + 0.5·0.25, 1·0 + 0.5·0.5] = [0.625, 0.25] (with W0ᵀ it would be [0.5, 0.5]).
  // Top-down into h: (W1 ρ(y))_i = Σ_j W1[i][j] ρ(y_j); into y: (ρ(h)W1)_j = Σ_i ρ(h_i) W1[i][j].
  const asymNet = (): EbmNetwork =>
    makeNetwork(
      tf,
      [2, 2, 2],
      'hard_sigmoid',
      [tf.tensor2d([[0.5, 0], [0.25, 0.5]]), tf.tensor2d([[0.5, 0.25], [0, 0.75]])],
      [tf.tensor1d([0, 0.125]), tf.tensor1d([0.25, 0])],
    );
  const x = () => tf.tensor2d([[1, 0.5]]);

  it('one clipped step and one nudged step (ε = 0.5, squared cost) from given states', () => {
    const net = asymNet();
    const clamp = clampInput(tf, net, x());
    const dyn: DynamicsSpec = { type: 'ebm.dynamics', epsilon: 0.5, sigma: 0, steps: 1, form: 'clipped', nudge: { beta: 0.25, randomSign: false, cost: 'squared' } };
    // From h = [0.5, 0.25], y = [0.5, 1]:
    //   drive_h = [0.625, 0.25] + [0.5·0.5 + 0.25·1, 0·0.5 + 0.75·1] + [0, 0.125] = [1.125, 1.125]
    //   h' = h + 0.5(drive − h) = [0.5 + 0.3125, 0.25 + 0.4375] = [0.8125, 0.6875]
    //   drive_y = [0.5·0.5 + 0.25·0, 0.5·0.25 + 0.25·0.75] + [0.25, 0] = [0.5, 0.3125]
    //   y' = [0.5 + 0.5·0, 1 + 0.5(0.3125 − 1)] = [0.5, 0.65625]
    // Nudged toward t = [1, 0] with β = 0.25, squared cost (force 2β(t − y)), ε = 0.5: y' += 0.5·0.5·(t − y) = [+0.125, −0.25]
    //   y'_nudged = [0.625, 0.40625] (h as above: the nudge acts on the outputs only)
    const init = () => [tf.tensor2d([[0.5, 0.25]]), tf.tensor2d([[0.5, 1]])];
    const s = step(tf, net, clamp, dyn, init());
    expect(Array.from(s[0].dataSync())).toEqual([0.8125, 0.6875].map((v) => expect.closeTo(v, 6)));
    expect(Array.from(s[1].dataSync())).toEqual([0.5, 0.65625].map((v) => expect.closeTo(v, 6)));
    const t = tf.tensor2d([[1, 0]]);
    const sn = step(tf, net, clamp, dyn, init(), { beta: 0.25, target: t });
    expect(Array.from(sn[0].dataSync())).toEqual([0.8125, 0.6875].map((v) => expect.closeTo(v, 6)));
    expect(Array.from(sn[1].dataSync())).toEqual([0.625, 0.40625].map((v) => expect.closeTo(v, 6)));
    // energy at the start: ½Σs² = ½(0.25 + 0.0625 + 0.25 + 1) = 0.78125; ρ(x)W0·ρ(h) = 0.625·0.5 + 0.25·0.25 = 0.375;
    //   ρ(h)W1 = [0.25, 0.3125], ·ρ(y) = 0.125 + 0.3125 = 0.4375;
    //   b·ρ = 0·0.5 + 0.125·0.25 + 0.25·0.5 + 0 = 0.15625. E = 0.78125 − 0.375 − 0.4375 − 0.15625 = −0.1875
    const e = energy(tf, net, clamp, init());
    expect(e.dataSync()[0]).toBeCloseTo(-0.1875, 6);
    clamp.dispose();
    net.dispose();
  });

  it('EqProp, one minibatch with lrs [0.1, 0.2]: the free and nudged states and every weight and bias', () => {
    const net = asymNet();
    const rule: RuleSpec = { type: 'ebm.rule', form: 'eqprop', lrs: [0.1, 0.2], direction: 'both' };
    // ε = 1 (clipped): s ← clip(drive). Free phase, 2 steps from 0, label 1 (t = [0, 1]):
    //   step 1: h = [0.625, 0.375] (b_h added), y = b_y = [0.25, 0]
    //   step 2: h = [0.625 + 0.5·0.25, 0.375 + 0] = [0.75, 0.375];
    //           y = [0.625·0.5 + 0.25, 0.625·0.25 + 0.375·0.75] = [0.5625, 0.4375]
    // Nudged, 1 step, β = 0.5, C = ½||y − t||²:
    //   h = clip([0.625 + 0.5·0.5625 + 0.25·0.4375, 0.25 + 0.75·0.4375] + [0, 0.125]) = clip([1.015625, 0.703125]) = [1, 0.703125]
    //   y = [0.75·0.5 + 0.25, 0.75·0.25 + 0.375·0.75] + 0.5·(t − y) = [0.625 − 0.28125, 0.46875 + 0.28125] = [0.34375, 0.75]
    // α/β: 0.2 for W0 and b_h, 0.4 for W1 and b_y.
    //   ΔW0 = 0.2·ρ(x)ᵀ(ρ(h^β) − ρ(h⁰)) = 0.2·[1, 0.5]ᵀ[0.25, 0.328125] = [[0.05, 0.065625], [0.025, 0.0328125]]
    //   Δb_h = 0.2·[0.25, 0.328125] = [0.05, 0.065625]
    //   ΔW1 = 0.4·(h^βᵀy^β − h⁰ᵀy⁰) = 0.4·([[0.34375, 0.75], [0.24169921875, 0.52734375]] − [[0.421875, 0.328125], [0.2109375, 0.1640625]])
    //       = [[−0.03125, 0.16875], [0.0123046875, 0.1453125]]
    //   Δb_y = 0.4·([0.34375, 0.75] − [0.5625, 0.4375]) = [−0.0875, 0.125]
    const r = trainBatch(tf, net, x(), new Uint8Array([1]), [tf.zeros([1, 2]) as TF.Tensor2D, tf.zeros([1, 2]) as TF.Tensor2D], {
      free,
      nudged,
      rule,
      readout: 'input',
      random: () => 0.9,
      nextSeed: () => 1,
    });
    expect(Array.from(r.free[0].dataSync())).toEqual([0.75, 0.375].map((v) => expect.closeTo(v, 6)));
    expect(Array.from(r.free[1].dataSync())).toEqual([0.5625, 0.4375].map((v) => expect.closeTo(v, 6)));
    // C = ½((0.5625 − 0)² + (0.4375 − 1)²) = ½(0.31640625 + 0.31640625) = 0.31640625; the larger output is y0: wrong
    expect(r.cost).toBeCloseTo(0.31640625, 6);
    expect(r.wrong).toBe(1);
    const { W, b } = net.read();
    expect(Array.from(W[0])).toEqual([0.55, 0.065625, 0.275, 0.5328125].map((v) => expect.closeTo(v, 6)));
    expect(Array.from(b[0])).toEqual([0.05, 0.190625].map((v) => expect.closeTo(v, 6)));
    expect(Array.from(W[1])).toEqual([0.46875, 0.41875, 0.0123046875, 0.8953125].map((v) => expect.closeTo(v, 6)));
    expect(Array.from(b[1])).toEqual([0.1625, 0.125].map((v) => expect.closeTo(v, 6)));
    r.free.forEach((s) => s.dispose());
    net.dispose();
  });
});

describe('ebm.eqprop_train', () => {
  it('one epoch on one example gives the hand-computed weights, trains a copy and records train_error', async () => {
    const net = tinyNet();
    const rule: RuleSpec = { type: 'ebm.rule', form: 'eqprop', lrs: [0.1, 0.1], direction: 'both' };
    const metrics: Record<string, unknown> = {};
    const out = await run('ebm.eqprop_train', { network: net, data: oneExample, free, nudged, rule }, { epochs: 1, batch_size: 1, persistent: true, shuffle: false, valid_steps: 10 }, metrics);
    const trained = out.network as EbmNetwork;
    expect(trained.read().W[1][0]).toBeCloseTo(0.553125, 6);
    expect(net.read().W[1][0]).toBe(0.5);
    // one class, always right
    expect(metrics.train_error).toEqual([0]);
    // C = ½(0.25 − 1)² = 0.28125
    expect((metrics.train_cost as number[])[0]).toBeCloseTo(0.28125, 6);
    trained.dispose();
    net.dispose();
  });

  it('fields: after every epoch, a tile per hidden unit of the change in its input weights so far, by hand', async () => {
    // The epoch above moves W0 from 0.5 to 0.525: a change of +0.025, drawn on its own scale as white
    // (0.5 + 0.5·0.025/0.025 = 1) inside the grid's black border. The initial network is the reference.
    const net = tinyNet();
    const rule: RuleSpec = { type: 'ebm.rule', form: 'eqprop', lrs: [0.1, 0.1], direction: 'both' };
    const images: { name: string; png: Buffer }[] = [];
    const out = await run('ebm.eqprop_train', { network: net, data: oneExample, free, nudged, rule }, { epochs: 2, batch_size: 1, persistent: true, shuffle: false, valid_steps: 10, fields: 1 }, {}, {}, images);
    expect(images.map((i) => i.name)).toEqual(['node_learning_curve', 'node_fields', 'node_learning_curve', 'node_fields']);
    const pic = PNG.sync.read(images[1].png);
    const grey = (x: number, y: number): number => pic.data[4 * (y * pic.width + x)];
    expect([pic.width, pic.height]).toEqual([3, 3]);
    expect(grey(1, 1)).toBe(255);
    expect(grey(0, 0)).toBe(0);
    (out.network as EbmNetwork).dispose();
    // Without fields, no such picture; an input that is not a square is refused when the graph compiles (below).
    const none: { name: string; png: Buffer }[] = [];
    const plain = await run('ebm.eqprop_train', { network: net, data: oneExample, free, nudged, rule }, { epochs: 1, batch_size: 1, persistent: true, shuffle: false, valid_steps: 10, fields: 0 }, {}, {}, none);
    expect(none.map((i) => i.name)).toEqual(['node_learning_curve']);
    (plain.network as EbmNetwork).dispose();
    net.dispose();
  });

  it('lr_schedule cosine: the second of two minibatches learns at half the rate, by hand', async () => {
    // Two copies of x = 1, minibatches of 1, from zero (persistent off). The first minibatch is the one above
    // (W0 0.525, W1 0.553125, b 0.025 / 0.075). The second, free phase: h = 0.55, y = 0.075; then
    // h = 0.55 + 0.553125·0.075 = 0.591484375, y = 0.553125·0.55 + 0.075 = 0.37921875. Nudged step:
    // h = 0.55 + 0.553125·0.37921875 = 0.75975537109375, y = 0.553125·0.591484375 + 0.075 + 0.5(1 − 0.37921875) = 0.712555419921875.
    // Cosine over T = 2 minibatches: ½(1 + cos(π/2)) = 0.5, so α/β = 0.1 (constant: 0.2).
    const two: EbmDataset = { ...oneExample, images: new Float32Array([1, 1]), labels: new Uint8Array([0, 0]), n: 2 };
    const rule: RuleSpec = { type: 'ebm.rule', form: 'eqprop', lrs: [0.1, 0.1], direction: 'both' };
    const expected = {
      cosine: [0.541827099609375, 0.5848315842155576, 0.041827099609375, 0.1083336669921875],
      constant: [0.55865419921875, 0.6165381684311151, 0.05865419921875, 0.141667333984375],
    };
    for (const lr_schedule of ['cosine', 'constant'] as const) {
      const net = tinyNet();
      const out = await run('ebm.eqprop_train', { network: net, data: two, free, nudged, rule }, { epochs: 1, batch_size: 1, persistent: false, shuffle: false, valid_steps: 10, lr_schedule });
      expectParams(out.network as EbmNetwork, expected[lr_schedule]);
      (out.network as EbmNetwork).dispose();
      net.dispose();
    }
    expect([0, 1, 2, 3].map((t) => lrFactor('cosine', t, 4))).toEqual([1, 0.5 * (1 + Math.SQRT1_2), 0.5, 0.5 * (1 - Math.SQRT1_2)].map((v) => expect.closeTo(v, 12)));
    expect(lrFactor('constant', 3, 4)).toBe(1);
  });

  it('reports the epoch\'s training error and cost so far with its progress, by hand', async () => {
    // The two minibatches of the cosine test above, constant rates: free-phase outputs y = 0.25, then 0.37921875
    // (from zero), so C = ½(1 − y)² is 0.28125, then 0.19268468017578125. With 2 examples the live figures need
    // both (at least min(1000, n) examples), so only the second report carries them: their mean, and no error.
    const two: EbmDataset = { ...oneExample, images: new Float32Array([1, 1]), labels: new Uint8Array([0, 0]), n: 2 };
    const rule: RuleSpec = { type: 'ebm.rule', form: 'eqprop', lrs: [0.1, 0.1], direction: 'both' };
    const ctx = fakeCtx(tf);
    const net = tinyNet();
    const out = await ebmOps['ebm.eqprop_train'](ctx, { network: net, data: two, free, nudged, rule }, { epochs: 1, batch_size: 1, persistent: false, shuffle: false, valid_steps: 10 });
    const batches = ctx.progressEvents.filter((e) => e.batch !== undefined);
    expect(batches.map((e) => e.batch)).toEqual([1, 2]);
    expect(batches[0].metrics).toBeUndefined();
    expect(batches[1].metrics!.train_error).toBe(0);
    expect(batches[1].metrics!.train_cost).toBeCloseTo((0.28125 + 0.19268468017578125) / 2, 6);
    // The end-of-epoch report agrees with the last live one.
    expect(ctx.progressEvents.at(-1)!.metrics!.train_cost).toBeCloseTo(batches[1].metrics!.train_cost, 12);
    (out.network as EbmNetwork).dispose();
    net.dispose();
  });

  it('a run stopped mid-training still reports how fast it trained, and hands on its copy of the network and where it stopped (the engine saves and frees it)', async () => {
    const four: EbmDataset = { ...oneExample, images: new Float32Array([1, 1, 1, 1]), labels: new Uint8Array([0, 0, 0, 0]), n: 4 };
    const rule: RuleSpec = { type: 'ebm.rule', form: 'eqprop', lrs: [0.1, 0.1], direction: 'both' };
    const ctx = fakeCtx(tf, { stopAfter: 2 });
    const net = tinyNet();
    const before = tf.memory().numTensors;
    const e = await ebmOps['ebm.eqprop_train'](ctx, { network: net, data: four, free, nudged, rule }, { epochs: 1, batch_size: 1, persistent: false, shuffle: false, valid_steps: 10 }).catch((x) => x);
    expect(e).toBeInstanceOf(StopRequested);
    expect(ctx.throughput).toHaveLength(1);
    expect(ctx.throughput[0]).toBeGreaterThan(0);
    const { outputs, at } = (e as StopRequested).partly!;
    // the third check, before the third of the epoch's four batches
    expect(at).toEqual({ epoch: 1, epochs: 1, batch: 2, batches: 4 });
    expect(outputs.network).not.toBe(net);
    (outputs.network as EbmNetwork).dispose();
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });

  it('a run stopped after an epoch keeps what that epoch measured: the training error and cost, the validation curves so far', async () => {
    const four: EbmDataset = { ...oneExample, images: new Float32Array([1, 1, 1, 1]), labels: new Uint8Array([0, 0, 0, 0]), n: 4 };
    const rule: RuleSpec = { type: 'ebm.rule', form: 'eqprop', lrs: [0.1, 0.1], direction: 'both' };
    const ctx = fakeCtx(tf);
    // Stop is pressed as the first epoch's learning curve is drawn, at the end of epoch 1 of 3.
    const draw = ctx.image.bind(ctx);
    ctx.image = async (...a) => {
      ctx.requestStop();
      return draw(...a);
    };
    const net = tinyNet();
    const params = { epochs: 3, batch_size: 1, persistent: false, shuffle: false, valid_steps: 10, valid_states: 'both', readout: 'input' };
    const e = await ebmOps['ebm.eqprop_train'](ctx, { network: net, data: four, valid: four, free, nudged, rule }, params).catch((x) => x);
    expect(e).toBeInstanceOf(StopRequested);
    expect(Object.keys(ctx.metrics).sort()).toEqual(['train_cost', 'train_error', 'valid_error', 'valid_error_by_state', 'valid_error_zero', 'valid_error_zero_by_state']);
    for (const v of Object.values(ctx.metrics)) expect(v).toHaveLength(1);
    // one class: no error
    expect(ctx.metrics.valid_error_zero).toEqual([0]);
    net.dispose();
  });

  it('mode clamp: the outputs held at the target, and ΔW = α[ρρ(clamped) − ρρ(free)] (contrastive Hebbian learning), by hand', async () => {
    // Free phase as above: h = 0.5, y = 0.25. Clamped, 2 steps: y = 1 at once; h = 0.5 + 0.5·0.25 = 0.625 (it sees
    // y = 0.25 in the first synchronous step), then 0.5 + 0.5·1 = 1. Update with α = 0.1 and no 1/β:
    // W0 += 0.1·1·(1 − 0.5) = 0.05, W1 += 0.1(1·1 − 0.5·0.25) = 0.0875, b0 += 0.05, b1 += 0.1(1 − 0.25) = 0.075.
    // β, its random sign and the cost play no part.
    for (const beta of [0.5, 3]) {
      const net = tinyNet();
      const rule: RuleSpec = { type: 'ebm.rule', form: 'eqprop', lrs: [0.1, 0.1], direction: 'both' };
      const clamped: DynamicsSpec = { ...free, steps: 2, nudge: { beta, randomSign: true, cost: 'squared', clamp: true } };
      const out = await run('ebm.eqprop_train', { network: net, data: oneExample, free, nudged: clamped, rule }, { epochs: 1, batch_size: 1, persistent: false, shuffle: false, valid_steps: 10 });
      expectParams(out.network as EbmNetwork, [0.55, 0.5875, 0.05, 0.075]);
      (out.network as EbmNetwork).dispose();
      net.dispose();
    }
  });

  it('the CLI epochs override wins', async () => {
    const net = tinyNet();
    const rule: RuleSpec = { type: 'ebm.rule', form: 'eqprop', lrs: [0.1, 0.1], direction: 'both' };
    const metrics: Record<string, unknown> = {};
    const images: { name: string; png: Buffer }[] = [];
    const out = await run('ebm.eqprop_train', { network: net, data: oneExample, free, nudged, rule }, { epochs: 5, batch_size: 1, persistent: true, shuffle: false, valid_steps: 10 }, metrics, { epochs: 2 }, images);
    expect((metrics.train_error as number[]).length).toBe(2);
    // and the learning curve is drawn, named after the node, after every epoch
    expect(images.map((i) => i.name)).toEqual(['node_learning_curve', 'node_learning_curve']);
    expect(images[0].png.subarray(1, 4).toString()).toBe('PNG');
    (out.network as EbmNetwork).dispose();
    net.dispose();
  });
});

describe('ebm.evaluate and ebm.relax', () => {
  it('classification error by hand', async () => {
    // x (2 units) — y (2 units), no hidden layer needed for the evaluator: W = identity, b = 0.
    const net = makeNetwork(tf, [2, 2], 'hard_sigmoid', [tf.tensor2d([[1, 0], [0, 1]])], [tf.tensor1d([0, 0])]);
    const data: EbmDataset = { type: 'dataset', images: new Float32Array([0.9, 0.1, 0.2, 0.7, 0.6, 0.3]), labels: new Uint8Array([0, 1, 1]), n: 3, inputSize: 2, classes: 2, description: '' };
    const metrics: Record<string, unknown> = {};
    const dyn: DynamicsSpec = { type: 'ebm.dynamics', epsilon: 1, sigma: 0, steps: 1, form: 'clipped' };
    const out = await run('ebm.evaluate', { network: net, data, dynamics: dyn }, { steps: 0, batch_size: 2, cost: 'half_squared', metric: 'err' }, metrics);
    // y = x: predictions 0, 1, 0 → one of three wrong
    expect(out.error).toBeCloseTo(1 / 3, 9);
    expect(metrics.err).toBeCloseTo(1 / 3, 9);
    // costs ½(0.01 + 0.01), ½(0.04 + 0.09), ½(0.36 + 0.49) → mean (0.01 + 0.065 + 0.425)/3
    expect(metrics.err_cost as number).toBeCloseTo((0.01 + 0.065 + 0.425) / 3, 6);
    net.dispose();
  });

  it('readout by hand: input decides where the output states tie (all silent, or saturated together)', async () => {
    // x (2 units) — y (3 units), W = [[1.5, 2, 0], [0, 0.5, 0]], b = (−0.5, −0.5, −0.2); ε = 1, one step: y = clip(input).
    const W = tf.tensor2d([[1.5, 2, 0], [0, 0.5, 0]]);
    const dyn: DynamicsSpec = { type: 'ebm.dynamics', epsilon: 1, sigma: 0, steps: 1, form: 'clipped' };
    const data: EbmDataset = {
      type: 'dataset', images: new Float32Array([1, 0, 0, 0]), labels: new Uint8Array([1, 2]), n: 2, inputSize: 2, classes: 3, description: '',
    };
    // x = (1, 0), label 1: inputs (1.0, 1.5, −0.2) → states (1, 1, 0) saturated together: by state 0 (wrong), by input 1.
    // x = (0, 0), label 2: inputs (−0.5, −0.5, −0.2) → states (0, 0, 0) all silent: by state 0 (wrong), by input 2.
    const net = makeNetwork(tf, [2, 3], 'hard_sigmoid', [W], [tf.tensor1d([-0.5, -0.5, -0.2])]);
    const byInput: Record<string, unknown> = {};
    await run('ebm.evaluate', { network: net, data, dynamics: dyn }, { steps: 0, batch_size: 2, cost: 'half_squared', readout: 'input', metric: 'err' }, byInput);
    expect(byInput.err).toBe(0);
    expect(byInput.err_by_state).toBe(1);
    expect(byInput.err_ties).toBe(1);
    const byState: Record<string, unknown> = {};
    await run('ebm.evaluate', { network: net, data, dynamics: dyn }, { steps: 0, batch_size: 2, cost: 'half_squared', readout: 'state', metric: 'err' }, byState);
    expect(byState.err).toBe(1);
    expect(byState.err_ties).toBe(1);
    expect(byState.err_by_state).toBeUndefined();
    // The Log says each metric as summary.json has it: by its name, as a fraction (as the epoch lines do), never a
    // fraction beside percentages.
    const ctx = fakeCtx(tf, { node: 'eval' });
    await ebmOps['ebm.evaluate'](ctx, { network: net, data, dynamics: dyn }, { steps: 0, batch_size: 2, cost: 'half_squared', readout: 'input', metric: 'err' });
    expect(ctx.logs.map((l) => l.message)).toEqual([
      'err 0.0000 (0 of 2 wrong; 1 relaxation step, input readout), err_ties 1.0000 (with tied output states), err_by_state 1.0000 (by argmax of the output states)',
    ]);
    net.dispose();
  });

  it('energy trace by hand', async () => {
    const net = tinyNet();
    const metrics: Record<string, unknown> = {};
    const out = await run('ebm.relax', { network: net, data: oneExample, dynamics: free }, { examples: 10, metric: 'e' }, metrics);
    // 0 at zero states; (0.5, 0) → 0.125 − 0.25 = −0.125; (0.5, 0.25) → −0.15625
    const trace = out.energy as number[];
    expect(trace.length).toBe(3);
    expect(trace[0]).toBeCloseTo(0, 6);
    expect(trace[1]).toBeCloseTo(-0.125, 6);
    expect(trace[2]).toBeCloseTo(-0.15625, 6);
    expect(metrics.e_max_rise).toBe(0);
    net.dispose();
  });
});

describe('ebm.early_inference_probe', () => {
  it('a 1-2-1 network: Δh follows W1·Δy, exactly the backprop direction (cosine 1)', async () => {
    const net = makeNetwork(tf, [1, 2, 1], 'hard_sigmoid', [tf.tensor2d([[0.6, 0.4]]), tf.tensor2d([[0.5], [-0.25]])], [tf.tensor1d([0, 0.2]), tf.tensor1d([0.1])]);
    const metrics: Record<string, unknown> = {};
    const dyn: DynamicsSpec = { type: 'ebm.dynamics', epsilon: 0.5, sigma: 0, steps: 20, form: 'clipped' };
    const nd: DynamicsSpec = { ...dyn, steps: 2, nudge: { beta: 0.001, randomSign: false, cost: 'half_squared' } };
    const out = await run('ebm.early_inference_probe', { network: net, data: oneExample, free: dyn, nudged: nd }, { examples: 1, settle_steps: 2000, tolerance: 1e-7, metric: 'cos' }, metrics);
    expect((out.cosine as number[])[0]).toBeCloseTo(1, 4);
    expect(metrics.cos).toEqual(out.cosine);
    net.dispose();
  });

  it('a 1-3-2 network with two outputs off their targets by different amounts: Δh along backprop\'s gradient', async () => {
    // With one output unit any Δh is along W1's one column; with two, the mix of the columns is set by each output's
    // error and ρ', so a wrong sign, gain or matrix layout would turn Δh away from backprop's ∂C/∂h.
    const net = makeNetwork(tf, [1, 3, 2], 'hard_sigmoid', [tf.tensor2d([[0.6, 0.4, 0.2]]), tf.tensor2d([[0.5, -0.3], [0.2, 0.4], [-0.1, 0.3]])], [tf.tensor1d([0, 0.1, 0.2]), tf.tensor1d([0.1, 0.05])]);
    const twoClasses: EbmDataset = { ...oneExample, classes: 2, labels: new Uint8Array([0]) };
    const metrics: Record<string, unknown> = {};
    const dyn: DynamicsSpec = { type: 'ebm.dynamics', epsilon: 0.5, sigma: 0, steps: 20, form: 'clipped' };
    const nd: DynamicsSpec = { ...dyn, steps: 2, nudge: { beta: 0.001, randomSign: false, cost: 'half_squared' } };
    const out = await run('ebm.early_inference_probe', { network: net, data: twoClasses, free: dyn, nudged: nd }, { examples: 1, settle_steps: 2000, tolerance: 1e-7, metric: 'cos' }, metrics);
    expect((out.cosine as number[])[0]).toBeGreaterThan(0.999);
    net.dispose();
  });

  it("backprop's gradient by hand: ∂C/∂h = ρ'(h) ⊙ W1·(ρ'(y) ⊙ (y − t)), zero through a saturated unit", () => {
    const net = makeNetwork(tf, [1, 3, 2], 'hard_sigmoid', [tf.tensor2d([[0.6, 0.4, 0.2]]), tf.tensor2d([[0.5, -0.3], [0.2, 0.4], [-0.1, 0.3]])], [tf.tensor1d([0, 0.1, 0.2]), tf.tensor1d([0.1, 0.05])]);
    const clamp = clampInput(tf, net, tf.tensor2d([[1]]));
    const t = tf.tensor2d([[1, 0]]);
    const grad = (h: number[], y: number[], cost: 'half_squared' | 'squared' = 'half_squared'): number[] =>
      Array.from(backpropGradient(tf, net, clamp, [tf.tensor2d([h]), tf.tensor2d([y])], t, cost, 0).dataSync());
    // Inside the box (ρ' = 1): y − t = (−0.6, 0.9); W1·(y − t) = (0.5·−0.6 − 0.3·0.9, 0.2·−0.6 + 0.4·0.9, −0.1·−0.6 + 0.3·0.9)
    // = (−0.57, 0.24, 0.33). The cost without ½ doubles it.
    const inside = grad([0.5, 0.3, 0.8], [0.4, 0.9]);
    [-0.57, 0.24, 0.33].forEach((v, i) => expect(inside[i]).toBeCloseTo(v, 6));
    const doubled = grad([0.5, 0.3, 0.8], [0.4, 0.9], 'squared');
    [-1.14, 0.48, 0.66].forEach((v, i) => expect(doubled[i]).toBeCloseTo(v, 6));
    // Output 1 saturated (y = 1.3: ρ' = 0) passes no error; hidden unit 2 saturated (h = 1.2) takes none:
    // (0.5·−0.6, 0.2·−0.6, 0) = (−0.3, −0.12, 0).
    const saturated = grad([0.5, 0.3, 1.2], [0.4, 1.3]);
    [-0.3, -0.12, 0].forEach((v, i) => expect(saturated[i]).toBeCloseTo(v, 6));
    clamp.dispose();
    net.dispose();
  });

  it('when a saturated hidden layer stops the error, the warning names that layer, not the outputs', async () => {
    // x — h1 — h2 — h3 — y, one unit each, x = 1, target 1. h2's bias 2 saturates it at 1 (ρ' = 0); h1 = 0.5 + 0.2 = 0.7,
    // h3 = 0.3 + 0.2y and y = 0.2·h3 stay inside (0,1). So h3 gets the error (cosine 1); h2 takes none, and none reaches h1.
    const net = makeNetwork(tf, [1, 1, 1, 1, 1], 'hard_sigmoid', [[0.5], [0.2], [0.3], [0.2]].map((w) => tf.tensor2d([w])), [0, 2, 0, 0].map((b) => tf.tensor1d([b])));
    const dyn: DynamicsSpec = { type: 'ebm.dynamics', epsilon: 0.5, sigma: 0, steps: 20, form: 'clipped' };
    const nd: DynamicsSpec = { ...dyn, steps: 4, nudge: { beta: 0.001, randomSign: false, cost: 'half_squared' } };
    const ctx = fakeCtx(tf, { node: 'probe' });
    const out = await ebmOps['ebm.early_inference_probe'](ctx, { network: net, data: oneExample, free: dyn, nudged: nd }, { examples: 1, settle_steps: 2000, tolerance: 1e-7, metric: 'cos' });
    const cos = out.cosine as number[];
    expect(cos[0]).toBeCloseTo(1, 4);
    expect(cos.slice(1)).toEqual([0, 0]);
    const warns = ctx.logs.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warns).toEqual([
      expect.stringMatching(/^no error reaches hidden layer 2 \(counted from the input\): every one of its units is saturated at the fixed point \(ρ' = 0\) on every probed example, so it takes none of the error from above, so backprop's gradient there is zero/),
      expect.stringMatching(/^no error reaches hidden layer 1 \(counted from the input\): every unit of hidden layer 2 is saturated at the fixed point \(ρ' = 0\) on every probed example, so the error from above stops there/),
    ]);
    expect(warns.join(' ')).not.toMatch(/output/);
    net.dispose();
  });

  it('warns when the nudged dynamics are noisy (σ > 0) or β is too large for a first-order comparison, not at σ = 0 and a small β', async () => {
    const dyn: DynamicsSpec = { type: 'ebm.dynamics', epsilon: 0.5, sigma: 0, steps: 20, form: 'clipped' };
    const warnsFor = async (sigma: number, beta: number): Promise<string[]> => {
      const net = makeNetwork(tf, [1, 2, 1], 'hard_sigmoid', [tf.tensor2d([[0.6, 0.4]]), tf.tensor2d([[0.5], [-0.25]])], [tf.tensor1d([0, 0.2]), tf.tensor1d([0.1])]);
      const nd: DynamicsSpec = { ...dyn, sigma, steps: 2, nudge: { beta, randomSign: false, cost: 'half_squared' } };
      const ctx = fakeCtx(tf, { node: 'probe' });
      await ebmOps['ebm.early_inference_probe'](ctx, { network: net, data: oneExample, free: dyn, nudged: nd }, { examples: 1, settle_steps: 2000, tolerance: 1e-7, metric: 'cos' });
      net.dispose();
      return ctx.logs.filter((l) => l.level === 'warn').map((l) => l.message);
    };
    expect(await warnsFor(0, 0.001)).toEqual([]);
    expect(await warnsFor(0, 0.005)).toEqual([]);
    expect(await warnsFor(1, 0.001)).toEqual([expect.stringMatching(/^the nudged dynamics have noise σ = 1: .*Δs is mostly noise.*Set σ = 0/)]);
    expect(await warnsFor(0, 1)).toEqual([expect.stringMatching(/^β = 1 is large for this comparison: early inference matches backprop's gradient only to first order in β.*Use a small β such as 0\.001$/)]);
  });

  it('a free phase that did not settle is reported as stopped, not as a fixed point', async () => {
    const mk = (): EbmNetwork => makeNetwork(tf, [1, 2, 1], 'hard_sigmoid', [tf.tensor2d([[0.6, 0.4]]), tf.tensor2d([[0.5], [-0.25]])], [tf.tensor1d([0, 0.2]), tf.tensor1d([0.1])]);
    const dyn: DynamicsSpec = { type: 'ebm.dynamics', epsilon: 0.5, sigma: 0, steps: 20, form: 'clipped' };
    const nd: DynamicsSpec = { ...dyn, steps: 2, nudge: { beta: 0.001, randomSign: false, cost: 'half_squared' } };
    const probe = async (settleSteps: number) => {
      const net = mk();
      const ctx = fakeCtx(tf, { node: 'probe' });
      await ebmOps['ebm.early_inference_probe'](ctx, { network: net, data: oneExample, free: dyn, nudged: nd }, { examples: 1, settle_steps: settleSteps, tolerance: 1e-7, metric: 'cos' });
      net.dispose();
      return ctx.logs;
    };
    const short = await probe(3);
    expect(short.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([expect.stringMatching(/^the free phase did not settle within 3 steps/)]);
    const info = short.filter((l) => l.level === 'info').map((l) => l.message);
    expect(info).toEqual([expect.stringMatching(/^cos \(top hidden layer first\): .*; free phase stopped after 3 steps without settling$/)]);
    const long = await probe(2000);
    expect(long.filter((l) => l.level === 'warn')).toEqual([]);
    expect(long.filter((l) => l.level === 'info').map((l) => l.message)).toEqual([expect.stringMatching(/; fixed point after \d+ steps$/)]);
  });

  it('says so when no error reaches the hidden layer (the output saturated at its target)', async () => {
    // W0 = 2, W1 = 3, x = 1: h = clip(2 + 3y) = 1 and y = clip(3h) = 1, the target; ρ'(y) = 0 and the nudge β(1 − y) = 0.
    const net = makeNetwork(tf, [1, 1, 1], 'hard_sigmoid', [tf.tensor2d([[2]]), tf.tensor2d([[3]])], [tf.tensor1d([0]), tf.tensor1d([0])]);
    const dyn: DynamicsSpec = { type: 'ebm.dynamics', epsilon: 0.5, sigma: 0, steps: 20, form: 'clipped' };
    const nd: DynamicsSpec = { ...dyn, steps: 2, nudge: { beta: 0.001, randomSign: false, cost: 'half_squared' } };
    const ctx = fakeCtx(tf, { node: 'probe' });
    const out = await ebmOps['ebm.early_inference_probe'](ctx, { network: net, data: oneExample, free: dyn, nudged: nd }, { examples: 1, settle_steps: 200, tolerance: 1e-7, metric: 'cos' });
    expect(out.cosine).toEqual([0]);
    const warns = ctx.logs.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatch(/^no error reaches hidden layer 1 \(counted from the input\): .*\(the nudged change has norm 0\.00e\+0\)/);
    // h is saturated too, but the error stops first at the output, which the warning names.
    expect(warns[0]).toMatch(/: every probed output unit sits at its target or is saturated/);
    net.dispose();
  });
});

describe('ebm.receptive_fields', () => {
  // 4-2-1, tiles 2 pixels wide. Unit 0's weights (column 0 of W0) are 2, −1, 0, 1: max|w| = 2, so gray
  // 0.5 + 0.5·w/2 = 1, 0.25, 0.5, 0.75, bytes 255, 64 (63.75), 128 (127.5), 191 (191.25). Unit 1's are all 0: gray 0.5.
  // Two tiles of 2×2 side by side with 1-pixel black padding: a 7×4 picture.
  const W0 = [[2, 0], [-1, 0], [0, 0], [1, 0]];
  const net = (): EbmNetwork => makeNetwork(tf, [4, 2, 1], 'hard_sigmoid', [tf.tensor2d(W0), tf.tensor2d([[1], [1]])], [tf.tensor1d([0, 0]), tf.tensor1d([0])]);

  it('tiles each unit\'s weights, scaled by its own largest |w|, by hand', async () => {
    const n = net();
    const images: { name: string; png: Buffer }[] = [];
    const out = await run('ebm.receptive_fields', { network: n }, { name: 'rf', count: 100, cols: 10, image_width: 2 }, {}, {}, images);
    const pic = out.image as Picture;
    expect([pic.width, pic.height]).toEqual([7, 4]);
    expect(images.map((i) => i.name)).toEqual(['rf']);
    const png = PNG.sync.read(pic.png);
    const gray = (x: number, y: number): number => png.data[4 * (y * png.width + x)];
    expect([gray(1, 1), gray(2, 1), gray(1, 2), gray(2, 2)]).toEqual([255, 64, 128, 191]);
    expect([gray(4, 1), gray(5, 1), gray(4, 2), gray(5, 2)]).toEqual([128, 128, 128, 128]);
    expect([gray(0, 0), gray(3, 1), gray(6, 3)]).toEqual([0, 0, 0]);
    n.dispose();
  });

  it('with a reference network, tiles the change w − w_ref, by hand', async () => {
    // Reference unit 0: 1, −1, 0, 0. Change: 1, 0, 0, 1 → max 1 → gray 1, 0.5, 0.5, 1. Unit 1: no change, gray 0.5.
    const n = net();
    const ref = makeNetwork(tf, [4, 2, 3], 'hard_sigmoid', [tf.tensor2d([[1, 0], [-1, 0], [0, 0], [0, 0]]), tf.zeros([2, 3])], [tf.zeros([2]), tf.zeros([3])]);
    const out = await run('ebm.receptive_fields', { network: n, reference: ref }, { name: 'rf', count: 2, cols: 2, image_width: 2 });
    const png = PNG.sync.read((out.image as Picture).png);
    const gray = (x: number, y: number): number => png.data[4 * (y * png.width + x)];
    expect([gray(1, 1), gray(2, 1), gray(1, 2), gray(2, 2)]).toEqual([255, 128, 128, 255]);
    expect([gray(4, 1), gray(5, 2)]).toEqual([128, 128]);
    // A reference of other sizes is refused, at compile time when the sizes are known and when run.
    const other = makeNetwork(tf, [4, 3, 1], 'hard_sigmoid', [tf.zeros([4, 3]), tf.zeros([3, 1])], [tf.zeros([3]), tf.zeros([1])]);
    await expect(run('ebm.receptive_fields', { network: n, reference: other }, { name: 'rf', count: 2, cols: 2, image_width: 2 })).rejects.toThrow(
      /the reference network \(4-3-1\) does not match the network \(4-2-1\) in its first two layers/,
    );
    const doc: GraphDocument = {
      ...emptyGraph('t'),
      nodes: [
        { id: 'a', kind: 'ebm.network', params: { input_size: 784, hidden: [20] }, position: [0, 0] },
        { id: 'b', kind: 'ebm.network', params: { input_size: 784, hidden: [30] }, position: [0, 0] },
        { id: 'rf', kind: 'ebm.receptive_fields', params: {}, position: [0, 0] },
      ],
      wires: [
        { from: { node: 'a', port: 'network' }, to: { node: 'rf', port: 'network' } },
        { from: { node: 'b', port: 'network' }, to: { node: 'rf', port: 'reference' } },
      ],
    };
    expect(compileGraph(doc, createRegistry()).diagnostics.map((x) => [x.node, x.port, x.message])).toEqual([
      ['rf', 'reference', 'the reference network (784-30-10) does not match the network (784-20-10) in its first two layers'],
    ]);
    for (const m of [n, ref, other]) m.dispose();
  });

  it('refuses a visible layer that is not a whole number of tile rows, naming the parameter', async () => {
    const n = net();
    const ctx = fakeCtx(tf, { node: 'rf' });
    await expect(ebmOps['ebm.receptive_fields'](ctx, { network: n }, { name: 'rf', count: 1, cols: 1, image_width: 3 })).rejects.toThrow(/4 units, not a whole number of rows of 3 pixels \(image_width\)/);
    const reg = createRegistry();
    const doc: GraphDocument = {
      ...emptyGraph('t'),
      nodes: [
        { id: 'n', kind: 'ebm.network', params: { input_size: 784, hidden: [20] }, position: [0, 0] },
        { id: 'rf', kind: 'ebm.receptive_fields', params: { image_width: 30 }, position: [0, 0] },
      ],
      wires: [{ from: { node: 'n', port: 'network' }, to: { node: 'rf', port: 'network' } }],
    };
    const d = compileGraph(doc, reg).diagnostics;
    expect(d.map((x) => [x.node, x.port, x.message])).toEqual([['rf', 'image_width', 'the visible layer has 784 units (784-20-10), not a whole number of rows of 30 pixels']]);
    n.dispose();
  });
});

describe('compile checks a user can trip over', () => {
  const reg = createRegistry();
  const base = (over: { lrs?: number[]; nudgeFree?: boolean; hidden?: number[]; validMetric?: string; clamp?: boolean; centered?: boolean }): GraphDocument => ({
    ...emptyGraph('t'),
    nodes: [
      { id: 'd', kind: 'data.mnist', params: { validCount: 0 }, position: [0, 0] },
      { id: 'n', kind: 'ebm.network', params: { hidden: over.hidden ?? [20] }, position: [0, 0] },
      { id: 't', kind: 'ebm.eqprop_train', params: over.validMetric === undefined ? {} : { valid_metric: over.validMetric }, position: [0, 0] },
      { id: 'f', kind: 'ebm.langevin', params: {}, position: [0, 0], parent: 't' },
      { id: 'u', kind: 'ebm.nudge', params: over.clamp ? { mode: 'clamp' } : {}, position: [0, 0], parent: 't' },
      { id: 'r', kind: 'ebm.eqprop_rule', params: { lrs: over.lrs ?? [0.1, 0.05], ...(over.centered ? { centered: true } : {}) }, position: [0, 0], parent: 't' },
    ],
    wires: [
      { from: { node: 'd', port: 'train' }, to: { node: 'n', port: 'data' } },
      { from: { node: 'n', port: 'network' }, to: { node: 't', port: 'network' } },
      { from: { node: 'd', port: 'train' }, to: { node: 't', port: 'data' } },
      { from: { node: 'f', port: 'dynamics' }, to: { node: 't', port: 'free' } },
      { from: { node: 'f', port: 'dynamics' }, to: { node: 'u', port: 'dynamics' } },
      { from: { node: over.nudgeFree ? 'f' : 'u', port: 'dynamics' }, to: { node: 't', port: 'nudged' } },
      { from: { node: 'r', port: 'rule' }, to: { node: 't', port: 'rule' } },
      ...(over.validMetric === undefined ? [] : [{ from: { node: 'd', port: 'test' }, to: { node: 't', port: 'valid' } }]),
    ],
  });
  const messages = (doc: GraphDocument): string => compileGraph(doc, reg).diagnostics.map((d) => d.message).join(' | ');

  it('a well-wired trainer compiles', () => {
    expect(compileGraph(base({}), reg).ok).toBe(true);
  });
  it('a nudged phase of 0 steps is refused (no signal: s^β = s^0), a free phase of 0 steps warned about', () => {
    const withSteps = (node: string, steps: number): GraphDocument => {
      const doc = base({});
      const n = doc.nodes.find((x) => x.id === node)!;
      n.params = { ...n.params, steps };
      return doc;
    };
    const d = compileGraph(withSteps('u', 0), reg).diagnostics;
    expect(d.map((x) => [x.severity, x.node, x.port])).toEqual([['error', 't', 'nudged']]);
    expect(d[0].message).toMatch(/^the nudged phase has 0 steps \(u\.steps = 0\), so the nudged states s\^β are the free ones s\^0 and the learning rule gets no signal: no weight would change/);
    const f = compileGraph(withSteps('f', 0), reg);
    expect(f.ok).toBe(true);
    expect(f.diagnostics.map((x) => [x.severity, x.node, x.port])).toEqual([['warning', 't', 'free']]);
    expect(f.diagnostics[0].message).toMatch(/^the free phase has 0 steps \(f\.steps = 0\), so s\^0 is each example's starting state .* rather than a fixed point/);
    // One step each is fine.
    expect(compileGraph(withSteps('u', 1), reg).diagnostics).toEqual([]);
    expect(compileGraph(withSteps('f', 1), reg).diagnostics).toEqual([]);
  });
  it('one learning rate per weight matrix', () => {
    expect(messages(base({ lrs: [0.1] }))).toMatch(/1 learning rate but the network \(784-20-10\) has 2 weight matrices/);
    expect(compileGraph(base({ lrs: [0.1, 0.1, 0.1], hidden: [20, 20] }), reg).ok).toBe(true);
  });
  it('a wired validation set needs a name for its series, and a second one when measured both ways', () => {
    expect(compileGraph(base({ validMetric: 'test_error_stored' }), reg).ok).toBe(true);
    expect(messages(base({ validMetric: ' ' }))).toMatch(/give the validation error series a name/);
    const both = (zero: string): GraphDocument => {
      const doc = base({ validMetric: 'test_error_stored' });
      const t = doc.nodes.find((n) => n.id === 't')!;
      t.params = { ...t.params, valid_states: 'both', valid_zero_metric: zero };
      return doc;
    };
    expect(compileGraph(both('test_error_zero'), reg).ok).toBe(true);
    expect(messages(both('test_error_stored'))).toMatch(/a second name for the series from zero, other than valid_metric/);
  });
  it('fields (the receptive fields drawn every epoch) needs a square input', () => {
    const doc = base({});
    const t = doc.nodes.find((n) => n.id === 't')!;
    t.params = { ...t.params, fields: 100 };
    expect(compileGraph(doc, reg).ok).toBe(true);
    // A 30-unit input (no data set wired to the network): 30 is not a square.
    doc.nodes.find((n) => n.id === 'n')!.params = { hidden: [20], input_size: 30 };
    doc.wires = doc.wires.filter((w) => !(w.to.node === 'n' && w.to.port === 'data'));
    const d = compileGraph(doc, reg).diagnostics;
    expect(d.map((x) => [x.node, x.port, x.message])).toContainEqual(['t', 'fields', expect.stringMatching(/the input layer has 30 units, not a square number; set fields to 0/)]);
  });
  it('a network too large to allocate is refused when the graph compiles, with its size', () => {
    // 784·20000 + 20000·20000 + 20000·10 = 415,880,000 weights: 1.5 GiB, over the 1 GiB (268,435,456) limit.
    const d = compileGraph(base({ lrs: [0.1, 0.1, 0.1], hidden: [20000, 20000] }), reg).diagnostics;
    expect(d.map((x) => [x.node, x.port, x.message])).toContainEqual(['n', 'hidden', '784-20000-20000-10 has 415,880,000 weights (1.5 GiB as float32), more than the 268,435,456 (1 GiB) a network can hold here; make the layers smaller']);
    // 784·16000 + 16000·16000 + 16000·10 = 268,704,000: just over; 784·15000 + 15000² + 150,000 = 236,910,000: under.
    expect(compileGraph(base({ lrs: [0.1, 0.1, 0.1], hidden: [16000, 16000] }), reg).ok).toBe(false);
    expect(compileGraph(base({ lrs: [0.1, 0.1, 0.1], hidden: [15000, 15000] }), reg).ok).toBe(true);
  });
  it('a validation split the data node leaves empty (validCount 0) is refused when the graph compiles', () => {
    const doc = base({ validMetric: 'valid_error' });
    doc.wires = doc.wires.map((w) => (w.to.port === 'valid' ? { ...w, from: { node: 'd', port: 'valid' } } : w));
    const data = doc.nodes.find((n) => n.id === 'd')!;
    data.params = { validCount: 1000 };
    expect(compileGraph(doc, reg).ok).toBe(true);
    data.params = { validCount: 0 };
    expect(compileGraph(doc, reg).diagnostics.map((x) => [x.node, x.port, x.message])).toEqual([
      ['t', 'valid', "d.valid holds no examples: d's validCount is 0 (no training digits held out); set it to 1000 or more"],
    ]);
  });
  it('two nodes that would record the same metric or picture are refused when the graph compiles, at the second', () => {
    const withEval = (metric: string, fieldsName?: string): GraphDocument => {
      const doc = base({});
      doc.nodes.push({ id: 'g', kind: 'ebm.langevin', params: {}, position: [0, 0] }, { id: 'e', kind: 'ebm.evaluate', params: { metric }, position: [0, 0] });
      doc.wires.push(
        { from: { node: 't', port: 'network' }, to: { node: 'e', port: 'network' } },
        { from: { node: 'd', port: 'test' }, to: { node: 'e', port: 'data' } },
        { from: { node: 'g', port: 'dynamics' }, to: { node: 'e', port: 'dynamics' } },
      );
      if (fieldsName !== undefined) {
        doc.nodes.find((n) => n.id === 't')!.params = { fields: 4 };
        doc.nodes.push({ id: 'rf', kind: 'ebm.receptive_fields', params: { name: fieldsName }, position: [0, 0] });
        doc.wires.push({ from: { node: 't', port: 'network' }, to: { node: 'rf', port: 'network' } });
      }
      return doc;
    };
    const problems = (doc: GraphDocument) => compileGraph(doc, reg).diagnostics.map((x) => [x.node, x.port, x.message]);
    expect(problems(withEval('test_error'))).toEqual([]);
    expect(problems(withEval('train_error'))).toEqual([['e', 'metric', 'the metric "train_error" is also recorded by t; give one of them another name']]);
    // The evaluator's derived names count too: "train" would record train_cost, which the trainer records.
    expect(problems(withEval('train'))).toEqual([['e', 'metric', 'the metric "train_cost" is also recorded by t; give one of them another name']]);
    expect(problems(withEval('test_error', 't_fields'))).toEqual([['rf', 'name', 'the picture "t_fields" is also recorded by t; give one of them another name']]);
    expect(problems(withEval('test_error', 'rf_fields'))).toEqual([]);
  });
  it('the nudged input must go through a Nudge node', () => {
    expect(messages(base({ nudgeFree: true }))).toMatch(/needs nudged dynamics/);
  });
  it('clamped outputs train (contrastive Hebbian learning), but not with centered nudging', () => {
    expect(compileGraph(base({ clamp: true }), reg).ok).toBe(true);
    expect(compileGraph(base({ centered: true }), reg).ok).toBe(true);
    expect(messages(base({ clamp: true, centered: true }))).toMatch(/centered nudging needs nudges of strength \+β and −β, but the nudged dynamics clamp the outputs/);
  });
  it('the early-inference probe wants a weak nudge, not clamped outputs', () => {
    const doc = JSON.parse(readFileSync(new URL('../examples/ebm-early-inference.json', import.meta.url), 'utf8')) as GraphDocument;
    expect(compileGraph(doc, reg).ok).toBe(true);
    const nudge = doc.nodes.find((n) => n.id === 'nudge')!;
    nudge.params = { ...nudge.params, mode: 'clamp' };
    const d = compileGraph(doc, reg).diagnostics;
    expect(d.map((x) => [x.node, x.port, x.message])).toContainEqual(['probe', 'nudged', expect.stringMatching(/compares the response to a weak nudge with backprop, but these dynamics clamp the outputs/)]);
  });
});

describe('ebm.eqprop_train validation', () => {
  it('records valid_error per epoch, from zero or from stored states', async () => {
    for (const valid_states of ['from_zero', 'persistent']) {
      const net = tinyNet();
      const rule: RuleSpec = { type: 'ebm.rule', form: 'eqprop', lrs: [0.1, 0.1], direction: 'both' };
      const metrics: Record<string, unknown> = {};
      const out = await run('ebm.eqprop_train', { network: net, data: oneExample, free, nudged, rule, valid: oneExample }, { epochs: 3, batch_size: 1, persistent: true, shuffle: false, valid_steps: 10, valid_states }, metrics);
      expect(metrics.valid_error).toEqual([0, 0, 0]);
      (out.network as EbmNetwork).dispose();
      net.dispose();
    }
  });
  it('valid_states both: the stored-state series under valid_metric and the from-zero one under valid_zero_metric', async () => {
    const net = tinyNet();
    const rule: RuleSpec = { type: 'ebm.rule', form: 'eqprop', lrs: [0.1, 0.1], direction: 'both' };
    const metrics: Record<string, unknown> = {};
    const params = { epochs: 2, batch_size: 1, persistent: true, shuffle: false, valid_steps: 10, valid_states: 'both', readout: 'input', valid_metric: 'test_error_stored', valid_zero_metric: 'test_error_zero' };
    const out = await run('ebm.eqprop_train', { network: net, data: oneExample, free, nudged, rule, valid: oneExample }, params, metrics);
    for (const k of ['test_error_stored', 'test_error_stored_by_state', 'test_error_zero', 'test_error_zero_by_state']) expect(metrics[k], k).toEqual([0, 0]);
    (out.network as EbmNetwork).dispose();
    net.dispose();
  });

  it('names the series valid_metric and records it by argmax of the states beside the input readout', async () => {
    const net = tinyNet();
    const rule: RuleSpec = { type: 'ebm.rule', form: 'eqprop', lrs: [0.1, 0.1], direction: 'both' };
    const metrics: Record<string, unknown> = {};
    const params = { epochs: 2, batch_size: 1, persistent: true, shuffle: false, valid_steps: 10, valid_states: 'persistent', readout: 'input', valid_metric: 'test_error_stored' };
    const out = await run('ebm.eqprop_train', { network: net, data: oneExample, free, nudged, rule, valid: oneExample }, params, metrics);
    expect(metrics.test_error_stored).toEqual([0, 0]);
    expect(metrics.test_error_stored_by_state).toEqual([0, 0]);
    expect(metrics.valid_error).toBeUndefined();
    (out.network as EbmNetwork).dispose();
    net.dispose();
  });
});
