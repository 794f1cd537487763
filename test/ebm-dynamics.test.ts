// Done-when of the energy-based network: relaxation goes down the energy (σ = 0), early inference
// carries backprop's gradient, no tensor leaks, same seed same numbers.
import { beforeAll, describe, expect, it } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { initBackend } from '../nodes/runtime/backend.ts';
import type { Tf } from '../nodes/runtime/op.ts';
import { type Activation, type DynamicsSpec, clampInput, disposeAll, energy, initNetwork, relax, step, zeroStates } from '../nodes/runtime/ebm/network.ts';
import { earlyInferenceProbe } from '../nodes/runtime/ebm/probe.ts';
import { PersistentStates, train, type RuleSpec } from '../nodes/runtime/ebm/eqprop.ts';
import type { EbmDataset } from '../nodes/runtime/ebm/data.ts';
import { makeRng, permutation } from '../nodes/runtime/random.ts';

let tf: Tf;
beforeAll(async () => {
  tf = (await initBackend('cpu')).tf;
});

const seeder = (seed: number): (() => number) => {
  const u = makeRng(seed);
  return () => Math.floor(u() * 2 ** 31);
};

function energyTrace(sizes: number[], act: Activation, dyn: DynamicsSpec, seed: number): number[] {
  const s = seeder(seed);
  const net = initNetwork(tf, sizes, act, { init: 'glorot_uniform', scale: 1.5, bias: 0.1, seed: s });
  const x = tf.randomUniform([16, sizes[0]], 0, 1, 'float32', s()) as TF.Tensor2D;
  const clamp = clampInput(tf, net, x);
  const init = zeroStates(tf, net, 16);
  const trace: number[] = [];
  const mean = (st: TF.Tensor2D[]): number => tf.tidy(() => tf.mean(energy(tf, net, clamp, st)).dataSync()[0]);
  trace.push(mean(init));
  const end = relax(tf, net, clamp, dyn, init, dyn.steps, {}, (_t, st) => trace.push(mean(st)));
  disposeAll([...end, ...init, x]);
  clamp.dispose();
  net.dispose();
  return trace;
}

const maxRise = (t: number[]): number => Math.max(...t.slice(1).map((v, i) => v - t[i]));

describe('relaxation with σ = 0 does not raise the energy', () => {
  it('clipped form, hard sigmoid, ε = 0.5 and 0.2', () => {
    for (const epsilon of [0.5, 0.2]) {
      const t = energyTrace([50, 40, 30, 10], 'hard_sigmoid', { type: 'ebm.dynamics', epsilon, sigma: 0, steps: 100, form: 'clipped' }, 3);
      expect(maxRise(t)).toBeLessThanOrEqual(1e-5);
      expect(t[t.length - 1]).toBeLessThan(t[0]);
    }
  });

  it('leaky form with the smooth sigmoid and a small step', () => {
    const t = energyTrace([50, 40, 30, 10], 'sigmoid', { type: 'ebm.dynamics', epsilon: 0.05, sigma: 0, steps: 200, form: 'leaky' }, 4);
    expect(maxRise(t)).toBeLessThanOrEqual(1e-5);
    expect(t[t.length - 1]).toBeLessThan(t[0]);
  });

  it('with σ > 0 it is a noisy walk (the energy does rise at times)', () => {
    const t = energyTrace([50, 40, 30, 10], 'hard_sigmoid', { type: 'ebm.dynamics', epsilon: 0.5, sigma: 0.5, steps: 100, form: 'clipped' }, 3);
    expect(maxRise(t)).toBeGreaterThan(0);
  });
});

describe('the clipped dynamics skip ρ and ρ\' once the states are in [0,1]', () => {
  it('a step with inBox gives bit-identical states, free and nudged, with saturated units at 0 and 1', () => {
    const s = seeder(11);
    const net = initNetwork(tf, [30, 20, 10], 'hard_sigmoid', { init: 'glorot_uniform', scale: 2, bias: 0.1, seed: s });
    const x = tf.randomUniform([8, 30], 0, 1, 'float32', s()) as TF.Tensor2D;
    const clamp = clampInput(tf, net, x);
    // States in [0,1] with many units exactly at the bounds (where ρ' = 1 still holds: the box is closed).
    const init = [20, 10].map((k) => tf.clipByValue(tf.randomUniform([8, k], -0.5, 1.5, 'float32', s()), 0, 1) as TF.Tensor2D);
    expect(init[0].dataSync().filter((v) => v === 0 || v === 1).length).toBeGreaterThan(40);
    const target = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10);
    const dyn: DynamicsSpec = { type: 'ebm.dynamics', epsilon: 0.5, sigma: 0, steps: 1, form: 'clipped', nudge: { beta: 0.5, randomSign: false, cost: 'squared' } };
    for (const o of [{}, { beta: -0.5, target }]) {
      const slow = step(tf, net, clamp, dyn, init, o);
      const fast = step(tf, net, clamp, dyn, init, { ...o, inBox: true });
      slow.forEach((t, i) => expect(Array.from(fast[i].dataSync())).toEqual(Array.from(t.dataSync())));
      disposeAll([...slow, ...fast]);
    }
    disposeAll([...init, x, target]);
    clamp.dispose();
    net.dispose();
  });
});

