// Each Bengio et al. 2015 node kind against numbers computed by hand (the arithmetic is in the
// comments). Tiny models with explicit weights; the plain JavaScript 'cpu' backend so that the
// numbers are exact to float32.
//
// Conventions of the runtime: rows are examples; a module computes act(x W + b) with W [in, out].
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as TF from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { initBackend } from '../nodes/runtime/backend.ts';
import type { Tf } from '../nodes/runtime/op.ts';
import { StopRequested, UserError } from '../nodes/runtime/op.ts';
import { type Activation, type ArchitectureSpec, DenseModule, HierarchicalModel, type ModuleSpec } from '../nodes/runtime/bengio2015/model.ts';
import { type InferenceSpec, infer, logJointSum } from '../nodes/runtime/bengio2015/inference.ts';
import { corrupt, randomMask } from '../nodes/runtime/bengio2015/corruption.ts';
import { LocalTrainer } from '../nodes/runtime/bengio2015/train.ts';
import { DiagonalGaussian, directedSample, fitPrior, generateChain, jdaeChain } from '../nodes/runtime/bengio2015/sample.ts';
import { parzenEvaluate, parzenLogLikelihood } from '../nodes/runtime/bengio2015/parzen.ts';
import { GaussianMixture, cholesky, fitMixture } from '../nodes/runtime/bengio2015/mixture.ts';
import { type DatasetValue, Samples, bengio2015Ops, inpaint, logpTrace } from '../nodes/runtime/bengio2015/ops.ts';
import { nodeDataDir } from '../nodes/runtime/data/mnist.ts';
import { runPlan } from '../nodes/runtime/engine.ts';
import type { RunEvent } from '../nodes/runtime/events.ts';
import type { OpImpl, OpTable } from '../nodes/runtime/op.ts';
import { compileGraph } from '../nodes/core/compiler.ts';
import { GRAPH_FORMAT, type GraphDocument } from '../nodes/core/document.ts';
import type { JsonObject } from '../nodes/core/json.ts';
import { flattenSteps, type Plan, type PlanStep } from '../nodes/core/plan.ts';
import { createRegistry } from '../nodes/kinds/index.ts';
import { fakeCtx } from './support/fake-ctx.ts';

let tf: Tf;
beforeAll(async () => {
  tf = (await initBackend('cpu')).tf;
});

// ---------------------------------------------------------------------------------------------
// helpers

const mod = (node: string, inUnits: number, outUnits: number, activation: Activation = 'linear', lr: number | null = null): ModuleSpec => ({
  node,
  inUnits,
  outUnits,
  activation,
  initGain: 1,
  lr,
});

function setWeights(m: DenseModule, W: number[][], b: number[]): void {
  const w = tf.tensor2d(W);
  const c = tf.tensor1d(b);
  m.W.assign(w);
  m.b.assign(c);
  // The variables now hold the data; these handles are not needed.
  w.dispose();
  c.dispose();
}

/**
 * The [2,2,1] model used throughout, every module linear:
 *   f1: W1 = [[1,0],[1,2]], b1 = [0,1]      f1(x)  = [x0 + x1, 2 x1 + 1]
 *   f2: W2 = [[1],[-1]],    b2 = [0.5]      f2(h1) = h1_0 - h1_1 + 0.5
 *   g1: V1 = [[0.5,0],[0,0.5]], c1 = 0      g1(h1) = 0.5 h1
 *   g2: V2 = [[2,1]],       c2 = 0          g2(h2) = [2 h2, h2]
 */
function model221(acts: { f?: Activation[]; g?: Activation[] } = {}): HierarchicalModel {
  const arch: ArchitectureSpec = {
    sizes: [2, 2, 1],
    encoders: [mod('f1', 2, 2, acts.f?.[0]), mod('f2', 2, 1, acts.f?.[1])],
    decoders: [mod('g1', 2, 2, acts.g?.[0]), mod('g2', 1, 2, acts.g?.[1])],
  };
  const m = new HierarchicalModel(tf, arch, 1);
  setWeights(m.f[0], [[1, 0], [1, 2]], [0, 1]);
  setWeights(m.f[1], [[1], [-1]], [0.5]);
  setWeights(m.g[0], [[0.5, 0], [0, 0.5]], [0, 0]);
  setWeights(m.g[1], [[2, 1]], [0, 0]);
  return m;
}

const values = (t: TF.Tensor): number[] => Array.from(t.dataSync());

function expectClose(actual: ArrayLike<number>, expected: number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i], `entry ${i}: ${Array.from(actual)}`).toBeCloseTo(expected[i], digits);
}

const tp = (o: Partial<InferenceSpec> = {}): InferenceSpec => ({ method: 'targetprop', steps: 1, delta: 0.5, alpha: 0.25, noise: 0, ...o });

function dataset(rows: number[][], name = 'd'): DatasetValue {
  const dim = rows[0]?.length ?? 784;
  return { images: Float32Array.from(rows.flat()), labels: new Uint8Array(rows.length), n: rows.length, dim, name };
}

/** Runs fn and checks it left exactly `extra` more tensors alive than before. */
async function leaves<T>(extra: number, fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const r = await fn();
  expect(tf.memory().numTensors - before, 'tensors left behind').toBe(extra);
  return r;
}

const disposeAll = (ts: TF.Tensor[]): void => ts.forEach((t) => t.dispose());

/** Names of the tfjs variables alive now (every module owns two: W and b). */
const variableNames = (): string[] => Object.keys((tf.engine() as unknown as { state: { registeredVariables: Record<string, unknown> } }).state.registeredVariables).sort();

// ---------------------------------------------------------------------------------------------

describe('layers.encoder / layers.decoder: act(x W + b)', () => {
  // W = [[1,-2],[0.5,1]], b = [0.1,-0.3], x = [1,2]:
  //   z0 = 1*1 + 2*0.5 + 0.1 = 2.1        z1 = 1*(-2) + 2*1 - 0.3 = -0.3
  const cases: [Activation, number[]][] = [
    ['linear', [2.1, -0.3]],
    ['relu', [2.1, 0]], // max(0, z)
    ['softplus', [2.2155195, 0.5543552]], // ln(1 + e^2.1) = ln(9.16617) = 2.21552;  ln(1 + e^-0.3) = ln(1.74082) = 0.55436
    ['sigmoid', [0.8909032, 0.4255575]], // 1/(1 + e^-2.1) = 1/1.12246 = 0.89090;  1/(1 + e^0.3) = 1/2.34986 = 0.42556
    ['tanh', [0.9704519, -0.2913126]], // tanh(2.1) = 0.97045;  tanh(-0.3) = -0.29131
  ];
  for (const [act, want] of cases) {
    it(`${act}`, () => {
      const m = new DenseModule(tf, mod(`enc_${act}`, 2, 2, act), 3);
      setWeights(m, [[1, -2], [0.5, 1]], [0.1, -0.3]);
      const x = tf.tensor2d([[1, 2]]);
      const y = m.apply(x);
      expectClose(values(y), want);
      disposeAll([x, y]);
      m.dispose();
    });
  }

  it('a batch of rows is mapped row by row', () => {
    const m = new DenseModule(tf, mod('enc_rows', 2, 1, 'relu'), 3);
    setWeights(m, [[1], [-1]], [0]);
    // rows [3,1] -> relu(2) = 2; [1,3] -> relu(-2) = 0; [0,0] -> 0
    const x = tf.tensor2d([[3, 1], [1, 3], [0, 0]]);
    const y = m.apply(x);
    expect(y.shape).toEqual([3, 1]);
    expectClose(values(y), [2, 0, 0]);
    disposeAll([x, y]);
    m.dispose();
  });

  it('initialisation: Glorot uniform scale times the gain, zero biases, seeded', () => {
    const spec = { ...mod('init', 4, 2, 'softplus'), initGain: 0.5 };
    // scale = 0.5 * sqrt(6 / (4 + 2)) = 0.5
    const a = new DenseModule(tf, spec, 9);
    const b = new DenseModule(tf, spec, 9);
    const w = values(a.W);
    expect(w).toHaveLength(8);
    for (const v of w) expect(Math.abs(v)).toBeLessThanOrEqual(0.5);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.05);
    expect(values(a.b)).toEqual([0, 0]);
    expect(values(b.W)).toEqual(w);
    a.dispose();
    b.dispose();
  });

  it('a model created and disposed leaves no tensor behind (its initial values included)', async () => {
    await leaves(0, () => {
      const m = model221();
      m.dispose();
    });
    await leaves(0, () => {
      const m = model221();
      const c = m.clone(2);
      c.dispose();
      m.dispose();
    });
  });
});

describe('infer.iterative, targetprop (Algorithm 2)', () => {
  it('the feedforward pass is t = 0', () => {
    const m = model221();
    // x = [1,1]: h1 = f1(x) = [1+1, 2*1+1] = [2,3];  h2 = f2(h1) = 2 - 3 + 0.5 = -0.5
    const x = tf.tensor2d([[1, 1]]);
    const hs = infer(tf, m, x, tp({ steps: 0 }));
    expectClose(values(hs[0]), [2, 3]);
    expectClose(values(hs[1]), [-0.5]);
    disposeAll([x, ...hs]);
    m.dispose();
  });

  it('one step: the top layer first, then h1 using the new h2', async () => {
    const m = model221();
    const x = tf.tensor2d([[1, 1]]);
    // delta = 0.5, alpha = 0.25; start h1 = [2,3], h2 = -0.5.
    // h2 += delta (f2(h1) - f2(g2(h2))):  g2(-0.5) = [-1,-0.5]; f2([-1,-0.5]) = -1 + 0.5 + 0.5 = 0
    //   h2' = -0.5 + 0.5 * (-0.5 - 0) = -0.75
    // h1 += delta (f1(x) - f1(g1(h1))) + alpha (g2(h2') - h1):
    //   g1(h1) = [1,1.5]; f1([1,1.5]) = [2.5, 4]; f1(x) - that = [-0.5,-1]; * 0.5 = [-0.25,-0.5]
    //   g2(h2') = [-1.5,-0.75]; - h1 = [-3.5,-3.75]; * 0.25 = [-0.875,-0.9375]
    //   h1' = [2 - 0.25 - 0.875, 3 - 0.5 - 0.9375] = [0.875, 1.5625]
    // (with the OLD h2 the pull would be 0.25 * ([-1,-0.5] - [2,3]) = [-0.75,-0.875], h1' = [1, 1.625])
    const hs = await leaves(2, () => infer(tf, m, x, tp()));
    expectClose(values(hs[1]), [-0.75]);
    expectClose(values(hs[0]), [0.875, 1.5625]);
    expect(values(hs[0])[0]).not.toBeCloseTo(1, 3);
    disposeAll([x, ...hs]);
    m.dispose();
  });

  it('two steps', () => {
    const m = model221();
    const x = tf.tensor2d([[1, 1]]);
    // From h1 = [0.875, 1.5625], h2 = -0.75:
    //   f2(h1) = 0.875 - 1.5625 + 0.5 = -0.1875; f2(g2(-0.75)) = f2([-1.5,-0.75]) = -0.25
    //   h2'' = -0.75 + 0.5 * 0.0625 = -0.71875
    //   g1(h1) = [0.4375, 0.78125]; f1(that) = [1.21875, 2.5625]; f1(x) - that = [0.78125, 0.4375]; * 0.5 = [0.390625, 0.21875]
    //   g2(h2'') = [-1.4375, -0.71875]; - h1 = [-2.3125, -2.28125]; * 0.25 = [-0.578125, -0.5703125]
    //   h1'' = [0.875 + 0.390625 - 0.578125, 1.5625 + 0.21875 - 0.5703125] = [0.6875, 1.2109375]
    const hs = infer(tf, m, x, tp({ steps: 2 }));
    expectClose(values(hs[1]), [-0.71875]);
    expectClose(values(hs[0]), [0.6875, 1.2109375]);
    disposeAll([x, ...hs]);
    m.dispose();
  });

  it('onStep sees t = 0..N; the options override steps and alpha', () => {
    const m = model221();
    const x = tf.tensor2d([[1, 1]]);
    const seen: number[] = [];
    const hs = infer(tf, m, x, tp({ steps: 7, alpha: 99 }), { steps: 1, alpha: 0.25, onStep: (t) => seen.push(t) });
    expect(seen).toEqual([0, 1]);
    expectClose(values(hs[0]), [0.875, 1.5625]);
    disposeAll([x, ...hs]);
    m.dispose();
  });
});

describe('infer.iterative, exact gradient (Algorithm 1)', () => {
  it('one step h += delta dJ/dh with J = log p(x,h) + alpha log q(h|x)', async () => {
    const m = model221();
    const x = tf.tensor2d([[1, 1]]);
    // Start away from the feedforward pass so every term counts: h1 = [1,2], h2 = 0.5; alpha = 0.5, delta = 0.1.
    // J = -1/2 (||x - g1(h1)||^2 + ||h1 - g2(h2)||^2 + alpha ||h1 - f1(x)||^2 + alpha ||h2 - f2(h1)||^2)
    // dJ/dh1 = (x - g1(h1)) V1^T - (h1 - g2(h2)) - alpha (h1 - f1(x)) + alpha (h2 - f2(h1)) W2^T
    //   x - g1(h1) = [1,1] - [0.5,1] = [0.5,0];  * V1^T (0.5 I) = [0.25, 0]
    //   h1 - g2(h2) = [1,2] - [1,0.5] = [0,1.5]
    //   h1 - f1(x) = [1,2] - [2,3] = [-1,-1];  * alpha = [-0.5,-0.5]
    //   h2 - f2(h1) = 0.5 - (1 - 2 + 0.5) = 1;  * alpha * W2^T = 0.5 * [1,-1] = [0.5,-0.5]
    //   dJ/dh1 = [0.25 - 0 + 0.5 + 0.5, 0 - 1.5 + 0.5 - 0.5] = [1.25, -1.5]
    // dJ/dh2 = (h1 - g2(h2)) V2^T - alpha (h2 - f2(h1)) = [0,1.5].[2,1] - 0.5 * 1 = 1.5 - 0.5 = 1
    // h1' = [1 + 0.125, 2 - 0.15] = [1.125, 1.85];  h2' = 0.5 + 0.1 = 0.6
    const init = [tf.tensor2d([[1, 2]]), tf.tensor2d([[0.5]])];
    const hs = await leaves(2, () => infer(tf, m, x, { method: 'exact', steps: 1, delta: 0.1, alpha: 0.5, noise: 0 }, { init }));
    expectClose(values(hs[0]), [1.125, 1.85]);
    expectClose(values(hs[1]), [0.6]);
    // init is copied, not consumed
    expectClose(values(init[0]), [1, 2]);
    disposeAll([x, ...hs, ...init]);
    m.dispose();
  });

  it('at the feedforward pass with alpha = 0 the step follows log p(x,h) only', () => {
    const m = model221();
    const x = tf.tensor2d([[1, 1]]);
    // h1 = [2,3], h2 = -0.5 (feedforward), alpha = 0, delta = 0.1
    // dJ/dh1 = (x - g1(h1)) V1^T - (h1 - g2(h2)) = ([1,1] - [1,1.5]) * 0.5 - ([2,3] - [-1,-0.5]) = [0,-0.25] - [3,3.5] = [-3,-3.75]
    // dJ/dh2 = (h1 - g2(h2)) V2^T = [3,3.5].[2,1] = 9.5
    // h1' = [2 - 0.3, 3 - 0.375] = [1.7, 2.625]; h2' = -0.5 + 0.95 = 0.45
    const hs = infer(tf, m, x, { method: 'exact', steps: 1, delta: 0.1, alpha: 0, noise: 0 });
    expectClose(values(hs[0]), [1.7, 2.625]);
    expectClose(values(hs[1]), [0.45]);
    disposeAll([x, ...hs]);
    m.dispose();
  });
});

describe('infer.iterative with injected noise', () => {
  for (const method of ['targetprop', 'exact'] as const) {
    it(`${method}: same seed, same numbers; another seed, other numbers`, () => {
      const m = model221();
      const x = tf.tensor2d([[1, 1], [0, 2]]);
      const spec: InferenceSpec = { method, steps: 3, delta: 0.1, alpha: 0.01, noise: 0.2 };
      const run = (seed: number): number[] => {
        const hs = infer(tf, m, x, spec, { seed });
        const v = [...values(hs[0]), ...values(hs[1])];
        disposeAll(hs);
        return v;
      };
      const a = run(5);
      expect(run(5)).toEqual(a);
      const b = run(6);
      expect(b).not.toEqual(a);
      const still = infer(tf, m, x, { ...spec, noise: 0 }, { seed: 5 });
      expect([...values(still[0]), ...values(still[1])]).not.toEqual(a);
      disposeAll([x, ...still]);
      m.dispose();
    });
  }
});

describe('infer.iterative with visible pixels clamped (in-painting)', () => {
  it('targetprop: the bottom-up term sees the visible pixels and g1(h1) in the missing ones', () => {
    const m = model221();
    // Pixel 0 visible, pixel 1 missing. Observed image [3, 7]; the 7 must not matter.
    // Start h1 = [2,3], h2 = -0.5 (init). delta = 0.5, alpha = 0.25.
    //   h2' = -0.75 (as unclamped: the top layer does not look at x)
    //   x_in = mask * x_obs + (1 - mask) * g1(h1) = [3, 1.5]; f1(x_in) = [3 + 1.5, 2*1.5 + 1] = [4.5, 4]
    //   f1(g1(h1)) = f1([1,1.5]) = [2.5, 4]; difference [2, 0]; * 0.5 = [1, 0]
    //   pull 0.25 * (g2(h2') - h1) = [-0.875, -0.9375]
    //   h1' = [2 + 1 - 0.875, 3 + 0 - 0.9375] = [2.125, 2.0625]
    const mask = tf.tensor2d([[1, 0]]);
    const run = (obs: number[]): number[][] => {
      const xo = tf.tensor2d([obs]);
      const init = [tf.tensor2d([[2, 3]]), tf.tensor2d([[-0.5]])];
      const hs = infer(tf, m, xo, tp(), { init, clamp: { x: xo, mask } });
      const out = [values(hs[0]), values(hs[1])];
      disposeAll([xo, ...init, ...hs]);
      return out;
    };
    const [h1, h2] = run([3, 7]);
    expectClose(h1, [2.125, 2.0625]);
    expectClose(h2, [-0.75]);
    // The missing pixel's observed value is ignored; a visible pixel's is not.
    expect(run([3, -100])).toEqual([h1, h2]);
    expect(run([4, 7])[0]).not.toEqual(h1);
    mask.dispose();
    m.dispose();
  });

  it('exact: only the visible pixels enter log p(x|h)', () => {
    const m = model221();
    const mask = tf.tensor2d([[1, 0]]);
    const run = (obs: number[]): number[] => {
      const xo = tf.tensor2d([obs]);
      const init = [tf.tensor2d([[1, 2]]), tf.tensor2d([[0.5]])];
      const hs = infer(tf, m, xo, { method: 'exact', steps: 2, delta: 0.1, alpha: 0.1, noise: 0 }, { init, clamp: { x: xo, mask } });
      const out = [...values(hs[0]), ...values(hs[1])];
      disposeAll([xo, ...init, ...hs]);
      return out;
    };
    const a = run([3, 7]);
    expect(run([3, -100])).toEqual(a);
    expect(run([4, 7])).not.toEqual(a);
    mask.dispose();
    m.dispose();
  });
});

describe('corrupt.gaussian', () => {
  it('sigma 0 is the identity (a copy the caller may dispose)', () => {
    const h = tf.tensor2d([[0.1, -2], [3, 4]]);
    const c = corrupt(tf, h, { kind: 'gaussian', sigma: 0 }, 1);
    expect(c).not.toBe(h);
    expect(values(c)).toEqual(values(h));
    c.dispose();
    expect(values(h)).toEqual(values(tf.tensor2d([[0.1, -2], [3, 4]])));
    h.dispose();
  });

  it('noise has mean 0 and standard deviation sigma, and is seeded', async () => {
    const h = tf.fill([400, 50], 2) as TF.Tensor2D;
    const c = await leaves(1, () => corrupt(tf, h, { kind: 'gaussian', sigma: 0.5 }, 7));
    const d = values(c).map((v) => v - 2);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1));
    // 20,000 draws: the standard error of the mean is 0.5 / 141 = 0.0035, of the sd about 0.0025.
    expect(Math.abs(mean)).toBeLessThan(0.015);
    expect(sd).toBeGreaterThan(0.49);
    expect(sd).toBeLessThan(0.51);
    const again = corrupt(tf, h, { kind: 'gaussian', sigma: 0.5 }, 7);
    const other = corrupt(tf, h, { kind: 'gaussian', sigma: 0.5 }, 8);
    expect(values(again)).toEqual(values(c));
    expect(values(other)).not.toEqual(values(c));
    disposeAll([h, c, again, other]);
  });

  it('no corruption wired is a copy', () => {
    const h = tf.tensor2d([[1, 2]]);
    const c = corrupt(tf, h, undefined, 1);
    expect(c).not.toBe(h);
    expect(values(c)).toEqual([1, 2]);
    disposeAll([h, c]);
  });
});

describe('corrupt.spike: the mean of k Bernoulli samples with p = clip(h, 0, 1)', () => {
  it('values are multiples of 1/k, clipped ends are exact, the mean is p', async () => {
    const rows = 3000;
    // columns: h = -0.5 (clipped to p = 0), 0, 0.3, 1, 1.7 (clipped to p = 1)
    const h = tf.tile(tf.tensor2d([[-0.5, 0, 0.3, 1, 1.7]]), [rows, 1]) as TF.Tensor2D;
    const k = 3;
    const c = await leaves(1, () => corrupt(tf, h, { kind: 'spike', samples: k }, 11));
    const v = values(c);
    for (const x of v) expect(Math.abs(x * k - Math.round(x * k))).toBeLessThan(1e-5);
    const col = (j: number): number[] => v.filter((_, i) => i % 5 === j);
    expect(new Set(col(0))).toEqual(new Set([0]));
    expect(new Set(col(1))).toEqual(new Set([0]));
    expect(new Set(col(3)).size).toBe(1);
    expect(col(3)[0]).toBeCloseTo(1, 6);
    expect(col(4)[0]).toBeCloseTo(1, 6);
    const p = col(2);
    const mean = p.reduce((a, b) => a + b, 0) / rows;
    // sd of one value = sqrt(0.3 * 0.7 / 3) = 0.265; of the mean of 3000: 0.0048
    expect(mean).toBeGreaterThan(0.28);
    expect(mean).toBeLessThan(0.32);
    // all four levels 0, 1/3, 2/3, 1 occur
    expect(new Set(p.map((x) => Math.round(x * 3))).size).toBe(4);
    disposeAll([h, c]);
  });

  it('k = 1 gives 0/1 spikes', () => {
    const h = tf.fill([100, 4], 0.5) as TF.Tensor2D;
    const c = corrupt(tf, h, { kind: 'spike', samples: 1 }, 3);
    expect(new Set(values(c))).toEqual(new Set([0, 1]));
    disposeAll([h, c]);
  });
});

describe('corrupt.mask', () => {
  it('hides exactly round(fraction * D) pixels in every row, a new mask per row', () => {
    // D = 20, fraction 0.25 -> 5 hidden pixels per row
    const { mask } = randomMask(tf, [6, 20], 0.25, 99);
    const v = values(mask);
    const rows = Array.from({ length: 6 }, (_, r) => v.slice(r * 20, (r + 1) * 20));
    for (const row of rows) {
      expect(row.filter((x) => x === 0)).toHaveLength(5);
      expect(row.filter((x) => x === 1)).toHaveLength(15);
    }
    expect(new Set(rows.map((r) => r.join(''))).size).toBeGreaterThan(1);
    mask.dispose();
  });

  it('fill zero: visible pixels keep their value, hidden ones are 0; fill noise: hidden ones in [0,1)', () => {
    const x = tf.fill([4, 10], 5) as TF.Tensor2D;
    const z = corrupt(tf, x, { kind: 'mask', fraction: 0.3, fill: 'zero' }, 4);
    const zv = values(z);
    for (let r = 0; r < 4; r++) {
      const row = zv.slice(r * 10, r * 10 + 10);
      expect(row.filter((v) => v === 0)).toHaveLength(3);
      expect(row.filter((v) => v === 5)).toHaveLength(7);
    }
    const n = corrupt(tf, x, { kind: 'mask', fraction: 0.3, fill: 'noise' }, 4);
    const nv = values(n);
    // same seed, same mask: the hidden pixels are the zeros of the fill-zero version
    for (let i = 0; i < nv.length; i++) {
      if (zv[i] === 5) expect(nv[i]).toBe(5);
      else expect(nv[i] >= 0 && nv[i] < 1).toBe(true);
    }
    disposeAll([x, z, n]);
  });

  it('fraction 0 hides nothing and fraction 1 hides everything', () => {
    const none = randomMask(tf, [2, 8], 0, 1).mask;
    const all = randomMask(tf, [2, 8], 1, 1).mask;
    expect(values(none).every((v) => v === 1)).toBe(true);
    expect(values(all).every((v) => v === 0)).toBe(true);
    disposeAll([none, all]);
  });
});

describe('DenseModule.localGradients: the M-step gradient of (1/B) sum ||act(x W + b) - t||^2, written out', () => {
  // dz = 2 (y - t) act'(z) / B;  dW = x^T dz;  db = sum over rows of dz
  const cases: { act: Activation; x: number[][]; W: number[][]; b: number[]; t: number[][]; loss: number; dW: number[]; db: number[] }[] = [
    // z = 0, y = sigmoid(0) = 0.5, t = 1: loss 0.25; dz = 2 (-0.5) (0.5 * 0.5) = -0.25
    { act: 'sigmoid', x: [[1]], W: [[0]], b: [0], t: [[1]], loss: 0.25, dW: [-0.25], db: [-0.25] },
    // z = 0, y = ln 2 = 0.693147, t = 0: loss 0.480453; softplus'(0) = sigmoid(0) = 0.5; dz = 2 * 0.693147 * 0.5
    { act: 'softplus', x: [[1]], W: [[0]], b: [0], t: [[0]], loss: 0.4804530, dW: [0.6931472], db: [0.6931472] },
    // x = 2, W = 0.5: z = 1, y = tanh 1 = 0.761594, t = 0: loss 0.580026; tanh' = 1 - y^2 = 0.419974
    //   dz = 2 * 0.761594 * 0.419974 = 0.639700; dW = 2 * dz = 1.279400
    { act: 'tanh', x: [[2]], W: [[0.5]], b: [0], t: [[0]], loss: 0.5800257, dW: [1.2794000], db: [0.6397000] },
    // two rows x = 1, -1; W = 2, b = -1: z = 1, -3; y = 1, 0; t = 0, 5: loss (1 + 25) / 2 = 13
    //   dz = [2 * 1 * 1 / 2, 2 * (-5) * 0 / 2] = [1, 0] (no gradient where the unit is off); dW = 1*1 + (-1)*0 = 1; db = 1
    { act: 'relu', x: [[1], [-1]], W: [[2]], b: [-1], t: [[0], [5]], loss: 13, dW: [1], db: [1] },
    // x = [1,2], W = [1,1]: y = 3, t = 1: loss 4; dz = 2 * 2 = 4; dW = [4, 8]; db = 4
    { act: 'linear', x: [[1, 2]], W: [[1], [1]], b: [0], t: [[1]], loss: 4, dW: [4, 8], db: [4] },
  ];
  for (const c of cases) {
    it(`${c.act} by hand`, async () => {
      const m = new DenseModule(tf, mod(`lg_${c.act}`, c.x[0].length, 1, c.act), 1);
      setWeights(m, c.W, c.b);
      const x = tf.tensor2d(c.x);
      const t = tf.tensor2d(c.t);
      const { loss, grads } = await leaves(3, () => m.localGradients(x, t));
      expect(loss.dataSync()[0]).toBeCloseTo(c.loss, 5);
      expectClose(values(grads[m.W.name]), c.dW);
      expectClose(values(grads[m.b.name]), c.db);
      disposeAll([x, t, loss, ...Object.values(grads)]);
      m.dispose();
    });
  }

  it('agrees with autodiff for every activation on a random batch', () => {
    for (const act of ['softplus', 'sigmoid', 'tanh', 'relu', 'linear'] as const) {
      const m = new DenseModule(tf, mod(`lg_auto_${act}`, 3, 2, act), 17);
      setWeights(m, m.W.arraySync() as number[][], [0.2, -0.1]);
      const x = tf.randomNormal([4, 3], 0, 1, 'float32', 5) as TF.Tensor2D;
      const t = tf.randomUniform([4, 2], 0, 1, 'float32', 6) as TF.Tensor2D;
      const mine = m.localGradients(x, t);
      const auto = tf.variableGrads(() => tf.div(tf.sum(tf.squaredDifference(m.apply(x), t)), 4) as TF.Scalar, m.variables());
      expect(mine.loss.dataSync()[0]).toBeCloseTo(auto.value.dataSync()[0], 5);
      for (const v of m.variables()) expectClose(values(mine.grads[v.name]), values(auto.grads[v.name]), 5);
      disposeAll([x, t, mine.loss, auto.value, ...Object.values(mine.grads), ...Object.values(auto.grads)]);
      m.dispose();
    }
  });
});