describe('early inference after a nudge carries the backpropagated gradient', () => {
  it('cosine ≥ 0.99 for the hidden layer next to the output, on a small 4-layer network', async () => {
    const s = seeder(7);
    const net = initNetwork(tf, [30, 40, 30, 20, 10], 'hard_sigmoid', { init: 'glorot_uniform', scale: 1, bias: 0.1, seed: s });
    const x = tf.randomUniform([16, 30], 0, 1, 'float32', s()) as TF.Tensor2D;
    const labels = Array.from({ length: 16 }, (_, i) => i % 10);
    const free: DynamicsSpec = { type: 'ebm.dynamics', epsilon: 0.5, sigma: 0, steps: 20, form: 'clipped' };
    const nudged: DynamicsSpec = { ...free, steps: 4, nudge: { beta: 0.001, randomSign: false, cost: 'half_squared' } };
    const r = await earlyInferenceProbe(tf, net, x, labels, { free, nudged, settleSteps: 5000, tolerance: 1e-7, seed: s });
    expect(r.residual).toBeLessThan(1e-6);
    expect(r.cosine.length).toBe(3);
    expect(r.cosine[0]).toBeGreaterThanOrEqual(0.99);
    // after 4 steps the nudge has reached every hidden layer, and each change points along −∂C/∂s
    for (const c of r.cosine) expect(c).toBeGreaterThanOrEqual(0.95);
    // with noise, using the same noise in the nudged and free copies keeps the comparison clean
    const noisy = await earlyInferenceProbe(tf, net, x, labels, { free, nudged: { ...nudged, sigma: 0.01 }, settleSteps: 5000, tolerance: 1e-7, seed: s });
    expect(noisy.cosine[0]).toBeGreaterThanOrEqual(0.9);
    x.dispose();
    net.dispose();
  });
});

function smallData(n: number, d: number, classes: number, seed: number): EbmDataset {
  const u = makeRng(seed);
  const images = new Float32Array(n * d);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % classes;
    for (let j = 0; j < d; j++) images[i * d + j] = (j % classes === labels[i] ? 0.8 : 0.1) + 0.1 * u();
  }
  return { type: 'dataset', images, labels, n, inputSize: d, classes, description: '' };
}

async function trainSmall(form: RuleSpec['form'], seed: number, epochs: number, onEpoch?: () => void) {
  const s = seeder(seed);
  const u = makeRng(seed + 1);
  const net = initNetwork(tf, [20, 16, 4], 'hard_sigmoid', { init: 'glorot_uniform', scale: 1, bias: 0, seed: s });
  const free: DynamicsSpec = { type: 'ebm.dynamics', epsilon: 0.5, sigma: 0.01, steps: 20, form: 'clipped' };
  const nudged: DynamicsSpec = { ...free, steps: 4, nudge: { beta: 0.5, randomSign: true, cost: 'squared' } };
  const res = await train(tf, net, smallData(60, 20, 4, 9), {
    epochs,
    batchSize: 10,
    persistent: true,
    shuffle: true,
    free,
    nudged,
    rule: { type: 'ebm.rule', form, lrs: [0.1, 0.05], direction: 'both' },
    readout: 'input',
    random: u,
    nextSeed: s,
    onEpoch,
  });
  const w = net.read();
  net.dispose();
  return { res, w };
}

describe('persistent states in a shuffled order', () => {
  it('each example keeps its own state whatever order the minibatches visit it in', () => {
    // 5 examples, a layer of 2 units and one of 1: example i's state is [i, 10 i] and [100 i].
    const st = new PersistentStates([3, 2, 1], 5);
    const write = Int32Array.from([3, 0, 4, 1, 2]);
    const h = tf.tensor2d(Array.from(write, (i) => [i, 10 * i]));
    const y = tf.tensor2d(Array.from(write, (i) => [100 * i]));
    st.scatter([h, y], write);
    const read = Int32Array.from([2, 4, 3]);
    const [gh, gy] = st.gather(tf, read);
    expect(Array.from(gh.dataSync())).toEqual([2, 20, 4, 40, 3, 30]);
    expect(Array.from(gy.dataSync())).toEqual([200, 400, 300]);
    disposeAll([h, y, gh, gy]);
  });

  it('a shuffled epoch visits every example once, in a new order each epoch', () => {
    const u = makeRng(7);
    const a = permutation(1000, u);
    const b = permutation(1000, u);
    expect(Array.from(a).sort((p, q) => p - q)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(b).sort((p, q) => p - q)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(a)).not.toEqual(Array.from(b));
    expect(a.filter((v, i) => v === i).length).toBeLessThan(10); // about one fixed point expected
  });
});

describe('training', () => {
  it('learns a separable toy problem with both rules', async () => {
    for (const form of ['eqprop', 'stdp'] as const) {
      const { res } = await trainSmall(form, 1, 15);
      expect(res.trainError[res.trainError.length - 1]).toBeLessThanOrEqual(0.05);
    }
  });

  it('does not leak tensors across epochs', async () => {
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    await trainSmall('stdp', 2, 4, () => counts.push(tf.memory().numTensors));
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    await trainSmall('eqprop', 2, 4, () => counts.push(tf.memory().numTensors));
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('same seed, same weights (noise and random β signs included)', async () => {
    const a = await trainSmall('eqprop', 3, 2);
    const b = await trainSmall('eqprop', 3, 2);
    expect(Array.from(a.w.W[0])).toEqual(Array.from(b.w.W[0]));
    expect(a.res.trainError).toEqual(b.res.trainError);
    const c = await trainSmall('eqprop', 4, 2);
    expect(Array.from(c.w.W[0])).not.toEqual(Array.from(a.w.W[0]));
  });
});