describe('train.local: one LocalTrainer step', () => {
  /**
   * A [2,1] model, linear: f1: W = [[1],[0.5]], b = 0; g1: V = [[1,1]], c = 0.
   * x = [[2,0],[0,1]] (batch of 2). Inference: targetprop, 1 step, delta 0.5 (one layer: no alpha term).
   */
  function setup(glr: number | null): HierarchicalModel {
    const m = new HierarchicalModel(tf, { sizes: [2, 1], encoders: [mod('f1', 2, 1)], decoders: [mod('g1', 1, 2, 'linear', glr)] }, 1);
    setWeights(m.f[0], [[1], [0.5]], [0]);
    setWeights(m.g[0], [[1, 1]], [0, 0]);
    return m;
  }

  /** Plain SGD at lr 0.1 over the batch of 2, one targetprop step of delta 0.5, no warm-up or corruption unless given. */
  const sgdTrainer = (m: HierarchicalModel, o: Partial<ConstructorParameters<typeof LocalTrainer>[2]> = {}): LocalTrainer =>
    new LocalTrainer(tf, m, { epochs: 1, batchSize: 2, optimizer: 'sgd', lr: 0.1, warmupBatches: 0, inference: { method: 'targetprop', steps: 1, delta: 0.5, alpha: 0, noise: 0 }, corruption: {}, ...o });

  it('SGD equals the hand-computed gradient step of each module, each on its own loss', () => {
    const m = setup(0.2);
    const x = tf.tensor2d([[2, 0], [0, 1]]);
    // E-step: h1 = f1(x) = [[2],[0.5]]; g1(h1) = [[2,2],[0.5,0.5]]; f1(g1(h1)) = [[3],[0.75]]
    //   h1' = h1 + 0.5 (f1(x) - f1(g1(h1))) = [[2 - 0.5],[0.5 - 0.125]] = [[1.5],[0.375]]
    // g1 on ||g1(h1') - x||^2, mean over the batch (B = 2), its own lr 0.2:
    //   R = g1(h1') - x = [[1.5-2, 1.5-0],[0.375-0, 0.375-1]] = [[-0.5,1.5],[0.375,-0.625]]
    //   loss = (0.25 + 2.25 + 0.140625 + 0.390625) / 2 = 1.515625
    //   dV = (2/B) h1'^T R = [1.5*-0.5 + 0.375*0.375, 1.5*1.5 + 0.375*-0.625] = [-0.609375, 2.015625]
    //   dc = (2/B) sum_rows R = [-0.125, 0.875]
    //   V = [1,1] - 0.2 dV = [1.121875, 0.596875];  c = [0.025, -0.175]
    // f1 on ||f1(x) - h1'||^2 with the trainer's lr 0.1:
    //   R = f1(x) - h1' = [[0.5],[0.125]];  loss = (0.25 + 0.015625) / 2 = 0.1328125
    //   dW = (2/B) x^T R = [2*0.5 + 0, 0 + 1*0.125] = [1, 0.125];  db = 0.625
    //   W = [1 - 0.1, 0.5 - 0.0125] = [0.9, 0.4875];  b = -0.0625
    const trainer = sgdTrainer(m);
    trainer.step(x, 3);
    expectClose(values(m.g[0].W), [1.121875, 0.596875]);
    expectClose(values(m.g[0].b), [0.025, -0.175]);
    expectClose(values(m.f[0].W), [0.9, 0.4875]);
    expectClose(values(m.f[0].b), [-0.0625]);
    const losses = trainer.takeLosses();
    expect(Object.keys(losses).sort()).toEqual(['f1', 'g1']);
    expect(losses.g1).toBeCloseTo(1.515625, 5);
    expect(losses.f1).toBeCloseTo(0.1328125, 5);
    trainer.dispose();
    x.dispose();
    m.dispose();
  });

  it('corruption goes on the input of each module, not on its target: ~x = 0 (every pixel masked to 0) for f1', () => {
    const m = setup(0.2);
    const x = tf.tensor2d([[2, 0], [0, 1]]);
    const trainer = sgdTrainer(m, { corruption: { 0: { kind: 'mask', fraction: 1, fill: 'zero' } } });
    trainer.step(x, 3);
    // Inference sees the clean x: h1' = [[1.5],[0.375]] as above, so g1 (input h1', target the clean x) moves as above.
    expectClose(values(m.g[0].W), [1.121875, 0.596875]);
    // f1 on ||f1(~x) − h1'||² with ~x = 0: f1(0) = b = 0, R = −h1' = [[−1.5],[−0.375]]; dW = (2/B) ~xᵀR = 0;
    // db = (2/B)(−1.875) = −1.875, so b = 0 + 0.1·1.875 = 0.1875; loss = (2.25 + 0.140625)/2 = 1.1953125.
    expectClose(values(m.f[0].W), [1, 0.5]);
    expectClose(values(m.f[0].b), [0.1875]);
    expect(trainer.takeLosses().f1).toBeCloseTo(1.1953125, 5);
    trainer.dispose();
    x.dispose();
    m.dispose();
  });

  it('during warm-up the targets are the feedforward pass, so an encoder without corruption does not move', () => {
    const m = setup(0.2);
    const x = tf.tensor2d([[2, 0], [0, 1]]);
    const trainer = sgdTrainer(m, { warmupBatches: 1 });
    trainer.step(x, 3);
    // h1 = f1(x): the f1 loss ||f1(x) - h1||^2 is 0 and so is its gradient.
    expectClose(values(m.f[0].W), [1, 0.5]);
    expectClose(values(m.f[0].b), [0]);
    // g1 still learns: R = g1(h1) - x = [[0,2],[0.5,-0.5]]; dV = [2*0 + 0.5*0.5, 2*2 + 0.5*-0.5] = [0.25, 3.75]
    //   V = [1 - 0.05, 1 - 0.75] = [0.95, 0.25]
    expectClose(values(m.g[0].W), [0.95, 0.25]);
    expect(trainer.takeLosses().f1).toBe(0);
    trainer.dispose();
    x.dispose();
    m.dispose();
  });

  it('two layers by hand: f_l learns ~h_{l−1} → h_l and g_l learns ~h_l → clean h_{l−1}, with spike corruption of x, h1 and h2', () => {
    // model221 (all linear): f1(x) = [x0 + x1, 2 x1 + 1], f2(h1) = h1_0 − h1_1 + 0.5, g1(h1) = 0.5 h1, g2(h2) = [2 h2, h2].
    // x = [3, −1], a batch of 1, SGD at lr 0.1. Spike corruption of every layer: the mean of 3 Bernoulli draws with
    // p = clip(h, 0, 1), exact where h ≥ 1 (always 1) or h ≤ 0 (always 0); every value here is one or the other.
    // Each module: y = act(in W + b), dz = 2(y − target) (B = 1), W −= 0.1 inᵀdz, b −= 0.1 dz.
    const corruption = { 0: { kind: 'spike', samples: 3 }, 1: { kind: 'spike', samples: 3 }, 2: { kind: 'spike', samples: 3 } } as const;
    const check = (o: { warmupBatches: number }, want: { f1: number[][]; g1: number[][]; f2: number[][]; g2: number[][] }) => {
      const m = model221();
      const x = tf.tensor2d([[3, -1]]);
      const trainer = new LocalTrainer(tf, m, { epochs: 1, batchSize: 1, optimizer: 'sgd', lr: 0.1, inference: tp({ steps: 1, delta: 0.5, alpha: 0.25 }), corruption, ...o });
      trainer.step(x, 3);
      for (const [name, mod] of [['f1', m.f[0]], ['g1', m.g[0]], ['f2', m.f[1]], ['g2', m.g[1]]] as const) {
        expectClose(values(mod.W), want[name][0], 6);
        expectClose(values(mod.b), want[name][1], 6);
      }
      trainer.dispose();
      x.dispose();
      m.dispose();
    };
    // Warm-up (targets = the feedforward pass): h1 = f1(x) = [2, −1], h2 = f2(h1) = 3.5; ~x = [1, 0], ~h1 = [1, 0], ~h2 = 1.
    //   f1: in ~x = [1, 0], target h1 = [2, −1]: y = [1, 1], dz = [−2, 4]: W = [[1.2, −0.4], [1, 2]], b = [0.2, 0.6]
    //   g1: in ~h1 = [1, 0], target x = [3, −1]: y = [0.5, 0], dz = [−5, 2]: V = [[1, −0.2], [0, 0.5]], c = [0.5, −0.2]
    //   f2: in ~h1 = [1, 0], target h2 = 3.5: y = 1.5, dz = −4: W = [[1.4], [−1]], b = 0.9
    //   g2: in ~h2 = 1, target h1 = [2, −1]: y = [2, 1], dz = [0, 4]: V = [[2, 0.6]], c = [0, −0.4]
    // (g2 trained toward ~h1 = [1, 0] would give dz = [2, 2], V = [[1.8, 0.8]]; fed the clean h2 = 3.5, y = [7, 3.5].)
    check({ warmupBatches: 1 }, {
      f1: [[1.2, -0.4, 1, 2], [0.2, 0.6]],
      g1: [[1, -0.2, 0, 0.5], [0.5, -0.2]],
      f2: [[1.4, -1], [0.9]],
      g2: [[2, 0.6], [0, -0.4]],
    });
    // After warm-up the targets are one inference step from there (δ 0.5, α 0.25):
    //   h2 += 0.5 (f2(h1) − f2(g2(h2))) = 3.5 + 0.5 (3.5 − f2([7, 3.5]) = 4) = 3.25
    //   h1 += 0.5 (f1(x) − f1(g1(h1))) + 0.25 (g2(h2') − h1): g1(h1) = [1, −0.5], f1 of it = [0.5, 0]; 0.5·([2, −1] − [0.5, 0]) = [0.75, −0.5];
    //        0.25·([6.5, 3.25] − [2, −1]) = [1.125, 1.0625]; h1' = [3.875, −0.4375]. Corrupted: still ~h1 = [1, 0], ~h2 = 1.
    //   f1: target [3.875, −0.4375]: dz = 2([1, 1] − h1') = [−5.75, 2.875]: W = [[1.575, −0.2875], [1, 2]], b = [0.575, 0.7125]
    //   g1: as in warm-up (its target is x)
    //   f2: target 3.25: dz = 2(1.5 − 3.25) = −3.5: W = [[1.35], [−1]], b = 0.85
    //   g2: target h1' = [3.875, −0.4375]: dz = 2([2, 1] − h1') = [−3.75, 2.875]: V = [[2.375, 0.7125]], c = [0.375, −0.2875]
    check({ warmupBatches: 0 }, {
      f1: [[1.575, -0.2875, 1, 2], [0.575, 0.7125]],
      g1: [[1, -0.2, 0, 0.5], [0.5, -0.2]],
      f2: [[1.35, -1], [0.85]],
      g2: [[2.375, 0.7125], [0.375, -0.2875]],
    });
  });

  it('leaves no tensor behind once disposed (Adam state included)', async () => {
    const m = model221();
    const x = tf.tensor2d([[1, 1], [0, 2], [1, 0]]);
    await leaves(0, () => {
      const trainer = new LocalTrainer(tf, m, {
        epochs: 1,
        batchSize: 3,
        optimizer: 'adam',
        lr: 0.01,
        warmupBatches: 0,
        inference: tp({ steps: 2 }),
        corruption: { 0: { kind: 'gaussian', sigma: 0.1 }, 2: { kind: 'spike', samples: 3 } },
      });
      for (let i = 0; i < 3; i++) trainer.step(x, i);
      trainer.takeLosses();
      trainer.step(x, 9);
      trainer.dispose();
    });
    x.dispose();
    m.dispose();
  });
});

describe('prior.gaussian', () => {
  /** [2,1] linear, W = [[1],[2]], b = 0: h = x0 + 2 x1. */
  function lin21(): HierarchicalModel {
    const m = new HierarchicalModel(tf, { sizes: [2, 1], encoders: [mod('f1', 2, 1)], decoders: [mod('g1', 1, 2)] }, 1);
    setWeights(m.f[0], [[1], [2]], [0]);
    return m;
  }

  it('mean and variance of the top layer, variance times the scale', async () => {
    const m = lin21();
    // x = [1,0],[0,1],[1,1] -> h = 1, 2, 3: mean 2; variance ((1-2)^2 + 0 + (3-2)^2) / 3 = 2/3; x 4 = 8/3
    const data = dataset([[1, 0], [0, 1], [1, 1]]);
    const prior = await leaves(2, () => fitPrior(tf, m, data, { source: 'feedforward', inference: null, varianceScale: 4, batchSize: 2, seed: 1 }));
    expectClose(values(prior.mean), [2]);
    expectClose(values(prior.variance), [8 / 3]);
    prior.dispose();
    m.dispose();
  });

  it('the op: limit takes the first N examples; inference with 0 steps is the feedforward pass', async () => {
    const m = lin21();
    const data = dataset([[1, 0], [0, 1], [1, 1]]);
    const ctx = fakeCtx(tf);
    // limit 2: h = 1, 2 -> mean 1.5, variance 0.25; x 4 = 1
    const { prior } = (await bengio2015Ops['prior.gaussian'](ctx, { model: m, data, inference: tp({ steps: 0 }) }, { varianceScale: 4, limit: 2, covariance: 'diagonal', components: 1 })) as { prior: DiagonalGaussian };
    expectClose(values(prior.mean), [1.5]);
    expectClose(values(prior.variance), [1]);
    expect(ctx.progressEvents.at(-1)).toMatchObject({ phase: 'prior', fraction: 1 });
    prior.dispose();
    m.dispose();
  });

  it('cholesky: [[4,2],[2,3]] = L L^T with L = [[2,0],[1,sqrt 2]]; a matrix that is not positive definite is refused', () => {
    expectClose(cholesky(Float64Array.from([4, 2, 2, 3]), 2), [2, 0, 1, Math.SQRT2]);
    expect(() => cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite/);
  });

  // Rows (0,0),(2,2),(1,0),(1,2): mean (1,1); deviations (-1,-1),(1,1),(0,-1),(0,1):
  // cov = [[2/4, 2/4],[2/4, 4/4]] = [[0.5,0.5],[0.5,1]]; x 2 = [[1,1],[1,2]] (+1e-4 ridge) = L L^T, L = [[1,0],[1,1]].
  const corr = Float32Array.from([0, 0, 2, 2, 1, 0, 1, 2]);
  const opts = { components: 1, diagonal: false, iterations: 5, varianceScale: 2, ridge: 1e-4, seed: 1 };

  it('one full-covariance Gaussian: mean and Cholesky factor of the scaled covariance', async () => {
    const g = await leaves(2, () => fitMixture(tf, corr, 4, 2, opts));
    expectClose(g.weights, [1]);
    expectClose(values(g.means), [1, 1]);
    // F = L^T = [[1,1],[0,1]] (the ridge moves it by < 1e-4)
    expectClose(values(g.factorsT), [1, 1, 0, 1], 3);
    g.dispose();
  });

  it('diagonal: the same variances, no correlation: F = diag(1, sqrt 2)', async () => {
    const g = await fitMixture(tf, corr, 4, 2, { ...opts, diagonal: true });
    expectClose(values(g.factorsT), [1, 0, 0, Math.SQRT2], 3);
    g.dispose();
  });

  it('two clusters: k-means finds them; weights are the clusters\' shares, means their centres', async () => {
    // three rows around (0,0) (mean (0,0), cov diag(2/3 * 0.01...)), one pair around (10,10): 3/5 and 2/5
    const rows = Float32Array.from([0.1, 0, -0.1, 0, 0, 0, 10, 10.2, 10, 9.8]);
    const g = await fitMixture(tf, rows, 5, 2, { ...opts, components: 2, varianceScale: 1 });
    const m = values(g.means);
    const order = m[0] < m[2] ? [0, 1] : [1, 0];
    expectClose(order.map((k) => g.weights[k]), [0.6, 0.4]);
    expectClose([...m.slice(2 * order[0], 2 * order[0] + 2), ...m.slice(2 * order[1], 2 * order[1] + 2)], [0, 0, 10, 10]);
    // the far cluster: deviations (0, +-0.2): variances 0 and 0.04 (+1e-4 ridge): F = diag(0.01, sqrt 0.0401)
    expectClose(values(g.factorsT).slice(4 * order[1], 4 * order[1] + 4), [0.01, 0, 0, Math.sqrt(0.0401)], 4);
    g.dispose();
  });

  it('as many components as rows: every cluster holds one row, which is refused with a sentence', async () => {
    await expect(fitMixture(tf, corr, 4, 2, { ...opts, components: 4 })).rejects.toThrow(/no cluster of the 4 holds two or more examples: use fewer components/);
  });

  it('mixture samples: each component drawn with its weight, with its mean and covariance', () => {
    // weights 0.25 / 0.75; means (-5,0) and (5,0); covariances I and [[1,1],[1,2]] (F = [[1,1],[0,1]])
    const g = new GaussianMixture(Float64Array.from([0.25, 0.75]), tf.tensor2d([[-5, 0], [5, 0]]), tf.tensor3d([[[1, 0], [0, 1]], [[1, 1], [0, 1]]]));
    const s = values(g.sample(tf, 8000, 4));
    const right: number[][] = [];
    for (let i = 0; i < 8000; i++) if (s[2 * i] > 0) right.push([s[2 * i] - 5, s[2 * i + 1]]);
    expect(Math.abs(right.length / 8000 - 0.75)).toBeLessThan(0.02);
    const cov = (a: number, b: number) => right.reduce((t, r) => t + r[a] * r[b], 0) / right.length;
    expectClose([cov(0, 0), cov(0, 1), cov(1, 1)].map((v) => Math.round(v * 10) / 10), [1, 1, 2]);
    g.dispose();
  });

  it('the op: covariance full fits one full Gaussian; with too few examples for the components it fits fewer and says so', async () => {
    const m = lin21();
    const data = dataset([[1, 0], [0, 1], [1, 1]]);
    const ctx = fakeCtx(tf);
    // h = 1, 2, 3: mean 2, variance 2/3; x 4 = 8/3 (+1e-4): F = sqrt(8/3 + 1e-4)
    const { prior } = (await bengio2015Ops['prior.gaussian'](ctx, { model: m, data }, { varianceScale: 4, limit: 0, covariance: 'full', components: 1 })) as { prior: GaussianMixture };
    expectClose(values(prior.means), [2]);
    expectClose(values(prior.factorsT), [Math.sqrt(8 / 3 + 1e-4)], 4);
    prior.dispose();
    // 3 examples, 5 components asked: floor(3/2) = 1 component, i.e. the same Gaussian, and a warning
    const few = (await bengio2015Ops['prior.gaussian'](ctx, { model: m, data }, { varianceScale: 4, limit: 0, covariance: 'full', components: 5 })) as { prior: GaussianMixture };
    expect(few.prior.components).toBe(1);
    expectClose(values(few.prior.factorsT), [Math.sqrt(8 / 3 + 1e-4)], 4);
    expect(ctx.logs.at(-1)).toEqual({ message: '5 components need at least 10 examples; with 3, fitting 1', level: 'warn' });
    few.prior.dispose();
    // a diverged model (NaN weights): a sentence about the top layer, not a stack trace
    setWeights(m.f[0], [[Number.NaN], [2]], [0]);
    const nan = await bengio2015Ops['prior.gaussian'](ctx, { model: m, data }, { varianceScale: 4, limit: 0, covariance: 'full', components: 1 }).catch((x) => x);
    expect(nan).toBeInstanceOf(UserError);
    expect((nan as Error).message).toMatch(/cannot fit the prior: the top layer holds values that are not finite numbers/);
    m.dispose();
  });

  it('the op: Stop during the mixture fit ends it at once, reporting k-means progress first and leaving no tensor behind', async () => {
    const m = lin21();
    const data = dataset([[1, 0], [0, 1], [1, 1], [2, 2]]);
    const before = tf.memory().numTensors;
    // checkStop #1 after the one batch of h, #2 after the first Lloyd iteration; #3 (after the second) stops.
    const ctx = fakeCtx(tf, { stopAfter: 2 });
    const e = await bengio2015Ops['prior.gaussian'](ctx, { model: m, data }, { varianceScale: 1, limit: 0, covariance: 'full', components: 2 }).catch((x) => x);
    expect(e).toBeInstanceOf(StopRequested);
    expect(ctx.progressEvents.map((p) => p.phase)).toEqual(['prior', 'prior (k-means)']);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});

describe('sample.directed, sample.chain (GENERATE), sample.jdae', () => {
  // Prior mean -0.5, variance 0: h2 = -0.5; g2(h2) = [-1,-0.5]; x = g1(that) = [-0.5,-0.25]
  const point = (): DiagonalGaussian => new DiagonalGaussian(tf.tensor1d([-0.5]), tf.tensor1d([0]));

  it('directed sample = g1(g2(mu)) when the variance is 0', () => {
    const m = model221();
    const prior = point();
    const x = directedSample(tf, m, prior, 3, 1);
    expect(x.shape).toEqual([3, 2]);
    expectClose(values(x), [-0.5, -0.25, -0.5, -0.25, -0.5, -0.25]);
    disposeAll([x]);
    prior.dispose();
    m.dispose();
  });

  it('prior samples have the prior mean and variance', () => {
    const prior = new DiagonalGaussian(tf.tensor1d([1, -2]), tf.tensor1d([4, 0.25]));
    const s = prior.sample(tf, 5000, 3);
    const v = values(s);
    for (const [j, mu, sd] of [[0, 1, 2], [1, -2, 0.5]] as const) {
      const col = v.filter((_, i) => i % 2 === j);
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      const std = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / (col.length - 1));
      expect(Math.abs(mean - mu)).toBeLessThan(0.1 * sd);
      expect(Math.abs(std / sd - 1)).toBeLessThan(0.05);
    }
    s.dispose();
    prior.dispose();
  });

  it('GENERATE with 0 rounds = the directed sample (same seed)', async () => {
    const m = model221();
    const prior = new DiagonalGaussian(tf.tensor1d([-0.5]), tf.tensor1d([2]));
    const a = await leaves(1, () => generateChain(tf, m, prior, 4, { rounds: 0, alpha: 0.3, inference: tp() }, 21));
    const b = directedSample(tf, m, prior, 4, 21);
    expect(values(a)).toEqual(values(b));
    disposeAll([a, b]);
    prior.dispose();
    m.dispose();
  });

  it('GENERATE with 1 round = g1 of the inference of the directed sample, with the chain\'s alpha', async () => {
    const m = model221();
    const prior = point();
    // x0 = [-0.5,-0.25]; h1 = f1(x0) = [-0.75, 0.5]; h2 = f2(h1) = -0.75 - 0.5 + 0.5 = -0.75
    // delta 0.5, alpha 0.3 (the chain's, not the loop's 0.001):
    //   h2' = -0.75 + 0.5 (f2(h1) - f2(g2(h2))) = -0.75 + 0.5 (-0.75 - f2([-1.5,-0.75]) = -0.25) = -1
    //   g1(h1) = [-0.375, 0.25]; f1(that) = [-0.125, 1.5]; f1(x0) - that = [-0.625, -1]; * 0.5 = [-0.3125, -0.5]
    //   0.3 (g2(h2') - h1) = 0.3 ([-2,-1] - [-0.75,0.5]) = [-0.375, -0.45]
    //   h1' = [-0.75 - 0.3125 - 0.375, 0.5 - 0.5 - 0.45] = [-1.4375, -0.45]
    //   x1 = g1(h1') = [-0.71875, -0.225]
    const x = await leaves(1, () => generateChain(tf, m, prior, 2, { rounds: 1, alpha: 0.3, inference: tp({ alpha: 0.001 }) }, 5));
    expectClose(values(x), [-0.71875, -0.225, -0.71875, -0.225]);
    x.dispose();
    prior.dispose();
    m.dispose();
  });

  it('JDAE with 0 steps = the directed sample (same seed)', () => {
    const m = model221();
    const prior = new DiagonalGaussian(tf.tensor1d([0.3]), tf.tensor1d([1]));
    const a = jdaeChain(tf, m, prior, 5, { steps: 0, sigma: 0.1, random: () => 0.5 }, 8);
    const b = directedSample(tf, m, prior, 5, 8);
    expect(values(a)).toEqual(values(b));
    disposeAll([a, b]);
    prior.dispose();
    m.dispose();
  });

  it('JDAE with sigma 0: from below, x -> g1(f1(x)); from above, x stays', async () => {
    const m = model221();
    const prior = point();
    // Start: h2 = -0.5, h1 = g2(h2) = [-1,-0.5], x0 = g1(h1) = [-0.5,-0.25].
    // From below (random() >= 0.5): step 1 h1' = f1(x0); step 2 x'' = g1(h1') = g1(f1(x0))
    //   f1(x0) = [-0.75, 0.5]; g1 = [-0.375, 0.25]
    const below = await leaves(1, () => jdaeChain(tf, m, prior, 1, { steps: 2, sigma: 0, random: () => 0.9 }, 2));
    expectClose(values(below), [-0.375, 0.25]);
    // From above (random() < 0.5): h1' = g2(h2) = h1, so x stays g1(g2(h2)) = x0
    const above = jdaeChain(tf, m, prior, 1, { steps: 2, sigma: 0, random: () => 0.1 }, 2);
    expectClose(values(above), [-0.5, -0.25]);
    disposeAll([below, above]);
    prior.dispose();
    m.dispose();
  });

  it('the sampler ops honour count and --sample-limit', async () => {
    const m = model221();
    const prior = point();
    const ctx = fakeCtx(tf, { options: { sampleLimit: 3 } });
    for (const kind of ['sample.directed', 'sample.chain', 'sample.jdae'] as const) {
      const { samples } = (await bengio2015Ops[kind](ctx, { model: m, prior, inference: tp() }, { count: 10, rounds: 0, alpha: 0.3, steps: 0, sigma: 0 })) as { samples: Samples };
      expect(samples.x.shape).toEqual([3, 2]);
      expectClose(values(samples.x), [-0.5, -0.25, -0.5, -0.25, -0.5, -0.25]);
      samples.dispose();
    }
    prior.dispose();
    m.dispose();
  });
});

describe('sample.dataset: real digits as kernel centres', () => {
  it('takes count rows from offset, capped by --sample-limit and by the end of the split', async () => {
    const d = dataset([[0, 1], [2, 3], [4, 5], [6, 7]], 'train');
    const op = bengio2015Ops['sample.dataset'];
    const take = async (params: JsonObject, options = {}) => {
      const { samples } = (await op(fakeCtx(tf, { options }), { data: d }, params)) as { samples: Samples };
      const v = { shape: samples.x.shape, x: values(samples.x) };
      samples.dispose();
      return v;
    };
    expect(await take({ count: 2, offset: 1 })).toEqual({ shape: [2, 2], x: [2, 3, 4, 5] });
    expect(await take({ count: 10, offset: 2 })).toEqual({ shape: [2, 2], x: [4, 5, 6, 7] });
    expect(await take({ count: 10, offset: 0 }, { sampleLimit: 1 })).toEqual({ shape: [1, 2], x: [0, 1] });
    await expect(op(fakeCtx(tf), { data: d }, { count: 1, offset: 4 })).rejects.toThrow(UserError);
    await expect(op(fakeCtx(tf), { data: d }, { count: 1, offset: 4 })).rejects.toThrow('offset 4 is past the end of the train split (4 digits)');
  });

  it('wired into Parzen: 1-D centres 0 and 1, x = 0.5, sigma 1, by hand', async () => {
    const { samples } = (await bengio2015Ops['sample.dataset'](fakeCtx(tf), { data: dataset([[0], [1], [9]]) }, { count: 2, offset: 0 })) as { samples: Samples };
    const [ll] = await parzenLogLikelihood(tf, samples.x, Float32Array.from([0.5]), 1, [1]);
    // log(½(e^{-1/8} + e^{-1/8})) − log sqrt(2π) = −0.125 − 0.918939 = −1.043939
    expect(ll[0]).toBeCloseTo(-1.043939, 5);
    samples.dispose();
  });
});

describe('eval.parzen', () => {
  /** The protocol's formula in plain JavaScript (float64). */
  function parzenJs(centres: number[][], x: number[], s: number): number {
    const D = x.length;
    const e = centres.map((mu) => -mu.reduce((a, m, i) => a + (x[i] - m) ** 2, 0) / (2 * s * s));
    const mx = Math.max(...e);
    const lse = mx + Math.log(e.reduce((a, v) => a + Math.exp(v - mx), 0));
    return lse - Math.log(centres.length) - D * Math.log(s * Math.sqrt(2 * Math.PI));
  }

  it('1-D by hand: two centres at 0 and 1, x = 0.5, sigma 1', async () => {
    // log p = log(1/2 (N(0.5; 0, 1) + N(0.5; 1, 1))) = -0.125 - log sqrt(2 pi) = -0.125 - 0.9189385 = -1.0439385
    const c = tf.tensor2d([[0], [1]]);
    const [ll] = await parzenLogLikelihood(tf, c, Float32Array.from([0.5]), 1, [1]);
    expect(ll[0]).toBeCloseTo(-1.0439385, 5);
    c.dispose();
  });

  const centres = [[0, 0], [1, 0], [0.5, 2]];
  const valid = [[0.1, 0], [0.9, 0.1], [0.5, 1.8], [0.4, 0.3]];
  const test = [[0, 0.2], [1.2, -0.1], [0.3, 1], [0.6, 2.3], [2, 2]];
  const grid = [0.1, 0.3, 1, 3];

  it('2-D toy: per-example values match the formula, in batches of 2', async () => {
    const c = tf.tensor2d(centres);
    const out = await leaves(0, async () => {
      const r = await parzenLogLikelihood(tf, c, Float32Array.from(test.flat()), test.length, grid, { batchSize: 2 });
      return r;
    });
    for (const [si, s] of grid.entries()) for (const [i, x] of test.entries()) expect(out[si][i]).toBeCloseTo(parzenJs(centres, x, s), 3);
    c.dispose();
  });

  it('sigma is the best of the grid on validation; the test mean and its standard error', async () => {
    const c = tf.tensor2d(centres);
    const validLL = grid.map((s) => valid.reduce((a, x) => a + parzenJs(centres, x, s), 0) / valid.length);
    const best = grid[validLL.indexOf(Math.max(...validLL))];
    const t = test.map((x) => parzenJs(centres, x, best));
    const mean = t.reduce((a, b) => a + b, 0) / t.length;
    const stderr = Math.sqrt(t.reduce((a, b) => a + (b - mean) ** 2, 0) / (t.length - 1)) / Math.sqrt(t.length);
    const r = await parzenEvaluate(tf, c, { x: Float32Array.from(valid.flat()), n: valid.length }, { x: Float32Array.from(test.flat()), n: test.length }, grid);
    expect(r.sigma).toBe(best);
    expect(best).toBe(0.3);
    for (const [i, v] of validLL.entries()) expect(r.validLL[i]).toBeCloseTo(v, 3);
    expect(r.ll).toBeCloseTo(mean, 3);
    expect(r.stderr).toBeCloseTo(stderr, 3);
    c.dispose();
  });

  it('the op: testCount and --test-limit cap the test digits; an empty validation set is a user error', async () => {
    const ctx = fakeCtx(tf, { options: { testLimit: 3 } });
    const s = new Samples(tf.tensor2d(centres));
    const r = (await bengio2015Ops['eval.parzen'](ctx, { samples: s, valid: dataset(valid), test: dataset(test) }, { validCount: 4, testCount: 5, sigmas: grid })) as { ll: number; stderr: number; sigma: number };
    const t = test.slice(0, 3).map((x) => parzenJs(centres, x, 0.3));
    expect(r.sigma).toBe(0.3);
    expect(r.ll).toBeCloseTo(t.reduce((a, b) => a + b, 0) / 3, 3);
    const empty = { ...dataset(valid), n: 0 };
    await expect(bengio2015Ops['eval.parzen'](ctx, { samples: s, valid: empty, test: dataset(test) }, { validCount: 4, testCount: 5, sigmas: grid })).rejects.toBeInstanceOf(UserError);
    s.dispose();
  });
});

describe('eval.logp_trace', () => {
  it('log p(x,h) at t = 0 by hand', async () => {
    const m = model221();
    // x = [1,1]: h1 = [2,3], h2 = -0.5; ||x - g1(h1)||^2 = ||[1,1] - [1,1.5]||^2 = 0.25
    //            ||h1 - g2(h2)||^2 = ||[2,3] - [-1,-0.5]||^2 = 9 + 12.25 = 21.25;  log p = -(0.25 + 21.25)/2 = -10.75
    // x = [2,0]: h1 = [2,1], h2 = 2 - 1 + 0.5 = 1.5; ||[2,0] - [1,0.5]||^2 = 1.25; ||[2,1] - [3,1.5]||^2 = 1.25; log p = -1.25
    // mean = (-10.75 - 1.25) / 2 = -6
    const data = dataset([[1, 1], [2, 0]]);
    const ctx = fakeCtx(tf);
    const trace = await leaves(0, () => logpTrace(ctx, m, tp(), data, 0, 2));
    expect(trace).toHaveLength(1);
    expect(trace[0]).toBeCloseTo(-6, 5);
    m.dispose();
  });

  it('t = 1..N follow the inference states; the op honours count and --test-limit', async () => {
    const m = model221();
    const data = dataset([[1, 1], [2, 0], [0, 1]]);
    const ctx = fakeCtx(tf, { options: { testLimit: 2 } });
    const { trace } = (await bengio2015Ops['eval.logp_trace'](ctx, { model: m, inference: tp(), data }, { iterations: 2, count: 3 })) as { trace: number[] };
    expect(trace).toHaveLength(3);
    expect(trace[0]).toBeCloseTo(-6, 5);
    const x = tf.tensor2d([[1, 1], [2, 0]]);
    const hs = infer(tf, m, x, tp({ steps: 2 }));
    const lj = logJointSum(tf, m, x, hs);
    expect(trace[2]).toBeCloseTo(lj.dataSync()[0] / 2, 4);
    disposeAll([x, lj, ...hs]);
    m.dispose();
  });
});

describe('eval.reconstruction', () => {
  it('mean squared error per pixel of g1(f1(x)) by hand', async () => {
    const m = model221();
    // x = [1,1]: g1(f1(x)) = 0.5 [2,3] = [1,1.5] -> squared error 0 + 0.25
    // x = [2,0]: g1(f1(x)) = 0.5 [2,1] = [1,0.5] -> 1 + 0.25
    // (0.25 + 1.25) / (2 examples * 2 pixels) = 0.375
    const ctx = fakeCtx(tf);
    const r = await leaves(0, () => bengio2015Ops['eval.reconstruction'](ctx, { model: m, data: dataset([[1, 1], [2, 0], [9, 9]]) }, { count: 2 }));
    expect(r.mse as number).toBeCloseTo(0.375, 6);
    // The picture: 2-value examples are 2x1 strips, the digits [1,1], [2,0] (shown clipped to [1,0]) above their
    // reconstructions [1,1.5], [1,0.5] (shown as [1,1], [1,0.5]); cells of 2x1 with a 1-pixel border of gray 128.
    const pic = r.image as { png: Buffer; width: number; height: number };
    expect([pic.width, pic.height]).toEqual([7, 5]);
    const png = PNG.sync.read(pic.png);
    const gray = (y: number): number[] => Array.from({ length: 7 }, (_, x) => png.data[(y * 7 + x) * 4]);
    expect(gray(1)).toEqual([128, 255, 255, 128, 255, 0, 128]);
    expect(gray(3)).toEqual([128, 255, 255, 128, 255, 128, 128]);
    expect(gray(0)).toEqual(Array(7).fill(128));
    m.dispose();
  });

  it('the picture shows at most `show` digits, 28x28 for MNIST-sized examples', async () => {
    const m = model221();
    const ctx = fakeCtx(tf);
    const wide = await bengio2015Ops['eval.reconstruction'](ctx, { model: m, data: dataset([[1, 1], [2, 0], [9, 9]]) }, { count: 3, show: 1 });
    expect([(wide.image as { width: number }).width, (wide.image as { height: number }).height]).toEqual([4, 5]);
    m.dispose();
  });

  it('a model for other data (Load weights of a 2-input model, 3-value examples) is refused naming the sizes', async () => {
    const m = model221();
    const e = await bengio2015Ops['eval.reconstruction'](fakeCtx(tf, { node: 'recon' }), { model: m, data: dataset([[1, 1, 1]]) }, { count: 1 }).catch((x) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).toBe('the model takes 2 inputs (x), but the examples on data have 3 values each');
    m.dispose();
  });
});

describe('eval.inpaint', () => {
  function model10(): HierarchicalModel {
    return new HierarchicalModel(tf, { sizes: [10, 3, 2], encoders: [mod('f1', 10, 3, 'softplus'), mod('f2', 3, 2, 'sigmoid')], decoders: [mod('g1', 3, 10, 'sigmoid'), mod('g2', 2, 3, 'softplus')] }, 4);
  }
  const x10 = (): TF.Tensor2D => tf.tensor2d(Array.from({ length: 4 }, (_, r) => Array.from({ length: 10 }, (_, i) => 0.2 + 0.08 * i + 0.01 * r)));

  it('the MSE before uses only the missing pixels', async () => {
    const m = model10();
    const x = x10();
    const ctx = fakeCtx(tf);
    const r = await inpaint(ctx, m, tp({ steps: 2, delta: 0.1, alpha: 0.01 }), x, { kind: 'mask', fraction: 0.5, fill: 'zero' }, 0);
    // With fill 'zero' and no zero pixel in x, the hidden pixels are exactly the zeros of `masked`.
    const xv = values(x);
    const mv = values(r.masked);
    const missing = xv.filter((_, i) => mv[i] === 0);
    expect(missing).toHaveLength(4 * 5);
    // before = mean over missing pixels of (0 - x)^2 (averaging over all pixels would halve it)
    const want = missing.reduce((a, v) => a + v * v, 0) / missing.length;
    expect(r.before).toBeCloseTo(want, 5);
    expect(r.after).toBeCloseTo(r.before, 6); // 0 rounds: nothing filled
    disposeAll([x, r.masked, r.filled]);
    m.dispose();
  });

  it('after rounds: visible pixels stay, missing ones come from g1(h1), and the MSE after is on missing pixels', async () => {
    const m = model10();
    const x = x10();
    const ctx = fakeCtx(tf);
    const before = tf.memory().numTensors;
    const r = await inpaint(ctx, m, tp({ steps: 2, delta: 0.1, alpha: 0.01 }), x, { kind: 'mask', fraction: 0.5, fill: 'zero' }, 3);
    expect(tf.memory().numTensors - before).toBe(2); // masked, filled
    const xv = values(x);
    const mv = values(r.masked);
    const fv = values(r.filled);
    let se = 0;
    let n = 0;
    for (let i = 0; i < xv.length; i++) {
      if (mv[i] === 0) {
        se += (fv[i] - xv[i]) ** 2;
        n++;
        expect(fv[i]).toBeGreaterThan(0); // a sigmoid output, not the zero fill
      } else expect(fv[i]).toBe(xv[i]);
    }
    expect(r.after).toBeCloseTo(se / n, 5);
    expect(ctx.progressEvents.map((p) => p.fraction)).toEqual([1 / 3, 2 / 3, 1]);
    disposeAll([x, r.masked, r.filled]);
    m.dispose();
  });

  it('by hand on a 2-pixel model: each round moves h1 by the visible pixels only, from where the last round left it', async () => {
    // Linear [2,1] model: f1(x) = x0 + 2 x1, g1(h) = [0.5 h, h]; one targetprop step per round, delta 0.25.
    // x = [0.5, 0.75] in every row; fraction 0.5 hides one of the two pixels (which one is drawn per row), fill zero.
    // The clamped step: h += δ (f1(m⊙x + (1−m)⊙g1(h)) − f1(g1(h))) = h + δ Σ_visible W_i (x_i − g1(h)_i).
    // Pixel 1 hidden (masked [0.5, 0]): h = f1(masked) = 0.5; g1 = [0.25, 0.5]; h' = 0.5 + 0.25·1·(0.5 − 0.25) = 0.5625,
    //   filled [0.5, 0.5625]. Round 2 from h' (not from f1 of the filled image): g1 = [0.28125, 0.5625];
    //   h'' = 0.5625 + 0.25·(0.5 − 0.28125) = 0.6171875, filled [0.5, 0.6171875].
    //   (Without the clamp the first step would be 0.5 + 0.25·(f1(masked) − f1(g1(h))) = 0.5 + 0.25·(0.5 − 1.25) = 0.3125.)
    // Pixel 0 hidden (masked [0, 0.75]): h = 1.5; g1 = [0.75, 1.5]; h' = 1.5 + 0.25·2·(0.75 − 1.5) = 1.125, filled [0.5625, 0.75].
    //   Round 2: g1 = [0.5625, 1.125]; h'' = 1.125 + 0.5·(0.75 − 1.125) = 0.9375, filled [0.46875, 0.75].
    const m = new HierarchicalModel(tf, { sizes: [2, 1], encoders: [mod('f1', 2, 1)], decoders: [mod('g1', 1, 2)] }, 1);
    setWeights(m.f[0], [[1], [2]], [0]);
    setWeights(m.g[0], [[0.5, 1]], [0, 0]);
    const rows = 6;
    const want: Record<string, number[][]> = {
      hidden1: [[0.5, 0.5625], [0.5, 0.6171875]],
      hidden0: [[0.5625, 0.75], [0.46875, 0.75]],
    };
    const seen = new Set<string>();
    for (const rounds of [1, 2]) {
      const x = tf.tensor2d(Array.from({ length: rows }, () => [0.5, 0.75]));
      const r = await inpaint(fakeCtx(tf), m, tp({ steps: 1, delta: 0.25 }), x, { kind: 'mask', fraction: 0.5, fill: 'zero' }, rounds);
      const mv = values(r.masked);
      const fv = values(r.filled);
      let se = 0;
      let hiddenSq = 0;
      for (let row = 0; row < rows; row++) {
        const masked = mv.slice(2 * row, 2 * row + 2);
        const which = masked[0] === 0 ? 'hidden0' : 'hidden1';
        expect(masked).toEqual(which === 'hidden0' ? [0, 0.75] : [0.5, 0]);
        seen.add(which);
        const filled = want[which][rounds - 1];
        expectClose(fv.slice(2 * row, 2 * row + 2), filled, 6);
        se += which === 'hidden0' ? (filled[0] - 0.5) ** 2 : (filled[1] - 0.75) ** 2;
        hiddenSq += which === 'hidden0' ? 0.25 : 0.5625;
      }
      // before: the hidden pixel (0) against x; after: the filled one against x; each over the `rows` hidden pixels
      expect(r.before).toBeCloseTo(hiddenSq / rows, 6);
      expect(r.after).toBeCloseTo(se / rows, 6);
      disposeAll([x, r.masked, r.filled]);
    }
    // both masks were drawn, so both hand cases were checked
    expect([...seen].sort()).toEqual(['hidden0', 'hidden1']);
    m.dispose();
  });

  it('by hand, start feedforward: round 2 begins with a feedforward pass of the refilled image (a fresh INFERENCE)', async () => {
    // The model, x and round 1 as above. Round 2 starts at h = f1(filled) instead of where round 1 ended:
    // pixel 1 hidden: filled [0.5, 0.5625]; h = 0.5 + 2·0.5625 = 1.625; g1 = [0.8125, 1.625];
    //   h'' = 1.625 + 0.25·1·(0.5 − 0.8125) = 1.546875, filled [0.5, 1.546875].
    // pixel 0 hidden: filled [0.5625, 0.75]; h = 0.5625 + 2·0.75 = 2.0625; g1 = [1.03125, 2.0625];
    //   h'' = 2.0625 + 0.25·2·(0.75 − 2.0625) = 1.40625, filled [0.703125, 0.75].
    const m = new HierarchicalModel(tf, { sizes: [2, 1], encoders: [mod('f1', 2, 1)], decoders: [mod('g1', 1, 2)] }, 1);
    setWeights(m.f[0], [[1], [2]], [0]);
    setWeights(m.g[0], [[0.5, 1]], [0, 0]);
    const x = tf.tensor2d(Array.from({ length: 6 }, () => [0.5, 0.75]));
    const r = await inpaint(fakeCtx(tf), m, tp({ steps: 1, delta: 0.25 }), x, { kind: 'mask', fraction: 0.5, fill: 'zero' }, 2, 'feedforward');
    const mv = values(r.masked);
    const fv = values(r.filled);
    const seen = new Set<number>();
    for (let row = 0; row < 6; row++) {
      const hidden = mv[2 * row] === 0 ? 0 : 1;
      seen.add(hidden);
      expectClose(fv.slice(2 * row, 2 * row + 2), hidden === 0 ? [0.703125, 0.75] : [0.5, 1.546875], 6);
    }
    expect([...seen].sort()).toEqual([0, 1]);
    disposeAll([x, r.masked, r.filled]);
    m.dispose();
  });

  it('the op returns before, after and a picture with original, masked and filled rows', async () => {
    const m = new HierarchicalModel(tf, { sizes: [784, 3, 2], encoders: [mod('f1', 784, 3, 'softplus'), mod('f2', 3, 2, 'sigmoid')], decoders: [mod('g1', 3, 784, 'sigmoid'), mod('g2', 2, 3, 'softplus')] }, 4);
    const rows = Array.from({ length: 3 }, (_, r) => Array.from({ length: 784 }, (_, i) => ((i * 7 + r) % 10) / 10));
    const ctx = fakeCtx(tf);
    const mask = { layer: 0, spec: { kind: 'mask', fraction: 0.5, fill: 'noise' } };
    const out = await leaves(0, () => bengio2015Ops['eval.inpaint'](ctx, { model: m, inference: tp({ steps: 1, delta: 0.1 }), data: dataset(rows), mask }, { rounds: 1, count: 1000, show: 10 }));
    expect(typeof out.before).toBe('number');
    expect(typeof out.after).toBe('number');
    const pic = out.image as { png: Buffer; width: number; height: number };
    // show = min(10, 3 digits) = 3 columns, 3 rows (original, masked, filled): 3 * 29 + 1 = 88 pixels each way
    expect([pic.width, pic.height]).toEqual([88, 88]);
    const png = PNG.sync.read(pic.png);
    expect([png.width, png.height]).toEqual([88, 88]);
    const bad = { layer: 0, spec: { kind: 'gaussian', sigma: 1 } };
    await expect(bengio2015Ops['eval.inpaint'](ctx, { model: m, inference: tp(), data: dataset(rows), mask: bad }, { rounds: 1, count: 3, show: 3 })).rejects.toBeInstanceOf(UserError);
    m.dispose();
  });
});

describe('output kinds', () => {
  it('metric and series record a value under their name', async () => {
    const ctx = fakeCtx(tf);
    await bengio2015Ops['output.metric'](ctx, { value: 1.25 }, { name: 'parzen_ll' });
    await bengio2015Ops['output.series'](ctx, { value: [1, 2, 3] }, { name: 'logp_trace' });
    expect(ctx.metrics).toEqual({ parzen_ll: 1.25, logp_trace: [1, 2, 3] });
  });

  it('image grid: count and cols are capped by the samples; the PNG has the announced size', async () => {
    const ctx = fakeCtx(tf);
    const s = new Samples(tf.fill([3, 784], 0.5) as TF.Tensor2D);
    await leaves(0, () => bengio2015Ops['output.image_grid'](ctx, { samples: s }, { name: 'grid', count: 5, cols: 10 }));
    // 3 images in one row: 3 * 29 + 1 = 88 wide, 29 + 1 = 30 high
    expect(ctx.images.map((i) => [i.name, i.width, i.height])).toEqual([['grid', 88, 30]]);
    const png = PNG.sync.read(ctx.images[0].png);
    expect([png.width, png.height]).toEqual([88, 30]);
    s.dispose();
  });

  it('picture: writes the image an evaluator made', async () => {
    const ctx = fakeCtx(tf);
    const png = Buffer.from([137, 80, 78, 71]);
    await bengio2015Ops['output.image'](ctx, { image: { png, width: 3, height: 4 } }, { name: 'pic' });
    expect(ctx.images).toEqual([{ name: 'pic', png, width: 3, height: 4 }]);
  });
});

describe('data, model, corruption and inference ops from a compiled plan', () => {
  const registry = createRegistry();
  const w = (a: string, b: string) => {
    const [fn, fp] = a.split('.');
    const [tn, tp_] = b.split('.');
    return { from: { node: fn, port: fp }, to: { node: tn, port: tp_ } };
  };
  const doc = (): GraphDocument => ({
    format: GRAPH_FORMAT,
    version: 1,
    name: 'ops',
    seed: 3,
    nodes: [
      { id: 'data', kind: 'data.mnist', params: { validCount: 500 }, position: [0, 0] },
      { id: 'f1', kind: 'layers.encoder', params: { units: 3, activation: 'tanh', initGain: 0.5 }, position: [0, 0] },
      { id: 'f2', kind: 'layers.encoder', params: { units: 2, activation: 'sigmoid' }, position: [0, 0] },
      { id: 'g1', kind: 'layers.decoder', params: { activation: 'sigmoid', lr: 0.01 }, position: [0, 0] },
      { id: 'g2', kind: 'layers.decoder', params: { activation: 'relu' }, position: [0, 0] },
      { id: 'model', kind: 'model.hierarchy', params: {}, position: [0, 0] },
      { id: 'noise', kind: 'corrupt.gaussian', params: { sigma: 0.2 }, position: [0, 0] },
      { id: 'spike', kind: 'corrupt.spike', params: { samples: 5 }, position: [0, 0] },
      { id: 'mask', kind: 'corrupt.mask', params: { fraction: 0.25, fill: 'zero' }, position: [0, 0] },
      { id: 'infer', kind: 'infer.iterative', params: { method: 'exact', steps: 4, delta: 0.2, alpha: 0.3, noise: 0.01 }, position: [0, 0] },
    ],
    wires: [
      w('data.x', 'f1.in'), w('f1.out', 'f2.in'), w('f1.out', 'g1.from'), w('data.x', 'g1.to'), w('f2.out', 'g2.from'), w('f1.out', 'g2.to'),
      w('f2.out', 'model.top'), w('g1.decoder', 'model.decoders'), w('g2.decoder', 'model.decoders'),
      w('f1.out', 'noise.layer'), w('f2.out', 'spike.layer'), w('data.x', 'mask.layer'),
    ],
  });
  let steps: Map<string, PlanStep>;
  beforeAll(() => {
    const r = compileGraph(doc(), registry);
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    steps = new Map(flattenSteps(r.plan.steps).map((s) => [s.node, s]));
  });
  const run = (id: string, ctx = fakeCtx(tf), inputs: Record<string, unknown> = {}) => bengio2015Ops[steps.get(id)!.kind](ctx, inputs, steps.get(id)!.params);

  it('corruptions carry their layer and settings', async () => {
    expect(await run('noise')).toEqual({ corruption: { layer: 1, spec: { kind: 'gaussian', sigma: 0.2 } } });
    expect(await run('spike')).toEqual({ corruption: { layer: 2, spec: { kind: 'spike', samples: 5 } } });
    expect(await run('mask')).toEqual({ corruption: { layer: 0, spec: { kind: 'mask', fraction: 0.25, fill: 'zero' } } });
  });

  it('the inference loop carries its settings', async () => {
    expect(await run('infer')).toEqual({ inference: { method: 'exact', steps: 4, delta: 0.2, alpha: 0.3, noise: 0.01 } });
  });

  it('the model has the wired architecture, activations, per-module rates and seeded Glorot weights', async () => {
    const { model } = (await run('model', fakeCtx(tf, { seed: 1 }))) as { model: HierarchicalModel };
    expect(model.arch.sizes).toEqual([784, 3, 2]);
    expect(model.f.map((f) => [f.spec.activation, f.W.shape])).toEqual([['tanh', [784, 3]], ['sigmoid', [3, 2]]]);
    expect(model.g.map((g) => [g.spec.activation, g.W.shape, g.spec.lr])).toEqual([['sigmoid', [3, 784], 0.01], ['relu', [2, 3], null]]);
    // f1: 0.5 * sqrt(6 / (784 + 3)) = 0.04366
    expect(Math.max(...values(model.f[0].W).map(Math.abs))).toBeLessThanOrEqual(0.5 * Math.sqrt(6 / 787) + 1e-7);
    for (const m of [...model.f, ...model.g]) expect(values(m.b).every((v) => v === 0)).toBe(true);
    const { model: again } = (await run('model', fakeCtx(tf, { seed: 1 }))) as { model: HierarchicalModel };
    expect(values(again.f[0].W)).toEqual(values(model.f[0].W));
    model.dispose();
    again.dispose();
  });

  it('layers and decoders carry no runtime value', async () => {
    expect(await run('f1')).toEqual({ out: null });
    expect(await run('g1')).toEqual({ decoder: null });
  });

  it('data: the embedded set, validation capped at a sixth, limits applied, pixels in [0,1]', async () => {
    const ctx = fakeCtx(tf, { options: { trainLimit: 100, testLimit: 50 } });
    const out = (await bengio2015Ops['data.mnist'](ctx, {}, { dataDir: '', validCount: 10000, trainLimit: 0, testLimit: 0 })) as Record<string, DatasetValue>;
    // embedded: 10,000 digits = 8,000 training + 2,000 test; a sixth of 8,000 is 1,333
    expect(out.valid.n).toBe(1333);
    expect(out.train.n).toBe(100);
    expect(out.test.n).toBe(50);
    expect(out.train.dim).toBe(784);
    expect(out.train.images.length).toBe(100 * 784);
    expect(out.train.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(ctx.logs.some((l) => l.level === 'info' && /1333 are held out for validation and 6667 left for training/.test(l.message))).toBe(true);
    const ctx2 = fakeCtx(tf);
    const out2 = (await bengio2015Ops['data.mnist'](ctx2, {}, { dataDir: '', validCount: 500, trainLimit: 300, testLimit: 0 })) as Record<string, DatasetValue>;
    expect([out2.train.n, out2.valid.n, out2.test.n]).toEqual([300, 500, 2000]);
    expect(ctx2.logs.some((l) => /is more than/.test(l.message))).toBe(false);
  });

  it('data: a limit above what the set has uses all of it, and says so (the run shows its limits as asked)', async () => {
    const ctx = fakeCtx(tf, { options: { trainLimit: 10000, testLimit: 5000 } });
    const out = (await bengio2015Ops['data.mnist'](ctx, {}, { dataDir: '', validCount: 0, trainLimit: 9000, testLimit: 0 })) as Record<string, DatasetValue>;
    expect([out.train.n, out.test.n]).toEqual([8000, 2000]);
    const said = ctx.logs.filter((l) => /is more than/.test(l.message)).map((l) => l.message);
    // the tighter of the node's and the run's limits is the one named
    expect(said).toEqual([
      'a limit of 9,000 training digits is more than the 8,000 there are: all 8,000 are used',
      'a limit of 5,000 test digits is more than the 2,000 there are: all 2,000 are used',
    ]);
  });

  it('data: a folder without MNIST is a user error naming the node', async () => {
    const ctx = fakeCtx(tf, { node: 'mydata', options: { dataDir: '/nonexistent/mnist' } });
    const e = await bengio2015Ops['data.mnist'](ctx, {}, { dataDir: '', validCount: 10, trainLimit: 0, testLimit: 0 }).catch((x) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).node).toBe('mydata');
    expect((e as UserError).message).not.toContain('\n');
  });

  it('data: the command line\'s --data-dir takes the place of the folder the node names, and says so', async () => {
    const ctx = fakeCtx(tf, { node: 'mydata', options: { dataDir: '/nonexistent/cli-folder' } });
    const e = await bengio2015Ops['data.mnist'](ctx, {}, { dataDir: '/home/alice/mnist', validCount: 10, trainLimit: 0, testLimit: 0 }).catch((x) => x);
    expect((e as UserError).message).toContain('/nonexistent/cli-folder');
    expect(ctx.logs.some((l) => l.level === 'warn' && l.message === 'reading the digits from --data-dir /nonexistent/cli-folder, not from the folder this node names (/home/alice/mnist)')).toBe(true);
  });
});

describe('data.mnist: where a relative dataDir starts (user review)', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = (await initBackend('cpu')).tf;
  });

  it('a relative dataDir is read from the run\'s base folder (the app\'s workspace), as Load network\'s path is, not from the process\'s working folder', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'plasticity-datadir-'));
    try {
      const ctx = fakeCtx(tf, { node: 'data', options: { baseDir: workspace } });
      const e = await bengio2015Ops['data.mnist'](ctx, {}, { dataDir: 'my data/fashion', validCount: 0, trainLimit: 0, testLimit: 0 }).catch((x) => x);
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).message).toContain(`MNIST data folder ${join(workspace, 'my data', 'fashion')} does not exist`);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  it('~ in dataDir is the home folder', () => {
    expect(nodeDataDir('~/mnist', '/srv/workspace')).toBe(join(homedir(), 'mnist'));
    expect(nodeDataDir('~', undefined)).toBe(homedir());
    expect(nodeDataDir('/abs/mnist', '/srv/workspace')).toBe('/abs/mnist');
    expect(nodeDataDir('~x/mnist', '/srv/workspace')).toBe('/srv/workspace/~x/mnist');
  });
});

describe('train.local op', () => {
  const rows = Array.from({ length: 20 }, (_, i) => [((i * 3) % 7) / 7, ((i * 5) % 11) / 11]);
  const params: JsonObject = { epochs: 2, batchSize: 5, optimizer: 'adam', lr: 0.01, warmupBatches: 0 };

  it('trains a copy: the input model is untouched; progress reports local losses per module', async () => {
    const m = model221();
    const w0 = values(m.f[0].W);
    const ctx = fakeCtx(tf, { node: 'train' });
    const vars = variableNames();
    const { model } = (await bengio2015Ops['train.local'](ctx, { model: m, data: dataset(rows), inference: tp({ steps: 2, delta: 0.1, alpha: 0.01 }), corruption: [{ layer: 0, spec: { kind: 'gaussian', sigma: 0.1 } }] }, params)) as { model: HierarchicalModel };
    // only the new model's 8 variables remain (optimizer state is freed)
    expect(variableNames().length - vars.length).toBe(8);
    expect(model).not.toBe(m);
    expect(values(m.f[0].W)).toEqual(w0);
    expect(values(model.f[0].W)).not.toEqual(w0);
    const train = ctx.progressEvents.filter((p) => p.phase === 'train');
    // 20 / 5 = 4 batches per epoch; at least one report per epoch, the last at batch 4 of epoch 2
    expect(train.at(-1)).toMatchObject({ epoch: 2, epochs: 2, batch: 4, batches: 4, fraction: 1 });
    expect(Object.keys(train.at(-1)!.metrics!).sort()).toEqual(['loss_f1', 'loss_f2', 'loss_g1', 'loss_g2']);
    expect(ctx.throughput).toHaveLength(1);
    expect(ctx.throughput[0]).toBeGreaterThan(0);
    expect(ctx.logs.filter((l) => l.level === 'warn')).toEqual([]);
    model.dispose();
    m.dispose();
  });

  it('a run whose every minibatch is warm-up (feedforward targets, no inference) says so', async () => {
    const m = model221();
    const run = async (warmupBatches: number) => {
      const ctx = fakeCtx(tf, { node: 'train' });
      const { model } = (await bengio2015Ops['train.local'](ctx, { model: m, data: dataset(rows), inference: tp({ steps: 2, delta: 0.1, alpha: 0.01 }), corruption: [] }, { ...params, warmupBatches })) as { model: HierarchicalModel };
      model.dispose();
      return ctx.logs.filter((l) => l.level === 'warn').map((l) => l.message);
    };
    // 2 epochs × 4 minibatches = 8.
    expect(await run(8)).toEqual(['all 8 minibatches of this run are warm-up (warmupBatches 8), which trains on feedforward targets: the inference loop (the E-step) is never used for training; train on more digits or lower warmupBatches']);
    expect(await run(7)).toEqual([]);
    m.dispose();
  });

  it('fields: after every epoch, the filters of f1 as the Filters node draws them; a non-square x is refused', async () => {
    // x of 4 pixels (2 × 2), h1 of 2 units: two 2 × 2 tiles side by side.
    const arch: ArchitectureSpec = { sizes: [4, 2, 1], encoders: [mod('f1', 4, 2), mod('f2', 2, 1)], decoders: [mod('g1', 2, 4), mod('g2', 1, 2)] };
    const m = new HierarchicalModel(tf, arch, 1);
    const ctx = fakeCtx(tf, { node: 'train' });
    const rows4 = rows.map(([a, b]) => [a, b, 1 - a, 1 - b]);
    const { model } = (await bengio2015Ops['train.local'](ctx, { model: m, data: dataset(rows4), inference: tp() }, { ...params, fields: 2 })) as { model: HierarchicalModel };
    expect(ctx.images.map((i) => i.name)).toEqual(['train_fields', 'train_fields']);
    const drawn = fakeCtx(tf, { node: 'filters' });
    await bengio2015Ops['output.filters'](drawn, { model }, { module: 'f1', name: 'f1', count: 2, cols: 2, image_width: 2 });
    expect(ctx.images[1].png.equals(drawn.images[0].png)).toBe(true);
    expect(ctx.images[0].png.equals(drawn.images[0].png)).toBe(false);
    model.dispose();
    m.dispose();
    const m2 = model221();
    const e = await bengio2015Ops['train.local'](fakeCtx(tf, { node: 'train' }), { model: m2, data: dataset(rows), inference: tp() }, { ...params, fields: 2 }).catch((x) => x);
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toBe('fields draws the filters as square tiles, but x has 2 values, not a square number; set fields to 0');
    m2.dispose();
  });

  it('--epochs overrides the node\'s epochs (0 = the model as it was)', async () => {
    const m = model221();
    const ctx = fakeCtx(tf, { options: { epochs: 0 } });
    const { model } = (await bengio2015Ops['train.local'](ctx, { model: m, data: dataset(rows), inference: tp() }, params)) as { model: HierarchicalModel };
    expect(values(model.f[0].W)).toEqual(values(m.f[0].W));
    expect(ctx.progressEvents).toHaveLength(0);
    expect(ctx.throughput).toHaveLength(0);
    model.dispose();
    m.dispose();
  });

  it('divergence is a user error naming the node, and frees the copy it was training', async () => {
    const m = model221();
    const huge = rows.map(([a, b]) => [a * 1e30, b * 1e30]);
    const ctx = fakeCtx(tf, { node: 'train' });
    const vars = variableNames();
    const e = await bengio2015Ops['train.local'](ctx, { model: m, data: dataset(huge), inference: tp({ steps: 0 }) }, { ...params, optimizer: 'sgd', lr: 1 }).catch((x) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).toMatch(/training diverged/);
    expect((e as UserError).node).toBe('train');
    // the copy's variables were disposed
    expect(variableNames()).toEqual(vars);
    m.dispose();
  });

  it('Stop between batches hands on the copy it was training, and where it stopped (the engine saves and frees it)', async () => {
    const m = model221();
    const ctx = fakeCtx(tf, { node: 'train' });
    ctx.requestStop();
    const vars = variableNames();
    const e = await bengio2015Ops['train.local'](ctx, { model: m, data: dataset(rows), inference: tp() }, params).catch((x) => x);
    expect(e).toBeInstanceOf(StopRequested);
    const { outputs, at } = (e as StopRequested).partly!;
    expect(at).toMatchObject({ epoch: 1, batch: 0 });
    expect(outputs.model).not.toBe(m);
    (outputs.model as HierarchicalModel).dispose();
    expect(variableNames()).toEqual(vars);
    m.dispose();
  });

  it('a run stopped after some minibatches still reports how fast it trained', async () => {
    const m = model221();
    const ctx = fakeCtx(tf, { node: 'train', stopAfter: 3 });
    const e = await bengio2015Ops['train.local'](ctx, { model: m, data: dataset(rows), inference: tp() }, params).catch((x) => x);
    expect(e).toBeInstanceOf(StopRequested);
    expect(ctx.throughput).toHaveLength(1);
    expect(ctx.throughput[0]).toBeGreaterThan(0);
    m.dispose();
  });
});

describe('model.save / model.load', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'plasticity-weights-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a saved model loads back with the same architecture and the same weights, bit for bit', async () => {
    const m = model221({ f: ['softplus', 'sigmoid'], g: ['sigmoid', 'softplus'] });
    // weights that are not round numbers
    setWeights(m.f[0], [[0.1, -0.7], [1 / 3, 2e-8]], [0.25, -1e-3]);
    const ctx = fakeCtx(tf, { node: 'save', options: { outDir: dir } });
    await bengio2015Ops['model.save'](ctx, { model: m }, { name: 'tiny' });
    const path = join(dir, 'tiny.weights.json');
    expect(existsSync(path)).toBe(true);
    const vars = variableNames();
    const { model } = (await bengio2015Ops['model.load'](fakeCtx(tf, { node: 'load' }), {}, { path })) as { model: HierarchicalModel };
    expect(variableNames().length - vars.length).toBe(8);
    expect(model.arch).toEqual(m.arch);
    for (const [a, b] of [...m.f.map((x, i) => [x, model.f[i]]), ...m.g.map((x, i) => [x, model.g[i]])] as [DenseModule, DenseModule][]) {
      expect(values(b.W)).toEqual(values(a.W));
      expect(values(b.b)).toEqual(values(a.b));
    }
    model.dispose();
    m.dispose();
  });

  it('the file layout by hand: W row-major [input unit, output unit] as little-endian float32, read and written so', async () => {
    const f32 = (...v: number[]): string => Buffer.from(new Float32Array(v).buffer).toString('base64');
    const m = model221({ f: ['linear', 'linear'] });
    await bengio2015Ops['model.save'](fakeCtx(tf, { node: 'save', options: { outDir: dir } }), { model: m }, { name: 'layout' });
    const path = join(dir, 'layout.weights.json');
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    // model221's f1 is W = [[1, 0], [1, 2]], b = (0, 1) and f2 (2 → 1) W = [[1], [−1]]: the file holds the rows in turn.
    expect(doc.encoders[0]).toMatchObject({ node: 'f1', W: f32(1, 0, 1, 2), b: f32(0, 1) });
    expect(doc.encoders[1]).toMatchObject({ node: 'f2', W: f32(1, -1), b: f32(0.5) });
    // Written by hand: f1 W = [[1, 2], [3, 4]], b = (0.5, −0.5). x = (1, 0) → x W + b = (1.5, 1.5); x = (0, 1) → (3.5, 3.5).
    // A transposed read would give (1.5, 2.5) and (2.5, 4.5).
    doc.encoders[0].W = f32(1, 2, 3, 4);
    doc.encoders[0].b = f32(0.5, -0.5);
    writeFileSync(path, JSON.stringify(doc));
    const { model } = (await bengio2015Ops['model.load'](fakeCtx(tf, { node: 'load' }), {}, { path })) as { model: HierarchicalModel };
    const y = model.f[0].apply(tf.tensor2d([[1, 0], [0, 1]]));
    expect(Array.from(y.dataSync())).toEqual([1.5, 1.5, 3.5, 3.5]);
    // f2 (2 → 1) from h = (1, 1): 1 − 1 + 0.5 = 0.5.
    expect(model.f[1].apply(tf.tensor2d([[1, 1]])).dataSync()[0]).toBeCloseTo(0.5, 6);
    model.dispose();
    m.dispose();
  });

  it('without an output folder, save warns and writes nothing', async () => {
    const m = model221();
    const ctx = fakeCtx(tf);
    await bengio2015Ops['model.save'](ctx, { model: m }, { name: 'nowhere' });
    expect(ctx.logs.some((l) => l.level === 'warn')).toBe(true);
    m.dispose();
  });

  const bad: [string, string][] = [
    ['a missing file', ''],
    ['a file that is not JSON', 'not json'],
    ['JSON of another kind', JSON.stringify({ format: 'plasticity-graph' })],
    ['a weights file without its weights', JSON.stringify({ format: 'plasticity-weights', version: 1 })],
    ['null', 'null'],
  ];
  for (const [what, content] of bad) {
    it(`load: ${what} is a user error naming the node`, async () => {
      const path = join(dir, `bad-${what.replace(/\W+/g, '-')}.weights.json`);
      if (content) writeFileSync(path, content);
      const vars = variableNames();
      const e = await bengio2015Ops['model.load'](fakeCtx(tf, { node: 'load' }), {}, { path }).catch((x) => x);
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).node).toBe('load');
      expect(variableNames()).toEqual(vars);
    });
  }

  it('load: a file whose architecture is not one (a made-up activation, a size of -5 or "784", a huge layer) is refused saying where', async () => {
    const m = model221();
    await bengio2015Ops['model.save'](fakeCtx(tf, { options: { outDir: dir } }), { model: m }, { name: 'arch' });
    const path = join(dir, 'arch.weights.json');
    const good = JSON.parse(readFileSync(path, 'utf8'));
    const cases: [(d: any) => void, RegExp][] = [
      [(d) => (d.architecture.encoders[0].activation = 'bogus'), /\(architecture\.encoders\.0\.activation: /],
      [(d) => (d.architecture.sizes[0] = -5), /\(architecture\.sizes\.0: /],
      [(d) => (d.architecture.encoders[0].inUnits = '784'), /\(architecture\.encoders\.0\.inUnits: /],
      [(d) => (d.encoders[0].W = 12345), /\(encoders\.0\.W: /],
      [(d) => (d.architecture.encoders[0].outUnits = 2 ** 30), /at most 268,435,456 weights\)$/],
    ];
    for (const [spoil, message] of cases) {
      const d = structuredClone(good);
      spoil(d);
      writeFileSync(path, JSON.stringify(d));
      const e = await bengio2015Ops['model.load'](fakeCtx(tf, { node: 'load' }), {}, { path }).catch((x) => x);
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).message).toMatch(/is not a weights file written by Save weights \(/);
      expect((e as UserError).message).toMatch(message);
    }
    m.dispose();
  });

  it('load: weights of the wrong size are a user error and leave no variable behind', async () => {
    const m = model221();
    await bengio2015Ops['model.save'](fakeCtx(tf, { options: { outDir: dir } }), { model: m }, { name: 'cut' });
    const path = join(dir, 'cut.weights.json');
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    doc.decoders[1].W = Buffer.from(new Float32Array([1]).buffer).toString('base64');
    writeFileSync(path, JSON.stringify(doc));
    const vars = variableNames();
    const e = await bengio2015Ops['model.load'](fakeCtx(tf, { node: 'load' }), {}, { path }).catch((x) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).message).toMatch(/g2 have the wrong size/);
    expect(variableNames()).toEqual(vars);
    m.dispose();
  });
});

describe('Stop in the middle of an op frees what the op made so far', () => {
  // Every op below calls ctx.checkStop() between batches or chunks; the fake context throws
  // StopRequested from the second call on, i.e. after one batch of work.
  const big = (n: number): DatasetValue => dataset(Array.from({ length: n }, (_, i) => [(i % 7) / 7, (i % 3) / 3]));
  const cases: [string, (m: HierarchicalModel) => [string, Record<string, unknown>, JsonObject]][] = [
    ['prior.gaussian', (m) => ['prior.gaussian', { model: m, data: big(1200) }, { varianceScale: 4, limit: 0 }]],
    ['sample.directed', (m) => ['sample.directed', { model: m, prior: new DiagonalGaussian(tf.tensor1d([0]), tf.tensor1d([1])) }, { count: 1200 }]],
    ['sample.chain', (m) => ['sample.chain', { model: m, prior: new DiagonalGaussian(tf.tensor1d([0]), tf.tensor1d([1])), inference: tp() }, { count: 1200, rounds: 1, alpha: 0.3 }]],
    ['eval.logp_trace', (m) => ['eval.logp_trace', { model: m, inference: tp(), data: big(1200) }, { iterations: 3, count: 1200 }]],
    ['eval.reconstruction', (m) => ['eval.reconstruction', { model: m, data: big(1200) }, { count: 1200 }]],
    ['eval.parzen', () => ['eval.parzen', { samples: new Samples(tf.tensor2d([[0, 0], [1, 1]])), valid: big(300), test: big(300) }, { validCount: 300, testCount: 300, sigmas: [0.5] }]],
    ['eval.inpaint', (m) => ['eval.inpaint', { model: m, inference: tp(), data: big(4), mask: { layer: 0, spec: { kind: 'mask', fraction: 0.5, fill: 'zero' } } }, { rounds: 3, count: 4, show: 2 }]],
  ];
  for (const [name, make] of cases) {
    it(name, async () => {
      const m = model221();
      const [kind, inputs, params] = make(m);
      const ctx = fakeCtx(tf, { stopAfter: 1 });
      const before = tf.memory().numTensors;
      const e = await bengio2015Ops[kind](ctx, inputs, params).catch((x) => x);
      expect(e).toBeInstanceOf(StopRequested);
      expect(tf.memory().numTensors - before, 'tensors left behind').toBe(0);
      for (const v of Object.values(inputs)) (v as { dispose?: () => void })?.dispose?.();
      m.dispose();
    });
  }
});

describe('the engine runs every kind and records outputs', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'plasticity-b15-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  function tinyRun(): { plan: Plan; ops: OpTable } {
    // A fake data node: 60 training, 20 validation, 20 test images of 784 pixels.
    const img = (n: number, k: number): DatasetValue => ({
      images: Float32Array.from({ length: n * 784 }, (_, i) => ((i * 13 + k) % 17) / 17),
      labels: new Uint8Array(n),
      n,
      dim: 784,
      name: `fake${k}`,
    });
    const fakeData: OpImpl = async () => ({ train: img(60, 1), valid: img(20, 2), test: img(20, 3), x: null });
    const n = (id: string, kind: string, params: JsonObject = {}, parent?: string) => ({ id, kind, params, position: [0, 0] as [number, number], ...(parent ? { parent } : {}) });
    const w = (a: string, b: string) => ({ from: { node: a.split('.')[0], port: a.split('.')[1] }, to: { node: b.split('.')[0], port: b.split('.')[1] } });
    const g: GraphDocument = {
      format: GRAPH_FORMAT,
      version: 1,
      name: 'tiny',
      seed: 4,
      nodes: [
        n('data', 'data.mnist', { validCount: 20 }),
        n('f1', 'layers.encoder', { units: 4 }),
        n('f2', 'layers.encoder', { units: 2, activation: 'sigmoid' }),
        n('g1', 'layers.decoder', { activation: 'sigmoid' }),
        n('g2', 'layers.decoder', { activation: 'softplus' }),
        n('model', 'model.hierarchy'),
        n('train', 'train.local', { epochs: 1, batchSize: 20, warmupBatches: 1 }),
        n('infer', 'infer.iterative', { steps: 2 }, 'train'),
        n('prior', 'prior.gaussian'),
        n('gen', 'sample.chain', { count: 8, rounds: 1 }),
        n('jdae', 'sample.jdae', { count: 8, steps: 2 }),
        n('parzen', 'eval.parzen', { validCount: 10, testCount: 10, sigmas: [0.2, 1] }),
        n('logp', 'eval.logp_trace', { iterations: 3, count: 10 }),
        n('recon', 'eval.reconstruction', { count: 10 }),
        n('mask', 'corrupt.mask'),
        n('inpaint', 'eval.inpaint', { rounds: 2, count: 4, show: 2 }),
        n('m_ll', 'output.metric', { name: 'parzen_ll' }),
        n('m_recon', 'output.metric', { name: 'recon_mse' }),
        n('m_before', 'output.metric', { name: 'inpaint_mse_before' }),
        n('s_logp', 'output.series', { name: 'logp_trace' }),
        n('grid', 'output.image_grid', { name: 'samples', count: 6, cols: 3 }),
        n('pic', 'output.image', { name: 'inpainting' }),
      ],
      wires: [
        w('data.x', 'f1.in'), w('f1.out', 'f2.in'), w('f1.out', 'g1.from'), w('data.x', 'g1.to'), w('f2.out', 'g2.from'), w('f1.out', 'g2.to'),
        w('f2.out', 'model.top'), w('g1.decoder', 'model.decoders'), w('g2.decoder', 'model.decoders'),
        w('model.model', 'train.model'), w('data.train', 'train.data'), w('infer.inference', 'train.inference'),
        w('train.model', 'prior.model'), w('data.train', 'prior.data'),
        w('train.model', 'gen.model'), w('prior.prior', 'gen.prior'), w('infer.inference', 'gen.inference'),
        w('train.model', 'jdae.model'), w('prior.prior', 'jdae.prior'),
        w('gen.samples', 'parzen.samples'), w('data.valid', 'parzen.valid'), w('data.test', 'parzen.test'),
        w('train.model', 'logp.model'), w('infer.inference', 'logp.inference'), w('data.test', 'logp.data'),
        w('train.model', 'recon.model'), w('data.test', 'recon.data'),
        w('data.x', 'mask.layer'), w('train.model', 'inpaint.model'), w('infer.inference', 'inpaint.inference'), w('data.test', 'inpaint.data'), w('mask.corruption', 'inpaint.mask'),
        w('parzen.ll', 'm_ll.value'), w('recon.mse', 'm_recon.value'), w('inpaint.before', 'm_before.value'), w('logp.trace', 's_logp.value'),
        w('jdae.samples', 'grid.samples'), w('inpaint.image', 'pic.image'),
      ],
    };
    const r = compileGraph(g, createRegistry());
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    return { plan: r.plan, ops: { ...bengio2015Ops, 'data.mnist': fakeData } };
  }

  it('a tiny graph through runPlan: metrics, series, image grid and picture', async () => {
    const { plan, ops } = tinyRun();
    const events: RunEvent[] = [];
    const s = await runPlan({ plan, backend: 'cpu', options: { outDir: out }, ops, onEvent: (e) => events.push(e) });
    expect(s.error).toBeUndefined();
    expect(s.status).toBe('done');
    expect(s.backend).toBe('cpu');
    expect(Object.keys(s.metrics).sort()).toEqual(['inpaint_mse_before', 'logp_trace', 'loss_f1', 'loss_f2', 'loss_g1', 'loss_g2', 'parzen_ll', 'recon_mse']);
    expect(s.metrics.logp_trace).toHaveLength(4);
    for (const v of [s.metrics.parzen_ll, s.metrics.recon_mse, s.metrics.inpaint_mse_before]) expect(Number.isFinite(v)).toBe(true);
    expect(s.images.sort()).toEqual(['inpainting.png', 'samples.png']);
    const grid = PNG.sync.read(readFileSync(join(out, 'samples.png')));
    expect([grid.width, grid.height]).toEqual([3 * 29 + 1, 2 * 29 + 1]);
    const pic = PNG.sync.read(readFileSync(join(out, 'inpainting.png')));
    expect([pic.width, pic.height]).toEqual([2 * 29 + 1, 3 * 29 + 1]);
    expect(existsSync(join(out, 'inpainting.png'))).toBe(true);
    // One metric event per output (and per module's local loss, from the trainer) and one image event per picture, each naming its node.
    expect(events.filter((e) => e.type === 'metric').map((e) => (e as { node: string }).node).sort()).toEqual(['m_before', 'm_ll', 'm_recon', 's_logp', 'train', 'train', 'train', 'train']);
    expect(events.filter((e) => e.type === 'image').map((e) => (e as { node: string }).node).sort()).toEqual(['grid', 'pic']);
    expect(events.at(-1)).toMatchObject({ type: 'end', status: 'done' });
  });

  it('two nodes recording the same metric name stop the run at the second, naming both (nothing overwritten unseen)', async () => {
    const { plan, ops } = tinyRun();
    // Every Metric node records under one name, whatever its parameter says.
    const same: OpTable = { ...ops, 'output.metric': async (ctx, i) => (ctx.metric('same', i.value as number), {}) };
    const s = await runPlan({ plan, backend: 'cpu', options: {}, ops: same });
    expect(s.status).toBe('error');
    expect(s.error).toMatch(/^m_\w+: the metric "same" is already recorded by m_\w+; give one of them another name$/);
  });

  it('the run frees every tensor it made', async () => {
    const { plan, ops } = tinyRun();
    const before = tf.memory().numTensors;
    const s = await runPlan({ plan, backend: 'cpu', options: {}, ops });
    expect(s.error).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('output.filters', () => {
  // A [4, 2] model, tiles 2 pixels wide. f1's W is [4, 2]: unit 0 takes 2, −1, 0, 1 from the pixels (max|w| 2:
  // gray 1, 0.25, 0.5, 0.75, bytes 255, 64, 128, 191); unit 1 takes nothing (all 0.5, 128). g1's W is [2, 4]:
  // unit 0 draws nothing, unit 1 draws 1, −2, 0, 0 (max 2: gray 0.75, 0, 0.5, 0.5, bytes 191, 0, 128, 128).
  function model42(): HierarchicalModel {
    const m = new HierarchicalModel(tf, { sizes: [4, 2], encoders: [mod('f1', 4, 2)], decoders: [mod('g1', 2, 4)] }, 1);
    setWeights(m.f[0], [[2, 0], [-1, 0], [0, 0], [1, 0]], [0, 0]);
    setWeights(m.g[0], [[0, 0, 0, 0], [1, -2, 0, 0]], [0, 0, 0, 0]);
    return m;
  }
  const tiles = async (inputs: Record<string, unknown>, module: 'f1' | 'g1'): Promise<number[][]> => {
    const ctx = fakeCtx(tf, { node: 'filters' });
    const out = await bengio2015Ops['output.filters'](ctx, inputs, { module, name: 'w', count: 10, cols: 10, image_width: 2 });
    expect(ctx.images.map((i) => i.name)).toEqual(['w']);
    const png = PNG.sync.read((out.image as { png: Buffer }).png);
    expect([png.width, png.height]).toEqual([7, 4]);
    const gray = (x: number, y: number): number => png.data[4 * (y * png.width + x)];
    return [0, 3].map((left) => [gray(left + 1, 1), gray(left + 2, 1), gray(left + 1, 2), gray(left + 2, 2)]);
  };

  it('f1: the weights into each h1 unit; g1: the weights out of it, by hand', async () => {
    const m = model42();
    expect(await tiles({ model: m }, 'f1')).toEqual([[255, 64, 128, 191], [128, 128, 128, 128]]);
    expect(await tiles({ model: m }, 'g1')).toEqual([[128, 128, 128, 128], [191, 0, 128, 128]]);
    m.dispose();
  });

  it('with a reference model, the change w − w_ref; a reference of other sizes is refused', async () => {
    const m = model42();
    const ref = model42();
    setWeights(ref.f[0], [[1, 0], [-1, 0], [0, 0], [0, 0]], [0, 0]);
    // f1 change: unit 0 takes 1, 0, 0, 1 (gray 1, 0.5, 0.5, 1); unit 1 none.
    expect(await tiles({ model: m, reference: ref }, 'f1')).toEqual([[255, 128, 128, 255], [128, 128, 128, 128]]);
    const other = new HierarchicalModel(tf, { sizes: [4, 3], encoders: [mod('f1', 4, 3)], decoders: [mod('g1', 3, 4)] }, 1);
    const ctx = fakeCtx(tf, { node: 'filters' });
    await expect(bengio2015Ops['output.filters'](ctx, { model: m, reference: other }, { module: 'f1', name: 'w', count: 1, cols: 1, image_width: 2 })).rejects.toThrow(
      /the reference model \(4-3\) does not match the model \(4-2\) in x and h1/,
    );
    await expect(bengio2015Ops['output.filters'](ctx, { model: m }, { module: 'f1', name: 'w', count: 1, cols: 1, image_width: 3 })).rejects.toThrow(
      /x has 4 values, not a whole number of rows of 3 pixels \(image_width\)/,
    );
    for (const x of [m, ref, other]) x.dispose();
  });
});
